import ArgumentParser
import Foundation
import SpotApply
import SpotKit

struct Apply: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Run the pending change files against the cloud, log every command, and commit the result.",
        discussion: """
        Runs the given change files, or every pending changes/*.yaml|yml|json in name order (docs/apply.md). Each host is
        added to its target before it leaves its source; a step whose effect is already there is skipped, so running
        apply again continues a run that stopped. An entry whose plan no longer holds against the live cloud (drift) is
        not run. Finished files move to changes/applied/ with their outcome; the command log, the moved files and a new
        snapshot are committed together.
        Exit status: 0 all done (or nothing to do), 1 something failed (a step, an invalid change file, the
        verification; the report says what to run next), 3 nothing failed but something was refused (the lock is held,
        an entry drifted), 64 bad usage.
        """)

    @OptionGroup var options: RepositoryOptions
    @Argument(help: ArgumentHelp("Change files to apply (default: every pending one).", valueName: "FILE")) var files: [String] = []
    @Flag(name: .customLong("dry-run"), help: "Re-read and re-validate against the live cloud, print what would run, write nothing.")
    var dryRun = false

    func run() async throws {
        try await runReportingErrors {
            let context = ProcessContext.current
            let repository = try OperationsRepository.locate(explicit: options.repo, from: context.workingDirectory)
            var applyOptions = ApplyEngine.Options()
            applyOptions.files = files
            applyOptions.dryRun = dryRun
            let report = try await ApplyEngine.run(repository: repository, options: applyOptions, context: context) { line in
                Output.err(line)
            }
            for note in report.notes { Output.err(note) }
            for line in report.lines { Output.out(line) }
            if report.exitCode != 0 { throw ExitCode(report.exitCode) }
        }
    }
}
