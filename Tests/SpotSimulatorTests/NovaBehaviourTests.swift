import Foundation
import Testing
import TestSupport
@testable import SpotSimulator

/// Nova's behaviour: aggregate membership errors, microversion negotiation, paging and filters,
/// os-interface state changes, tokens and project-prefixed paths.
@Suite struct NovaBehaviourTests {
    private func fault(_ result: HTTPResult) throws -> (name: String, code: Int?, message: String?) {
        let body = try NovaTestCloud.body(result)
        guard let (name, inner) = body.object?.first, body.object?.count == 1 else { throw TestFailure("not a fault: \(result.text)") }
        return (name, inner["code"]?.int, inner["message"]?.string)
    }

    private func names(_ body: JSON) -> [String] {
        body["servers"]?.array?.compactMap { $0["name"]?.string } ?? []
    }

    private func ids(_ body: JSON) -> [String] {
        body["servers"]?.array?.compactMap { $0["id"]?.string } ?? []
    }

    // MARK: aggregates

    @Test func addingAHostTwiceIs409AndTheHostReallyMoves() async throws {
        try await NovaTestCloud.run { cloud in
            let first = try await cloud.call("POST", "/compute/v2.1/os-aggregates/1/action", version: "2.41",
                                             json: ["add_host": ["host": "gpu-c"]])
            #expect(first.status == 200)
            #expect(try NovaTestCloud.body(first)["aggregate"]?["hosts"] == ["gpu-a", "gpu-b", "gpu-c"])
            let second = try await cloud.call("POST", "/compute/v2.1/os-aggregates/1/action", version: "2.41",
                                              json: ["add_host": ["host": "gpu-c"]])
            #expect(second.status == 409)
            #expect(try NovaTestCloud.body(second) == ["conflictingRequest": ["code": 409, "message": "Aggregate 1 already has host gpu-c."]])
            #expect(second.header("Content-Type")?.hasPrefix("application/json") == true)
            // The world changed: the control endpoint and a fresh show agree.
            let state = try JSONDecoder().decode(Scenario.self, from: try await http("GET", cloud.base + "/__sim/state", headers: cloud.control).body)
            #expect(state.aggregates.first { $0.id == 1 }?.hosts == ["gpu-a", "gpu-b", "gpu-c"])
            let show = try await cloud.get("/compute/v2.1/os-aggregates/1")
            #expect(show["aggregate"]?["hosts"] == ["gpu-a", "gpu-b", "gpu-c"])
            // Moving the host out of the spot aggregate completes the migration.
            let remove = try await cloud.call("POST", "/compute/v2.1/os-aggregates/2/action", json: ["remove_host": ["host": "gpu-c"]])
            #expect(remove.status == 200)
            #expect(try NovaTestCloud.body(remove)["aggregate"]?["hosts"] == [])
        }
    }

    @Test func removeAndUnknownHostErrorsUseNovasMessages() async throws {
        try await NovaTestCloud.run { cloud in
            let action = "/compute/v2.1/os-aggregates/%@/action"
            func post(_ id: String, _ body: [String: Any]) async throws -> HTTPResult {
                try await cloud.call("POST", String(format: action, id), json: body)
            }
            let notMember = try await post("3", ["remove_host": ["host": "gpu-a"]])
            #expect(notMember.status == 404)
            #expect(try fault(notMember) == ("itemNotFound", 404, "Cannot remove host gpu-a in aggregate 3"))
            let unknownRemove = try await post("1", ["remove_host": ["host": "gpu-zz"]])
            #expect(try fault(unknownRemove) == ("itemNotFound", 404, "Cannot remove host gpu-zz in aggregate 1"))
            // The host is looked up before the aggregate.
            let unknownHost = try await post("99", ["add_host": ["host": "gpu-zz"]])
            #expect(unknownHost.status == 404)
            #expect(try fault(unknownHost) == ("itemNotFound", 404, "Compute host gpu-zz could not be found."))
            let unknownAggregate = try await post("99", ["add_host": ["host": "gpu-a"]])
            #expect(try fault(unknownAggregate) == ("itemNotFound", 404, "Aggregate 99 could not be found."))
            let badID = try await post("L40-n3", ["add_host": ["host": "gpu-a"]])
            #expect(badID.status == 400)
            #expect(try fault(badID).name == "badRequest")
            let badBody = try await post("1", ["add_host": ["name": "gpu-a"]])
            #expect(badBody.status == 400)
            // Adding to an availability zone while the host sits in another one is a conflict.
            let zoned = try await cloud.call("POST", "/compute/v2.1/os-aggregates", json: ["aggregate": ["name": "az2", "availability_zone": "az2"]])
            let zonedID = try #require(try NovaTestCloud.body(zoned)["aggregate"]?["id"]?.int)
            let conflict = try await post(String(zonedID), ["add_host": ["host": "gpu-a"]])
            #expect(conflict.status == 409)
            #expect(try fault(conflict).message == "Cannot add host to aggregate \(zonedID). Reason: One or more hosts already in availability zone(s) ['ca1-az1'].")
            // An aggregate with hosts cannot be deleted.
            let delete = try await cloud.call("DELETE", "/compute/v2.1/os-aggregates/1")
            #expect(delete.status == 400)
            let duplicate = try await cloud.call("POST", "/compute/v2.1/os-aggregates", json: ["aggregate": ["name": "L40-n3"]])
            #expect(try fault(duplicate) == ("conflictingRequest", 409, "Aggregate L40-n3 already exists."))
        }
    }

