import Foundation
import Testing
import TestSupport
import SpotKit
@testable import SpotSimulator

/// GPUs a server holds, worked out here from the scenario alone (not through SpotCore): the
/// alias count in the flavor's extra specs, else the `x<N>` count in the generator's flavor names.
private func independentGPUs(flavor name: String, in world: Scenario) -> Int {
    if let flavor = world.flavors.first(where: { $0.name == name }), let alias = flavor.extraSpecs["pci_passthrough:alias"] {
        return alias.split(separator: ",").compactMap { $0.split(separator: ":").last.flatMap { Int($0) } }.reduce(0, +)
    }
    // n3-L40x4, n3-A100x8-NVLink, n3-L40x1-spot; CPU flavors (m1.small) hold none.
    guard let x = name.lastIndex(of: "x") else { return 0 }
    let digits = name[name.index(after: x)...].prefix { $0.isNumber }
    return Int(digits) ?? 0
}

/// SPEC section 7's file names, written out here: every byte outside `A-Z a-z 0-9 . _ -`, and a
/// leading dot, percent-encoded.
func specFileName(_ name: String) -> String {
    var out = ""
    for (index, byte) in name.utf8.enumerated() {
        let scalar = Unicode.Scalar(byte)
        let safe = (byte < 0x80 && (CharacterSet.alphanumerics.contains(scalar) || "_-".unicodeScalars.contains(scalar)))
            || (byte == 0x2E && index > 0)
        out += safe ? String(scalar) : String(format: "%%%02X", byte)
    }
    return out
}

private let statesWithoutResources: Set<String> = ["DELETED", "SOFT_DELETED", "SHELVED_OFFLOADED"]

private struct Expected {
    var used: [String: Int] = [:]
    var vms: [String: Int] = [:]

    init(_ world: Scenario) {
        for server in world.servers {
            guard let host = server.host, !statesWithoutResources.contains(server.status) else { continue }
            used[host, default: 0] += independentGPUs(flavor: server.flavor, in: world)
            vms[host, default: 0] += 1
        }
    }
}

