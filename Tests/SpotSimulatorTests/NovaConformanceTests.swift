import Foundation
import Testing
import TestSupport
@testable import SpotSimulator

/// Every Nova endpoint the simulator serves, fetched at the microversions of the reference sample
/// folders and compared by shape (keys and JSON value types) with the published sample for that
/// call and microversion. The simulator runs with max 2.104 (the samples' own maximum) so the
/// newest folders are covered; `latest` is that maximum.
@Suite struct NovaConformanceTests {
    static let maxVersion = Microversion(2, 104)

    private func expectSameShape(_ actual: JSON, _ sample: JSON, _ label: String, options: Shape.Options = Shape.Options(),
                                 sourceLocation: SourceLocation = #_sourceLocation) {
        let differences = Shape.differences(actual, sample, options: options)
        #expect(differences.isEmpty, "\(label):\n\(differences.joined(separator: "\n"))", sourceLocation: sourceLocation)
    }

    /// The version a label such as `latest` stands for, for choosing the sample.
    private func resolved(_ version: String) -> String { version == "latest" ? Self.maxVersion.description : version }

    private func withPairs(_ json: JSON, replacing key: String, by value: JSON) -> JSON {
        guard case .object(let pairs) = json else { return json }
        return .object(pairs.map { $0.0 == key ? ($0.0, value) : $0 })
    }

    // MARK: versions

    @Test func versionDocumentsMatchTheSamples() async throws {
        try await NovaTestCloud.run(maxMicroversion: Self.maxVersion) { cloud in
            let root = try await cloud.get("/compute/")
            expectSameShape(root, try Reference.load("nova/doc/api_samples/versions/versions-get-resp.json"), "GET /compute/")
            let current = root["versions"]?.array?.first { $0["id"]?.string == "v2.1" }
            #expect(current?["version"]?.string == "2.104")
            #expect(current?["min_version"]?.string == "2.1")
            let v21 = try await cloud.get("/compute/v2.1/")
            expectSameShape(v21, try Reference.load("nova/doc/api_samples/versions/v21-version-get-resp.json"), "GET /compute/v2.1/")
            #expect(v21["version"]?["links"]?.array?.first?["href"]?.string == cloud.base + "/compute/v2.1/")
        }
    }

    // MARK: aggregates

    @Test(arguments: ["2.1", "2.40", "2.41", "2.81", "latest"])
    func aggregatesMatchTheSamples(version: String) async throws {
        try await NovaTestCloud.run(maxMicroversion: Self.maxVersion) { cloud in
            let v = resolved(version)
            func sample(_ file: String) throws -> JSON { try Reference.nova("os-aggregates", file, at: v).json }

            let list = try await cloud.get("/compute/v2.1/os-aggregates", version: version)
            expectSameShape(list, try sample("aggregates-list-get-resp.json"), "list at \(version)")
            #expect(list["aggregates"]?.array?.count == 3)
            #expect((list["aggregates"]?.array?.first?["uuid"] != nil) == (v != "2.1" && v != "2.40"))
            for id in [1, 3] {
                let show = try await cloud.get("/compute/v2.1/os-aggregates/\(id)", version: version)
                expectSameShape(show, try sample("aggregates-get-resp.json"), "show \(id) at \(version)")
            }
            let add = try await cloud.call("POST", "/compute/v2.1/os-aggregates/3/action", version: version,
                                           json: ["add_host": ["host": "gpu-d"]])
            #expect(add.status == 200)
            expectSameShape(try NovaTestCloud.body(add), try sample("aggregates-add-host-post-resp.json"), "add_host at \(version)")
            let remove = try await cloud.call("POST", "/compute/v2.1/os-aggregates/3/action", version: version,
                                              json: ["remove_host": ["host": "gpu-d"]])
            #expect(remove.status == 200)
            expectSameShape(try NovaTestCloud.body(remove), try sample("aggregates-remove-host-post-resp.json"), "remove_host at \(version)")
            let metadata = try await cloud.call("POST", "/compute/v2.1/os-aggregates/3/action", version: version,
                                                json: ["set_metadata": ["metadata": ["key": "value"]]])
            #expect(metadata.status == 200)
            expectSameShape(try NovaTestCloud.body(metadata), try sample("aggregates-metadata-post-resp.json"), "set_metadata at \(version)")
            let create = try await cloud.call("POST", "/compute/v2.1/os-aggregates", version: version,
                                              json: ["aggregate": ["name": "new-aggregate", "availability_zone": "london"]])
            #expect(create.status == 200)
            let created = try NovaTestCloud.body(create)
            expectSameShape(created, try sample("aggregate-post-resp.json"), "create at \(version)")
            let newID = try #require(created["aggregate"]?["id"]?.int)
            let update = try await cloud.call("PUT", "/compute/v2.1/os-aggregates/\(newID)", version: version,
                                              json: ["aggregate": ["name": "renamed", "availability_zone": "nova2"]])
            #expect(update.status == 200)
            expectSameShape(try NovaTestCloud.body(update), try sample("aggregate-update-post-resp.json"), "update at \(version)")
            let delete = try await cloud.call("DELETE", "/compute/v2.1/os-aggregates/\(newID)", version: version)
            #expect(delete.status == 200)
            #expect(delete.body.isEmpty)
        }
    }

