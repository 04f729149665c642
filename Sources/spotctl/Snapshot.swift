import ArgumentParser
import Foundation
import SpotKit

struct Snapshot: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Fetch the cloud into inventory/ and commit it when the facts changed.",
        discussion: """
        Exit status: 0 done (committed or unchanged), 1 a source or the repository failed (nothing written),
        3 refused by the guard (more than the configured share of hosts or servers lost), 64 bad usage.
        """)

    @OptionGroup var options: RepositoryOptions
    @Flag(name: .customLong("no-commit"), help: "Write the inventory without committing it.") var noCommit = false
    @Flag(help: "Take the snapshot even when it loses more hosts or servers than the guard allows.") var force = false
    @Flag(name: .customLong("progress"), inversion: .prefixedNo,
          help: "Show progress per source (default: on a terminal, off in CI).") var progress: Bool?
    @Flag(help: "Print how long each phase took, on standard error.") var timings = false

    func run() async throws {
        try await runReportingErrors {
            let context = ProcessContext.current
            let repository = try OperationsRepository.locate(explicit: options.repo, from: context.workingDirectory)
            var snapshotOptions = Snapshotter.Options()
            snapshotOptions.commit = !noCommit
            snapshotOptions.force = force
            let environment = context.environment
            let showProgress = progress ?? (isatty(STDERR_FILENO) == 1 && environment["CI"] == nil)
            let outcome = try await Snapshotter.run(repository: repository, options: snapshotOptions, context: context) { line in
                if showProgress || line.hasPrefix("note:") {
                    Output.err(line)
                }
            }
            if timings {
                for name in Snapshotter.Outcome.phaseNames {
                    let line = name.padding(toLength: 20, withPad: " ", startingAt: 0) + String(format: "%.3f s\n", outcome.phaseSeconds[name] ?? 0)
                    Output.err(line, terminator: "")
                }
            }
            Output.out(outcome.summaryLine)
        }
    }
}

struct Diff: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Show what changed between two snapshots: hosts moved between pools, VMs started and stopped, GPU use.",
        discussion: "No revision: the previous snapshot against the latest. One: that revision against the latest. Two: the first against the second.")

    @OptionGroup var options: RepositoryOptions
    @Argument(help: ArgumentHelp("Revisions (commits, HEAD~2, tags).", valueName: "REV")) var revisions: [String] = []

    func validate() throws {
        guard revisions.count <= 2 else { throw ValidationError("diff takes at most two revisions") }
    }

    func run() async throws {
        try await runReportingErrors {
            let repository = try OperationsRepository.locate(explicit: options.repo, from: ProcessContext.current.workingDirectory)
            let result = try await SnapshotComparer.compare(repository: repository, revisions: revisions)
            Output.out(SnapshotComparer.render(result), terminator: "")
        }
    }
}
