import AsyncHTTPClient
import Foundation
import NIOCore
import NIOHTTP1
import Testing
import TestSupport
import SpotAPI
import SpotApply
import SpotClients
import SpotCore
import SpotSimulator
@testable import SpotKit
@testable import SpotServe

/// `spotctl serve` over a real repository and the simulated cloud, through real HTTP.
struct ServeFixture {
    let f: SnapshotFixture
    let server: ServeServer
    let client: HTTPClient
    let context: RunContext

    static func run(_ scenario: Scenario = DemoScenario.load(), prepare: (SnapshotFixture) throws -> Void = { _ in },
                    configure: (inout ServeOptions) -> Void = { _ in },
                    _ body: (ServeFixture) async throws -> Void) async throws {
        try await SnapshotFixture.run(scenario) { f in
            try prepare(f)
            _ = try await f.snapshot()
            let context = RunContext(environment: f.options.environment, workingDirectory: f.repository.root,
                                     identity: Identity(name: "spotctl serve", email: "serve@spotctl.invalid"),
                                     clock: FixedClock(Date(timeIntervalSince1970: 1_800_001_000)))
            var options = ServeOptions()
            options.port = 0
            options.clientOptions = f.options.clientOptions
            options.pollInterval = .seconds(3600)  // tests refresh by hand
            var launch = LaunchRunner.Options()
            let cloud = f.cloud
            launch.sleep = { seconds in await cloud.state.advanceClock(by: seconds) }
            options.launchOptions = launch
            configure(&options)
            let server = try await ServeServer.start(repository: f.repository, context: context, options: options)
            let client = HTTPClient(eventLoopGroupProvider: .singleton)
            let fixture = ServeFixture(f: f, server: server, client: client, context: context)
            do {
                try await body(fixture)
            } catch {
                try? await client.shutdown()
                await server.stop()
                throw error
            }
            try await client.shutdown()
            await server.stop()
        }
    }

    struct Answer {
        let status: Int
        let headers: [(String, String)]
        let body: Data

        var json: [String: Any] { ((try? JSONSerialization.jsonObject(with: body)) as? [String: Any]) ?? [:] }
        var data: Any? { json["data"] }
        var object: [String: Any] { (data as? [String: Any]) ?? [:] }
        var error: String { json["error"] as? String ?? "" }
        var text: String { String(decoding: body, as: UTF8.self) }
        func header(_ name: String) -> String? { headers.first { $0.0.lowercased() == name.lowercased() }?.1 }
    }

    func request(_ method: String, _ path: String, json: String? = nil, headers: [(String, String)] = []) async throws -> Answer {
        var request = HTTPClientRequest(url: server.baseURL + path)
        request.method = .init(rawValue: method)
        if let json {
            request.headers.add(name: "Content-Type", value: "application/json")
            request.body = .bytes(ByteBuffer(string: json))
        }
        for (name, value) in headers { request.headers.replaceOrAdd(name: name, value: value) }
        let response = try await client.execute(request, timeout: .seconds(60))
        let body = try await response.body.collect(upTo: 64 << 20)
        return Answer(status: Int(response.status.code), headers: response.headers.map { ($0.name, $0.value) },
                      body: Data(body.readableBytesView))
    }

    func get(_ path: String) async throws -> Answer { try await request("GET", path) }
    func post(_ path: String, _ json: String) async throws -> Answer { try await request("POST", path, json: json) }

    /// The same request through the router without HTTP, for headers a client would not send.
    func direct(_ method: String, _ path: String, headers: [String: String], body: String = "") async -> ServeResponse {
        var all = ["host": "127.0.0.1:\(server.port)"]
        for (name, value) in headers { all[name.lowercased()] = value }
        return await server.app.respond(ServeRequest(method: method, path: path, headers: all, body: Data(body.utf8)))
    }
}