    // MARK: services

    /// The v2.69 sample shows only the minimal records of a down cell; this simulator has no cells, so
    /// 2.69+ lists are compared with the v2.53 shape.
    @Test(arguments: ["2.1", "2.11", "2.52", "2.53", "2.68", "latest"])
    func servicesMatchTheSamples(version: String) async throws {
        try await NovaTestCloud.run(maxMicroversion: Self.maxVersion) { cloud in
            let v = resolved(version)
            let sampleVersion = Microversion(v)! >= Microversion(2, 69) ? "2.68" : v
            let sample = try Reference.nova("os-services", "services-list-get-resp.json", at: sampleVersion)
            let list = try await cloud.get("/compute/v2.1/os-services", version: version)
            expectSameShape(list, sample.json, "services at \(version) vs \(sample.path)")
            #expect(list["services"]?.array?.count == 6)
        }
    }

    // MARK: hypervisors

    @Test(arguments: ["2.1", "2.28", "2.33", "2.52", "2.53", "2.74", "2.75", "2.87", "2.88", "latest"])
    func hypervisorsMatchTheSamples(version: String) async throws {
        try await NovaTestCloud.run(maxMicroversion: Self.maxVersion) { cloud in
            let v = resolved(version)
            let mv = Microversion(v)!
            func sample(_ file: String) throws -> (json: JSON, path: String) { try Reference.nova("os-hypervisors", file, at: v) }

            for (path, file) in [("/compute/v2.1/os-hypervisors", "hypervisors-list-resp.json"),
                                 ("/compute/v2.1/os-hypervisors/detail", "hypervisors-detail-resp.json")] {
                let expected = try sample(file)
                let paged = expected.json["hypervisors_links"] != nil
                let body = try await cloud.get(path + (paged ? "?limit=1" : ""), version: version)
                expectSameShape(body, expected.json, "\(path) at \(version) vs \(expected.path)")
            }
            let list = try await cloud.get("/compute/v2.1/os-hypervisors", version: version)
            let first = try #require(list["hypervisors"]?.array?.first?["id"])
            let id = first.string ?? first.int.map(String.init) ?? "?"
            let show = try sample("hypervisors-show-resp.json")
            expectSameShape(try await cloud.get("/compute/v2.1/os-hypervisors/\(id)", version: version), show.json,
                            "show at \(version) vs \(show.path)")

            let search = try sample("hypervisors-search-resp.json")
            let withServers = try sample("hypervisors-with-servers-resp.json")
            // A host without servers omits `servers` before 2.75.
            let optionalServers = Shape.Options(optional: mv < Microversion(2, 75) ? ["servers"] : [])
            if mv < Microversion(2, 53) {
                expectSameShape(try await cloud.get("/compute/v2.1/os-hypervisors/gpu-a/search", version: version), search.json,
                                "search at \(version)")
                expectSameShape(try await cloud.get("/compute/v2.1/os-hypervisors/gpu-a/servers", version: version), withServers.json,
                                "servers at \(version)")
                let stripped = try await cloud.call("GET", "/compute/v2.1/os-hypervisors/gpu-d/servers", version: version)
                expectSameShape(try NovaTestCloud.body(stripped), try sample("hypervisors-without-servers-resp.json").json,
                                "without servers at \(version)")
            } else {
                expectSameShape(try await cloud.get("/compute/v2.1/os-hypervisors?hypervisor_hostname_pattern=gpu-a", version: version),
                                search.json, "search at \(version) vs \(search.path)")
                expectSameShape(try await cloud.get("/compute/v2.1/os-hypervisors?with_servers=true", version: version), withServers.json,
                                "with_servers at \(version) vs \(withServers.path)", options: optionalServers)
                let detailWith = try sample("hypervisors-detail-with-servers-resp.json")
                expectSameShape(try await cloud.get("/compute/v2.1/os-hypervisors/detail?with_servers=true", version: version),
                                detailWith.json, "detail with_servers at \(version) vs \(detailWith.path)", options: optionalServers)
                let showWith = try sample("hypervisors-show-with-servers-resp.json")
                expectSameShape(try await cloud.get("/compute/v2.1/os-hypervisors/\(id)?with_servers=1", version: version),
                                showWith.json, "show with_servers at \(version) vs \(showWith.path)")
            }
            if mv < Microversion(2, 88) {
                let statistics = try sample("hypervisors-statistics-resp.json")
                expectSameShape(try await cloud.get("/compute/v2.1/os-hypervisors/statistics", version: version), statistics.json,
                                "statistics at \(version)")
                let uptime = try sample("hypervisors-uptime-resp.json")
                expectSameShape(try await cloud.get("/compute/v2.1/os-hypervisors/\(id)/uptime", version: version), uptime.json,
                                "uptime at \(version) vs \(uptime.path)")
            }
        }
    }

