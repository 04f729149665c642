import Foundation
import Testing
import TestSupport
@testable import SpotCore

@Suite struct SafeFileNameTests {
    @Test(arguments: [
        ("CA1-ESC812-171", "CA1-ESC812-171"),
        ("host.example.net", "host.example.net"),
        (".hidden", "%2Ehidden"),
        ("../etc/passwd", "%2E.%2Fetc%2Fpasswd"),
        ("a b", "a%20b"),
        ("NO1-ÆØÅ-<lab>\"1\"", "NO1-%C3%86%C3%98%C3%85-%3Clab%3E%221%22"),
        ("100%", "100%25"),
        ("", "%00"),
    ])
    func namesBecomeSafeFileNames(name: String, file: String) {
        #expect(SafeFileName.encode(name) == file)
        #expect(SafeFileName.decode(file) == name)
        #expect(!SafeFileName.encode(name).contains("/"))
    }

    @Test func distinctNamesNeverShareAFile() {
        let names = ["a/b", "a%2Fb", "a_b", "a-b", ".a", "%2Ea", "A", "a"]
        #expect(Set(names.map(SafeFileName.encode)).count == names.count)
        #expect(SafeFileName.decode("not%zzvalid") == nil)
        #expect(SafeFileName.decode("a%2fb") == nil) // only the spelling encode writes
    }
}

@Suite struct InventoryFilesTests {
    static func cloud() -> CloudBuilder {
        var cloud = InventoryTests.l40Cloud()
        cloud.device("CA1-L40-99", tags: ["NVIDIA L40"])
        cloud.server(on: nil, flavor: "n3-L40x8", status: "SHELVED_OFFLOADED")
        cloud.project("p-1", name: "research")
        cloud.facts.flavors = [Flavor(id: "f1", name: "n3-L40x4", extraSpecs: ["pci_passthrough:alias": "l40:4"])]
        cloud.facts.images = [HyperstackImage(id: 1, name: "RunPod Ubuntu 22.04", region: "CANADA-1")]
        cloud.facts.firewalls = [HyperstackFirewall(id: 971, name: "fw", attachments: [.init(vmID: 9, vmName: "b"), .init(vmID: 2, vmName: "a")])]
        return cloud
    }

    static func files(_ facts: Facts) -> [String: Data] {
        InventoryFiles.encode(facts, summary: SnapshotSummary(CloudView(facts: facts, configuration: .defaults)))
    }

    @Test func aSnapshotIsShardedOneFilePerHost() throws {
        let files = Self.files(Self.cloud().facts)
        let paths = files.keys.sorted()
        #expect(paths.contains("inventory/snapshot.json"))
        #expect(paths.contains("inventory/summary.json"))
        #expect(paths.contains("inventory/aggregates.json"))
        #expect(paths.contains("inventory/hosts/CA1-L40-01.json"))
        #expect(paths.contains("inventory/hosts/CA1-L40-99.json")) // a NetBox-only device
        #expect(paths.contains("inventory/unplaced-servers.json"))
        #expect(paths.contains("inventory/images.json"))
        #expect(paths.filter { $0.hasPrefix("inventory/hosts/") }.count == 6)
        let host = try #require(String(data: files["inventory/hosts/CA1-L40-01.json"]!, encoding: .utf8))
        #expect(host.contains("\"format_version\" : \"1.2\""))
        #expect(host.contains("\"n3-L40x4\""))
    }

    /// Hyperstack's VMs go into their own file, sorted by id, allow-listed fields only, and read
    /// back equal.
    @Test func hyperstackVMsAreStoredAndReadBack() throws {
        var facts = Self.cloud().facts
        facts.vms = [HyperstackVM(id: 9, name: "runpod-b", status: "ACTIVE", environment: "CA1-RunPod", flavor: "n3-L40x8", serverID: "s-9"),
                     HyperstackVM(id: 2, name: "runpod-a", status: "BUILD", environment: "CA1-RunPod", flavor: "n3-L40x8")]
        let files = Self.files(facts)
        let text = try #require(files["inventory/hyperstack-vms.json"].map { String(decoding: $0, as: UTF8.self) })
        #expect(text.range(of: "runpod-a")!.lowerBound < text.range(of: "runpod-b")!.lowerBound)
        #expect(text.contains("\"server_id\" : \"s-9\""))
        #expect(!text.contains("user_data") && !text.contains("public_key"))
        let decoded = try InventoryFiles.decode(files)
        #expect(decoded.vms?.sorted { $0.id < $1.id } == facts.vms?.sorted { $0.id < $1.id })
    }

