import ArgumentParser
import Foundation
import SpotCore
import SpotKit

/// The `--format` values (the core's `PlanFormat`, which cannot conform here).
enum PlanFormatOption: String, ExpressibleByArgument, CaseIterable {
    case text, markdown, json

    var format: PlanFormat { PlanFormat(rawValue: rawValue)! }
}

/// `spotctl plan` (named so that it does not shadow the core's `Plan`).
struct PlanCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "plan",
        abstract: "Validate the pending change files and print the steps they would run.",
        discussion: """
        Without FILE, every changes/*.yaml, *.yml and *.json in name order. Checked against the latest snapshot, or against
        the live cloud with --refresh. Every problem of every file is reported with its file:line:column; nothing is changed.
        With --format markdown or json, standard output holds only that document (notes go to standard error).
        Exit status: 0 nothing to do, 2 changes to apply, 1 invalid (or the cloud or the repository could not be read), 64 bad usage.
        """)

    @OptionGroup var options: RepositoryOptions
    @Argument(help: ArgumentHelp("Change files (default: all pending ones).", valueName: "FILE")) var files: [String] = []
    @Flag(help: "Validate against the live cloud instead of the latest snapshot.") var refresh = false
    @Option(help: ArgumentHelp("text, markdown (for a pull-request comment) or json.", valueName: "FORMAT")) var format: PlanFormatOption = .text

    func run() async throws {
        try await runReportingErrors {
            let context = ProcessContext.current
            let repository = try OperationsRepository.locate(explicit: options.repo, from: context.workingDirectory)
            let plan = try await ChangePlanner.plan(repository: repository, files: files, refresh: refresh, context: context) { line in
                Output.err(line)
            }
            if format == .text, Output.wantsColour(environment: context.environment) {
                Output.outColouredPlan(plan.text())
            } else {
                Output.out(plan.rendered(format.format), terminator: "")
            }
            if plan.exitCode != 0 { throw ExitCode(plan.exitCode) }
        }
    }
}

struct Recommend: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Print the aggregate a host should move to for a pool, and why (the seed's get-target-aggregate).",
        discussion: "Read from the latest snapshot. Exit status: 0 an aggregate, 1 none (the reasoning says why), 64 bad usage.")

    @OptionGroup var options: RepositoryOptions
    @Argument(help: "The compute host.") var host: String
    @Option(help: ArgumentHelp("spot, ondemand, runpod or contract:NAME.", valueName: "POOL")) var pool: String
    @Flag(help: "Print the seed's JSON (hostname, recommended_aggregate, reasoning).") var json = false

    func run() async throws {
        try await runReportingErrors {
            let context = ProcessContext.current
            let repository = try OperationsRepository.locate(explicit: options.repo, from: context.workingDirectory)
            let recommendation = try await ChangePlanner.recommend(repository: repository, host: host, pool: pool, context: context)
            if json {
                let document: [String: Any] = [
                    "hostname": recommendation.hostname,
                    "gpu_type": recommendation.gpuType ?? NSNull(),
                    "recommended_aggregate": recommendation.aggregate ?? NSNull(),
                    "reasoning": recommendation.reasoning,
                ]
                let data = try JSONSerialization.data(withJSONObject: document, options: [.prettyPrinted, .sortedKeys, .withoutEscapingSlashes])
                Output.out(String(decoding: data, as: UTF8.self))
            } else {
                Output.out("\(recommendation.hostname): \(recommendation.aggregate ?? "none") (\(recommendation.reasoning))")
            }
            if recommendation.aggregate == nil { throw ExitCode(1) }
        }
    }
}

struct New: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Write a new change file.",
        subcommands: [NewMigration.self])
}

struct NewMigration: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "migration",
        abstract: "Write changes/<date>-<slug>.yaml moving hosts to a pool or an aggregate, and print its path.",
        discussion: """
        Each host's from: is filled from the latest snapshot. The entries are planned before the file is written: when one
        is invalid, every problem is printed and nothing is written (exit 1).
        """)

    @OptionGroup var options: RepositoryOptions
    @Argument(help: "The hosts to move.") var hosts: [String]
    @Option(help: ArgumentHelp("spot, ondemand, runpod, contract:NAME or an aggregate.", valueName: "TARGET")) var to: String
    @Option(help: "Why: written as the file's reason: key.") var reason: String?
    @Flag(name: .customLong("allow-vms"), help: "Let hosts with VMs leave a pool other than spot (allow_vms: true).") var allowVMs = false

    func validate() throws {
        guard !hosts.isEmpty else { throw ValidationError("name at least one host") }
        guard !to.isEmpty else { throw ValidationError("--to needs a pool or an aggregate") }
    }

    func run() async throws {
        try await runReportingErrors {
            let context = ProcessContext.current
            let repository = try OperationsRepository.locate(explicit: options.repo, from: context.workingDirectory)
            let written = try await ChangePlanner.newMigration(repository: repository, hosts: hosts, to: to, reason: reason,
                                                                    allowVMs: allowVMs, context: context)
            for warning in written.plan.warnings { Output.err(warning.description) }
            Output.out(written.path)
        }
    }
}