    // MARK: availability zones

    @Test func availabilityZonesMatchTheSamples() async throws {
        try await NovaTestCloud.run(maxMicroversion: Self.maxVersion) { cloud in
            let list = try await cloud.get("/compute/v2.1/os-availability-zone", version: "2.1")
            expectSameShape(list, try Reference.load("nova/doc/api_samples/os-availability-zone/availability-zone-list-resp.json"), "zones")
            let names = list["availabilityZoneInfo"]?.array?.compactMap { $0["zoneName"]?.string }
            #expect(names == ["ca1-az1", "nova"])
            var options = Shape.Options()
            options.freeForm["hosts"] = 2
            let detail = try await cloud.get("/compute/v2.1/os-availability-zone/detail", version: "2.1")
            expectSameShape(detail, try Reference.load("nova/doc/api_samples/os-availability-zone/availability-zone-detail-resp.json"),
                            "zones detail", options: options)
        }
    }

    // MARK: flavors

    @Test(arguments: ["2.1", "2.55", "2.61", "2.74", "2.75", "2.101", "2.102", "latest"])
    func flavorsMatchTheSamples(version: String) async throws {
        try await NovaTestCloud.run(maxMicroversion: Self.maxVersion) { cloud in
            let v = resolved(version)
            for (path, file) in [("/compute/v2.1/flavors?is_public=None", "flavors-list-resp.json"),
                                 ("/compute/v2.1/flavors/detail?is_public=None", "flavors-detail-resp.json"),
                                 ("/compute/v2.1/flavors/1", "flavor-get-resp.json")] {
                let sample = try Reference.nova("flavors", file, at: v)
                let body = try await cloud.get(path, version: version)
                expectSameShape(body, sample.json, "\(path) at \(version) vs \(sample.path)")
            }
            let detail = try await cloud.get("/compute/v2.1/flavors/detail?is_public=None", version: version)
            #expect(detail["flavors"]?.array?.count == 4)
        }
    }

    @Test func flavorExtraSpecsMatchTheSamples() async throws {
        try await NovaTestCloud.run(maxMicroversion: Self.maxVersion) { cloud in
            let list = try await cloud.get("/compute/v2.1/flavors/1/os-extra_specs")
            expectSameShape(list, try Reference.load("nova/doc/api_samples/flavor-extra-specs/flavor-extra-specs-list-resp.json"), "extra specs")
            #expect(list["extra_specs"]?["pci_passthrough:alias"]?.string == "l40:1")
            // A single key answers `{"<key>": "<value>"}` (the sample's key is another one).
            let one = try await cloud.get("/compute/v2.1/flavors/1/os-extra_specs/pci_passthrough:alias")
            let sample = try Reference.load("nova/doc/api_samples/flavor-extra-specs/flavor-extra-specs-get-resp.json")
            #expect(one.keys == ["pci_passthrough:alias"] && one.object?.count == sample.object?.count)
            #expect(one["pci_passthrough:alias"]?.string == "l40:1")
        }
    }

    // MARK: servers

