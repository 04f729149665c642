import ArgumentParser
import Foundation
import SpotCore
import SpotKit

struct Log: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Print the command log, or archive it (log clear).",
        discussion: """
        The command log is the JSON lines `spotctl apply` writes to log/, one entry per command run against the cloud. \
        `spotctl log` prints the current files at HEAD (not log/archive/); `spotctl log clear` moves them to \
        log/archive/ in one commit, so nothing is lost.
        """,
        subcommands: [LogShow.self, LogClear.self],
        defaultSubcommand: LogShow.self)
}

struct LogShow: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "show",
        abstract: "Print the current command log, oldest first (the default of `spotctl log`).",
        discussion: """
        One line per entry: time, status, duration, user, change file and step, the command, then `=>` with the \
        return code and the output (line breaks written as \\n). --json prints a JSON array of the entries instead.

        Exit status: 0 printed (also when nothing matches), 1 the log cannot be read (a malformed line is named \
        by file:line), 64 bad usage.
        """)

    @OptionGroup var options: RepositoryOptions
    @Option(help: ArgumentHelp("Only commands that name this host.", valueName: "HOST")) var host: String?
    @Option(help: ArgumentHelp("Only commands of this change file (its path or its name).", valueName: "FILE")) var change: String?
    @Option(help: ArgumentHelp("Only entries with this status: success, error or timeout.", valueName: "STATUS")) var status: String?
    @Flag(help: "Print a JSON array of the entries (the log's own keys, sorted).") var json = false

    func validate() throws {
        if let status, CommandLogEntry.Status(rawValue: status) == nil {
            throw ValidationError("--status must be success, error or timeout, not \(status)")
        }
    }

    func run() async throws {
        try await runReportingErrors {
            let repository = try OperationsRepository.locate(explicit: options.repo, from: ProcessContext.current.workingDirectory)
            let filter = CommandLogFilter(host: host, change: change, status: status.flatMap(CommandLogEntry.Status.init(rawValue:)))
            let result = try await CommandLogListing.read(repository: repository, filter: filter)
            if json {
                Output.out(CommandLogFormat.json(result.entries), terminator: "")
                return
            }
            if result.entries.isEmpty {
                let note = result.total == 0
                    ? "the command log is empty (spotctl apply writes it)"
                    : "no entry of the \(result.total) in the command log matches \(filter.description)"
                Output.err(note)
                return
            }
            Output.out(CommandLogFormat.text(result.entries), terminator: "")
        }
    }
}

struct LogClear: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "clear",
        abstract: "Move the current command log files to log/archive/ in one commit (nothing is lost).",
        discussion: """
        Takes the repository's lock, as snapshot and apply do. With nothing to clear, says so and commits nothing.

        Exit status: 0 cleared or nothing to clear, 1 failed (the repository is as it was), 64 bad usage.
        """)

    @OptionGroup var options: RepositoryOptions

    func run() async throws {
        try await runReportingErrors {
            let context = ProcessContext.current
            let repository = try OperationsRepository.locate(explicit: options.repo, from: context.workingDirectory)
            let outcome = try await CommandLogArchiver.clear(repository: repository, context: context)
            for note in outcome.notes { Output.err("note: \(note)") }
            Output.out(outcome.summaryLine)
        }
    }
}
