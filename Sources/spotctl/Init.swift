import ArgumentParser
import Foundation
import SpotKit

struct Init: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "init",
        abstract: "Create an operations repository: spotctl.yaml with every default, a README, .gitignore and a CI workflow.")

    @Argument(help: ArgumentHelp("The folder (default: the current one); created when missing.", valueName: "DIR"))
    var directory: String?

    func run() async throws {
        try await runReportingErrors {
            let context = ProcessContext.current
            let report = try await RepositoryInitializer.create(directory: directory, cwd: context.workingDirectory,
                                                               identity: context.identity, now: context.clock.now())
            Output.out("Created the operations repository \(report.root.path)" + (report.commitID.map { " (commit \($0.prefix(12)))" } ?? ""))
            for file in report.files { Output.out("  \(file)") }
            Output.out("Next: edit spotctl.yaml (spotctl config check), then run spotctl snapshot with your cloud's credentials.")
        }
    }
}
