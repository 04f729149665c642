import Foundation
import Testing
import TestSupport
@testable import SpotSimulator

/// The simulator's record of what Hyperstack was asked to change, and a fault's own message.
@Suite struct HyperstackRecordsTests {
    @Test func createsAndFirewallWritesAreRecordedAndServed() async throws {
        try await SimulatorFixture.run(DemoScenario.load()) { sim in
            let key = await sim.cloud.state.world.credentials.hyperstackAPIKey
            let headers = ["api_key": key]
            let body: [String: Any] = ["name": "runpod-ca1-esc812-103", "environment_name": "CA1-RunPod", "flavor_name": "n3-L40x8",
                                       "image_name": "RunPod Ubuntu 22.04", "key_name": "runpod", "count": 1]
            let made = try await http("POST", sim.base + "/hyperstack/v1/core/virtual-machines", headers: headers, json: body)
            #expect(made.status == 200)
            // A refused create (the name is taken) is not a VM made.
            #expect(try await http("POST", sim.base + "/hyperstack/v1/core/virtual-machines", headers: headers, json: body).status == 409)
            let id = try #require(await sim.cloud.state.world.hyperstack.vms.first { $0.name == "runpod-ca1-esc812-103" }?.id)
            let grow = try await http("POST", sim.base + "/hyperstack/v1/core/firewalls/971/update-attachments", headers: headers,
                                      json: ["vms": [5001, id]])
            #expect(grow.status == 200)
            // A write that leaves 5001 out detaches it; the record shows it.
            _ = try await http("POST", sim.base + "/hyperstack/v1/core/firewalls/971/update-attachments", headers: headers, json: ["vms": [id]])
            let records = await sim.cloud.state.hyperstackRecords()
            #expect(records.vmCreates.map(\.name) == ["runpod-ca1-esc812-103"])
            #expect(records.firewallWrites.map(\.vms) == [[5001, id], [id]])
            #expect(records.firewallWrites.map(\.detached) == [[], [5001]])

            let served = try await http("GET", sim.base + "/__sim/hyperstack/records", headers: sim.control).object()
            #expect((served["vm_creates"] as? [[String: Any]])?.first?["name"] as? String == "runpod-ca1-esc812-103")
            #expect((served["firewall_writes"] as? [[String: Any]])?.last?["before"] as? [Int] == [5001, id])
            #expect(try await http("GET", sim.base + "/__sim/hyperstack/records").status == 401)
        }
    }

    @Test func aFaultCanCarryTheServicesOwnMessage() async throws {
        try await SimulatorFixture.run(DemoScenario.load()) { sim in
            let added = try await http("POST", sim.base + "/__sim/faults", headers: sim.control,
                                       json: ["service": "hyperstack", "status": 409, "remaining": 1, "message": "Not ready yet"])
            #expect(added.status == 201)
            #expect(try added.object()["fault"].flatMap { ($0 as? [String: Any])?["message"] as? String } == "Not ready yet")
            let key = await sim.cloud.state.world.credentials.hyperstackAPIKey
            let answer = try await http("GET", sim.base + "/hyperstack/v1/core/images", headers: ["api_key": key])
            #expect(answer.status == 409)
            #expect(try answer.object()["message"] as? String == "Not ready yet")
        }
    }

    /// A VM whose name matches `failing_launches` ends in ERROR, on the simulator's clock.
    @Test func aFailingLaunchEndsInError() async throws {
        var options = SimulatorOptions()
        options.buildDelay = 1000
        try await SimulatorFixture.run(DemoScenario.load(), options: options) { sim in
            let key = await sim.cloud.state.world.credentials.hyperstackAPIKey
            let body: [String: Any] = ["name": "runpod-fail-1", "environment_name": "CA1-RunPod", "flavor_name": "n3-L40x8",
                                       "image_name": "RunPod Ubuntu 22.04", "key_name": "runpod", "count": 1]
            #expect(try await http("POST", sim.base + "/hyperstack/v1/core/virtual-machines", headers: ["api_key": key], json: body).status == 200)
            await sim.cloud.state.advanceClock(by: 1200)
            let listed = try await http("GET", sim.base + "/hyperstack/v1/core/virtual-machines?search=runpod-fail-1", headers: ["api_key": key]).object()
            #expect((listed["instances"] as? [[String: Any]])?.first?["status"] as? String == "ERROR")
        }
    }
}
