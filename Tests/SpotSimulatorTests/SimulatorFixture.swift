import Foundation
import TestSupport
@testable import SpotSimulator

/// A running simulated cloud for one test, with a Keystone token at hand.
struct SimulatorFixture: Sendable {
    public let cloud: SimulatedCloud

    public static func start(_ scenario: Scenario, options: SimulatorOptions = SimulatorOptions()) async throws -> SimulatorFixture {
        SimulatorFixture(cloud: try await SimulatedCloud.start(scenario: scenario, options: options))
    }

    public func stop() async { await cloud.stop() }

    /// Runs `body` with a simulator started on `scenario`, and always awaits `stop()` afterwards,
    /// also when `body` throws.
    static func run(_ scenario: Scenario, options: SimulatorOptions = SimulatorOptions(),
                    _ body: (SimulatorFixture) async throws -> Void) async throws {
        try await withAsyncTeardown({ try await start(scenario, options: options) }, body: body, tearDown: { await $0.stop() })
    }

    public var base: String { cloud.baseURL }

    /// The header the control endpoints (`/__sim/`) need: the simulator's own token.
    public var control: [String: String] { ["X-Simulator-Token": cloud.controlToken] }

    /// A project-scoped token for the scenario's admin user (password method, user by name).
    public func token() async throws -> String {
        let c = await cloud.state.world.credentials
        let body: [String: Any] = ["auth": [
            "identity": ["methods": ["password"], "password": ["user": [
                "name": c.username, "domain": ["name": c.userDomain], "password": c.password,
            ]]],
            "scope": ["project": ["name": c.project, "domain": ["name": c.projectDomain]]],
        ]]
        let result = try await http("POST", cloud.identityURL + "/v3/auth/tokens", json: body)
        guard result.status == 201, let token = result.header("X-Subject-Token") else {
            throw TestFailure("authentication failed: \(result.status) \(result.text)")
        }
        return token
    }

    /// GET with a token and, for Nova, a microversion.
    public func get(_ path: String, token: String, microversion: String? = nil, headers: [String: String] = [:]) async throws -> HTTPResult {
        var all = headers
        all["X-Auth-Token"] = token
        if let microversion { all["OpenStack-API-Version"] = "compute \(microversion)" }
        return try await http("GET", base + path, headers: all)
    }
}
