import Foundation
import Testing
import TestSupport
@testable import SpotCore

/// The partial readers of inventory files: the scanner (fast path) and `JSONDecoder` (fallback)
/// give the same records on every file of every fixture, and both agree with the full decoder.
@Suite struct InventoryRecordsTests {
    /// A snapshot's files with names that need every kind of JSON escape, a disabled compute
    /// service, a NetBox device and servers in states that hold no resources.
    func files() -> [String: Data] {
        var cloud = CloudBuilder()
        let hostile = "NO1-ÆØÅ-<lab>\"1\"\\ \u{1F600} \t/"
        cloud.gpuHost(hostile, tag: "NVIDIA L40", aggregate: "Contract-L40-Ærø \"Q\" <b>")
        cloud.gpuHost("gpu-2", tag: "NVIDIA L40", aggregate: "L40-n3")
        cloud.gpuHost("gpu-3", tag: "NVIDIA L40", aggregate: "L40-n3-spot")
        cloud.aggregate("empty")
        cloud.server(on: hostile, flavor: "n3-L40x4", name: "vm \"quoted\" \\ \u{7}bell ÆØÅ")
        cloud.server(on: hostile, flavor: "n3-L40x2", name: "<script>alert(1)</script>")
        cloud.server(on: "gpu-2", flavor: "n3-L40x2", status: "SHELVED_OFFLOADED", name: "shelved")
        var facts = cloud.facts
        if let index = facts.services.firstIndex(where: { $0.host == "gpu-3" }) {
            facts.services[index].status = "disabled"
            facts.services[index].disabledReason = "RMA \"42\""
        }
        let view = CloudView(facts: facts, configuration: .defaults)
        return InventoryFiles.encode(view.facts, summary: SnapshotSummary(view))
    }

    @Test func aggregatesReadTheSameByBothPathsAndAsTheFullDecoder() throws {
        let files = files()
        let data = try #require(files["inventory/aggregates.json"])
        let scanned = try #require(InventoryFiles.scanAggregateHosts(data))
        let decoded = try InventoryFiles.decodeAggregateHosts(data)
        #expect(scanned == decoded)
        let full = try InventoryFiles.decode(files).aggregates
        #expect(scanned.map(\.name) == full.map(\.name))
        #expect(scanned.map(\.hosts) == full.map(\.hosts))
        #expect(scanned.contains { $0.name == "Contract-L40-Ærø \"Q\" <b>" })
    }

    @Test func hostFilesReadTheSameByBothPathsAndAsTheFullDecoder() throws {
        let files = files()
        let facts = try InventoryFiles.decode(files)
        var seen = 0
        var checked = 0
        for (path, data) in files.sorted(by: { $0.key < $1.key }) where path.hasPrefix("inventory/hosts/") {
            let fast = try #require(InventoryFiles.scanHostRecord(data), "\(path) was not scanned")
            let slow = try InventoryFiles.decodeHostRecord(data, path: path)
            #expect(fast.name == slow.name)
            #expect(fast.servers == slow.servers)
            let (fastService, fastDevice) = try fast.placementFacts()
            let (slowService, slowDevice) = try slow.placementFacts()
            #expect(fastService == slowService)
            #expect(fastDevice == slowDevice)
            #expect(fastService == facts.services.first { $0.host == fast.name })
            #expect(InventoryFiles.hostPath(fast.name) == path)
            let servers = facts.servers.filter { $0.host == fast.name }.sorted { ($0.name, $0.id) < ($1.name, $1.id) }
            #expect(fast.servers.map(\.id) == servers.map(\.id))
            #expect(fast.servers.map(\.holdsResources) == servers.map(UsageRules.holdsResources))
            seen += fast.servers.count
            checked += 1
        }
        #expect(seen == 3)
        #expect(checked == 3)
    }

    @Test func escapesAndMalformedText() throws {
        let text = #"{"name":"a\u00c6\ud83d\ude00\n\/","servers":[{"id":"1","name":"x","status":"ACTIVE","vm_state":null,"#
            + #""host":"h","n":[1,-2.5e3,true,null,{}]}],"service":null,"device":{"id":1}}"#
        let record = try #require(InventoryFiles.scanHostRecord(Data(text.utf8)))
        #expect(record.name == "aÆ😀\n/")
        #expect(record.servers == [.init(id: "1", name: "x", status: "ACTIVE", vmState: nil, host: "h")])
        #expect(record.serviceJSON == nil)
        #expect(record.deviceJSON == Data(#"{"id":1}"#.utf8))
        for broken in [#"{"name":"a""#, #"{"name":"a","servers":[}"#, #"{"name":"a"} x"#, #"{"name":"\q"}"#, #"{"name":"\ud800"}"#,
                       #"{"servers":[]}"#, "", #"{"name":"a","x":tru}"#, #"{"name":"a","name":"b","servers":[]}"#] {
            #expect(InventoryFiles.scanHostRecord(Data(broken.utf8)) == nil, "\(broken)")
        }
        #expect(InventoryFiles.scanAggregateHosts(Data(#"{"aggregates":[{"name":"a","hosts":["h1","h2"],"id":3}],"format_version":"1.0"}"#.utf8))
                == [.init(name: "a", hosts: ["h1", "h2"])])
        #expect(InventoryFiles.scanAggregateHosts(Data(#"{"aggregates":[{"hosts":["h1"]}]}"#.utf8)) == nil)
        // What the scanner refuses, the fallback reads or reports with the file's path.
        #expect(throws: InventoryError.self) { try InventoryFiles.hostRecord(Data("{}".utf8), path: "inventory/hosts/x.json") }
    }
}
