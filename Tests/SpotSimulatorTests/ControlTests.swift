import Foundation
import Testing
import TestSupport
@testable import SpotSimulator

@Suite struct ControlAndFaultTests {
    @Test(arguments: [
        ("nova:/compute/v2.1/servers=status=503x2", FaultRule(service: "nova", path: "/compute/v2.1/servers", status: 503, remaining: 2)),
        ("netbox=latency=20", FaultRule(service: "netbox", latencyMS: 20)),
        ("hyperstack=status=429,retry-after=1x1", FaultRule(service: "hyperstack", status: 429, retryAfter: 1, remaining: 1)),
        ("*=drop", FaultRule(drop: true)),
    ])
    func faultRulesParseFromTheCommandLine(text: String, rule: FaultRule) throws {
        #expect(try FaultRule.parse(text) == rule)
    }

    @Test(arguments: ["nova", "glance=status=500", "nova=explode", "nova=latency=abc"])
    func badFaultRulesAreRefused(text: String) {
        #expect(throws: FaultParseError.self) { try FaultRule.parse(text) }
    }

    @Test func anErrorStatusForTheNextNRequestsThenNormalService() async throws {
        var options = SimulatorOptions()
        options.faults = [try FaultRule.parse("keystone:/identity/v3/projects=status=503x2")]
        try await SimulatorFixture.run(Scenario(name: "faults"), options: options) { sim in
            let token = try await sim.token()
            let first = try await sim.get("/identity/v3/projects", token: token)
            let second = try await sim.get("/identity/v3/projects", token: token)
            let third = try await sim.get("/identity/v3/projects", token: token)
            #expect(first.status == 503)
            #expect((try first.object()["error"] as? [String: Any])?["code"] as? Int == 503)
            #expect(second.status == 503)
            #expect(third.status == 200)
            #expect(await sim.cloud.state.faultRules().isEmpty)
        }
    }

    @Test func faultsSetAtRunTime429WithRetryAfterAndDroppedConnections() async throws {
        try await SimulatorFixture.run(Scenario(name: "faults")) { sim in
            let token = try await sim.token()
            let added = try await http("POST", sim.base + "/__sim/faults", headers: sim.control,
                                       json: ["service": "keystone", "path": "/identity/v3/projects", "status": 429, "retry_after": 3, "remaining": 1])
            #expect(added.status == 201)
            let limited = try await sim.get("/identity/v3/projects", token: token)
            #expect(limited.status == 429)
            #expect(limited.header("Retry-After") == "3")
            #expect(try await sim.get("/identity/v3/projects", token: token).status == 200)

            let drop = try await http("POST", sim.base + "/__sim/faults", headers: sim.control, json: ["service": "keystone", "drop": true]).object()
            let dropID = try #require((drop["fault"] as? [String: Any])?["id"] as? Int)
            // curl, because URLSession quietly retries a request whose connection was dropped.
            let dropped = try await runProcessOffPool(URL(fileURLWithPath: "/usr/bin/curl"), ["-s", "-H", "X-Auth-Token: \(token)", sim.base + "/identity/v3/projects"])
            #expect(dropped.status == 52) // curl: empty reply from server
            #expect(try await http("DELETE", sim.base + "/__sim/faults/\(dropID)", headers: sim.control).status == 204)
            #expect(try await sim.get("/identity/v3/projects", token: token).status == 200)

            _ = try await http("POST", sim.base + "/__sim/faults", headers: sim.control, json: ["service": "keystone", "latency_ms": 3000])
            let slow = try await runProcessOffPool(URL(fileURLWithPath: "/usr/bin/curl"),
                                      ["-s", "--max-time", "0.5", "-H", "X-Auth-Token: \(token)", sim.base + "/identity/v3/projects"])
            #expect(slow.status == 28) // curl: operation timed out
            let cleared = try await http("DELETE", sim.base + "/__sim/faults", headers: sim.control)
            #expect(cleared.status == 204)
            #expect(try await sim.get("/identity/v3/projects", token: token).status == 200)
        }
    }

    @Test func statisticsCountRequestsPerRoute() async throws {
        try await SimulatorFixture.run(Scenario(name: "stats", projects: [ProjectSpec(id: "abc", name: "x")])) { sim in
            let token = try await sim.token()
            for _ in 0..<3 { _ = try await sim.get("/identity/v3/projects", token: token) }
            _ = try await sim.get("/identity/v3/projects/abc", token: token)
            let stats = try await http("GET", sim.base + "/__sim/stats", headers: sim.control).object()
            let keystone = try #require((stats["services"] as? [String: Any])?["keystone"] as? [String: Any])
            let routes = try #require(keystone["routes"] as? [String: Int])
            #expect(routes["GET /identity/v3/projects"] == 3)
            #expect(routes["POST /identity/v3/auth/tokens"] == 1)
            #expect(keystone["total"] as? Int == 5)
            #expect(try await http("DELETE", sim.base + "/__sim/stats", headers: sim.control).status == 204)
            #expect(await sim.cloud.state.statistics().total == 0)
        }
    }

    @Test func theStateCanBeReadBackAsAScenarioAndReplaced() async throws {
        try await SimulatorFixture.run(DemoScenario.load()) { sim in
            let result = try await http("GET", sim.base + "/__sim/state", headers: sim.control)
            #expect(result.status == 200)
            var scenario = try ScenarioFile.decode(result.body, name: "state")
            #expect(scenario == DemoScenario.load())
            scenario.aggregates[0].hosts.append("CA1-ESC812-103")
            let put = try await http("PUT", sim.base + "/__sim/state", headers: sim.control, body: try ScenarioFile.encode(scenario))
            #expect(put.status == 204)
            #expect(await sim.cloud.state.world.aggregates[0].hosts.contains("CA1-ESC812-103"))
            #expect(try await http("GET", sim.base + "/__sim/nothing", headers: sim.control).status == 404)
        }
    }