@Suite struct ServeReadTests {
    /// Every GET of the static API families answers the bytes `render` writes for the same commit.
    @Test func getsAnswerTheStaticAPIsBytes() async throws {
        try await ServeFixture.run { s in
            let rendered = try await SiteBuilder.render(repository: s.f.repository, options: SiteBuilder.Options(), context: s.context)
            let apiFiles = rendered.files.keys.filter { $0.hasPrefix("api/") && $0.hasSuffix(".json") }.sorted()
            #expect(apiFiles.count > 20)
            for file in apiFiles {
                // api/host-vms/<SafeFileName>.json is served at /api/host-vms/<name, percent-encoded once>.
                let route = "/" + file.dropLast(".json".count)
                let answer = try await s.get(String(route))
                #expect(answer.status == 200, "\(route): \(answer.text)")
                #expect(answer.body == rendered.files[file], "\(route) differs from \(file)")
                #expect(answer.header("content-type")?.hasPrefix("application/json") == true)
            }
            let types = try await s.get("/api/gpu-types")
            #expect((types.data as? [[String: Any]])?.contains { $0["name"] as? String == "L40" } == true)
            let spot = try await s.get("/api/aggregates/L40/spot")
            #expect(spot.object["name"] as? String == "L40-n3-spot")
        }
    }

    @Test func aHostNameWithASlashIsOneSegment() async throws {
        var scenario = DemoScenario.load()
        let odd = "CA1-ESC812-200 (old/RMA)"
        scenario.hosts.append(HostSpec(name: odd, hypervisorHostname: "ca1-esc812-200.compute.internal", zone: "az-ca1", hostIP: "10.0.0.200"))
        if let index = scenario.aggregates.firstIndex(where: { $0.name == "L40-n3-spot" }) { scenario.aggregates[index].hosts.append(odd) }
        scenario.devices.append(DeviceSpec(id: 99, name: odd, tags: ["NVIDIA L40"]))
        try await ServeFixture.run(scenario) { s in
            let answer = try await s.get("/api/host-vms/CA1-ESC812-200%20(old%2FRMA)")
            #expect(answer.status == 200, "\(answer.text)")
            #expect(answer.object["hostname"] as? String == odd)
            let missing = try await s.get("/api/host-vms/CA1-ESC812-200%20(old/RMA)")
            #expect(missing.status == 404)
        }
    }

    @Test func unknownTypesHostsAndPoolsAre404AndWrongMethodsAre405() async throws {
        try await ServeFixture.run { s in
            let type = try await s.get("/api/aggregates/B200")
            #expect(type.status == 404)
            #expect(type.error == "unknown GPU type B200")
            #expect(type.json["status"] as? String == "error")
            #expect(((type.json["details"] as? [String: Any])?["gpu_types"] as? [String])?.contains("L40") == true)
            #expect(try await s.get("/api/aggregates/L40/cheap").status == 404)
            #expect(try await s.get("/api/contract-aggregates/B200").status == 404)
            let host = try await s.get("/api/host-vms/no-such-host")
            #expect(host.status == 404)
            #expect(host.error.hasPrefix("unknown host no-such-host"))
            let method = try await s.request("POST", "/api/gpu-types", json: "{}")
            #expect(method.status == 405)
            #expect(method.header("allow") == "GET")
            let get = try await s.get("/api/preview-migration")
            #expect(get.status == 405)
            #expect(get.header("allow") == "POST")
            #expect(try await s.get("/api/no-such-thing").status == 404)
        }
    }

    @Test func imagesFilterByRegionAndTheSiteIsServedAtTheRoot() async throws {
        try await ServeFixture.run { s in
            let all = try await s.get("/api/hyperstack/images")
            #expect((all.data as? [[String: Any]])?.count == 4)
            let canada = try await s.get("/api/hyperstack/images?region=canada-1")
            let images = try #require(canada.data as? [[String: Any]])
            #expect(images.count == 2)
            #expect(images.allSatisfy { $0["region"] as? String == "CANADA-1" })
            let index = try await s.get("/")
            #expect(index.status == 200)
            #expect(index.header("content-type")?.hasPrefix("text/html") == true)
            #expect(index.text.contains("<html"))
            #expect(try await s.get("/hosts/CA1-ESC812-101.html").status == 200)
            #expect(try await s.get("/no-such-page.html").status == 404)
        }
    }

