import Foundation
import Synchronization
import Testing
import SpotCore
import SpotSimulator
@testable import SpotClients

/// An overall deadline per attempt (connect, headers and the whole body), and requests that are
/// not idempotent never sent twice blindly.
@Suite struct DeadlineTests {
    @Test func aBodyThatTricklesFailsAtTheDeadlineNotWhenItEnds() async throws {
        // A deadline of 5 s against a body sent a byte every 100 ms: Hyperstack's image list (over
        // a thousand bytes) would take well over 100 s. The read timeout alone never fires: a byte
        // comes every 100 ms. The margins leave room for a machine busy with the whole suite.
        try await ClientFixture.run(client: ClientFixture.fastOptions(attempts: 1, timeout: 5)) { f in
            await f.fault(FaultRule(service: "hyperstack", trickleMS: 100))
            let start = ContinuousClock.now
            let error = try #require(await expectClientError { () async throws(ClientError) in try await f.hyperstack().images() })
            #expect(seconds(since: start) < 60)
            #expect(error == ClientError(service: "Hyperstack", method: "GET", path: "/hyperstack/v1/core/images", status: nil,
                                         message: "timed out after 5 s", attempts: 1))
        }
    }

    @Test func aGETWhoseBodyTricklesIsRetriedAfterTheDeadline() async throws {
        // One trickling answer (over 100 s), then normal ones: the GET gives up on the first at the
        // 10 s deadline and a retry gets the images, long before the trickle would have ended.
        try await ClientFixture.run(client: ClientFixture.fastOptions(attempts: 4, timeout: 10)) { f in
            await f.fault(FaultRule(service: "hyperstack", trickleMS: 100, remaining: 1))
            let start = ContinuousClock.now
            let images = try await f.hyperstack().images()
            #expect(seconds(since: start) < 60)
            #expect(images.count == 4)
            #expect(await f.count("hyperstack", "GET /hyperstack/v1/core/images") >= 2)
        }
    }
}

@Suite struct RepetitionTests {
    static let portsRoute = "POST /network/v2.0/ports"

    /// A Neutron port creation: a real POST that makes something each time it is sent.
    struct PortRequest {
        let session: OpenStackSession
        let caller: ServiceCaller
        let url: String
        let body: Data

        init(_ f: ClientFixture, name: String) async throws {
            session = try f.session()
            caller = ServiceCaller(service: "Neutron", style: .openStack, transport: f.transport)
            url = URLText.join(NeutronClient.v2Root(try await session.endpoint(type: "network")), "ports")
            let network = try #require(await f.cloud.state.world.networks.first)
            body = Data(#"{"port": {"network_id": "\#(network.id)", "name": "\#(name)"}}"#.utf8)
        }

        func send(_ repetition: Repetition? = nil) async throws(ClientError) -> HTTPTransport.Response {
            try await session.send(caller, "POST", url, headers: [("Content-Type", "application/json"), ("Accept", "application/json")],
                                   body: body, expect: [201], repetition: repetition)
        }

        /// The read-back: is there a port with this name?
        func exists(_ name: String) async -> ReadBack {
            guard let response = try? await session.send(caller, "GET", URLText.with(url, query: [("name", name)])),
                  let object = try? JSONSerialization.jsonObject(with: response.body) as? [String: Any],
                  let ports = object["ports"] as? [Any] else { return .unknown }
            return ports.isEmpty ? .notApplied : .applied
        }
    }

    static func ports(_ f: ClientFixture, named name: String) async -> Int {
        await f.cloud.state.world.ports.filter { $0.name == name }.count
    }

    @Test func aPOSTAnswered503AfterItTookEffectIsNotSentAgain() async throws {
        try await ClientFixture.run { f in
            let request = try await PortRequest(f, name: "probe-503")
            await f.fault(FaultRule(service: "neutron", method: "POST", path: "/network/v2.0/ports", status: 503, after: true, remaining: 1))
            let error = try #require(await expectClientError { () async throws(ClientError) in try await request.send() })
            #expect(error.status == 503)
            #expect(error.attempts == 1)
            #expect(error.message.contains("not sent again"))
            #expect(await f.count("neutron", Self.portsRoute) == 1)
            #expect(await Self.ports(f, named: "probe-503") == 1)
        }
    }

