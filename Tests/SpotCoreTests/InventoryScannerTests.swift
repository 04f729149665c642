import Foundation
import Testing
import TestSupport
@testable import SpotCore

@Suite struct InventoryScannerTests {
    /// A snapshot's files with names that need every kind of JSON escape.
    func files() -> [String: Data] {
        var cloud = CloudBuilder()
        let hostile = "NO1-ÆØÅ-<lab>\"1\"\\ \u{1F600} \t/"
        cloud.gpuHost(hostile, tag: "NVIDIA L40", aggregate: "Contract-L40-Ærø \"Q\" <b>")
        cloud.gpuHost("gpu-2", tag: "NVIDIA L40", aggregate: "L40-n3")
        cloud.aggregate("empty")
        cloud.server(on: hostile, flavor: "n3-L40x4", name: "vm \"quoted\" \\ \u{7}bell ÆØÅ")
        cloud.server(on: hostile, flavor: "n3-L40x2", name: "<script>alert(1)</script>")
        let inventory = cloud.inventory()
        return InventoryFiles.encode(inventory.facts, summary: SnapshotSummary(inventory))
    }

    @Test func aggregatesReadAsJSONDecoderReadsThem() throws {
        let files = files()
        let data = try #require(files["inventory/aggregates.json"])
        let scanned = try #require(InventoryScanner.aggregates(Array(data)))
        let decoded = try InventoryFiles.decode(files).aggregates
        #expect(scanned.map(\.name) == decoded.map(\.name))
        #expect(scanned.map(\.hosts) == decoded.map(\.hosts))
        #expect(scanned.contains { $0.name == "Contract-L40-Ærø \"Q\" <b>" })
    }

    @Test func hostFilesReadAsJSONDecoderReadsThem() throws {
        let files = files()
        let facts = try InventoryFiles.decode(files)
        var seen = 0
        for (path, data) in files where path.hasPrefix("inventory/hosts/") {
            let host = try #require(InventoryScanner.host(Array(data)), "\(path) was not read")
            let servers = facts.servers.filter { $0.host == host.name }.sorted { ($0.name, $0.id) < ($1.name, $1.id) }
            #expect(host.servers.map(\.id) == servers.map(\.id))
            #expect(host.servers.map(\.name) == servers.map(\.name))
            seen += host.servers.count
        }
        #expect(seen == 2)
    }

    @Test func escapesAndMalformedText() {
        #expect(InventoryScanner.host(Array(#"{"name":"a\u00c6\ud83d\ude00\n\/","servers":[{"id":"1","name":"x","n":[1,-2.5e3,true,null,{}]}]}"#.utf8))
                == .init(name: "aÆ😀\n/", servers: [.init(id: "1", name: "x")]))
        for broken in [#"{"name":"a""#, #"{"name":"a","servers":[}"#, #"{"name":"a"} x"#, #"{"name":"\q"}"#, #"{"name":"\ud800"}"#,
                       #"{"servers":[]}"#, "", #"{"name":"a","x":tru}"#] {
            #expect(InventoryScanner.host(Array(broken.utf8)) == nil, "\(broken)")
        }
        #expect(InventoryScanner.aggregates(Array(#"{"aggregates":[{"name":"a","hosts":["h1","h2"],"id":3}],"format_version":"1.0"}"#.utf8))
                == [.init(name: "a", hosts: ["h1", "h2"])])
        #expect(InventoryScanner.aggregates(Array(#"{"aggregates":[{"hosts":["h1"]}]}"#.utf8)) == nil)
    }
}
