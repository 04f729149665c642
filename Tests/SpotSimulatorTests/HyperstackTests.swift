import Foundation
import Testing
import TestSupport
@testable import SpotSimulator

/// A small Hyperstack: two environments, images and flavors in two regions, a keypair, two
/// firewalls and two running VMs; three compute hosts whose names nest (`CA1-GPU-1` is a part of
/// `CA1-GPU-10`), so that the longest match must win.
enum HyperstackWorld {
    static var scenario: Scenario {
        var scenario = Scenario(
            name: "hyperstack-test",
            hosts: [HostSpec(name: "CA1-GPU-1"), HostSpec(name: "CA1-GPU-10", zone: "az-ca1"), HostSpec(name: "CA1-GPU-2")],
            flavors: [FlavorSpec(id: "900", name: "m1.large"), FlavorSpec(id: "108", name: "n3-L40x8")],
            servers: [ServerSpec(id: "3f1c2b4a-0001-4e5f-8a9b-000000000004", name: "runpod-ca1-gpu-2", host: "CA1-GPU-2",
                                 projectID: "d1c5ab8e4e7a4f5c9d2b3a4c5d6e7f80", flavor: "n3-L40x8")])
        scenario.hyperstack = HyperstackSpec(
            environments: [EnvironmentSpec(id: 1, name: "CA1-RunPod", region: "CANADA-1"),
                           EnvironmentSpec(id: 2, name: "US1-RunPod", region: "US-1")],
            images: [ImageSpec(id: 101, name: "RunPod Ubuntu 22.04", region: "CANADA-1", type: "RunPod"),
                     ImageSpec(id: 102, name: "Ubuntu Server 22.04 LTS R535 CUDA 12.2", region: "CANADA-1", type: "Ubuntu"),
                     ImageSpec(id: 201, name: "RunPod Ubuntu 22.04", region: "US-1", type: "RunPod")],
            flavors: [HyperstackFlavorSpec(id: 1, name: "n3-L40x8", region: "CANADA-1", gpu: "L40", gpuCount: 8),
                      HyperstackFlavorSpec(id: 2, name: "n3-L40x1", region: "CANADA-1", gpu: "L40", gpuCount: 1, cpu: 4, ram: 58.5),
                      HyperstackFlavorSpec(id: 3, name: "n3-H100x8", region: "US-1", gpu: "H100", gpuCount: 8)],
            keypairs: [KeypairSpec(id: 1, name: "runpod", environment: "CA1-RunPod"),
                       KeypairSpec(id: 2, name: "us-key", environment: "US1-RunPod")],
            firewalls: [FirewallSpec(id: 971, name: "RunPod-CA1", environment: "CA1-RunPod", attachments: [5001]),
                        FirewallSpec(id: 972, name: "RunPod-US1", environment: "US1-RunPod")],
            vms: [VMSpec(id: 5001, name: "runpod-ca1-gpu-2", status: "ACTIVE", environment: "CA1-RunPod", flavor: "n3-L40x8",
                         image: "RunPod Ubuntu 22.04", keyName: "runpod", host: "CA1-GPU-2",
                         novaServerID: "3f1c2b4a-0001-4e5f-8a9b-000000000004", fixedIP: "10.100.19.137"),
                  VMSpec(id: 5002, name: "spare-ca1", status: "ACTIVE", environment: "CA1-RunPod", flavor: "n3-L40x1",
                         image: "RunPod Ubuntu 22.04", keyName: "runpod")],
            failingLaunches: ["*-fail-*"])
        return scenario
    }

    static func options(buildDelay: Double) -> SimulatorOptions {
        var options = SimulatorOptions()
        options.buildDelay = buildDelay
        return options
    }

    /// A valid `Create_Instances_Payload`.
    static func launch(_ name: String, count: Int = 1) -> [String: Any] {
        [
            "name": name, "environment_name": "CA1-RunPod", "image_name": "RunPod Ubuntu 22.04",
            "flavor_name": "n3-L40x8", "key_name": "runpod", "count": count, "assign_floating_ip": true,
            "user_data": "#cloud-config\nruncmd: [echo hello]\n", "labels": ["runpod"],
            "security_rules": [["direction": "ingress", "ethertype": "IPv4", "protocol": "tcp",
                                "remote_ip_prefix": "0.0.0.0/0", "port_range_min": 22, "port_range_max": 22]],
        ]
    }
}

