import ArgumentParser
import Foundation
import SpotClients
import SpotCore
import SpotKit
import SpotServe

struct Serve: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Answer the seed's REST API (and the dashboard) on localhost:6969.",
        discussion: """
        GETs answer from the latest snapshot, rendered in memory: the same JSON as the static API \
        under site/api/, and the dashboard at /. A new snapshot (any new commit) is picked up without a restart. \
        Previews run the planner; execute routes run the apply engine (lock, command log, commit) and are \
        refused with 403 unless --allow-execute is given. /api/openapi.json lists every route; /metrics is \
        Prometheus text. See docs/serve.md.

        Off loopback (--bind), a bearer token is required (--token-env VAR names the variable holding it) and \
        every request must carry it. Requests whose Host is not this server's are refused (DNS rebinding), and \
        POSTs from another site's page are refused.

        Examples:
          spotctl serve
          spotctl serve --allow-execute --port 8080
          SPOTCTL_TOKEN=… spotctl serve --bind 0.0.0.0 --token-env SPOTCTL_TOKEN --allow-host spotctl.internal

        Exit status: 0 stopped by SIGTERM or SIGINT, 1 cannot start (port taken, no repository), 64 bad usage.
        """)

    @OptionGroup var options: RepositoryOptions
    @Option(help: ArgumentHelp("The address to listen on.", valueName: "ADDR")) var bind = "127.0.0.1"
    @Option(help: ArgumentHelp("The port (0 picks a free one).", valueName: "N")) var port = 6969
    @Option(name: .customLong("token-env"), help: ArgumentHelp("The variable holding the bearer token every request must carry.", valueName: "VAR"))
    var tokenEnv: String?
    @Option(name: .customLong("allow-host"), help: ArgumentHelp("A host name (besides localhost) the server answers to; repeat for more.", valueName: "NAME"))
    var allowHost: [String] = []
    @Flag(name: .customLong("allow-execute"), help: "Let the execute routes change the cloud through the apply engine.")
    var allowExecute = false

    func validate() throws {
        guard (0...65535).contains(port) else { throw ValidationError("--port must be between 0 and 65535, not \(port)") }
        if let tokenEnv, tokenEnv.isEmpty { throw ValidationError("--token-env names a variable; it is empty") }
    }

    func run() async throws {
        try await runReportingErrors {
            let context = ProcessContext.current
            let repository = try OperationsRepository.locate(explicit: options.repo, from: context.workingDirectory)
            var serve = ServeOptions()
            serve.bind = bind
            serve.port = port
            serve.allowExecute = allowExecute
            serve.allowedHosts = allowHost
            if let tokenEnv {
                guard let value = context.environment[tokenEnv], value.count >= 16 else {
                    throw SpotError("--token-env \(tokenEnv): the variable is unset or shorter than 16 characters",
                                    hint: "export \(tokenEnv) with a long random value (openssl rand -hex 32)")
                }
                serve.token = Secret(value)
            }
            let server = try await ServeServer.start(repository: repository, context: context, options: serve, signals: true)
            Output.err("serving \(repository.root.path) on http://\(bind.contains(":") ? "[\(bind)]" : bind):\(server.port)/"
                       + (allowExecute ? " (execute routes allowed)" : " (read and preview only; --allow-execute lets execute routes run)"))
            try await server.wait()
        }
    }
}