    @Test func theSameFactsInAnyOrderGiveTheSameBytes() {
        let facts = Self.cloud().facts
        var shuffled = facts
        shuffled.aggregates.reverse()
        shuffled.servers.reverse()
        shuffled.devices!.reverse()
        shuffled.services.reverse()
        shuffled.hypervisors.reverse()
        shuffled.aggregates[0].hosts.reverse()
        #expect(Self.files(facts) == Self.files(shuffled))
    }

    @Test func filesReadBackToTheSameViews() throws {
        let facts = Self.cloud().facts
        let back = try InventoryFiles.decode(Self.files(facts))
        let before = CloudView(facts: facts, configuration: .defaults)
        let after = CloudView(facts: back, configuration: .defaults)
        #expect(after.hosts == before.hosts)
        #expect(after.types == before.types)
        #expect(back.servers.count == facts.servers.count)
        #expect(back.images == facts.images)
        #expect(Self.files(back) == Self.files(facts))
    }

    @Test func unconfiguredSourcesStayUnconfigured() throws {
        var facts = Self.cloud().facts
        facts.devices = nil
        facts.images = nil
        facts.firewalls = nil
        let files = Self.files(facts)
        #expect(files["inventory/images.json"] == nil)
        let back = try InventoryFiles.decode(files)
        #expect(back.devices == nil)
        #expect(back.images == nil)
        #expect(back.firewalls == nil)
    }

    @Test func aNewerMajorFormatIsRefusedAndAMissingFileIsNamed() {
        var files = Self.files(Self.cloud().facts)
        let snapshot = String(data: files["inventory/snapshot.json"]!, encoding: .utf8)!
        files["inventory/snapshot.json"] = Data(snapshot.replacingOccurrences(of: "\"1.2\"", with: "\"2.0\"").utf8)
        let newer = #expect(throws: InventoryError.self) { try InventoryFiles.decode(files) }
        #expect(newer == InventoryError(path: "inventory/snapshot.json", message: "format 2.0 is newer than this spotctl reads (1.2); upgrade spotctl"))

        var minor = Self.files(Self.cloud().facts)
        minor["inventory/snapshot.json"] = Data(snapshot.replacingOccurrences(of: "\"1.2\"", with: "\"1.7\"").utf8)
        #expect(throws: Never.self) { try InventoryFiles.decode(minor) }

        var missing = Self.files(Self.cloud().facts)
        missing["inventory/aggregates.json"] = nil
        let error = #expect(throws: InventoryError.self) { try InventoryFiles.decode(missing) }
        #expect(error?.description == "inventory/aggregates.json: missing from the snapshot")
    }

    @Test func theSummaryCarriesEveryTypeAndPool() throws {
        let inventory = Self.cloud().cloudView()
        let summary = SnapshotSummary(inventory)
        #expect(summary.types["L40"]?.overview == .init(hosts: 5, gpuUsed: 15, gpuCapacity: 40))
        #expect(summary.types["L40"]?.pools["outofstock"] == .init(hosts: 1, gpuUsed: 0, gpuCapacity: 8))
        #expect(summary.types["L40"]?.pools["spot"]?.hosts == 1)
        #expect(summary.total.gpuCapacity == 40)
        let data = try JSONEncoder().encode(summary)
        #expect(try JSONDecoder().decode(SnapshotSummary.self, from: data) == summary)
    }
}

@Suite struct SnapshotDiffTests {
    @Test func movesStartsStopsAndUseMakeTheCommitSubject() {
        let before = InventoryTests.l40Cloud()
        var after = before
        // Two on-demand hosts move to spot.
        after.facts.aggregates[0].hosts = []
        after.facts.aggregates[1].hosts = []
        after.facts.aggregates[2].hosts += ["CA1-L40-01", "CA1-L40-02"]
        // One VM stops, one starts.
        after.facts.servers.removeAll { $0.flavorName == "n3-L40x1" }
        after.server(on: "CA1-L40-03", flavor: "n3-L40x2")
        let diff = SnapshotDiff(before: before.cloudView(), after: after.cloudView())
        #expect(diff.moves.map(\.host) == ["CA1-L40-01", "CA1-L40-02"])
        #expect(diff.moves.allSatisfy { $0.fromPool == .ondemand && $0.toPool == .spot })
        #expect(diff.serversStarted.count == 1)
        #expect(diff.serversStopped.count == 1)
        #expect(diff.subject == "L40: 2 hosts moved to spot; 1 VM started, 1 stopped; GPU use 37.5% -> 40%")
        #expect(diff.message.contains("- CA1-L40-01 (L40): ondemand -> spot [L40-n3 -> L40-n3-spot]"))
        #expect(!diff.isEmpty)
    }