extension SimulatorFixture {
    func hyperstack(_ method: String, _ path: String, json: Any? = nil, key: String? = nil) async throws -> HTTPResult {
        let apiKey = await cloud.state.world.credentials.hyperstackAPIKey
        return try await http(method, cloud.hyperstackURL + path, headers: ["api_key": key ?? apiKey, "accept": "application/json"], json: json)
    }

    /// Polls a VM until it leaves CREATING and BUILD (bounded), returning every status seen.
    func pollVM(_ id: Int, attempts: Int = 400) async throws -> [String] {
        var statuses: [String] = []
        for _ in 0..<attempts {
            let result = try await hyperstack("GET", "/core/virtual-machines/\(id)")
            try #require(result.status == 200, "\(result.text)")
            let status = try #require(try result.value()["instance"]?["status"]?.string)
            if statuses.last != status { statuses.append(status) }
            if status != "CREATING" && status != "BUILD" { return statuses }
            try await Task.sleep(nanoseconds: 25_000_000)
        }
        throw TestFailure("VM \(id) still building after \(attempts) polls: \(statuses)")
    }
}

@Suite struct HyperstackTests {
    @Test func aMissingOrWrongAPIKeyIs401() async throws {
        try await SimulatorFixture.run(HyperstackWorld.scenario) { sim in
            let key = await sim.cloud.state.world.credentials.hyperstackAPIKey
            let url = sim.cloud.hyperstackURL + "/core/images"
            let attempts: [[String: String]] = [
                [:],
                ["api_key": "wrong-key"],
                ["api_key": ""],
                // Only the documented header name counts.
                ["api-key": key],
                ["Authorization": "Bearer \(key)"],
            ]
            for headers in attempts {
                let result = try await http("GET", url, headers: headers)
                #expect(result.status == 401, "\(headers.keys.sorted())")
                let body = try result.value()
                #expect(body["status"] == false)
                #expect(body["error_reason"] == "unauthorized")
                #expect(body["message"]?.string?.isEmpty == false)
            }
            #expect(try await sim.hyperstack("GET", "/core/images").status == 200)
        }
    }

    @Test func imagesAreGroupedByRegionAndType() async throws {
        try await SimulatorFixture.run(HyperstackWorld.scenario) { sim in
            let canada = try await sim.hyperstack("GET", "/core/images?region=CANADA-1").value()
            #expect(canada["status"] == true)
            let groups = try #require(canada["images"]?.array)
            #expect(groups.map { "\($0["region_name"]?.string ?? "")/\($0["type"]?.string ?? "")" } == ["CANADA-1/RunPod", "CANADA-1/Ubuntu"])
            #expect(groups.map { $0["images"]?.array?.compactMap { $0["id"]?.int } ?? [] } == [[101], [102]])
            let all = try await sim.hyperstack("GET", "/core/images").value()
            #expect(all["images"]?.array?.count == 3)
        }
    }