    /// The OpenAPI document lists exactly the routes the router dispatches on, and each answers.
    @Test func theOpenAPIDocumentMatchesTheRouter() async throws {
        try await ServeFixture.run { s in
            let answer = try await s.get("/api/openapi.json")
            #expect(answer.json["openapi"] as? String == "3.1.0")
            let paths = try #require(answer.json["paths"] as? [String: [String: Any]])
            var documented = Set<String>()
            for (path, operations) in paths { for method in operations.keys { documented.insert("\(method.uppercased()) \(path)") } }
            let routed = Set(Route.all.map { "\($0.method) \($0.path)" })
            #expect(documented == routed)
            #expect(Route.all.filter(\.seed).count == 20)
            // Every documented operation reaches its handler: never "no endpoint", never 405.
            for route in Route.all {
                let path = route.path.replacingOccurrences(of: "{gpu_type}", with: "L40").replacingOccurrences(of: "{aggregate_type}", with: "spot")
                    .replacingOccurrences(of: "{hostname}", with: "CA1-ESC812-101")
                let reply = try await s.request(route.method, path, json: route.method == "POST" ? "{}" : nil)
                #expect(reply.status != 405 && !reply.error.hasPrefix("no endpoint"), "\(route.method) \(path): \(reply.text)")
            }
        }
    }

    @Test func metricsAreTheStaticFileWithTheSnapshotsAge() async throws {
        try await ServeFixture.run { s in
            let answer = try await s.get("/metrics")
            #expect(answer.header("content-type")?.hasPrefix("text/plain; version=0.0.4") == true)
            #expect(answer.text.contains("spotctl_gpus_used{gpu_type=\"L40\",pool=\"ondemand\"}"))
            #expect(answer.text.contains("# TYPE spotctl_gpus_capacity gauge"))
            // CA1-ESC812-104 is failed in NetBox: out of stock, not spot.
            #expect(answer.text.contains("spotctl_hosts{gpu_type=\"L40\",pool=\"spot\"} 1\n"))
            #expect(answer.text.contains("spotctl_hosts{gpu_type=\"L40\",pool=\"outofstock\"} 1\n"))
            #expect(answer.text.contains("spotctl_snapshot_age_seconds "))
            let rendered = try await SiteBuilder.render(repository: s.f.repository, options: SiteBuilder.Options(), context: s.context)
            let file = String(decoding: try #require(rendered.files["metrics.txt"]), as: UTF8.self)
            #expect(answer.text.hasPrefix(file))
            #expect(!file.contains("age_seconds"))
        }
    }

    /// A new commit is picked up without a restart.
    @Test func aNewSnapshotIsPickedUp() async throws {
        try await ServeFixture.run { s in
            let before = try await s.get("/api/aggregates/L40/spot")
            #expect((before.object["hosts"] as? [Any])?.count == 1)
            await s.f.cloud.state.mutate { world in
                if let index = world.aggregates.firstIndex(where: { $0.name == "L40-n3" }) { world.aggregates[index].hosts.removeAll { $0 == "CA1-ESC812-102" } }
                if let index = world.aggregates.firstIndex(where: { $0.name == "L40-n3-spot" }) { world.aggregates[index].hosts.append("CA1-ESC812-102") }
            }
            _ = try await s.f.snapshot { $0.now = Date(timeIntervalSince1970: 1_800_000_700) }
            #expect(try await s.server.app.refresh())
            #expect(try await !s.server.app.refresh())
            let after = try await s.get("/api/aggregates/L40/spot")
            #expect((after.object["hosts"] as? [Any])?.count == 2)
        }
    }
}

@Suite struct ServeSafetyTests {
    @Test func foreignHostsAreRefused() async throws {
        try await ServeFixture.run { s in
            for host in ["evil.example", "127.0.0.1:80", "localhost", "127.0.0.1.nip.io:\(s.server.port)"] {
                let answer = await s.direct("GET", "/api/gpu-types", headers: ["host": host])
                #expect(answer.status == 421, "\(host)")
            }
            for host in ["localhost:\(s.server.port)", "[::1]:\(s.server.port)", "127.0.0.1:\(s.server.port)"] {
                #expect(await s.direct("GET", "/api/gpu-types", headers: ["host": host]).status == 200, "\(host)")
            }
        }
        try await ServeFixture.run(configure: { $0.allowedHosts = ["spotctl.internal"] }) { s in
            #expect(await s.direct("GET", "/api/gpu-types", headers: ["host": "spotctl.internal"]).status == 200)
            #expect(await s.direct("GET", "/api/gpu-types", headers: ["host": "other.internal"]).status == 421)
        }
    }