    @Test func theFirstSnapshotAndAnUnchangedOneSayWhatTheyAre() {
        let cloud = InventoryTests.l40Cloud()
        let first = SnapshotDiff(before: nil, after: cloud.cloudView())
        #expect(first.subject == "First snapshot: 5 GPU hosts in service, 4 VMs running; GPU use 37.5%")
        let same = SnapshotDiff(before: cloud.cloudView(), after: cloud.cloudView())
        #expect(same.isEmpty)
        #expect(same.subject == "Snapshot: facts changed, GPU use unchanged at 37.5%")
    }

    @Test func hostsAddedAndRemovedAreCounted() {
        let before = InventoryTests.l40Cloud()
        var after = before
        after.gpuHost("CA1-L40-10", tag: "NVIDIA L40", aggregate: "L40-n3-spot")
        after.facts.aggregates[3].hosts = []
        after.facts.services.removeAll { $0.host == "CA1-L40-04" }
        after.facts.devices!.removeAll { $0.name == "CA1-L40-04" }
        let diff = SnapshotDiff(before: before.cloudView(), after: after.cloudView())
        #expect(diff.hostsAdded == ["CA1-L40-10"])
        #expect(diff.hostsRemoved == ["CA1-L40-04"])
        #expect(diff.subject.contains("1 host added, 1 host removed"))
    }

    @Test func theGuardRefusesLosingMoreThanTheAllowedShare() {
        let cloud = InventoryTests.l40Cloud()
        var halved = cloud.facts
        halved.services.removeLast(2) // 5 → 3 hosts: 40 % lost
        #expect(SnapshotGuard.check(previous: cloud.facts, next: halved, settings: SnapshotSettings()).isEmpty)
        var gutted = cloud.facts
        gutted.services.removeLast(3) // 5 → 2: 60 % lost
        gutted.servers = []
        let violations = SnapshotGuard.check(previous: cloud.facts, next: gutted, settings: SnapshotSettings())
        #expect(violations.map(\.what) == ["compute hosts", "servers"])
        #expect(violations[0].description
            == "the snapshot loses 3 of 5 compute hosts (60%), more than the 50% allowed (missing: CA1-L40-03, CA1-L40-04, CA1-L40-05)")
        var strict = SnapshotSettings()
        strict.maxHostLoss = 0.2
        #expect(SnapshotGuard.check(previous: cloud.facts, next: halved, settings: strict).count == 1)
    }

    /// Counts agree, names do not: another cloud of the same size loses every host by name.
    @Test func theGuardComparesHostsByNameNotByCount() {
        let cloud = InventoryTests.l40Cloud()
        var swapped = cloud.facts
        swapped.services = swapped.services.map { var copy = $0; copy.host = "OTHER-" + copy.host; return copy }
        #expect(swapped.services.count == cloud.facts.services.count)
        let violations = SnapshotGuard.check(previous: cloud.facts, next: swapped, settings: SnapshotSettings())
        #expect(violations.map(\.what) == ["compute hosts"])
    }

    @Test func theGuardSeesMissingAndEmptySourcesAndChangedEndpoints() {
        let cloud = InventoryTests.l40Cloud()
        #expect(cloud.facts.devices?.isEmpty == false)
        var missing = cloud.facts
        missing.devices = nil
        #expect(SnapshotGuard.check(previous: cloud.facts, next: missing, settings: SnapshotSettings()).map(\.what) == ["netbox"])
        var empty = cloud.facts
        empty.devices = []
        empty.aggregates = []
        #expect(SnapshotGuard.check(previous: cloud.facts, next: empty, settings: SnapshotSettings()).map(\.what) == ["netbox", "aggregates"])
        let here = SourceEndpoints(openstack: .init(authURL: "https://keystone.example/v3/", region: "CA1"), netbox: "https://netbox.example", hyperstack: nil)
        let there = SourceEndpoints(openstack: .init(authURL: "https://keystone.example/v3", region: "CA2"), netbox: "https://NETBOX.example/", hyperstack: nil)
        let changed = SnapshotGuard.check(previous: cloud.facts, next: cloud.facts, previousEndpoints: here, nextEndpoints: there, settings: SnapshotSettings())
        #expect(changed.map(\.description) == ["the OpenStack endpoint changed from https://keystone.example/v3 (region CA1) to https://keystone.example/v3 (region CA2)"])
        // Nothing recorded before: nothing compared (the endpoints are recorded now).
        #expect(SnapshotGuard.check(previous: cloud.facts, next: cloud.facts, previousEndpoints: nil, nextEndpoints: there, settings: SnapshotSettings()).isEmpty)
    }
}
