import Foundation
#if canImport(FoundationNetworking)
import FoundationNetworking
#endif
import Testing
import TestSupport
@testable import SpotSimulator

/// A small NetBox: GPU servers of two types, tenants, roles, sites, tags, a custom field, a
/// config context, and names that sort differently by natural order and by plain text.
enum NetBoxWorld {
    static let nexgen = RefSpec(slug: "nexgen-cloud", name: "NexGen Cloud")
    static let customer = RefSpec(slug: "customer1", name: "Customer 1")
    static let gpu = RefSpec(slug: "gpu-servers", name: "GPU Servers")
    static let compute = RefSpec(slug: "compute", name: "Compute")
    static let ca1 = RefSpec(slug: "ca1", name: "Canada 1")
    static let us1 = RefSpec(slug: "us1", name: "US 1")

    static let devices: [DeviceSpec] = [
        DeviceSpec(id: 1, name: "CA1-GPU-1", tenant: nexgen, role: gpu, site: ca1, rack: "CA1-R01", serial: "SN-0001",
                   primaryIP: "10.0.0.1/24", tags: ["NVIDIA L40"], customFields: ["GPU_Count": 8],
                   configContext: ["ntp": ["10.0.0.254"], "dns": "10.0.0.53"]),
        DeviceSpec(id: 2, name: "CA1-GPU-2", status: "failed", tenant: customer, role: gpu, site: ca1, rack: "CA1-R01",
                   tags: ["NVIDIA L40", "NVLink"]),
        DeviceSpec(id: 3, name: "CA1-GPU-10", tenant: nexgen, role: gpu, site: ca1, primaryIP: "10.0.0.10",
                   tags: ["NVIDIA L40", "NVLink"], customFields: ["Warranty_End": "2027-01-01"]),
        DeviceSpec(id: 4, name: "US1-GPU-1", tenant: nexgen, role: gpu, site: us1, primaryIP: "2001:db8::1/64",
                   tags: ["NVIDIA H100 80GB SXM5"]),
        DeviceSpec(id: 5, name: "ca1-cpu-01", role: compute, site: ca1),
        DeviceSpec(id: 6, name: "CA1-CHASSIS-1", status: "planned", role: gpu, site: ca1, tags: ["UNPOPULATED CHASSIS"]),
    ]

    static let scenario = Scenario(name: "netbox-test", devices: devices)

    /// `count` generic devices, for paging.
    static func many(_ count: Int) -> Scenario {
        Scenario(name: "netbox-many", devices: (1...count).map { index in
            DeviceSpec(id: index, name: "gpu-\(index)", tenant: index % 3 == 0 ? customer : nexgen, role: gpu,
                       site: index % 2 == 0 ? ca1 : us1, tags: ["NVIDIA L40"])
        })
    }
}

/// One GET that does not follow redirects. (TestSupport's `http` implements only the async form of
/// the redirect delegate method, which FoundationNetworking on Linux does not call, so it follows
/// them; the completion-handler form below is called on every platform.)
enum RedirectProbe {
    final class Refuse: NSObject, URLSessionTaskDelegate, @unchecked Sendable {
        func urlSession(_ session: URLSession, task: URLSessionTask, willPerformHTTPRedirection response: HTTPURLResponse,
                        newRequest request: URLRequest, completionHandler: @escaping @Sendable (URLRequest?) -> Void) {
            completionHandler(nil)
        }
    }