    @Test func aLaunchGoesFromCreatingToActiveAndLandsInNovaOnTheNamedHost() async throws {
        try await SimulatorFixture.run(HyperstackWorld.scenario, options: HyperstackWorld.options(buildDelay: 0.2)) { sim in
            let created = try await sim.hyperstack("POST", "/core/virtual-machines", json: HyperstackWorld.launch("runpod-ca1-gpu-10"))
            #expect(created.status == 200, "\(created.text)")
            let body = try created.value()
            #expect(body["status"] == true)
            let instance = try #require(body["instances"]?.array?.first)
            #expect(instance["status"] == "CREATING")
            // Ids go on from the highest existing one.
            #expect(instance["id"] == 5003)
            #expect(instance["labels"] == ["runpod"])
            let statuses = try await sim.pollVM(5003)
            let order = ["CREATING", "BUILD", "ACTIVE"]
            let positions = statuses.compactMap { order.firstIndex(of: $0) }
            #expect(positions.count == statuses.count && positions == positions.sorted(), "\(statuses)")
            #expect(statuses.last == "ACTIVE")

            let world = await sim.cloud.state.world
            let vm = try #require(world.hyperstack.vms.first { $0.id == 5003 })
            #expect(vm.status == "ACTIVE")
            #expect(vm.readyAt == nil)
            // CA1-GPU-10, not CA1-GPU-1: the longest host name the VM's name contains.
            #expect(vm.host == "CA1-GPU-10")
            let server = try #require(world.servers.first { $0.name == "runpod-ca1-gpu-10" })
            #expect(server.id == vm.novaServerID)
            #expect(server.host == "CA1-GPU-10")
            #expect(server.status == "ACTIVE")
            #expect(server.projectID == world.credentials.projectID)
            #expect(server.flavor == "n3-L40x8")
            #expect(server.availabilityZone == "az-ca1")
            // The cloud-init text reaches Nova as base64 user_data, as Nova stores it.
            #expect(vm.userData == "#cloud-config\nruncmd: [echo hello]\n")
            #expect(server.userData == Data("#cloud-config\nruncmd: [echo hello]\n".utf8).base64EncodedString())
            // The control endpoint shows the same state.
            let state = try await http("GET", sim.base + "/__sim/state", headers: sim.control).value()
            let servers = try #require(state["servers"]?.array)
            #expect(servers.contains { $0["name"] == "runpod-ca1-gpu-10" && $0["host"] == "CA1-GPU-10" })
            // Once ACTIVE the VM has its fixed IP.
            let shown = try await sim.hyperstack("GET", "/core/virtual-machines/5003").value()
            #expect(shown["instance"]?["fixed_ip"]?.string?.isEmpty == false)
            #expect(shown["instance"]?["floating_ip"]?.string?.isEmpty == false)
        }
    }

    @Test func theBuildDelayDrivesCreatingBuildAndActive() async throws {
        // A long delay, moved by hand: no dependence on timing.
        try await SimulatorFixture.run(HyperstackWorld.scenario, options: HyperstackWorld.options(buildDelay: 100)) { sim throws in
            let state = sim.cloud.state
            #expect(try await sim.hyperstack("POST", "/core/virtual-machines", json: HyperstackWorld.launch("runpod-ca1-gpu-1")).status == 200)
            func status() async throws -> String? {
                try await sim.hyperstack("GET", "/core/virtual-machines/5003").value()["instance"]?["status"]?.string
            }
            #expect(try await status() == "CREATING")
            // Within the second half of the delay: BUILD.
            let soon = await state.uptime + 10
            await state.mutate { world in world.hyperstack.vms[2].readyAt = soon }
            #expect(try await status() == "BUILD")
            #expect(await state.world.servers.contains { $0.name == "runpod-ca1-gpu-1" } == false)
            // Past the delay: ACTIVE, and in Nova.
            let past = await state.uptime - 1
            await state.mutate { world in world.hyperstack.vms[2].readyAt = past }
            #expect(try await status() == "ACTIVE")
            let servers = await state.world.servers.filter { $0.name == "runpod-ca1-gpu-1" }
            #expect(servers.count == 1)
            #expect(servers.first?.host == "CA1-GPU-1")
            // Further requests change nothing.
            #expect(try await status() == "ACTIVE")
            #expect(await state.world.servers.count == 2)
        }
    }

    @Test func aFailingLaunchEndsInErrorWithoutANovaServer() async throws {
        try await SimulatorFixture.run(HyperstackWorld.scenario, options: HyperstackWorld.options(buildDelay: 0.05)) { sim in
            let created = try await sim.hyperstack("POST", "/core/virtual-machines", json: HyperstackWorld.launch("runpod-fail-ca1-gpu-1"))
            #expect(created.status == 200)
            let statuses = try await sim.pollVM(5003)
            #expect(statuses.last == "ERROR")
            let world = await sim.cloud.state.world
            #expect(!world.servers.contains { $0.name == "runpod-fail-ca1-gpu-1" })
            #expect(world.hyperstack.vms.first { $0.id == 5003 }?.novaServerID == nil)
        }
    }