    @Test func aPOSTThatTimesOutAfterItTookEffectIsNotSentAgain() async throws {
        try await ClientFixture.run(client: ClientFixture.fastOptions(attempts: 4, timeout: 6)) { f in
            let request = try await PortRequest(f, name: "probe-timeout")
            await f.fault(FaultRule(service: "neutron", method: "POST", path: "/network/v2.0/ports", latencyMS: 12000, after: true,
                                    remaining: 1))
            let error = try #require(await expectClientError { () async throws(ClientError) in try await request.send() })
            #expect(error.status == nil)
            #expect(error.attempts == 1)
            #expect(error.message.hasPrefix("timed out after 6 s; not sent again"))
            #expect(await f.count("neutron", Self.portsRoute) == 1)
            #expect(await Self.ports(f, named: "probe-timeout") == 1)
        }
    }

    @Test func theReadBackSaysItTookEffect() async throws {
        try await ClientFixture.run { f in
            let request = try await PortRequest(f, name: "probe-checked")
            await f.fault(FaultRule(service: "neutron", method: "POST", path: "/network/v2.0/ports", status: 503, after: true, remaining: 1))
            let checks = Recorder<ReadBack>()
            let error = try #require(await expectClientError { () async throws(ClientError) in
                try await request.send(.checked {
                    let found = await request.exists("probe-checked")
                    checks.record(found)
                    return found
                })
            })
            #expect(checks.values.count == 1)
            #expect(error.tookEffect)
            #expect(error.status == 503)
            #expect(error.message.contains("took effect"))
            #expect(await f.count("neutron", Self.portsRoute) == 1)
            #expect(await Self.ports(f, named: "probe-checked") == 1)
        }
    }

    @Test func theReadBackSaysItDidNotTakeEffectSoItIsSentAgain() async throws {
        try await ClientFixture.run { f in
            let request = try await PortRequest(f, name: "probe-retried")
            // The 503 comes before Neutron sees the request.
            await f.fault(FaultRule(service: "neutron", method: "POST", path: "/network/v2.0/ports", status: 503, remaining: 1))
            let response = try await request.send(.checked { await request.exists("probe-retried") })
            #expect(response.status == 201)
            #expect(await f.count("neutron", Self.portsRoute) == 2)
            #expect(await Self.ports(f, named: "probe-retried") == 1)
        }
    }

    @Test func idempotentRequestsAndKeystonesTokenAreRetried() async throws {
        try await ClientFixture.run { f in
            #expect(Repetition.default(for: "GET").isIdempotent)
            #expect(Repetition.default(for: "put").isIdempotent)
            #expect(Repetition.default(for: "DELETE").isIdempotent)
            #expect(!Repetition.default(for: "POST").isIdempotent)
            #expect(!Repetition.default(for: "PATCH").isIdempotent)
            // Asking for a token changes nothing: retried.
            await f.fault(FaultRule(service: "keystone", method: "POST", status: 503, after: true, remaining: 1))
            let session = try f.session()
            _ = try await session.endpoint(type: "compute")
            #expect(await f.count("keystone", "POST /identity/v3/auth/tokens") == 2)
            // add_host: a repeat answers 409, which the client takes as done.
            let nova = f.nova(session)
            let world = await f.cloud.state.world
            let aggregate = try #require(world.aggregates.first { !$0.hosts.isEmpty })
            let host = try #require(world.hosts.first { !aggregate.hosts.contains($0.name) }).name
            await f.fault(FaultRule(service: "nova", method: "POST", path: "/compute/v2.1/os-aggregates", status: 503, after: true, remaining: 1))
            let updated = try await nova.addHost(host, toAggregate: aggregate.id)
            #expect(updated.hosts.contains(host))
            #expect(await f.count("nova", "POST /compute/v2.1/os-aggregates/{id}/action") == 2)
        }
    }
}

extension Repetition {
    var isIdempotent: Bool {
        if case .idempotent = self { return true }
        return false
    }
}
