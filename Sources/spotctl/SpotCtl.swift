import ArgumentParser
import Foundation
import SpotKit

@main
struct SpotCtl: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "spotctl",
        abstract: "Manage GPU hosts across Nova aggregates, GitOps style.",
        discussion: """
        spotctl works in an operations repository: a git repository whose root holds spotctl.yaml.
        Every command takes --repo DIR; without it, spotctl searches upward from the current folder.
        """,
        version: SpotVersion.current,
        subcommands: [Init.self, Snapshot.self, Diff.self, Render.self, New.self, Recommend.self, PlanCommand.self, Apply.self, Log.self, Serve.self, Demo.self, Config.self, Simulate.self, Unlock.self, Images.self, ServerCommand.self, NetworkCommand.self, FirewallCommand.self]
    )
}

/// Options every command that works on an operations repository takes.
struct RepositoryOptions: ParsableArguments {
    @Option(name: .long, help: ArgumentHelp("The operations repository (default: the one above the current folder).", valueName: "DIR"))
    var repo: String?
}

/// Runs a command body; the one place where errors become messages on standard error and the
/// process's exit status (usage errors are argument-parser's `ValidationError`, exit 64).
func runReportingErrors(_ body: () async throws -> Void) async throws {
    do {
        try await body()
    } catch let error as SpotError {
        Output.err(error.description)
        throw ExitCode(error.exitCode)
    } catch let errors as SpotErrors {
        Output.err(errors.description)
        throw ExitCode(errors.exitCode)
    }
}

/// The process as the libraries see it, resolved once: the environment, the working directory,
/// who acts (git author, command-log user) and the clock.
enum ProcessContext {
    static let current: RunContext = {
        let environment = ProcessInfo.processInfo.environment
        return RunContext(
            environment: environment,
            workingDirectory: URL(fileURLWithPath: FileManager.default.currentDirectoryPath, isDirectory: true),
            identity: Identity.resolve(environment: environment, hostName: ProcessInfo.processInfo.hostName),
            clock: SystemClock(),
            process: .current)
    }()
}
