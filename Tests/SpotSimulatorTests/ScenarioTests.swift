import Foundation
import Testing
import TestSupport
@testable import SpotSimulator

@Suite struct ScenarioGeneratorTests {
    @Test func theSameSeedGivesTheSameCloudAndAnotherSeedAnother() throws {
        let a = ScenarioGenerator(hosts: 120, seed: 7, vmsPerHost: 5).generate()
        let b = ScenarioGenerator(hosts: 120, seed: 7, vmsPerHost: 5).generate()
        let c = ScenarioGenerator(hosts: 120, seed: 8, vmsPerHost: 5).generate()
        #expect(try ScenarioFile.encode(a) == ScenarioFile.encode(b))
        #expect(a.hosts.map(\.name) != c.hosts.map(\.name))
    }

    @Test func sizesAreWhatWasAskedFor() {
        let scenario = ScenarioGenerator(hosts: 300, seed: 3, vmsPerHost: 4).generate()
        // Three GPU servers exist only in NetBox, so Nova has that many fewer compute hosts.
        #expect(scenario.hosts.count == 297)
        #expect(scenario.servers.count == 1200)
        #expect(Set(scenario.servers.map(\.id)).count == 1200)
        #expect(Set(scenario.hosts.map(\.name)).count == scenario.hosts.count)
        let sites = Set(scenario.hosts.map { String($0.name.prefix(3)) })
        #expect(sites == ["CA1", "US1", "NO1"])
        #expect(scenario.hosts.contains { $0.name.range(of: #"^CA1-ESC812-\d{3}$"#, options: .regularExpression) != nil })
    }

    @Test func theAwkwardCasesAreAlwaysThere() throws {
        let s = ScenarioGenerator(hosts: 200, seed: 11, vmsPerHost: 10).generate()
        let novaHosts = Set(s.hosts.map(\.name))
        let deviceNames = Set(s.devices.map(\.name))
        let aggregateHosts = Set(s.aggregates.flatMap(\.hosts))
        // CPU-only compute hosts, devices only in NetBox, hosts only in Nova.
        #expect(s.hosts.contains { $0.name.contains("-CPU-") })
        #expect(!deviceNames.subtracting(novaHosts).filter { !$0.contains("CHASSIS") && !$0.contains("-CPU-") }.isEmpty)
        #expect(!novaHosts.subtracting(deviceNames).isEmpty)
        // Disabled services, empty aggregates, availability-zone and testing aggregates with hosts.
        #expect(s.hosts.contains { $0.status == "disabled" })
        #expect(s.aggregates.contains { $0.hosts.isEmpty && $0.name == "RTX-5090-n3-spot" })
        #expect(s.aggregates.contains { $0.availabilityZone != nil && !$0.hosts.isEmpty })
        #expect(s.aggregates.contains { $0.name.contains("tempest") && !$0.hosts.isEmpty })
        #expect(s.aggregates.contains { $0.name.hasSuffix("-n3-NVLink") && !$0.hosts.isEmpty })
        #expect(s.aggregates.contains { $0.name.hasPrefix("Contract-") && !$0.hosts.isEmpty })
        // A host in two pools of one type.
        let pools = Dictionary(grouping: s.aggregates.filter { $0.name.contains("-n3") }.flatMap { agg in agg.hosts.map { ($0, agg.name) } }, by: \.0)
        #expect(pools.values.contains { $0.count >= 2 })
        // Hostile names: quotes, angle brackets, non-ASCII letters.
        #expect(s.servers.contains { $0.name.contains("\"") })
        #expect(s.servers.contains { $0.name.contains("<script>") })
        #expect(s.servers.contains { $0.name.unicodeScalars.contains { !$0.isASCII } })
        #expect(s.hosts.contains { $0.name.contains("<") && $0.name.unicodeScalars.contains { !$0.isASCII } })
        #expect(s.devices.contains { $0.tenant?.name.contains("\"") == true })
        // Several VM states, including ones that hold no resources.
        #expect(Set(s.servers.map(\.status)).isSuperset(of: ["ACTIVE", "SHUTOFF", "SHELVED_OFFLOADED", "ERROR"]))
        #expect(s.servers.filter { $0.status == "SHELVED_OFFLOADED" }.allSatisfy { $0.host == nil })
        // Some servers live on hosts that aggregates list, every server's flavor exists.
        let flavorNames = Set(s.flavors.map(\.name))
        #expect(s.servers.allSatisfy { flavorNames.contains($0.flavor) })
        #expect(s.servers.contains { $0.host.map(aggregateHosts.contains) == true })
    }

    @Test func vmSizesFitTheirHostsExceptTheDeliberateOverCapacityCases() {
        let s = ScenarioGenerator(hosts: 200, seed: 5, vmsPerHost: 10).generate()
        func gpus(_ flavor: String) -> Int {
            var name = Substring(flavor)
            if name.hasSuffix("-NVLink") { name = name.dropLast(7) }
            guard let x = name.lastIndex(of: "x"), let count = Int(name[name.index(after: x)...]) else { return 0 }
            return count
        }
        var used: [String: Int] = [:]
        for server in s.servers where server.host != nil && server.status != "SHELVED_OFFLOADED" {
            used[server.host!, default: 0] += gpus(server.flavor)
        }
        let capacity = Dictionary(uniqueKeysWithValues: s.hosts.map { ($0.name, $0.name.contains("A4000") ? 10 : 8) })
        let over = used.filter { $0.value > (capacity[$0.key] ?? 8) }.keys
        #expect(over.count >= 1)
        #expect(over.count <= 2)
        #expect(used.values.reduce(0, +) > 0)
    }

    @Test func theDemoScenarioLoadsAndRoundTrips() throws {
        let demo = DemoScenario.load()
        #expect(demo.name == "demo")
        #expect(demo.hosts.count == 12)
        #expect(demo.aggregates.contains { $0.name == "A100-n3-spot" && $0.hosts.isEmpty })
        #expect(demo.hyperstack.firewalls.first?.id == 971)
        let data = try ScenarioFile.encode(demo)
        #expect(try ScenarioFile.decode(data, name: "round trip") == demo)
    }

    @Test func aBrokenScenarioNamesTheMissingField() {
        let error = #expect(throws: SimulatorError.self) {
            try ScenarioFile.decode(Data("name: x\nhosts:\n  - status: up\n".utf8), name: "bad.yaml")
        }
        #expect(error?.description.contains("bad.yaml") == true)
        #expect(error?.description.contains("hosts[0]") == true)
    }
}