    @Test func createValidatesItsPayload() async throws {
        try await SimulatorFixture.run(HyperstackWorld.scenario) { sim in
            func create(_ change: (inout [String: Any]) -> Void) async throws -> (Int, JSON) {
                var payload = HyperstackWorld.launch("runpod-new")
                change(&payload)
                let result = try await sim.hyperstack("POST", "/core/virtual-machines", json: payload)
                return (result.status, try result.value())
            }
            for key in ["name", "environment_name", "flavor_name", "key_name", "count"] {
                let (status, body) = try await create { $0[key] = nil }
                #expect(status == 400, "without \(key)")
                #expect(body["error_reason"] == "bad_request")
                #expect(body["message"]?.string?.contains(key) == true)
            }
            #expect(try await create { $0["count"] = "two" }.0 == 400)
            #expect(try await create { $0["name"] = String(repeating: "x", count: 51) }.0 == 400)
            let notFound: [(String, Any, String)] = [
                ("environment_name", "XX1-RunPod", "Environment"),
                ("image_name", "Windows 11", "Image"),
                ("flavor_name", "n3-L40x9", "Flavor"),
                // A flavor or keypair of another region or environment does not count.
                ("flavor_name", "n3-H100x8", "Flavor"),
                ("key_name", "us-key", "Keypair"),
            ]
            for (key, value, word) in notFound {
                let (status, body) = try await create { $0[key] = value }
                #expect(status == 404, "\(key)=\(value)")
                #expect(Set(body.keys) == ["status", "message", "error_reason"])
                #expect(body["status"] == false)
                #expect(body["error_reason"] == "not_found")
                #expect(body["message"]?.string?.contains(word) == true, "\(body)")
            }
            // An image of another region does not count either.
            let (wrongRegion, _) = try await create {
                $0["environment_name"] = "US1-RunPod"
                $0["image_name"] = "Ubuntu Server 22.04 LTS R535 CUDA 12.2"
                $0["flavor_name"] = "n3-H100x8"
                $0["key_name"] = "us-key"
            }
            #expect(wrongRegion == 404)
            // A name already taken.
            let (status, body) = try await create { $0["name"] = "runpod-ca1-gpu-2" }
            #expect(status == 409)
            #expect(body["error_reason"] == "conflict")
            // Not JSON at all.
            let garbage = try await http("POST", sim.cloud.hyperstackURL + "/core/virtual-machines",
                                         headers: ["api_key": await sim.cloud.state.world.credentials.hyperstackAPIKey],
                                         body: Data("name=x".utf8))
            #expect(garbage.status == 400)
            // Nothing was created by any of these.
            #expect(await sim.cloud.state.world.hyperstack.vms.count == 2)
            // count > 1 makes numbered VMs with consecutive ids.
            let (many, created) = try await create { $0["name"] = "batch"; $0["count"] = 2 }
            #expect(many == 200)
            #expect(created["instances"]?.array?.compactMap { $0["name"]?.string } == ["batch-1", "batch-2"])
            #expect(created["instances"]?.array?.compactMap { $0["id"]?.int } == [5003, 5004])
            // The same US launch with the US image is fine: the 404 above was the image's region.
            let (rightRegion, _) = try await create {
                $0["name"] = "us-vm"
                $0["environment_name"] = "US1-RunPod"
                $0["flavor_name"] = "n3-H100x8"
                $0["key_name"] = "us-key"
            }
            #expect(rightRegion == 200)
        }
    }

