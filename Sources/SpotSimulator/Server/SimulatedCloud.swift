public import Foundation
import Hummingbird
import HummingbirdCore
import HummingbirdTLS
import Logging
import NIOCore
import ServiceLifecycle

/// A running simulated cloud: Keystone, Nova, Neutron, NetBox and Hyperstack on one loopback port,
/// each under its own path prefix (`/identity`, `/compute`, `/network`, `/netbox`, `/hyperstack`),
/// with control endpoints under `/__sim/`.
public final class SimulatedCloud: Sendable {
    public let state: CloudState
    public let port: Int
    public let scheme: String
    /// With `--tls`: the CA certificate clients must trust.
    public let caFile: URL?
    private let group: ServiceGroup
    private let runner: Task<Void, any Error>

    /// The base URL every service hangs off (`http://127.0.0.1:PORT`).
    public var baseURL: String { "\(scheme)://127.0.0.1:\(port)" }

    public var identityURL: String { baseURL + "/identity" }
    public var computeURL: String { baseURL + "/compute/v2.1" }
    public var networkURL: String { baseURL + "/network" }
    public var netboxURL: String { baseURL + "/netbox" }
    public var hyperstackURL: String { baseURL + "/hyperstack/v1" }

    private init(state: CloudState, port: Int, scheme: String, caFile: URL?, group: ServiceGroup, runner: Task<Void, any Error>) {
        self.state = state
        self.port = port
        self.scheme = scheme
        self.caFile = caFile
        self.group = group
        self.runner = runner
    }

    /// Starts the simulator and returns once it listens.
    public static func start(scenario: Scenario, options: SimulatorOptions = SimulatorOptions()) async throws -> SimulatedCloud {
        guard options.host == "127.0.0.1" || options.host == "::1" || options.host == "localhost" else {
            throw SimulatorError("the simulator listens on loopback only, not \(options.host)")
        }
        let state = CloudState(scenario: scenario, options: options)
        let dispatcher = Dispatcher(state: state)
        var logger = Logger(label: "spotctl.simulator")
        logger.logLevel = .error
        let (portStream, portContinuation) = AsyncStream.makeStream(of: Int.self)
        var server: HTTPServerBuilder = .http1()
        var caFile: URL?
        if options.tls {
            let directory = options.tlsDirectory
                ?? FileManager.default.temporaryDirectory.appendingPathComponent("spotctl-simulator-tls-\(UUID().uuidString)")
            let material = try TLSMaterial.make(in: directory)
            server = try .tls(.http1(), tlsConfiguration: material.configuration)
            caFile = material.caFile
        }
        let app = Application(
            responder: CallbackResponder { (request: Request, context: SimContext) in
                try await dispatcher.respond(to: request, context: context)
            },
            server: server,
            configuration: ApplicationConfiguration(address: .hostname(options.host, port: options.port),
                                                    serverName: "spotctl-simulator"),
            onServerRunning: { channel in
                portContinuation.yield(channel.localAddress?.port ?? 0)
                portContinuation.finish()
            },
            logger: logger)
        let group = ServiceGroup(configuration: .init(services: [app], gracefulShutdownSignals: [], logger: logger))
        let runner = Task {
            do {
                try await group.run()
            } catch {
                portContinuation.finish()
                throw error
            }
        }
        var port = 0
        for await bound in portStream {
            port = bound
            break
        }
        guard port > 0 else {
            let failure = await runner.result
            if case .failure(let error) = failure {
                throw SimulatorError("the simulator could not listen on \(options.host):\(options.port): \(error)")
            }
            throw SimulatorError("the simulator could not listen on \(options.host):\(options.port)")
        }
        return SimulatedCloud(state: state, port: port, scheme: options.tls ? "https" : "http", caFile: caFile,
                              group: group, runner: runner)
    }

    /// Stops listening and waits until the server has shut down.
    public func stop() async {
        await group.triggerGracefulShutdown()
        _ = await runner.result
    }

    /// Waits until the server stops (for `spotctl simulate`, which runs until interrupted).
    public func wait() async throws {
        try await runner.value
    }

    /// The environment a client needs, in order: `OS_*`, NetBox, Hyperstack and RunPod.
    public func environment() async -> [(String, String)] {
        let credentials = await state.world.credentials
        return [
            ("OS_AUTH_URL", identityURL + "/v3"),
            ("OS_IDENTITY_API_VERSION", "3"),
            ("OS_USERNAME", credentials.username),
            ("OS_PASSWORD", credentials.password),
            ("OS_PROJECT_NAME", credentials.project),
            ("OS_USER_DOMAIN_NAME", credentials.userDomain),
            ("OS_PROJECT_DOMAIN_NAME", credentials.projectDomain),
            ("OS_REGION_NAME", await state.world.region),
            ("OS_INTERFACE", "public"),
        ] + (caFile.map { [("OS_CACERT", $0.path)] } ?? []) + [
            ("NETBOX_URL", netboxURL),
            ("NETBOX_API_KEY", credentials.netboxToken),
            ("HYPERSTACK_API_URL", hyperstackURL),
            ("HYPERSTACK_API_KEY", credentials.hyperstackAPIKey),
            ("RUNPOD_API_KEY", credentials.runpodAPIKey),
        ]
    }

    /// A `clouds.yaml` document with one cloud, `simulated`.
    public func cloudsYAML(name: String = "simulated") async -> String {
        let c = await state.world.credentials
        let region = await state.world.region
        return """
        clouds:
          \(name):
            auth_type: password
            auth:
              auth_url: "\(identityURL)/v3"
              username: "\(c.username)"
              password: "\(c.password)"
              project_name: "\(c.project)"
              user_domain_name: "\(c.userDomain)"
              project_domain_name: "\(c.projectDomain)"
            region_name: "\(region)"
            interface: public
            identity_api_version: 3\(caFile.map { "\n    cacert: \"\($0.path)\"" } ?? "")

        """
    }
}

public struct SimulatorError: Error, Sendable, CustomStringConvertible {
    public let description: String
    public init(_ description: String) { self.description = description }
}

/// The request context: Hummingbird's core storage plus the channel, so a fault can drop the
/// connection.
struct SimContext: RequestContext {
    var coreContext: CoreRequestContextStorage
    let channel: any Channel

    init(source: ApplicationRequestContextSource) {
        coreContext = .init(source: source)
        channel = source.channel
    }

    var maxUploadSize: Int { 64 * 1024 * 1024 }
}
