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
        subcommands: [Init.self, Snapshot.self, Diff.self, Render.self, Demo.self, ConfigCommand.self, Simulate.self]
    )
}

/// Options every command that works on an operations repository takes.
struct RepositoryOptions: ParsableArguments {
    @Option(name: .long, help: ArgumentHelp("The operations repository (default: the one above the current folder).", valueName: "DIR"))
    var repo: String?
}

/// Runs a command body and turns a `SpotError` into a message on standard error and its exit code.
func runReportingErrors(_ body: () async throws -> Void) async throws {
    do {
        try await body()
    } catch let error as SpotError {
        FileHandle.standardError.write(Data((error.description + "\n").utf8))
        throw ExitCode(error.exitCode)
    }
}

var currentDirectory: URL {
    URL(fileURLWithPath: FileManager.default.currentDirectoryPath, isDirectory: true)
}
