import ArgumentParser
import Foundation
import SpotKit

struct Config: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "config",
        abstract: "Check or show the configuration (spotctl.yaml).",
        subcommands: [Check.self, Show.self]
    )

    struct Check: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Check a configuration file; print every problem as file:line:column: key: message.")

        @OptionGroup var options: RepositoryOptions

        @Argument(help: ArgumentHelp("A spotctl.yaml, or a folder holding one (default: the operations repository's).", valueName: "PATH"))
        var path: String?

        func run() async throws {
            try await runReportingErrors {
                let report = try ConfigReport.check(path: path, repo: options.repo, cwd: ProcessContext.current.workingDirectory)
                Output.out(report.summary)
            }
        }
    }

    struct Show: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Print the effective configuration with the defaults filled in (secrets never shown).")

        @OptionGroup var options: RepositoryOptions

        func run() async throws {
            try await runReportingErrors {
                let text = try ConfigReport.show(repo: options.repo, cwd: ProcessContext.current.workingDirectory,
                                                   environment: ProcessContext.current.environment)
                Output.out(text, terminator: "")
            }
        }
    }
}
