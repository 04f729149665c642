import Foundation
import Testing
import TestSupport
@testable import SpotSimulator

/// A Nova cell that cannot be reached (`cell_down` on a host), and the faults that break answers
/// the way a stalled or rewriting proxy does.
@Suite struct DownCellAndFaultTests {
    static func scenario() -> Scenario {
        var scenario = NovaWorld.scenario()
        scenario.hosts[0].cellDown = true // gpu-a: servers 1 and 2
        return scenario
    }

    @Test func from269ADownCellsServersAndServicesAreBareUnknownRecords() async throws {
        try await NovaTestCloud.run(Self.scenario()) { cloud in
            let body = try await cloud.get("/compute/v2.1/servers/detail?all_tenants=1", version: "2.69")
            let servers = try #require(body["servers"]?.array)
            #expect(servers.count == 6)
            for id in [NovaWorld.serverID(1), NovaWorld.serverID(2)] {
                let server = try #require(servers.first { $0["id"]?.string == id })
                #expect(Set(server.object?.map(\.0) ?? []) == ["created", "id", "links", "status", "tenant_id"])
                #expect(server["status"] == "UNKNOWN")
            }
            #expect(servers.filter { $0["status"] == "UNKNOWN" }.count == 2)
            let services = try #require(try await cloud.get("/compute/v2.1/os-services?binary=nova-compute", version: "2.69")["services"]?.array)
            #expect(services.first { $0["host"] == "gpu-a" } == ["binary": "nova-compute", "host": "gpu-a", "status": "UNKNOWN"])
            #expect(services.count == 4)
        }
    }

    @Test func before269ADownCellIsLeftOut() async throws {
        try await NovaTestCloud.run(Self.scenario()) { cloud in
            let servers = try #require(try await cloud.get("/compute/v2.1/servers/detail?all_tenants=1", version: "2.68")["servers"]?.array)
            #expect(servers.count == 4)
            #expect(!servers.contains { $0["id"]?.string == NovaWorld.serverID(1) })
            let services = try #require(try await cloud.get("/compute/v2.1/os-services?binary=nova-compute", version: "2.68")["services"]?.array)
            #expect(services.count == 3)
        }
    }

    @Test func theDownCellFlagRoundTripsThroughTheScenarioAndIsLeftOutWhenOff() throws {
        let encoded = try JSONEncoder().encode(Self.scenario())
        #expect(try JSONDecoder().decode(Scenario.self, from: encoded).hosts[0].cellDown)
        let plain = String(decoding: try JSONEncoder().encode(NovaWorld.scenario()), as: UTF8.self)
        #expect(!plain.contains("cell_down"))
    }

    @Test(arguments: [
        ("netbox=trickle=2000", FaultRule(service: "netbox", trickleMS: 2000)),
        ("neutron:/network/v2.0/ports=status=503,afterx1", FaultRule(service: "neutron", path: "/network/v2.0/ports", status: 503,
                                                                    after: true, remaining: 1)),
        ("netbox=strip-paging,count-offset=2", FaultRule(service: "netbox", stripPaging: true, countOffset: 2)),
    ])
    func theNewFaultActionsParse(text: String, rule: FaultRule) throws {
        #expect(try FaultRule.parse(text) == rule)
    }

    @Test func aBodyTricklesAndAnAfterFaultKeepsTheServicesEffect() async throws {
        try await NovaTestCloud.run { cloud in
            _ = try await http("POST", cloud.base + "/__sim/faults", headers: cloud.control,
                               json: ["service": "neutron", "method": "POST", "path": "/network/v2.0/ports", "status": 503, "after": true,
                                      "remaining": 1])
            let created = try await cloud.call("POST", "/network/v2.0/ports",
                                               json: ["port": ["network_id": NovaWorld.privateNet, "name": "made-anyway"]])
            #expect(created.status == 503)
            #expect(await cloud.sim.cloud.state.world.ports.contains { $0.name == "made-anyway" })

            _ = try await http("POST", cloud.base + "/__sim/faults", headers: cloud.control, json: ["service": "nova", "trickle_ms": 300, "remaining": 1])
            // curl stops after 1 s: the headers came at once, the body had not finished.
            let slow = try await runProcessOffPool(URL(fileURLWithPath: "/usr/bin/curl"),
                                                   ["-s", "-o", "/dev/null", "-w", "%{http_code}", "--max-time", "1",
                                                    "-H", "X-Auth-Token: \(cloud.token)", cloud.base + "/compute/v2.1/os-aggregates"])
            #expect(slow.status == 28) // curl: operation timed out
        }
    }
}