    @Test func crossSitePostsAndOtherContentTypesAreRefused() async throws {
        try await ServeFixture.run { s in
            let body = #"{"hostname": "CA1-ESC812-103"}"#
            let foreign = await s.direct("POST", "/api/get-target-aggregate",
                                         headers: ["origin": "https://evil.example", "content-type": "application/json"], body: body)
            #expect(foreign.status == 403)
            let own = await s.direct("POST", "/api/get-target-aggregate",
                                     headers: ["origin": "http://127.0.0.1:\(s.server.port)", "content-type": "application/json"], body: body)
            #expect(own.status == 200)
            let form = await s.direct("POST", "/api/get-target-aggregate", headers: ["content-type": "text/plain"], body: body)
            #expect(form.status == 415)
            // clear-log has no body and needs no content type.
            #expect(await s.direct("POST", "/api/clear-log", headers: [:]).status == 200)
        }
    }

    @Test func aTokenIsRequiredWhenConfiguredAndOffLoopback() async throws {
        try await ServeFixture.run(configure: { $0.token = Secret("a-long-serve-token-0123456789") }) { s in
            #expect(try await s.get("/api/gpu-types").status == 401)
            let wrong = try await s.request("GET", "/api/gpu-types", headers: [("Authorization", "Bearer nope")])
            #expect(wrong.status == 401)
            #expect(!wrong.text.contains("a-long-serve-token"))
            let right = try await s.request("GET", "/api/gpu-types", headers: [("Authorization", "Bearer a-long-serve-token-0123456789")])
            #expect(right.status == 200)
        }
        // Off loopback without a token, serve does not start.
        try await SnapshotFixture.run { f in
            var options = ServeOptions()
            options.bind = "0.0.0.0"
            options.port = 0
            let context = RunContext(environment: [:], workingDirectory: f.repository.root, identity: Identity(name: "t", email: "t@t.invalid"),
                                     clock: FixedClock(Date(timeIntervalSince1970: 1_800_000_000)))
            await #expect(throws: SpotError.self) { _ = try await ServeServer.start(repository: f.repository, context: context, options: options) }
        }
    }

