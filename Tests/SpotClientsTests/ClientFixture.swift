import Foundation
import Synchronization
import Testing
import SpotCore
import SpotSimulator
@testable import SpotClients

/// A simulated cloud and a transport for one test. `run` always stops both, also when the test
/// body throws.
struct ClientFixture: Sendable {
    let cloud: SimulatedCloud
    let transport: HTTPTransport
    let environment: [String: String]

    /// Retries that are quick enough for tests.
    /// Short delays between attempts; a generous deadline per attempt, because the whole suite
    /// runs side by side on two cores (tests of the deadline pass their own).
    static func fastOptions(attempts: Int = 4, timeout: Double = 60) -> ClientOptions {
        ClientOptions(timeoutSeconds: timeout, maxAttempts: attempts, baseDelay: 0.01, maxDelay: 2)
    }

    static func run(_ scenario: Scenario = DemoScenario.load(), simulator: SimulatorOptions = SimulatorOptions(),
                    client: ClientOptions = ClientFixture.fastOptions(),
                    _ body: (ClientFixture) async throws -> Void) async throws {
        let cloud = try await SimulatedCloud.start(scenario: scenario, options: simulator)
        var options = client
        if simulator.tls, options.caFile == nil, options.verifyTLS { options.caFile = cloud.caFile?.path }
        let transport: HTTPTransport
        do {
            transport = try HTTPTransport(options: options)
        } catch {
            await cloud.stop()
            throw error
        }
        var environment: [String: String] = [:]
        for (key, value) in await cloud.environment() { environment[key] = value }
        let fixture = ClientFixture(cloud: cloud, transport: transport, environment: environment)
        do {
            try await body(fixture)
        } catch {
            await fixture.stop()
            throw error
        }
        await fixture.stop()
    }

    func stop() async {
        await transport.shutdown()
        await cloud.stop()
    }

    // MARK: clients

    func credentials(interface: String? = nil, region: String? = nil, overrides: [String: String] = [:]) throws -> OpenStackCredentials {
        var env = environment
        if let interface { env["OS_INTERFACE"] = interface }
        for (key, value) in overrides { env[key] = value }
        var credentials = try CredentialsResolver.openStack(settings: OpenStackSettings(), environment: env,
                                                            cwd: URL(fileURLWithPath: "/nonexistent"), readFile: { _ in nil })
        if let region { credentials.region = region }
        return credentials
    }

    func session(interface: String? = nil, overrides: [String: String] = [:]) throws -> OpenStackSession {
        OpenStackSession(credentials: try credentials(interface: interface, overrides: overrides), transport: transport)
    }

    func nova(_ session: OpenStackSession, maxMicroversion: String = "2.96", pageSize: Int = 1000) -> NovaClient {
        NovaClient(session: session, maxMicroversion: maxMicroversion, pageSize: pageSize)
    }

    func netBox(key: String? = nil, pageSize: Int = 1000) -> NetBoxClient {
        NetBoxClient(credentials: ServiceCredentials(url: environment["NETBOX_URL"]!, key: Secret(key ?? environment["NETBOX_API_KEY"]!)),
                     transport: transport, pageSize: pageSize)
    }

    func hyperstack(key: String? = nil) -> HyperstackClient {
        HyperstackClient(credentials: ServiceCredentials(url: environment["HYPERSTACK_API_URL"]!,
                                                         key: Secret(key ?? environment["HYPERSTACK_API_KEY"]!)),
                         transport: transport)
    }

    // MARK: simulator

    func stats() async -> RequestStatistics { await cloud.state.statistics() }

    func count(_ service: String, _ route: String) async -> Int {
        await stats().count(service: service, route: route)
    }

    func resetStats() async { await cloud.state.resetStatistics() }

    @discardableResult
    func fault(_ rule: FaultRule) async -> FaultRule { await cloud.state.addFault(rule) }

    /// Every secret the simulated cloud has: the password, application-credential secrets,
    /// NetBox, Hyperstack and RunPod keys.
    func secrets() async -> [String] {
        let c = await cloud.state.world.credentials
        return [c.password, c.netboxToken, c.netboxTokenV2, c.hyperstackAPIKey, c.runpodAPIKey]
            + c.applicationCredentials.map(\.secret)
    }
}

/// Runs a throwing call that must fail with a `ClientError`, and returns it.
func expectClientError<T>(_ body: () async throws(ClientError) -> T,
                          sourceLocation: SourceLocation = #_sourceLocation) async -> ClientError? {
    do throws(ClientError) {
        _ = try await body()
        Issue.record("expected a ClientError", sourceLocation: sourceLocation)
        return nil
    } catch {
        return error
    }
}

/// Runs a throwing call that must succeed, and returns its value (recording the error if not).
func expectNoClientError<T>(_ body: () async throws(ClientError) -> T,
                            sourceLocation: SourceLocation = #_sourceLocation) async -> T? {
    do throws(ClientError) {
        return try await body()
    } catch {
        Issue.record("unexpected ClientError: \(error)", sourceLocation: sourceLocation)
        return nil
    }
}

/// Collects values from `@Sendable` callbacks.
final class Recorder<Value: Sendable>: Sendable {
    private let stored = Mutex<[Value]>([])

    func record(_ value: Value) {
        stored.withLock { $0.append(value) }
    }

    var values: [Value] {
        stored.withLock { $0 }
    }
}

/// Seconds since `start` on a monotonic clock.
func seconds(since start: ContinuousClock.Instant) -> Double {
    let elapsed = ContinuousClock.now - start
    return Double(elapsed.components.seconds) + Double(elapsed.components.attoseconds) / 1e18
}