    /// The sample server for a call at a version; at 2.90+ the samples are non-admin, so the
    /// admin-only fields of the v2.73 sample are added.
    private func serverSample(_ file: String, at version: String) throws -> (server: JSON, envelope: JSON, path: String) {
        let sample = try Reference.nova("servers", file, at: version)
        let key = sample.json["server"] != nil ? "server" : "servers"
        var server = try #require(key == "server" ? sample.json["server"] : sample.json["servers"]?.array?.first)
        if Microversion(version)! >= Microversion(2, 90), file != "servers-list-resp.json" {
            let admin = try #require(try Reference.nova("servers", file, at: "2.73").json[key].flatMap {
                key == "server" ? $0 : $0.array?.first
            })
            guard case .object(var pairs) = server, case .object(let adminPairs) = admin else { throw TestFailure("not objects") }
            for (name, value) in adminPairs where (name.hasPrefix("OS-EXT-SRV-ATTR:") || name == "host_status")
                && !pairs.contains(where: { $0.0 == name }) {
                pairs.append((name, value))
            }
            server = .object(pairs)
        }
        return (server, sample.json, sample.path)
    }

    private func options(for server: JSON) -> Shape.Options {
        let status = server["status"]?.string ?? ""
        return Shape.Options(optional: NovaHandler.progressStatuses.contains(status) ? [] : ["progress"])
    }

    @Test(arguments: ["2.1", "2.3", "2.16", "2.47", "2.73", "2.89", "2.90", "2.96", "2.98", "2.100", "latest"])
    func serversMatchTheSamples(version: String) async throws {
        try await NovaTestCloud.run(maxMicroversion: Self.maxVersion) { cloud in
            let v = resolved(version)

            for (path, file) in [("/compute/v2.1/servers/detail?all_tenants=1", "servers-details-resp.json"),
                                 ("/compute/v2.1/servers?all_tenants=1", "servers-list-resp.json")] {
                let sample = try serverSample(file, at: v)
                let paged = sample.envelope["servers_links"] != nil
                let body = try await cloud.get(path + (paged ? "&limit=5" : ""), version: version)
                let servers = try #require(body["servers"]?.array)
                #expect(servers.count == (paged ? 5 : 6), "\(path) at \(version)")
                // The envelope (servers_links) ...
                expectSameShape(withPairs(body, replacing: "servers", by: []), withPairs(sample.envelope, replacing: "servers", by: []),
                                "\(path) envelope at \(version) vs \(sample.path)")
                // ... and every server, whatever its state.
                for server in servers {
                    let label = "\(path) server \(server["name"]?.string ?? "?") at \(version) vs \(sample.path)"
                    expectSameShape(server, sample.server, label, options: file == "servers-list-resp.json" ? Shape.Options() : options(for: server))
                }
            }
            let show = try serverSample("server-get-resp.json", at: v)
            for n in 1...6 {
                let body = try await cloud.get("/compute/v2.1/servers/\(NovaWorld.serverID(n))", version: version)
                let server = try #require(body["server"])
                expectSameShape(.object([("server", server)]), .object([("server", show.server)]),
                                "show server \(n) at \(version) vs \(show.path)", options: options(for: server))
            }
        }
    }

    // MARK: os-interface

    @Test(arguments: ["2.1", "2.49", "2.70", "latest"])
    func interfacesMatchTheSamples(version: String) async throws {
        try await NovaTestCloud.run(maxMicroversion: Self.maxVersion) { cloud in
            let v = resolved(version)
            func sample(_ file: String) throws -> JSON { try Reference.nova("os-attach-interfaces", file, at: v).json }
            let server = NovaWorld.serverID(6)
            let attach = try await cloud.call("POST", "/compute/v2.1/servers/\(server)/os-interface", version: version,
                                              json: ["interfaceAttachment": ["port_id": NovaWorld.sparePort]])
            #expect(attach.status == 200, "\(attach.text)")
            expectSameShape(try NovaTestCloud.body(attach), try sample("attach-interfaces-create-resp.json"), "attach at \(version)")
            let list = try await cloud.get("/compute/v2.1/servers/\(server)/os-interface", version: version)
            expectSameShape(list, try sample("attach-interfaces-list-resp.json"), "list at \(version)")
            #expect(list["interfaceAttachments"]?.array?.count == 1)
            let show = try await cloud.get("/compute/v2.1/servers/\(server)/os-interface/\(NovaWorld.sparePort)", version: version)
            expectSameShape(show, try sample("attach-interfaces-show-resp.json"), "show at \(version)")
            // By network: a new port is made on it and attached.
            let byNetwork = try await cloud.call("POST", "/compute/v2.1/servers/\(server)/os-interface", version: version,
                                                 json: ["interfaceAttachment": ["net_id": NovaWorld.privateNet]])
            #expect(byNetwork.status == 200, "\(byNetwork.text)")
            expectSameShape(try NovaTestCloud.body(byNetwork), try sample("attach-interfaces-create-resp.json"), "attach net_id at \(version)")
        }
    }
}