    @Test func aTokenExpiresAfterItsLifetime() async throws {
        var options = SimulatorOptions()
        options.tokenLifetime = 600
        try await SimulatorFixture.run(Scenario(name: "tokens"), options: options) { sim in
            let token = try await sim.token()
            #expect(try await sim.get("/identity/v3/projects", token: token).status == 200)
            // The simulator's clock moves on by the lifetime, with no waiting.
            #expect(try await http("POST", sim.base + "/__sim/clock", headers: sim.control, json: ["advance_seconds": 601]).status == 200)
            let expired = try await sim.get("/identity/v3/projects", token: token)
            #expect(expired.status == 401)
            #expect((try expired.object()["error"] as? [String: Any])?["title"] as? String == "Unauthorized")
        }
    }
}

@Suite struct LoadTests {
    @Test func aGenerated2000HostCloudServes200ConcurrentRequestsWithoutError() async throws {
        let scenario = ScenarioGenerator(hosts: 2000, seed: 7, vmsPerHost: 10).generate()
        #expect(scenario.servers.count == 20_000)
        try await SimulatorFixture.run(scenario) { sim in
            let token = try await sim.token()
            let c = scenario.credentials
            // Every service at once: Nova server pages and aggregates, NetBox devices, Hyperstack images, Keystone.
            let calls: [(String, [String: String])] = [
                ("/compute/v2.1/servers/detail?all_tenants=1&limit=200", ["X-Auth-Token": token, "OpenStack-API-Version": "compute 2.96"]),
                ("/compute/v2.1/os-aggregates", ["X-Auth-Token": token]),
                ("/netbox/api/dcim/devices/?limit=200&exclude=config_context", ["Authorization": "Token \(c.netboxToken)"]),
                ("/hyperstack/v1/core/images", ["api_key": c.hyperstackAPIKey]),
                ("/identity/v3/projects", ["X-Auth-Token": token]),
            ]
            let statuses = try await withThrowingTaskGroup(of: Int.self) { group in
                for index in 0..<200 {
                    group.addTask {
                        let (path, headers) = calls[index % calls.count]
                        // A generous timeout: the suite runs beside headless browsers on two cores, and a
                        // slow answer on a loaded machine is not an error of the simulator.
                        return try await http("GET", sim.base + path, headers: headers, timeout: 300).status
                    }
                }
                var all: [Int] = []
                for try await status in group { all.append(status) }
                return all
            }
            #expect(statuses.count == 200)
            #expect(statuses.allSatisfy { $0 == 200 })
            let stats = await sim.cloud.state.statistics()
            #expect(stats.count(service: "nova") == 80)
            #expect(stats.count(service: "netbox") == 40)
            #expect(stats.count(service: "hyperstack") == 40)
            #expect(stats.count(service: "keystone") == 41)
        }
    }
}

@Suite struct TLSTests {
    @Test func httpsWithACertificateMadeAtStartIsTrustedThroughItsCAFile() async throws {
        let dir = try TemporaryDirectory()
        defer { dir.remove() }
        var options = SimulatorOptions()
        options.tls = true
        options.tlsDirectory = dir.url
        try await SimulatorFixture.run(Scenario(name: "tls"), options: options) { sim in
            #expect(sim.base.hasPrefix("https://127.0.0.1:"))
            let caFile = try #require(sim.cloud.caFile)
            #expect(await sim.cloud.environment().contains { $0.0 == "OS_CACERT" && $0.1 == caFile.path })
            #expect(await sim.cloud.cloudsYAML().contains("cacert: \"\(caFile.path)\""))
            let curl = URL(fileURLWithPath: "/usr/bin/curl")
            let trusted = try await runProcessOffPool(curl, ["-s", "--cacert", caFile.path, sim.base + "/__sim/health"])
            #expect(trusted.status == 0)
            #expect(trusted.stdout.contains("\"status\": \"ok\""))
            let untrusted = try await runProcessOffPool(curl, ["-s", sim.base + "/__sim/health"])
            #expect(untrusted.status == 60) // curl: peer certificate cannot be authenticated
        }
    }
}

@Suite struct InjectedStatusTests {
    @Test(arguments: [500, 503, 429])
    func everyServiceAnswersAnInjectedStatusInItsOwnErrorFormat(status: Int) async throws {
        try await SimulatorFixture.run(DemoScenario.load()) { sim in
            let calls: [(service: String, path: String, key: String)] = [
                ("keystone", "/identity/v3/projects", "error"),
                ("nova", "/compute/v2.1/os-aggregates", status == 500 ? "computeFault" : status == 503 ? "serviceUnavailable" : "overLimit"),
                ("neutron", "/network/v2.0/networks", "NeutronError"),
                ("netbox", "/netbox/api/dcim/devices/", "detail"),
                ("hyperstack", "/hyperstack/v1/core/images", "error_reason"),
            ]
            for call in calls {
                _ = try await http("POST", sim.base + "/__sim/faults", headers: sim.control,
                                   json: ["service": call.service, "status": status, "retry_after": 2, "remaining": 1])
                let result = try await http("GET", sim.base + call.path)
                #expect(result.status == status, "\(call.service)")
                #expect(try result.object()[call.key] != nil, "\(call.service): \(result.text)")
                #expect(result.header("Retry-After") == "2", "\(call.service)")
            }
            #expect(await sim.cloud.state.faultRules().isEmpty)
        }
    }
}