    // MARK: microversions

    @Test func microversionsAreNegotiatedAndEchoed() async throws {
        try await NovaTestCloud.run { cloud in
            let tooHigh = try await cloud.call("GET", "/compute/v2.1/os-hypervisors", version: "2.200")
            #expect(tooHigh.status == 406)
            #expect(try NovaTestCloud.body(tooHigh) == ["computeFault": [
                "code": 406, "message": "Version 2.200 is not supported by the API. Minimum is 2.1 and maximum is 2.96.",
            ]])
            let malformed = try await cloud.call("GET", "/compute/v2.1/os-hypervisors", headers: ["OpenStack-API-Version": "compute 2"])
            #expect(malformed.status == 400)
            #expect(try fault(malformed).name == "badRequest")

            let ok = try await cloud.call("GET", "/compute/v2.1/os-hypervisors", version: "2.53")
            #expect(ok.status == 200)
            #expect(ok.header("OpenStack-API-Version") == "compute 2.53")
            #expect(ok.header("X-OpenStack-Nova-API-Version") == "2.53")
            #expect(ok.header("Vary")?.contains("OpenStack-API-Version") == true)
            #expect(ok.header("X-OpenStack-Request-ID")?.hasPrefix("req-") == true)
            #expect(ok.header("X-Compute-Request-Id") == ok.header("X-OpenStack-Request-ID"))
            let uuid = try NovaTestCloud.body(ok)["hypervisors"]?.array?.first?["id"]?.string
            #expect(uuid == HostSpec(name: "gpu-a").hypervisorID)

            let none = try await cloud.call("GET", "/compute/v2.1/os-hypervisors")
            #expect(none.header("OpenStack-API-Version") == "compute 2.1")
            #expect(try NovaTestCloud.body(none)["hypervisors"]?.array?.first?["id"] == 1)
            let legacy = try await cloud.call("GET", "/compute/v2.1/os-hypervisors", headers: ["X-OpenStack-Nova-API-Version": "2.60"])
            #expect(legacy.header("X-OpenStack-Nova-API-Version") == "2.60")
            let latest = try await cloud.call("GET", "/compute/v2.1/os-hypervisors", version: "latest")
            #expect(latest.header("OpenStack-API-Version") == "compute 2.96")
            let versions = try await cloud.get("/compute/")
            #expect(versions["versions"]?.array?.last?["version"] == "2.96")
        }
    }

    @Test func microversionsChangeShapes() async throws {
        try await NovaTestCloud.run { cloud in
            let services = try await cloud.get("/compute/v2.1/os-services?binary=nova-compute&host=gpu-d", version: "2.11")
            let service = try #require(services["services"]?.array?.first)
            #expect(services["services"]?.array?.count == 1)
            #expect(service["id"] == 6 && service["forced_down"] == false && service["state"] == "down" && service["status"] == "disabled")
            #expect(service["disabled_reason"] == "maintenance")
            let services53 = try await cloud.get("/compute/v2.1/os-services?host=gpu-d", version: "2.53")
            #expect(services53["services"]?.array?.first?["id"]?.string == HostSpec(name: "gpu-d").serviceID)
            #expect(try await cloud.get("/compute/v2.1/os-services", version: "2.10")["services"]?.array?.first?["forced_down"] == nil)

            let old = try await cloud.get("/compute/v2.1/flavors/1", version: "2.74")
            #expect(old["flavor"]?["swap"] == "" && old["flavor"]?["extra_specs"]?["pci_passthrough:alias"] == "l40:1")
            #expect(try await cloud.get("/compute/v2.1/flavors/1", version: "2.75")["flavor"]?["swap"] == 0)
            #expect(try await cloud.get("/compute/v2.1/flavors/1", version: "2.60")["flavor"]?["extra_specs"] == nil)
            let publicOnly = try await cloud.get("/compute/v2.1/flavors")
            #expect(publicOnly["flavors"]?.array?.compactMap { $0["name"]?.string } == ["n3-L40x1", "n3-L40x4", "m1.small"])
            let all = try await cloud.get("/compute/v2.1/flavors?is_public=None")
            #expect(all["flavors"]?.array?.count == 4)

            // The server's flavor: a link before 2.47, an embedded copy with extra specs from 2.47.
            let id = NovaWorld.serverID(2)
            let before = try await cloud.get("/compute/v2.1/servers/\(id)", version: "2.46")
            #expect(before["server"]?["flavor"]?["id"] == "2")
            let after = try await cloud.get("/compute/v2.1/servers/\(id)", version: "2.47")
            #expect(after["server"]?["flavor"] == [
                "disk": 400, "ephemeral": 100, "extra_specs": ["pci_passthrough:alias": "l40:4"], "original_name": "n3-L40x4",
                "ram": 262_144, "swap": 0, "vcpus": 64,
            ])
            let server = try #require(after["server"])
            #expect(server["OS-EXT-SRV-ATTR:host"] == "gpu-a")
            #expect(server["OS-EXT-SRV-ATTR:hypervisor_hostname"] == "gpu-a.dc1.example.net")
            #expect(server["host_status"] == "UP")
            #expect(server["tenant_id"]?.string == NovaWorld.otherProject)
            let latest = try await cloud.get("/compute/v2.1/servers/\(NovaWorld.serverID(1))", version: "latest")
            #expect(latest["server"]?["OS-EXT-SRV-ATTR:user_data"] == "IyEvYmluL2Jhc2gKZWNobyBoaQo=")
            #expect(latest["server"]?["key_name"] == "ops")
            #expect(latest["server"]?["addresses"]?["private-net"]?.array?.first?["OS-EXT-IPS-MAC:mac_addr"] == "fa:16:3e:00:00:10")
            let pending = try await cloud.get("/compute/v2.1/servers/\(NovaWorld.serverID(4))", version: "latest")
            #expect(pending["server"]?["OS-EXT-SRV-ATTR:host"] == .null && pending["server"]?["host_status"] == "")
            #expect(pending["server"]?["OS-EXT-STS:task_state"] == "scheduling")

            // Hypervisor statistics are gone at 2.88; usage is counted from the servers on the host.
            #expect(try await cloud.call("GET", "/compute/v2.1/os-hypervisors/statistics", version: "2.88").status == 404)
            let detail = try await cloud.get("/compute/v2.1/os-hypervisors/detail", version: "2.87")
            let gpuA = try #require(detail["hypervisors"]?.array?.first)
            #expect(gpuA["vcpus_used"] == 80 && gpuA["running_vms"] == 2 && gpuA["service"]?["host"] == "gpu-a")
            let gpuA88 = try await cloud.get("/compute/v2.1/os-hypervisors/detail", version: "2.88")
            #expect(gpuA88["hypervisors"]?.array?.first?["vcpus"] == nil)
        }
    }

    @Test func hypervisorPagingAndSearch() async throws {
        try await NovaTestCloud.run { cloud in
            var seen: [String] = []
            var next: String? = "/compute/v2.1/os-hypervisors/detail?limit=3"
            while let url = next {
                let page = try await cloud.get(url, version: "2.53")
                seen += page["hypervisors"]?.array?.compactMap { $0["hypervisor_hostname"]?.string } ?? []
                next = page["hypervisors_links"]?.array?.first?["href"]?.string
            }
            #expect(seen == ["gpu-a.dc1.example.net", "gpu-b.dc1.example.net", "gpu-c.dc1.example.net", "gpu-d.dc1.example.net"])
            let search = try await cloud.get("/compute/v2.1/os-hypervisors?hypervisor_hostname_pattern=gpu-b", version: "2.53")
            #expect(search["hypervisors"]?.array?.count == 1)
            let paged = try await cloud.call("GET", "/compute/v2.1/os-hypervisors?hypervisor_hostname_pattern=gpu&limit=1", version: "2.53")
            #expect(paged.status == 400)
            let none = try await cloud.call("GET", "/compute/v2.1/os-hypervisors?hypervisor_hostname_pattern=zz", version: "2.53")
            #expect(try fault(none) == ("itemNotFound", 404, "No hypervisor matching 'zz' could be found."))
            let unknown = try await cloud.call("GET", "/compute/v2.1/os-hypervisors?bogus=1", version: "2.53")
            #expect(unknown.status == 400)
            let badID = try await cloud.call("GET", "/compute/v2.1/os-hypervisors/1", version: "2.53")
            #expect(badID.status == 400)
            let withServers = try await cloud.get("/compute/v2.1/os-hypervisors/detail?with_servers=true", version: "2.75")
            let servers = withServers["hypervisors"]?.array?.map { $0["servers"]?.array?.compactMap { $0["name"]?.string } ?? ["missing"] }
            #expect(servers == [["train-01", "train-02"], ["infer-01"], ["spot-01", "broken-01"], []])
        }
    }

    // MARK: servers

    @Test func serversPageNewestFirstThroughServersLinks() async throws {
        try await NovaTestCloud.run { cloud in
            var seen: [String] = []
            var pages = 0
            var next: String? = "/compute/v2.1/servers/detail?all_tenants=1&limit=2"
            while let url = next {
                let page = try await cloud.get(url, version: "2.96")
                seen += ids(page)
                pages += 1
                next = page["servers_links"]?.array?.first { $0["rel"] == "next" }?["href"]?.string
                if let next { #expect(next.hasPrefix(cloud.base + "/compute/v2.1/servers/detail?") && next.contains("all_tenants=1")) }
                #expect(pages < 10)
            }
            #expect(seen == NovaWorld.expectedOrder)
            #expect(Set(seen).count == 6)
            // A page that is not full has no next link; a bad marker is a 400.
            let short = try await cloud.get("/compute/v2.1/servers?all_tenants=1&limit=7")
            #expect(short["servers_links"] == nil && ids(short) == NovaWorld.expectedOrder)
            let bad = try await cloud.call("GET", "/compute/v2.1/servers/detail?marker=nope")
            #expect(try fault(bad) == ("badRequest", 400, "marker [nope] not found"))
            // The page size is capped by the simulator's page limit.
            try await NovaTestCloud.run(pageLimit: 4) { capped in
                let first = try await capped.get("/compute/v2.1/servers?all_tenants=1&limit=100")
                #expect(ids(first) == Array(NovaWorld.expectedOrder.prefix(4)))
                #expect(first["servers_links"]?.array?.first?["href"]?.string?.contains("limit=4") == true)
            }
        }
    }

    @Test func serverFiltersHostTenantsNameAndStatus() async throws {
        try await NovaTestCloud.run { cloud in
            #expect(names(try await cloud.get("/compute/v2.1/servers/detail?all_tenants=True&host=gpu-a")) == ["train-02", "train-01"])
            #expect(names(try await cloud.get("/compute/v2.1/servers/detail?host=gpu-a")) == ["train-01"])
            #expect(names(try await cloud.get("/compute/v2.1/servers/detail?all_tenants&host=gpu-c")) == ["broken-01", "spot-01"])
            #expect(names(try await cloud.get("/compute/v2.1/servers/detail?all_tenants=1&host=gpu-zz")) == [])
            #expect(names(try await cloud.get("/compute/v2.1/servers")) == ["pending-01", "infer-01", "train-01", "spot-01"])
            #expect(names(try await cloud.get("/compute/v2.1/servers?all_tenants=0")).count == 4)
            #expect(names(try await cloud.get("/compute/v2.1/servers?all_tenants=yes")).count == 6)
            #expect(try await cloud.call("GET", "/compute/v2.1/servers?all_tenants=maybe").status == 400)
            #expect(names(try await cloud.get("/compute/v2.1/servers?all_tenants=1&project_id=\(NovaWorld.otherProject)")) == ["broken-01", "train-02"])
            #expect(names(try await cloud.get("/compute/v2.1/servers?all_tenants=1&name=^train")) == ["train-02", "train-01"])
            #expect(names(try await cloud.get("/compute/v2.1/servers?all_tenants=1&status=shutoff")) == ["infer-01"])
            #expect(names(try await cloud.get("/compute/v2.1/servers?all_tenants=1&host=gpu-a&limit=1&marker=\(NovaWorld.serverID(2))")) == ["train-01"])
            let missing = try await cloud.call("GET", "/compute/v2.1/servers/00000000-0000-4000-8000-00000000dead")
            #expect(try fault(missing) == ("itemNotFound", 404, "Instance 00000000-0000-4000-8000-00000000dead could not be found."))
        }
    }

    @Test func attachingAPortBindsItToTheServer() async throws {
        try await NovaTestCloud.run { cloud in
            let server = NovaWorld.serverID(6)
            let path = "/compute/v2.1/servers/\(server)/os-interface"
            let attach = try await cloud.call("POST", path, json: ["interfaceAttachment": ["port_id": NovaWorld.sparePort]])
            #expect(attach.status == 200)
            #expect(try NovaTestCloud.body(attach)["interfaceAttachment"] == [
                "fixed_ips": [["ip_address": "10.0.0.20", "subnet_id": .string(NovaWorld.privateSubnet)]],
                "mac_addr": "fa:16:3e:00:00:20", "net_id": .string(NovaWorld.privateNet), "port_id": .string(NovaWorld.sparePort),
                "port_state": "ACTIVE",
            ])
            let port = try await cloud.get("/network/v2.0/ports/\(NovaWorld.sparePort)")
            #expect(port["port"]?["status"] == "ACTIVE")
            #expect(port["port"]?["device_id"]?.string == server)
            #expect(port["port"]?["device_owner"] == "compute:nova")
            let shown = try await cloud.get("/compute/v2.1/servers/\(server)", version: "2.96")
            let addresses = shown["server"]?["addresses"]?["private-net"]?.array ?? []
            #expect(addresses.compactMap { $0["addr"]?.string } == ["10.0.0.13", "10.0.0.20"])
            #expect(addresses.last?["OS-EXT-IPS-MAC:mac_addr"] == "fa:16:3e:00:00:20")
            let listed = try await cloud.get(path)
            #expect(listed["interfaceAttachments"]?.array?.compactMap { $0["port_id"]?.string } == [NovaWorld.sparePort])
            let state = try JSONDecoder().decode(Scenario.self, from: try await http("GET", cloud.base + "/__sim/state", headers: cloud.control).body)
            #expect(state.ports.first { $0.id == NovaWorld.sparePort }?.deviceID == server)

            let again = try await cloud.call("POST", path, json: ["interfaceAttachment": ["port_id": NovaWorld.sparePort]])
            #expect(try fault(again) == ("conflictingRequest", 409, "Port \(NovaWorld.sparePort) is still in use."))
            let noServer = try await cloud.call("POST", "/compute/v2.1/servers/00000000-0000-4000-8000-00000000dead/os-interface",
                                                json: ["interfaceAttachment": ["port_id": NovaWorld.sparePort]])
            #expect(noServer.status == 404)
            let noPort = try await cloud.call("POST", path, json: ["interfaceAttachment": ["port_id": "00000000-0000-4000-8000-00000000beef"]])
            #expect(try fault(noPort) == ("itemNotFound", 404, "Port id 00000000-0000-4000-8000-00000000beef could not be found."))
            let both = try await cloud.call("POST", path, json: ["interfaceAttachment": ["port_id": NovaWorld.sparePort, "net_id": NovaWorld.privateNet]])
            #expect(both.status == 400)
            let building = try await cloud.call("POST", "/compute/v2.1/servers/\(NovaWorld.serverID(4))/os-interface",
                                                json: ["interfaceAttachment": ["net_id": NovaWorld.privateNet]])
            #expect(building.status == 409)

            let detach = try await cloud.call("DELETE", path + "/" + NovaWorld.sparePort)
            #expect(detach.status == 202)
            #expect(try await cloud.get("/network/v2.0/ports/\(NovaWorld.sparePort)")["port"]?["status"] == "DOWN")
            let after = try await cloud.get("/compute/v2.1/servers/\(server)")
            #expect(after["server"]?["addresses"]?["private-net"]?.array?.count == 1)
        }
    }

    // MARK: tokens and paths

    @Test func aMissingTokenGetsKeystonesBody() async throws {
        try await NovaTestCloud.run { cloud in
            for headers in [[:], ["X-Auth-Token": "not-a-token"]] {
                let result = try await http("GET", cloud.base + "/compute/v2.1/servers/detail", headers: headers)
                #expect(result.status == 401)
                #expect(try NovaTestCloud.body(result) == ["error": [
                    "code": 401, "title": "Unauthorized", "message": "The request you have made requires authentication.",
                ]])
                #expect(result.header("WWW-Authenticate")?.hasPrefix("Keystone uri=") == true)
            }
            // Version discovery needs no token.
            #expect(try await http("GET", cloud.base + "/compute/").status == 200)
        }
    }

    @Test func projectPrefixedPathsWork() async throws {
        try await NovaTestCloud.run { cloud in
            let project = Credentials().projectID
            let plain = try await cloud.get("/compute/v2.1/os-aggregates")
            let prefixed = try await cloud.get("/compute/v2.1/\(project)/os-aggregates")
            #expect(plain == prefixed)
            let server = try await cloud.get("/compute/v2.1/\(project)/servers/\(NovaWorld.serverID(1))")
            #expect(server["server"]?["links"]?.array?.first?["href"]?.string
                == "\(cloud.base)/compute/v2.1/\(project)/servers/\(NovaWorld.serverID(1))")
            let add = try await cloud.call("POST", "/compute/v2.1/\(project)/os-aggregates/3/action", json: ["add_host": ["host": "gpu-d"]])
            #expect(add.status == 200)
            let other = try await cloud.call("GET", "/compute/v2.1/\(NovaWorld.otherProject)/os-aggregates")
            #expect(other.status == 400)
            let unknown = try await cloud.call("GET", "/compute/v2.1/os-nothing")
            #expect(try fault(unknown).name == "itemNotFound")
        }
    }

    @Test func injectedFaultsUseNovasBody() async throws {
        try await NovaTestCloud.run { cloud in
            _ = try await http("POST", cloud.base + "/__sim/faults", headers: cloud.control, json: ["service": "nova", "status": 429, "retry_after": 3, "remaining": 1])
            let limited = try await cloud.call("GET", "/compute/v2.1/servers")
            #expect(limited.status == 429)
            let body = try NovaTestCloud.body(limited)
            #expect(body["overLimit"]?["code"] == 429 && body["overLimit"]?["retryAfter"]?.string != nil)
            #expect(limited.header("Retry-After") == "3")
            #expect(NovaHandler.faultName(503) == "serviceUnavailable" && NovaHandler.faultName(418) == "computeFault")
            #expect(try await cloud.call("GET", "/compute/v2.1/servers").status == 200)
        }
    }

    // MARK: size

    /// 2,000 hosts and 20,000 servers: pages of 1,000 come from the cached order and the id index.
    @Test func largeWorldsPageWithoutSortingPerRequest() async throws {
        var scenario = Scenario(name: "large")
        let project = Credentials().projectID
        scenario.flavors = [FlavorSpec(id: "1", name: "gpu")]
        scenario.hosts = (0..<2000).map { HostSpec(name: String(format: "gpu-%04d", $0)) }
        scenario.servers = (0..<20_000).map { n in
            ServerSpec(id: String(format: "22222222-2222-4222-8222-%012d", n), name: "vm-\(n)", host: String(format: "gpu-%04d", n % 2000),
                       projectID: project, flavor: "gpu", created: String(format: "2024-01-%02dT%02d:%02d:00Z", 1 + n % 28, n % 24, n % 60))
        }
        try await NovaTestCloud.run(scenario) { cloud in
            var seen = Set<String>()
            var next: String? = "/compute/v2.1/servers/detail?all_tenants=1&limit=1000"
            var pages = 0
            while let url = next, pages < 3 {
                let page = try await cloud.get(url, version: "2.96")
                let pageIDs = ids(page)
                #expect(pageIDs.count == 1000)
                seen.formUnion(pageIDs)
                next = page["servers_links"]?.array?.first?["href"]?.string
                pages += 1
            }
            #expect(seen.count == 3000)
            let onHost = try await cloud.get("/compute/v2.1/servers/detail?all_tenants=1&host=gpu-0007", version: "2.96")
            #expect(ids(onHost).count == 10)
            let hypervisors = try await cloud.get("/compute/v2.1/os-hypervisors/detail", version: "2.87")
            #expect(hypervisors["hypervisors"]?.array?.count == 1000)
        }
    }
}
