import Foundation
import Testing
import TestSupport
import SpotCore
import SpotKit
import SpotServe
@testable import SpotSimulator

/// The seed's requests, copied into `Fixtures/seed-api/requests.txt` (its five curl examples as
/// written, and every other endpoint with its documented body), run literally with curl against
/// `spotctl serve` over a simulated cloud that holds the seed's names
/// (`Fixtures/seed-api/scenario.yaml`: gpu-host-001, L40-n3, L40-n3-spot, RunPod Ubuntu 22.04,
/// storage-network, port-456, server-123, firewall 971).
@Suite struct ServeSeedExamplesTests {
    static let folder = ProjectPaths.root.appendingPathComponent("Tests/SpotKitTests/Fixtures/seed-api")

    static func scenario() throws -> Scenario {
        try ScenarioFile.decode(Data(contentsOf: folder.appendingPathComponent("scenario.yaml")), name: "seed-api scenario.yaml")
    }

    struct Example {
        let command: String
        let status: Int
        var path: String { command.firstMatch(of: /localhost:6969(\/[^ '"]*)/).map { String($0.1) } ?? "" }
    }

    static func examples() throws -> [Example] {
        let text = try String(contentsOf: folder.appendingPathComponent("requests.txt"), encoding: .utf8)
        var out: [Example] = []
        for block in text.components(separatedBy: "\n\n") {
            let lines = block.split(separator: "\n", omittingEmptySubsequences: true).map(String.init)
            guard let expect = lines.first(where: { $0.hasPrefix("# expect ") }),
                  let status = Int(expect.dropFirst("# expect ".count)) else { continue }
            let command = lines.filter { !$0.hasPrefix("#") }.joined(separator: "\n")
            out.append(Example(command: command, status: status))
        }
        return out
    }

    /// Runs one example with curl, the documentation's port replaced by the served one; returns
    /// the HTTP status and the JSON answer.
    static func run(_ example: Example, port: Int) async throws -> (Int, [String: Any]) {
        let command = example.command.replacingOccurrences(of: "localhost:6969", with: "localhost:\(port)")
            + " -sS -o /dev/stdout -w '\\n%{http_code}'"
        // Off the cooperative pool: the server answering curl runs on it.
        let result = try await runProcessOffPool(URL(fileURLWithPath: "/bin/sh"), ["-c", command])
        var lines = result.stdout.split(separator: "\n", omittingEmptySubsequences: false)
        let status = Int(lines.popLast() ?? "") ?? -1
        let body = lines.joined(separator: "\n")
        let json = (try? JSONSerialization.jsonObject(with: Data(body.utf8))) as? [String: Any] ?? [:]
        return (status, json)
    }

    static func configureSite(_ f: SnapshotFixture) throws {
        let file = f.repository.configurationFile
        var text = try String(contentsOf: file, encoding: .utf8)
        let site = "sites:\n  gpu:\n    hyperstack_region: \"CANADA-1\"\n    environment: \"CA1-RunPod\"\n    firewall: 971\n    storage_network: \"storage-network\"\n"
        let range = try #require(text.range(of: "\nsites:\n"))
        text.replaceSubrange(range, with: "\n" + site)
        try Data(text.utf8).write(to: file)
        _ = try f.git("commit", "-qam", "sites: gpu")
    }

    @Test func everyDocumentedRequestRunsLiterallyAndGetsTheDocumentedShape() async throws {
        let examples = try Self.examples()
        #expect(examples.count == 20)
        #expect(Set(examples.map(\.path)).count == 20, "one request per endpoint of the seed")
        try await ServeFixture.run(try Self.scenario(), prepare: Self.configureSite, configure: { $0.allowExecute = true }) { s in
            for example in examples {
                let (status, json) = try await Self.run(example, port: s.server.port)
                #expect(status == example.status, "\(example.path): \(json)")
                #expect(json["status"] as? String == (status == 200 ? "success" : "error"), "\(example.path): \(json)")
                let data = json["data"]
                switch example.path {
                case "/api/preview-migration":
                    let object = try #require(data as? [String: Any])
                    #expect(object["commands"] as? [String] == ["openstack aggregate add host L40-n3-spot gpu-host-001",
                                                                "openstack aggregate remove host L40-n3 gpu-host-001"])
                    #expect(object["validation"] as? [String: Bool] == ["source_exists": true, "target_exists": true, "host_in_source": true])
                case "/api/execute-migration":
                    let object = try #require(data as? [String: Any])
                    for key in ["host", "source_aggregate", "target_aggregate", "commands_executed", "execution_time"] {
                        #expect(object[key] != nil, "execute-migration has no \(key)")
                    }
                case "/api/hyperstack/images":
                    let images = try #require(data as? [[String: Any]])
                    #expect(images.first.map { Set($0.keys).isSuperset(of: ["id", "name", "region", "size", "type"]) } == true)
                case "/api/preview-runpod-launch":
                    let object = try #require(data as? [String: Any])
                    for key in ["command", "masked_command", "estimated_resources"] { #expect(object[key] != nil, "preview has no \(key)") }
                case "/api/gpu-types":
                    let types = try #require(data as? [[String: Any]])
                    #expect(types.first?["name"] as? String == "L40")
                    #expect((types.first?["aggregates"] as? [String: [String]])?["spot"] == ["L40-n3-spot"])
                case "/api/aggregates/L40":
                    let object = try #require(data as? [String: Any])
                    #expect(((object["ondemand"] as? [String: Any])?["name"] as? String)?.hasPrefix("L40-n3") == true)
                    #expect(object["gpu_overview"] != nil)
                case "/api/aggregates/L40/spot":
                    let object = try #require(data as? [String: Any])
                    #expect(object["name"] as? String == "L40-n3-spot")
                    let hosts = try #require(object["hosts"] as? [[String: Any]])
                    #expect(hosts.contains { $0["hostname"] as? String == "gpu-host-002" && $0["vm_count"] as? Int == 2 })
                case "/api/contract-aggregates/L40":
                    let contracts = try #require(data as? [[String: Any]])
                    #expect(contracts.first?["aggregate"] as? String == "Contract-L40-Customer1")
                    #expect(contracts.first?["tenant_info"] != nil)
                case "/api/host-vms/gpu-host-002":
                    let object = try #require(data as? [String: Any])
                    #expect(object["hostname"] as? String == "gpu-host-002")
                    #expect(object["total_vms"] as? Int == 2)
                case "/api/get-target-aggregate":
                    let object = try #require(data as? [String: Any])
                    #expect(object["hostname"] as? String == "gpu-host-003")
                    #expect(object["recommended_aggregate"] as? String == "L40-n3-spot")
                case "/api/openstack/server/get-uuid":
                    #expect((data as? [String: Any])?["server_uuid"] as? String == "3f1c2b4a-0000-4e5f-8a9b-000000000123")
                case "/api/openstack/server/add-network":
                    let world = await s.f.cloud.state.world
                    #expect(world.ports.first { $0.id == "9d6c1b0e-0000-4a1b-8c2d-000000000456" }?.deviceID == "3f1c2b4a-0000-4e5f-8a9b-000000000123")
                case "/api/command-log":
                    let entries = try #require(data as? [[String: Any]])
                    #expect(!entries.isEmpty)
                    #expect(entries.allSatisfy { Set($0.keys).isSuperset(of: ["timestamp", "command", "status", "execution_time", "user"]) })
                case "/api/clear-log":
                    #expect(json["message"] as? String == "Command log cleared successfully")
                default:
                    break
                }
            }
            let world = await s.f.cloud.state.world
            #expect(world.aggregates.first { $0.name == "L40-n3-spot" }?.hosts.contains("gpu-host-001") == true)
            #expect(world.ports.filter { $0.name == "storage-port-001" }.count == 1)
        }
    }

    /// The RunPod workflow of the documentation, on a cloud where gpu-host-001 is a RunPod host.
    @Test func theRunPodWorkflowLaunchesOneVM() async throws {
        var scenario = try Self.scenario()
        for index in scenario.aggregates.indices {
            scenario.aggregates[index].hosts.removeAll { $0 == "gpu-host-001" }
            if scenario.aggregates[index].name == "L40-n3-runpod" { scenario.aggregates[index].hosts.append("gpu-host-001") }
        }
        scenario.servers.removeAll { $0.name == "gpu-host-001" }
        let examples = try Self.examples().filter { ["/api/hyperstack/images", "/api/preview-runpod-launch", "/api/execute-runpod-launch"].contains($0.path) }
        #expect(examples.count == 3)
        try await ServeFixture.run(scenario, prepare: Self.configureSite, configure: { $0.allowExecute = true }) { s in
            for example in examples {
                let (status, json) = try await Self.run(example, port: s.server.port)
                #expect(status == 200, "\(example.path): \(json)")
                let data = json["data"] as? [String: Any]
                if example.path == "/api/execute-runpod-launch" {
                    #expect(data?["status"] as? String == "BUILDING")
                    #expect(data?["flavor"] as? String == "n3-L40x8")
                    for key in ["vm_id", "hostname", "image_name", "network_setup", "firewall_configured"] {
                        #expect(data?.keys.contains(key) == true, "execute-runpod-launch has no \(key)")
                    }
                }
                if example.path == "/api/preview-runpod-launch" {
                    #expect((data?["problems"] as? [Any])?.isEmpty == true, "\(json)")
                    #expect((data?["estimated_resources"] as? [String: Any])?["gpu_count"] as? Int == 8)
                }
            }
            await s.server.app.finishBackgroundWork()
            let records = await s.f.cloud.state.hyperstackRecords()
            #expect(records.vmCreates.map(\.name) == ["gpu-host-001"])
            #expect(records.firewallWrites.count == 1)
            let world = await s.f.cloud.state.world
            #expect(world.ports.filter { $0.name == "gpu-host-001-storage" }.count == 1)
        }
    }
}