    static func get(_ url: String) async throws -> (status: Int, location: String?) {
        let session = URLSession(configuration: .ephemeral, delegate: Refuse(), delegateQueue: nil)
        defer { session.finishTasksAndInvalidate() }
        let (_, response) = try await session.data(for: URLRequest(url: try #require(URL(string: url))))
        let http = try #require(response as? HTTPURLResponse)
        return (http.statusCode, http.value(forHTTPHeaderField: "Location"))
    }
}

extension SimulatorFixture {
    /// A NetBox GET with the scenario's v1 token.
    func netbox(_ path: String, token: String? = nil) async throws -> HTTPResult {
        let v1 = await cloud.state.world.credentials.netboxToken
        return try await http("GET", cloud.netboxURL + path, headers: ["Authorization": "Token \(token ?? v1)", "Accept": "application/json"])
    }

    /// A GET of an absolute URL (a `next` link) with the v1 token.
    func netboxURL(_ url: String) async throws -> HTTPResult {
        let v1 = await cloud.state.world.credentials.netboxToken
        return try await http("GET", url, headers: ["Authorization": "Token \(v1)"])
    }
}

@Suite struct NetBoxTests {
    private func names(_ result: HTTPResult) throws -> [String] {
        try #require(try result.value()["results"]?.array).compactMap { $0["name"]?.string }
    }

    @Test func bothTokenFormsAuthenticateWithAnyCaseOfTheKeyword() async throws {
        try await SimulatorFixture.run(NetBoxWorld.scenario) { sim in
            let c = await sim.cloud.state.world.credentials
            let url = sim.cloud.netboxURL + "/api/dcim/devices/"
            for header in ["Token \(c.netboxToken)", "token \(c.netboxToken)", "Bearer \(c.netboxTokenV2)",
                           "BEARER \(c.netboxTokenV2)", "  Bearer   \(c.netboxTokenV2)  "] {
                let result = try await http("GET", url, headers: ["Authorization": header])
                #expect(result.status == 200, "\(header): \(result.text)")
                #expect(try result.value()["count"]?.int == NetBoxWorld.devices.count)
                #expect(result.header("API-Version") == "4.6")
                #expect(result.header("X-Request-ID")?.isEmpty == false)
            }
            // The version comes from the nbt_ prefix, not from the keyword (as in NetBox 4.5+).
            let swapped = try await http("GET", url, headers: ["Authorization": "Token \(c.netboxTokenV2)"])
            #expect(swapped.status == 200)
        }
    }

    @Test func everyAuthenticationFailureIs403WithNetBoxsOwnMessage() async throws {
        try await SimulatorFixture.run(NetBoxWorld.scenario) { sim in
            let c = await sim.cloud.state.world.credentials
            let url = sim.cloud.netboxURL + "/api/dcim/devices/"
            let cases: [(String?, String)] = [
                (nil, "Authentication credentials were not provided."),
                // A scheme NetBox does not know is ignored: the request is anonymous.
                ("Basic \(c.netboxToken)", "Authentication credentials were not provided."),
                ("Token", "Invalid authorization header: Must be in the form \"Bearer <key>.<token>\" or \"Token <token>\""),
                ("Token \(c.netboxToken) extra", "Invalid authorization header: Must be in the form \"Bearer <key>.<token>\" or \"Token <token>\""),
                ("Bearer nbt_nodot", "Invalid authorization header: Could not parse key from v2 token. Did you mean to use 'Token' instead of 'Bearer'?"),
                ("Token 0000000000000000000000000000000000000000", "Invalid v1 token"),
                ("Bearer \(c.netboxToken)x", "Invalid v1 token"),
                ("Bearer nbt_simulatedkey01.wrongsecret", "Invalid v2 token"),
            ]
            for (header, message) in cases {
                let result = try await http("GET", url, headers: header.map { ["Authorization": $0] } ?? [:])
                #expect(result.status == 403, "\(header ?? "no header")")
                #expect(try result.value() == ["detail": .string(message)], "\(header ?? "no header"): \(result.text)")
                #expect(result.header("API-Version") == "4.6")
            }
            // The detail endpoint and the API root need a token too.
            #expect(try await http("GET", sim.cloud.netboxURL + "/api/dcim/devices/1/").status == 403)
            #expect(try await http("GET", sim.cloud.netboxURL + "/api/").status == 403)
        }
    }

    @Test func apiRootAndStatusAnswer() async throws {
        try await SimulatorFixture.run(NetBoxWorld.scenario) { sim in
            let root = try await sim.netbox("/api/")
            #expect(root.status == 200)
            #expect(try root.value()["dcim"]?.string == sim.cloud.netboxURL + "/api/dcim/")
            let status = try await sim.netbox("/api/status/")
            #expect(status.status == 200)
            #expect(try status.value()["netbox-version"]?.string?.hasPrefix("4.6.") == true)
        }
    }

    @Test func limitAboveTheMaximumPageSizeIsCappedSilently() async throws {
        try await SimulatorFixture.run(NetBoxWorld.many(1_050)) { sim in
            let capped = try await sim.netbox("/api/dcim/devices/?limit=5000&exclude=config_context")
            #expect(capped.status == 200)
            let body = try capped.value()
            #expect(body["count"]?.int == 1_050)
            #expect(body["results"]?.array?.count == 1_000)
            let next = try #require(body["next"]?.string)
            #expect(next.contains("limit=1000") && next.contains("offset=1000"))
            // Without a limit: NetBox's PAGINATE_COUNT, 50; limit=0 means the maximum page size.
            #expect(try await sim.netbox("/api/dcim/devices/").value()["results"]?.array?.count == 50)
            #expect(try await sim.netbox("/api/dcim/devices/?limit=0").value()["results"]?.array?.count == 1_000)
            #expect(try await sim.netbox("/api/dcim/devices/?limit=-3").value()["results"]?.array?.count == 50)
        }
    }

    @Test func aSmallerPageLimitOptionCapsToo() async throws {
        var options = SimulatorOptions()
        options.pageLimit = 7
        try await SimulatorFixture.run(NetBoxWorld.many(20), options: options) { sim in
            let body = try await sim.netbox("/api/dcim/devices/?limit=100").value()
            #expect(body["results"]?.array?.count == 7)
            #expect(body["next"]?.string?.contains("limit=7") == true)
        }
    }

    @Test func followingNextUntilNullVisitsEveryDeviceExactlyOnce() async throws {
        try await SimulatorFixture.run(NetBoxWorld.many(523)) { sim in
            // A filter and exclude=config_context must survive in every next link.
            var url: String? = sim.cloud.netboxURL + "/api/dcim/devices/?tenant=nexgen-cloud&exclude=config_context&limit=40"
            var seen: [Int] = []
            var pages = 0
            var previousLinks: [JSON] = []
            while let current = url {
                let result = try await sim.netboxURL(current)
                try #require(result.status == 200, "\(current): \(result.text)")
                let body = try result.value()
                for device in body["results"]?.array ?? [] {
                    seen.append(try #require(device["id"]?.int))
                    #expect(device["tenant"]?["slug"]?.string == "nexgen-cloud")
                    #expect(device["config_context"] == nil)
                }
                previousLinks.append(body["previous"] ?? .null)
                url = body["next"]?.string
                if let next = url {
                    #expect(next.hasPrefix(sim.cloud.netboxURL + "/api/dcim/devices/?"), "absolute: \(next)")
                    #expect(next.contains("tenant=nexgen-cloud") && next.contains("exclude=config_context"))
                }
                pages += 1
                try #require(pages < 100, "next never became null")
            }
            let expected = (1...523).filter { $0 % 3 != 0 }
            #expect(seen.count == expected.count)
            #expect(Set(seen) == Set(expected))
            #expect(pages == (expected.count + 39) / 40)
            #expect(previousLinks.first == .null)
            // The second page's previous link has no offset (DRF drops it at zero).
            #expect(previousLinks.dropFirst().first?.string?.contains("offset") == false)
            #expect(previousLinks.last?.string?.contains("offset=\((pages - 2) * 40)") == true)
        }
    }

    @Test func devicesAreOrderedNaturallyByNameThenID() async throws {
        try await SimulatorFixture.run(NetBoxWorld.scenario) { sim in
            let all = try names(try await sim.netbox("/api/dcim/devices/"))
            #expect(all == ["CA1-CHASSIS-1", "ca1-cpu-01", "CA1-GPU-1", "CA1-GPU-2", "CA1-GPU-10", "US1-GPU-1"])
            let byID = try await sim.netbox("/api/dcim/devices/?ordering=-id").value()["results"]?.array?.compactMap { $0["id"]?.int }
            #expect(byID == [6, 5, 4, 3, 2, 1])
        }
    }

    @Test func filtersAreAndedAndRepeatedValuesOred() async throws {
        try await SimulatorFixture.run(NetBoxWorld.scenario) { sim throws in
            func query(_ q: String) async throws -> [String] {
                let result = try await sim.netbox("/api/dcim/devices/?" + q)
                try #require(result.status == 200, "\(q): \(result.text)")
                return try names(result).sorted()
            }
            // name: case-insensitive exact, repeatable (OR).
            #expect(try await query("name=ca1-gpu-1") == ["CA1-GPU-1"])
            #expect(try await query("name=ca1-gpu-1&name=US1-GPU-1") == ["CA1-GPU-1", "US1-GPU-1"])
            #expect(try await query("name=CA1-GPU") == [])
            // Different filters AND.
            #expect(try await query("tenant=nexgen-cloud&site=ca1") == ["CA1-GPU-1", "CA1-GPU-10"])
            #expect(try await query("tenant=nexgen-cloud&tenant=customer1&status=active&site=ca1") == ["CA1-GPU-1", "CA1-GPU-10"])
            #expect(try await query("status=failed&status=planned") == ["CA1-CHASSIS-1", "CA1-GPU-2"])
            #expect(try await query("role=compute") == ["ca1-cpu-01"])
            #expect(try await query("role=gpu-servers&role=compute&site=us1") == ["US1-GPU-1"])
            // tag: by slug; NetBox ANDs repeated tags.
            #expect(try await query("tag=nvidia-l40") == ["CA1-GPU-1", "CA1-GPU-10", "CA1-GPU-2"])
            #expect(try await query("tag=nvidia-l40&tag=nvlink") == ["CA1-GPU-10", "CA1-GPU-2"])
            // q: a substring of the name, any case.
            #expect(try await query("q=gpu-1") == ["CA1-GPU-1", "CA1-GPU-10", "US1-GPU-1"])
            // id, repeatable.
            #expect(try await query("id=2&id=5") == ["CA1-GPU-2", "ca1-cpu-01"])
            // Unknown parameters are ignored (a typo widens the result).
            #expect(try await query("tennant=nobody").count == NetBoxWorld.devices.count)
        }
    }

    @Test func aSlugThatNamesNothingIs400WithAFieldKeyedBody() async throws {
        try await SimulatorFixture.run(NetBoxWorld.scenario) { sim in
            let tenant = try await sim.netbox("/api/dcim/devices/?tenant=foo")
            #expect(tenant.status == 400)
            #expect(try tenant.value() == ["tenant": ["Select a valid choice. foo is not one of the available choices."]])
            // One valid and one unknown value still fails; every bad field is reported.
            let several = try await sim.netbox("/api/dcim/devices/?tenant=nexgen-cloud&tenant=bar&role=gpu&site=ca1&status=broken")
            #expect(several.status == 400)
            #expect(try several.value() == [
                "tenant": ["Select a valid choice. bar is not one of the available choices."],
                "role": ["Select a valid choice. gpu is not one of the available choices."],
                "status": ["Select a valid choice. broken is not one of the available choices."],
            ])
            #expect(try await sim.netbox("/api/dcim/devices/?tag=no-such-tag").status == 400)
        }
    }

    @Test func excludeConfigContextBriefFieldsAndOmit() async throws {
        try await SimulatorFixture.run(NetBoxWorld.scenario) { sim in
            let full = try await sim.netbox("/api/dcim/devices/1/").value()
            #expect(full["config_context"] == ["dns": "10.0.0.53", "ntp": ["10.0.0.254"]])
            let excluded = try await sim.netbox("/api/dcim/devices/1/?exclude=config_context").value()
            #expect(excluded["config_context"] == nil)
            #expect(excluded["name"]?.string == "CA1-GPU-1")
            let list = try await sim.netbox("/api/dcim/devices/?exclude=config_context").value()
            #expect(list["results"]?.array?.allSatisfy { $0["config_context"] == nil && $0["custom_fields"] != nil } == true)
            let brief = try await sim.netbox("/api/dcim/devices/?brief=true&limit=1").value()
            #expect(brief["results"]?.array?.first.map { Set($0.keys) } == ["id", "url", "display", "name", "description"])
            let fields = try await sim.netbox("/api/dcim/devices/1/?fields=id,name,status").value()
            #expect(fields.keys == ["id", "name", "status"])
            let omitted = try await sim.netbox("/api/dcim/devices/1/?omit=config_context,custom_fields").value()
            #expect(omitted["custom_fields"] == nil && omitted["config_context"] == nil && omitted["tags"] != nil)
        }
    }

    @Test func aDeviceShowsItsNestedObjectsTagsAndEveryCustomField() async throws {
        try await SimulatorFixture.run(NetBoxWorld.scenario) { sim in
            let device = try await sim.netbox("/api/dcim/devices/3/").value()
            #expect(device["url"]?.string == sim.cloud.netboxURL + "/api/dcim/devices/3/")
            #expect(device["display_url"]?.string == sim.cloud.netboxURL + "/dcim/devices/3/")
            #expect(device["status"] == ["value": "active", "label": "Active"])
            #expect(device["tenant"]?["slug"]?.string == "nexgen-cloud")
            #expect(device["tenant"]?["name"]?.string == "NexGen Cloud")
            #expect(device["role"]?["slug"]?.string == "gpu-servers")
            #expect(device["site"]?["name"]?.string == "Canada 1")
            #expect(device["rack"] == .null)
            // The address carries its prefix length.
            #expect(device["primary_ip"]?["address"]?.string == "10.0.0.10/32")
            #expect(device["primary_ip4"]?["family"] == ["value": 4, "label": "IPv4"])
            #expect(device["primary_ip6"] == .null)
            let tags = try #require(device["tags"]?.array)
            #expect(tags.compactMap { $0["slug"]?.string } == ["nvidia-l40", "nvlink"])
            #expect(tags.compactMap { $0["name"]?.string } == ["NVIDIA L40", "NVLink"])
            // Every custom field defined on any device is on every device; unset ones are null.
            #expect(device["custom_fields"] == ["GPU_Count": nil, "Warranty_End": "2027-01-01"])
            let v6 = try await sim.netbox("/api/dcim/devices/4/").value()
            #expect(v6["primary_ip6"]?["address"]?.string == "2001:db8::1/64")
            #expect(v6["primary_ip4"] == .null)
            #expect(v6["tags"]?.array?.first?["slug"]?.string == "nvidia-h100-80gb-sxm5")
            let racked = try await sim.netbox("/api/dcim/devices/1/").value()
            #expect(racked["rack"]?["name"]?.string == "CA1-R01")
            #expect(racked["custom_fields"]?["GPU_Count"] == 8)
        }
    }

    @Test func anUnknownDeviceIs404() async throws {
        try await SimulatorFixture.run(NetBoxWorld.scenario) { sim in
            for id in ["99", "abc"] {
                let result = try await sim.netbox("/api/dcim/devices/\(id)/")
                #expect(result.status == 404)
                #expect(try result.value() == ["detail": "No Device matches the given query."])
            }
        }
    }

    @Test func aPathWithoutItsTrailingSlashIsRedirected() async throws {
        try await SimulatorFixture.run(NetBoxWorld.scenario) { sim in
            try await expectRedirects(sim)
        }
    }

    private func expectRedirects(_ sim: SimulatorFixture) async throws {
        // Django redirects before authentication, keeping the query.
        let result = try await RedirectProbe.get(sim.cloud.netboxURL + "/api/dcim/devices?limit=2&tenant=nexgen-cloud")
        #expect(result.status == 301)
        #expect(result.location == sim.cloud.netboxURL + "/api/dcim/devices/?limit=2&tenant=nexgen-cloud")
        let detail = try await RedirectProbe.get(sim.cloud.netboxURL + "/api/dcim/devices/3")
        #expect(detail.status == 301)
        #expect(detail.location == sim.cloud.netboxURL + "/api/dcim/devices/3/")
        // With the slash, no redirect.
        #expect(try await RedirectProbe.get(sim.cloud.netboxURL + "/api/dcim/devices/?limit=2").status == 403)
        #expect(try await sim.netbox("/api/dcim/devices/?limit=2").status == 200)
    }
}