@Suite struct GeneratedCloudSiteTests {
    /// The NVLink flag of the static API follows NetBox's `NVLinks` custom field, also for hosts
    /// that carry no NVLink tag and sit in no NVLink aggregate (a third of the generator's NVLink
    /// hosts), and a null field means false even where an aggregate says NVLink.
    @Test func theNVLinkFlagFollowsTheDevicesCustomField() async throws {
        let site = try await Sites.generated.value
        var field: [String: Bool] = [:]
        var tagged: Set<String> = []
        for device in site.world.devices {
            if case .bool(true)? = device.customFields["NVLinks"] { field[device.name] = true } else { field[device.name] = false }
            if device.tags.contains("NVLink") { tagged.insert(device.name) }
        }
        var checked = 0, fieldOnly = 0
        let types = try #require(try site.json("api/gpu-types.json")["data"] as? [[String: Any]])
        for type in types {
            let data = try #require(try site.json("api/aggregates/\(specFileName(type["name"] as! String)).json")["data"] as? [String: Any])
            for pool in ["ondemand", "spot", "runpod", "contracts", "outofstock"] {
                for host in try #require((data[pool] as? [String: Any])?["hosts"] as? [[String: Any]]) {
                    let name = host["hostname"] as! String
                    guard let expected = field[name] else { continue }
                    #expect(host["nvlink"] as? Bool == expected, "\(name): NetBox's NVLinks is \(expected)")
                    checked += 1
                    if expected, !tagged.contains(name) { fieldOnly += 1 }
                }
            }
        }
        #expect(checked > 40)
        #expect(fieldOnly > 0, "the generated cloud must have NVLink hosts known only by the field")
    }

    @Test func theStaticAPIAgreesWithTotalsWorkedOutFromTheScenario() async throws {
        let site = try await Sites.generated.value
        let expected = Expected(site.world)
        let types = try #require(try site.json("api/gpu-types.json")["data"] as? [[String: Any]])
        #expect(types.count >= 4)
        var seen: [String: String] = [:]
        for type in types {
            let name = try #require(type["name"] as? String)
            let file = specFileName(name)
            let data = try #require(try site.json("api/aggregates/\(file).json")["data"] as? [String: Any])
            var usedInService = 0, capacityInService = 0
            for pool in ["ondemand", "spot", "runpod", "contracts", "outofstock"] {
                let entry = try #require(data[pool] as? [String: Any], "\(name) has no \(pool)")
                let hosts = try #require(entry["hosts"] as? [[String: Any]])
                let summary = try #require(entry["gpu_summary"] as? [String: Any])
                var used = 0, capacity = 0
                for host in hosts {
                    let hostname = try #require(host["hostname"] as? String)
                    #expect(seen[hostname] == nil, "\(hostname) appears in \(seen[hostname] ?? "") and in \(name)/\(pool)")
                    seen[hostname] = "\(name)/\(pool)"
                    let hostUsed = try #require(host["gpu_used"] as? Int)
                    #expect(hostUsed == expected.used[hostname, default: 0], "\(hostname): gpu_used")
                    #expect(host["vm_count"] as? Int == expected.vms[hostname, default: 0], "\(hostname): vm_count")
                    #expect(host["has_vms"] as? Bool == (expected.vms[hostname, default: 0] > 0), "\(hostname): has_vms")
                    used += hostUsed
                    capacity += try #require(host["gpu_capacity"] as? Int)
                }
                // Each pool's summary is the sum of its hosts, worked out here from the scenario.
                #expect(summary["gpu_used"] as? Int == used, "\(name)/\(pool) gpu_used")
                #expect(summary["gpu_capacity"] as? Int == capacity, "\(name)/\(pool) gpu_capacity")
                #expect(summary["gpu_usage_ratio"] as? String == "\(used)/\(capacity)")
                // SPEC section 4: one decimal, rounded half up from the integers; 0 without capacity.
                let tenths = capacity == 0 ? 0 : (used * 2000 + capacity) / (2 * capacity)  // floor(x + 1/2)
                let reported = (summary["gpu_usage_percentage"] as? NSNumber)?.doubleValue ?? -1
                #expect(Int((reported * 10).rounded()) == tenths, "\(name)/\(pool) percentage \(reported), expected \(tenths) tenths")
                if pool != "outofstock" {
                    usedInService += used
                    capacityInService += capacity
                }
                // The per-pool file holds the same pool.
                let poolFile = try #require(try site.json("api/aggregates/\(file)/\(pool).json")["data"] as? [String: Any])
                #expect((poolFile["gpu_summary"] as? [String: Any])?["gpu_used"] as? Int == used)
            }
            // The pools add up to the type's totals; out of stock counts in neither.
            let overview = try #require(data["gpu_overview"] as? [String: Any])
            #expect(overview["gpu_used"] as? Int == usedInService, "\(name) gpu_overview")
            #expect(overview["gpu_capacity"] as? Int == capacityInService, "\(name) gpu_overview")
        }
        // Every host of a GPU-pool aggregate of a known type is on exactly one type page.
        let typeNames = Set(types.compactMap { $0["name"] as? String })
        for aggregate in site.world.aggregates {
            let mentioned = typeNames.contains { aggregate.name.hasPrefix($0 + "-n3") || aggregate.name == "Contract-\($0)-Customer1" }
            guard mentioned else { continue }
            for host in aggregate.hosts {
                #expect(seen[host] != nil, "\(host) of \(aggregate.name) is on no type page")
            }
        }
        // Every host's VM file lists the scenario's servers on it.
        for (hostname, _) in seen {
            let file = specFileName(hostname)
            let vms = try #require(try site.json("api/host-vms/\(file).json")["data"] as? [String: Any], "no host-vms for \(hostname)")
            let onHost = site.world.servers.filter { $0.host == hostname }
            #expect(vms["total_vms"] as? Int == onHost.count, "\(hostname): total_vms")
        }
    }

    @Test func everyNumberOnThePagesEqualsTheStaticAPIs() async throws {
        let site = try await Sites.generated.value
        let types = try #require(try site.json("api/gpu-types.json")["data"] as? [[String: Any]])
        let overview = try site.text("index.html")
        let cards = taggedElements(overview, containing: "class=\"type-card\"")
        #expect(cards.count == types.count)
        let rows = taggedElements(overview, containing: "class=\"pool-row")
        for type in types {
            let name = try #require(type["name"] as? String)
            let file = specFileName(name)
            let data = try #require(try site.json("api/aggregates/\(file).json")["data"] as? [String: Any])
            let apiOverview = try #require(data["gpu_overview"] as? [String: Any])
            let card = try #require(cards.first { $0["data-type"] == name }, "no overview card for \(name)")
            #expect(card["data-used"] == "\(apiOverview["gpu_used"]!)")
            #expect(card["data-capacity"] == "\(apiOverview["gpu_capacity"]!)")
            #expect(card["data-percentage"].flatMap(Double.init) == (apiOverview["gpu_usage_percentage"] as? NSNumber)?.doubleValue)

            let page = try site.text("types/\(file).html")
            let columns = taggedElements(page, containing: "class=\"column ")
            let pageCards = taggedElements(page, containing: "class=\"card")
            for pool in ["ondemand", "spot", "runpod", "contracts", "outofstock"] {
                let entry = try #require(data[pool] as? [String: Any])
                let summary = try #require(entry["gpu_summary"] as? [String: Any])
                let apiHosts = try #require(entry["hosts"] as? [[String: Any]])
                // The overview's pool row.
                let row = try #require(rows.first { $0["data-type"] == name && $0["data-pool"] == pool }, "no row \(name)/\(pool)")
                #expect(row["data-used"] == "\(summary["gpu_used"]!)", "\(name)/\(pool) row")
                #expect(row["data-capacity"] == "\(summary["gpu_capacity"]!)", "\(name)/\(pool) row")
                #expect(row["data-hosts"] == "\(apiHosts.count)", "\(name)/\(pool) row")
                // The type page's column(s): on-demand may be split into variants.
                let poolColumns = columns.filter { $0["data-pool"] == pool }
                #expect(!poolColumns.isEmpty, "no column for \(name)/\(pool)")
                #expect(poolColumns.compactMap { $0["data-used"].flatMap(Int.init) }.reduce(0, +) == summary["gpu_used"] as? Int)
                #expect(poolColumns.compactMap { $0["data-capacity"].flatMap(Int.init) }.reduce(0, +) == summary["gpu_capacity"] as? Int)
                #expect(poolColumns.compactMap { $0["data-hosts"].flatMap(Int.init) }.reduce(0, +) == apiHosts.count)
                // Each host card shows the API's figures.
                for host in apiHosts {
                    let hostname = host["hostname"] as! String
                    let card = pageCards.filter { $0["data-host"] == hostname }
                    #expect(card.count == 1, "\(hostname) has \(card.count) cards on \(name)")
                    #expect(card.first?["data-used"] == "\(host["gpu_used"]!)")
                    #expect(card.first?["data-capacity"] == "\(host["gpu_capacity"]!)")
                    #expect(card.first?["data-pool"] == pool)
                }
            }
        }
    }

    @Test func theSiteHoldsNoSecretInClearOrEncoded() async throws {
        let site = try await Sites.generated.value
        let credentials = site.world.credentials
        let secrets = [credentials.password, credentials.netboxToken, credentials.hyperstackAPIKey, credentials.runpodAPIKey]
        var forms: [String] = []
        for secret in secrets {
            forms += [secret, Data(secret.utf8).base64EncodedString(),
                      secret.addingPercentEncoding(withAllowedCharacters: .alphanumerics) ?? secret]
        }
        let enumerator = try #require(FileManager.default.enumerator(atPath: site.site.path))
        var files = 0
        while let relative = enumerator.nextObject() as? String {
            var isDirectory: ObjCBool = false
            let path = site.site.appendingPathComponent(relative).path
            guard FileManager.default.fileExists(atPath: path, isDirectory: &isDirectory), !isDirectory.boolValue else { continue }
            let text = String(decoding: try Data(contentsOf: URL(fileURLWithPath: path)), as: UTF8.self)
            for form in forms { #expect(!text.contains(form), "\(relative) holds a secret") }
            files += 1
        }
        #expect(files > 100)
    }

    @Test func theHistoryShowsTheMoveBetweenTheTwoSnapshots() async throws {
        let site = try await Sites.generated.value
        #expect(site.outcome.snapshots == 2)
        let history = try site.text("history.html")
        #expect(history.contains("<svg class=\"chart\""))
        #expect(history.contains("Hosts moved per snapshot"))
        let moved = taggedElements(history, containing: "class=\"bar-moves\"")
        #expect(moved.count == 1, "one snapshot moved hosts")
        // The moved host's page tells its move; three servers stopped, on their hosts' pages.
        let hosts = site.site.appendingPathComponent("hosts")
        var movedPages = 0, stoppedPages = 0
        for file in try FileManager.default.contentsOfDirectory(atPath: hosts.path) {
            let page = try String(contentsOf: hosts.appendingPathComponent(file), encoding: .utf8)
            if page.contains("moved from ") && page.contains("-spot to ") { movedPages += 1 }
            if page.contains("stopped ") { stoppedPages += 1 }
        }
        #expect(movedPages == 1)
        #expect(stoppedPages >= 1)
    }
}