    @Test func updateAttachmentsReplacesTheListAndShowReflectsIt() async throws {
        try await SimulatorFixture.run(HyperstackWorld.scenario) { sim in
            func attached(_ firewall: Int) async throws -> [Int] {
                let result = try await sim.hyperstack("GET", "/core/firewalls/\(firewall)")
                try #require(result.status == 200)
                return try #require(try result.value()["firewall"]?["attachments"]?.array).compactMap { $0["vm"]?["id"]?.int }
            }
            #expect(try await attached(971) == [5001])
            let both = try await sim.hyperstack("POST", "/core/firewalls/971/update-attachments", json: ["vms": [5001, 5002]])
            #expect(both.status == 200)
            #expect(try both.value()["status"] == true)
            #expect(try await attached(971) == [5001, 5002])
            // A shorter list detaches the VMs left out.
            #expect(try await sim.hyperstack("POST", "/core/firewalls/971/update-attachments", json: ["vms": [5002]]).status == 200)
            #expect(try await attached(971) == [5002])
            let shown = try await sim.hyperstack("GET", "/core/firewalls/971").value()
            let attachment = try #require(shown["firewall"]?["attachments"]?.array?.first)
            #expect(attachment["vm"] == ["id": 5002, "name": "spare-ca1", "flavor": "n3-L40x1", "environment": "CA1-RunPod",
                                         "status": "ACTIVE", "created_at": "2024-01-15T10:30:00"])
            #expect(shown["firewall"]?["environment"] == ["id": 1, "name": "CA1-RunPod", "region": "CANADA-1"])
            // Unknown firewall or VM: 404, and the list is unchanged.
            let noFirewall = try await sim.hyperstack("POST", "/core/firewalls/999/update-attachments", json: ["vms": [5001]])
            #expect(noFirewall.status == 404)
            #expect(try noFirewall.value()["error_reason"] == "not_found")
            let noVM = try await sim.hyperstack("POST", "/core/firewalls/971/update-attachments", json: ["vms": [5001, 9999]])
            #expect(noVM.status == 404)
            #expect(try await attached(971) == [5002])
            #expect(try await sim.hyperstack("POST", "/core/firewalls/971/update-attachments", json: ["vms": "5001"]).status == 400)
            #expect(try await sim.hyperstack("GET", "/core/firewalls/999").status == 404)
            #expect(await sim.cloud.state.world.hyperstack.firewalls.first { $0.id == 971 }?.attachments == [5002])
        }
    }

    @Test func deleteRemovesTheVMItsNovaServerAndItsAttachments() async throws {
        try await SimulatorFixture.run(HyperstackWorld.scenario) { sim in
            let deleted = try await sim.hyperstack("DELETE", "/core/virtual-machines/5001")
            #expect(deleted.status == 200)
            #expect(try deleted.value()["status"] == true)
            #expect(try await sim.hyperstack("GET", "/core/virtual-machines/5001").status == 404)
            let world = await sim.cloud.state.world
            #expect(world.servers.isEmpty)
            #expect(world.hyperstack.firewalls.first { $0.id == 971 }?.attachments == [])
            let again = try await sim.hyperstack("DELETE", "/core/virtual-machines/5001")
            #expect(again.status == 404)
            #expect(try again.value()["error_reason"] == "not_found")
        }
    }

    @Test func listingPagesOldestFirst() async throws {
        try await SimulatorFixture.run(HyperstackWorld.scenario) { sim in
            let second = try await sim.hyperstack("GET", "/core/virtual-machines?page=2&pageSize=1").value()
            #expect(second["count"] == 2)
            #expect(second["page"] == 2)
            #expect(second["instances"]?.array?.compactMap { $0["id"]?.int } == [5002])
            let search = try await sim.hyperstack("GET", "/core/virtual-machines?search=spare").value()
            #expect(search["instances"]?.array?.compactMap { $0["id"]?.int } == [5002])
        }
    }

    @Test func unknownPathsAndMethodsAnswerInHyperstacksFormat() async throws {
        try await SimulatorFixture.run(HyperstackWorld.scenario) { sim in
            let unknown = try await sim.hyperstack("GET", "/core/no-such-thing")
            #expect(unknown.status == 404)
            #expect(try unknown.value()["status"] == false)
            let method = try await sim.hyperstack("PUT", "/core/images")
            #expect(method.status == 405)
            #expect(try await sim.hyperstack("GET", "/core/virtual-machines/abc").status == 404)
        }
    }

    @Test func injectedFaultsUseHyperstacksErrorBody() async throws {
        try await SimulatorFixture.run(HyperstackWorld.scenario) { sim in
            await sim.cloud.state.addFault(FaultRule(service: "hyperstack", status: 429, retryAfter: 1, remaining: 1))
            let limited = try await sim.hyperstack("GET", "/core/images")
            #expect(limited.status == 429)
            #expect(try limited.value()["error_reason"] == "too_many_requests")
            #expect(limited.header("Retry-After") == "1")
            #expect(try await sim.hyperstack("GET", "/core/images").status == 200)
        }
    }

    @Test func globsMatchFailingLaunchNames() {
        #expect(HyperstackHandler.glob("*-fail-*", matches: "runpod-fail-ca1"))
        #expect(HyperstackHandler.glob("*-FAIL-*", matches: "runpod-fail-ca1"))
        #expect(!HyperstackHandler.glob("*-fail-*", matches: "runpod-failure"))
        #expect(HyperstackHandler.glob("exact", matches: "exact"))
        #expect(!HyperstackHandler.glob("exact", matches: "exactly"))
        #expect(HyperstackHandler.glob("a?c*", matches: "abcdef"))
    }
}
