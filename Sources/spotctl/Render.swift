import ArgumentParser
import Foundation
import SpotKit

struct Render: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Render the static dashboard and the static JSON API of a snapshot into site/.",
        discussion: """
        The site works from file:// and from any static web server, with no network. History pages read
        the git history of inventory/ without a checkout. Templates are built in; a templates/ folder in the
        operations repository overrides them file by file. An existing output folder is replaced only when
        spotctl rendered it.
        """)

    @OptionGroup var options: RepositoryOptions
    @Option(name: .customLong("at"), help: ArgumentHelp("Render the snapshot at this revision (default: the latest snapshot).", valueName: "REV"))
    var revision: String?
    @Option(name: .customLong("out"), help: ArgumentHelp("Where to write the site (default: site/ in the operations repository).", valueName: "DIR"))
    var output: String?
    @Option(name: .customLong("history-limit"), help: "Read at most this many snapshots of history (the newest).")
    var historyLimit = 500
    @Flag(help: "Print how long each phase took, on standard error.") var timings = false

    func validate() throws {
        guard historyLimit > 0 else { throw ValidationError("--history-limit must be at least 1") }
    }

    func run() async throws {
        try await runReportingErrors {
            let context = ProcessContext.current
            let repository = try OperationsRepository.locate(explicit: options.repo, from: context.workingDirectory)
            var renderOptions = SiteBuilder.Options()
            renderOptions.revision = revision
            renderOptions.output = output
            renderOptions.historyLimit = historyLimit
            let outcome = try await SiteBuilder.run(repository: repository, options: renderOptions, context: context)
            if timings {
                for phase in outcome.phases {
                    let line = phase.name.padding(toLength: 20, withPad: " ", startingAt: 0) + String(format: "%.3f s\n", phase.seconds)
                    Output.err(line, terminator: "")
                }
            }
            for note in outcome.notes { Output.err("note: \(note)") }
            Output.out(outcome.summaryLine)
        }
    }
}