    @Test func badBodiesGet400NamingTheFieldAndReachNoCloud() async throws {
        try await ServeFixture.run(configure: { $0.allowExecute = true }) { s in
            let before = await s.f.cloud.state.statistics().total
            let cases: [(String, String, String)] = [
                ("/api/preview-migration", "{", "the body is not valid JSON"),
                ("/api/preview-migration", "[1]", "the body must be a JSON object"),
                ("/api/preview-migration", #"{"host": "CA1-ESC812-102", "target_aggregate": "L40-n3-spot"}"#, "field source_aggregate is missing"),
                ("/api/execute-migration", #"{"host": 5, "source_aggregate": "L40-n3", "target_aggregate": "L40-n3-spot"}"#, "field host must be a string"),
                ("/api/execute-migration", #"{"host": "CA1-ESC812-102", "source_aggregate": "L40-n3", "target_aggregate": "L40-n3-spot", "allow_vms": "yes"}"#,
                 "field allow_vms must be true or false"),
                ("/api/hyperstack/firewall/update-attachments", #"{"firewall_id": "x", "vm_ids": [1]}"#, "field firewall_id must be an integer (or a string holding one)"),
                ("/api/hyperstack/firewall/update-attachments", #"{"firewall_id": 971, "vm_ids": ["a"]}"#, "field vm_ids[0] must be an integer (a VM id)"),
                ("/api/openstack/server/get-uuid", #"{"server_name": ""}"#, "field server_name is empty"),
                ("/api/execute-runpod-launch", #"{"hostname": "CA1-ESC812-105"}"#, "field image_name is missing"),
            ]
            for (path, body, message) in cases {
                let answer = try await s.post(path, body)
                #expect(answer.status == 400, "\(path) \(body): \(answer.text)")
                #expect(answer.error == message, "\(path) \(body)")
            }
            let big = try await s.post("/api/preview-migration", "{\"host\": \"" + String(repeating: "x", count: 1 << 20) + "\"}")
            #expect(big.status == 400)
            #expect(await s.f.cloud.state.statistics().total == before, "a bad request reached the cloud")
            #expect(try s.f.git("status", "--porcelain").isEmpty)
        }
    }

    @Test func executeRoutesAre403WithoutTheFlag() async throws {
        try await ServeFixture.run { s in
            let before = await s.f.cloud.state.statistics().total
            let routes = Route.all.filter(\.executes)
            #expect(Set(routes.map(\.path)) == ["/api/execute-migration", "/api/execute-runpod-launch", "/api/openstack/port/create",
                                                 "/api/openstack/server/add-network", "/api/hyperstack/firewall/update-attachments"])
            for route in routes {
                let answer = try await s.post(route.path, #"{"host": "CA1-ESC812-102"}"#)
                #expect(answer.status == 403)
                #expect(answer.error.contains("--allow-execute"))
                #expect(((answer.json["details"] as? [String: Any])?["hint"] as? String)?.contains("change file") == true)
            }
            #expect(await s.f.cloud.state.statistics().total == before)
        }
    }
}

@Suite struct ServeChangeTests {
    @Test func previewsAndTheRecommendationAnswerTheSeedsFields() async throws {
        try await ServeFixture.run { s in
            // CA1-ESC812-102's one VM is SHUTOFF; allow_vms lets it leave on-demand.
            let preview = try await s.post("/api/preview-migration",
                                           #"{"host": "CA1-ESC812-102", "source_aggregate": "L40-n3", "target_aggregate": "L40-n3-spot", "allow_vms": true}"#)
            #expect(preview.status == 200, "\(preview.text)")
            // spotctl adds before it removes: a host is never in no aggregate.
            #expect(preview.object["commands"] as? [String] == ["openstack aggregate add host L40-n3-spot CA1-ESC812-102",
                                                                "openstack aggregate remove host L40-n3 CA1-ESC812-102"])
            #expect(preview.object["validation"] as? [String: Bool] == ["source_exists": true, "target_exists": true, "host_in_source": true])
            // CA1-ESC812-101 has VMs: the plan refuses, and says why.
            let busy = try await s.post("/api/preview-migration",
                                        #"{"host": "CA1-ESC812-101", "source_aggregate": "L40-n3", "target_aggregate": "L40-n3-spot"}"#)
            #expect((busy.object["problems"] as? [[String: Any]])?.isEmpty == false)
            #expect(try await s.post("/api/preview-migration",
                                     #"{"host": "CA1-ESC812-102", "source_aggregate": "L40-n9", "target_aggregate": "L40-n3-spot"}"#).status == 404)

            let target = try await s.post("/api/get-target-aggregate", #"{"hostname": "CA1-ESC812-102", "gpu_type": "L40"}"#)
            #expect(target.object["recommended_aggregate"] as? String == "L40-n3-spot")
            #expect(target.object["reasoning"] is String)
            let runpod = try await s.post("/api/get-target-aggregate", #"{"hostname": "CA1-ESC812-102", "pool": "runpod"}"#)
            #expect(runpod.object["recommended_aggregate"] as? String == "L40-n3-runpod")
            #expect(try await s.post("/api/get-target-aggregate", #"{"hostname": "CA1-ESC812-102", "gpu_type": "H100"}"#).status == 404)

            let launch = try await s.post("/api/preview-runpod-launch",
                                          #"{"hostname": "CA1-ESC812-105", "image_name": "RunPod Ubuntu 22.04", "image_id": "img-123456"}"#)
            #expect(launch.status == 200, "\(launch.text)")
            let masked = try #require(launch.object["masked_command"] as? String)
            #expect(masked.hasPrefix("curl -X POST"))
            #expect(launch.object["command"] as? String == masked)
            let key = try #require(s.f.options.environment["HYPERSTACK_API_KEY"])
            #expect(!launch.text.contains(key))
            #expect((launch.object["estimated_resources"] as? [String: Any])?["flavor"] as? String == "n3-L40x8")
            #expect((launch.object["estimated_resources"] as? [String: Any])?["gpu_count"] as? Int == 8)
        }
    }

    /// execute-migration runs the apply engine: the host moves, the log and the outcome are
    /// committed with the serving identity, and the next GET shows the move.
    @Test func executeMigrationMovesTheHostThroughTheApplyEngine() async throws {
        try await ServeFixture.run(configure: { $0.allowExecute = true }) { s in
            let commits = s.f.commitCount
            let answer = try await s.post("/api/execute-migration",
                                          #"{"host": "CA1-ESC812-102", "source_aggregate": "L40-n3", "target_aggregate": "L40-n3-spot", "allow_vms": true}"#)
            #expect(answer.status == 200, "\(answer.text)")
            #expect(answer.object["commands_executed"] as? [String] == ["openstack aggregate add host L40-n3-spot CA1-ESC812-102",
                                                                        "openstack aggregate remove host L40-n3 CA1-ESC812-102"])
            #expect((answer.object["execution_time"] as? String)?.hasSuffix("s") == true)
            let world = await s.f.cloud.state.world
            #expect(world.aggregates.first { $0.name == "L40-n3-spot" }?.hosts.contains("CA1-ESC812-102") == true)
            #expect(world.aggregates.first { $0.name == "L40-n3" }?.hosts.contains("CA1-ESC812-102") == false)
            #expect(s.f.commitCount == commits + 1)
            #expect(try s.f.git("log", "-1", "--format=%an").trimmingCharacters(in: .whitespacesAndNewlines) == "spotctl serve")
            #expect(try s.f.git("status", "--porcelain").isEmpty)
            let log = try await s.get("/api/command-log")
            let entries = try #require(log.data as? [[String: Any]])
            #expect(entries.count == 2)
            #expect(entries.allSatisfy { $0["status"] as? String == "success" })
            let spot = try await s.get("/api/aggregates/L40/spot")
            #expect((spot.object["hosts"] as? [[String: Any]])?.contains { $0["hostname"] as? String == "CA1-ESC812-102" } == true)
            // Again: the host is in its target already; nothing runs and nothing is committed.
            let again = try await s.post("/api/execute-migration",
                                         #"{"host": "CA1-ESC812-102", "source_aggregate": "L40-n3", "target_aggregate": "L40-n3-spot", "allow_vms": true}"#)
            #expect(again.status == 200, "\(again.text)")
            #expect(again.object["commands_executed"] as? [String] == [])
            #expect(again.object["result"] as? String == "in place")
            #expect(s.f.commitCount == commits + 1)

            let cleared = try await s.request("POST", "/api/clear-log")
            #expect(cleared.status == 200)
            #expect(cleared.json["message"] as? String == "Command log cleared successfully")
            #expect((try await s.get("/api/command-log").data as? [Any])?.isEmpty == true)
        }
    }

    @Test func aLaunchAnswersBuildingAndFinishesInTheBackground() async throws {
        var scenario = DemoScenario.load()
        scenario.servers.removeAll { $0.host == "CA1-ESC812-105" }
        try await ServeFixture.run(scenario, configure: { $0.allowExecute = true }) { s in
            let answer = try await s.post("/api/execute-runpod-launch",
                                          #"{"hostname": "CA1-ESC812-105", "image_name": "RunPod Ubuntu 22.04", "image_id": "img-123456"}"#)
            #expect(answer.status == 200, "\(answer.text)")
            #expect(answer.object["status"] as? String == "BUILDING")
            #expect(answer.object["flavor"] as? String == "n3-L40x8")
            #expect(answer.object["firewall_configured"] as? Bool == true)
            await s.server.app.finishBackgroundWork()
            let records = await s.f.cloud.state.hyperstackRecords()
            #expect(records.vmCreates.map(\.name) == ["CA1-ESC812-105"])
            #expect(records.firewallWrites.count == 1)
            let log = try await s.get("/api/command-log")
            #expect((log.data as? [[String: Any]])?.count == 6, "\(log.text)")
            #expect(try s.f.git("status", "--porcelain").isEmpty)
            let key = try #require(s.f.options.environment["RUNPOD_API_KEY"])
            let grep = try? s.f.git("grep", "-l", key, "HEAD")
            #expect(grep == nil || grep?.isEmpty == true)
        }
    }

    @Test func firewallUpdatesNeverDropAttachedVMsAndLookupsWork() async throws {
        try await ServeFixture.run(configure: { $0.allowExecute = true }) { s in
            let current = try await s.post("/api/hyperstack/firewall/get-attachments", #"{"firewall_id": "971"}"#)
            #expect(current.status == 200, "\(current.text)")
            #expect((current.object["attachments"] as? [[String: Any]])?.map { $0["vm_id"] as? Int } == [5001])
            let dropping = try await s.post("/api/hyperstack/firewall/update-attachments", #"{"firewall_id": "971", "vm_ids": ["5002"]}"#)
            #expect(dropping.status == 409)
            #expect(dropping.error.contains("5001"))
            #expect(await s.f.cloud.state.hyperstackRecords().firewallWrites.isEmpty)
            let keeping = try await s.post("/api/hyperstack/firewall/update-attachments", #"{"firewall_id": 971, "vm_ids": [5001]}"#)
            #expect(keeping.status == 200, "\(keeping.text)")
            #expect(keeping.object["result"] as? String == "skipped")
            #expect(await s.f.cloud.state.hyperstackRecords().firewallWrites.isEmpty)

            let uuid = try await s.post("/api/openstack/server/get-uuid", #"{"server_name": "train-llm-01"}"#)
            #expect(uuid.object["server_uuid"] as? String == "3f1c2b4a-0001-4e5f-8a9b-000000000001")
            #expect(try await s.post("/api/openstack/server/get-uuid", #"{"server_name": "train-llm"}"#).status == 404)
            let status = try await s.post("/api/openstack/server/status", #"{"server_uuid": "3f1c2b4a-0001-4e5f-8a9b-000000000001"}"#)
            #expect(status.object["status"] as? String == "ACTIVE")
            let network = try await s.post("/api/openstack/network/show", #"{"network_name": "RunPod-Storage-Canada-1"}"#)
            #expect(network.object["id"] as? String == "9d6c1b0e-0000-4a1b-8c2d-000000000001")
            let port = try await s.post("/api/openstack/port/create", #"{"network_id": "RunPod-Storage-Canada-1", "port_name": "storage-port-001"}"#)
            #expect(port.status == 200, "\(port.text)")
            #expect(await s.f.cloud.state.world.ports.filter { $0.name == "storage-port-001" }.count == 1)
            let live = try await s.get("/api/host-vms/CA1-ESC812-101?live=1")
            #expect(live.object["total_vms"] as? Int == 2)
        }
    }

    @Test func aCloudFailureIs500Or503NotEmpty() async throws {
        try await ServeFixture.run { s in
            _ = await s.f.cloud.state.addFault(FaultRule(service: "hyperstack", method: "GET", path: "/hyperstack/v1/core/firewalls", status: 503, remaining: 100))
            let answer = try await s.post("/api/hyperstack/firewall/get-attachments", #"{"firewall_id": 971}"#)
            #expect(answer.status == 503)
            #expect(answer.error.contains("Hyperstack"))
            _ = await s.f.cloud.state.addFault(FaultRule(service: "nova", method: "GET", path: "/compute/v2.1/servers", status: 500, remaining: 100))
            let nova = try await s.post("/api/openstack/server/status", #"{"server_uuid": "train-llm-01"}"#)
            #expect(nova.status == 500)
            #expect(nova.error.contains("Nova"))
        }
    }
}
