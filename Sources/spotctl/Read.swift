import ArgumentParser
import Foundation
import SpotKit

/// `spotctl images [--region R] [--json]`.
struct Images: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "List Hyperstack's images (live, read-only).",
        discussion: "Exit status: 0 listed, 1 Hyperstack not configured or a request failed, 64 bad usage.")

    @OptionGroup var options: RepositoryOptions
    @Option(help: ArgumentHelp("Only this Hyperstack region (exact, e.g. CANADA-1).", valueName: "REGION")) var region: String?
    @Flag(help: "Print JSON.") var json = false

    func run() async throws {
        try await runReportingErrors {
            let context = ProcessContext.current
            let repository = try OperationsRepository.locate(explicit: options.repo, from: context.workingDirectory)
            Output.out(try await CloudQueries.output(.images(region: region), json: json, repository: repository, context: context), terminator: "")
        }
    }
}

/// `spotctl server show NAME|UUID [--json]`.
struct ServerCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(commandName: "server", abstract: "Read OpenStack servers.",
                                                    subcommands: [ServerShow.self])
}

struct ServerShow: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "show",
        abstract: "Show one server by UUID or exact name: status, host, addresses.",
        discussion: "Names are matched exactly (never a part, never another case). Exit status: 0 shown, 1 not found, several found or a request failed, 64 bad usage.")

    @OptionGroup var options: RepositoryOptions
    @Argument(help: ArgumentHelp("The server's UUID or exact name.", valueName: "NAME|UUID")) var server: String
    @Flag(help: "Print JSON.") var json = false

    func run() async throws {
        try await runReportingErrors {
            let context = ProcessContext.current
            let repository = try OperationsRepository.locate(explicit: options.repo, from: context.workingDirectory)
            Output.out(try await CloudQueries.output(.server(server), json: json, repository: repository, context: context), terminator: "")
        }
    }
}

/// `spotctl network show NAME [--json]`.
struct NetworkCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(commandName: "network", abstract: "Read Neutron networks.",
                                                    subcommands: [NetworkShow.self])
}

struct NetworkShow: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "show",
        abstract: "Show one network by id or exact name.",
        discussion: "Exit status: 0 shown, 1 not found, several found or a request failed, 64 bad usage.")

    @OptionGroup var options: RepositoryOptions
    @Argument(help: ArgumentHelp("The network's id or exact name.", valueName: "NAME|ID")) var network: String
    @Flag(help: "Print JSON.") var json = false

    func run() async throws {
        try await runReportingErrors {
            let context = ProcessContext.current
            let repository = try OperationsRepository.locate(explicit: options.repo, from: context.workingDirectory)
            Output.out(try await CloudQueries.output(.network(network), json: json, repository: repository, context: context), terminator: "")
        }
    }
}

/// `spotctl firewall show ID [--json]`.
struct FirewallCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(commandName: "firewall", abstract: "Read Hyperstack firewalls.",
                                                    subcommands: [FirewallShow.self])
}

struct FirewallShow: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "show",
        abstract: "Show one Hyperstack firewall and the VMs attached to it.",
        discussion: "Exit status: 0 shown, 1 Hyperstack not configured, not found or a request failed, 64 bad usage.")

    @OptionGroup var options: RepositoryOptions
    @Argument(help: ArgumentHelp("The firewall's id.", valueName: "ID")) var id: Int
    @Flag(help: "Print JSON.") var json = false

    func run() async throws {
        try await runReportingErrors {
            let context = ProcessContext.current
            let repository = try OperationsRepository.locate(explicit: options.repo, from: context.workingDirectory)
            Output.out(try await CloudQueries.output(.firewall(id), json: json, repository: repository, context: context), terminator: "")
        }
    }
}
