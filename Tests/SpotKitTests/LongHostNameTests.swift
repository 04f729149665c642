import Foundation
import Testing
import TestSupport
import SpotCore
@testable import SpotKit
@testable import SpotSimulator

/// A host name of 40 CJK characters (360 bytes percent-encoded, over the 255-byte limit of a file
/// name) used to stop every snapshot. It gets a bounded file name: snapshot, diff, history and
/// render all work, and other hosts keep their file names.
@Suite struct LongHostNameTests {
    static let first = String(repeating: "图形服务器", count: 8)
    /// Shares its first 30 characters (270 bytes encoded) with `first`.
    static let second = String(repeating: "图形服务器", count: 6) + "甲乙丙丁戊己庚辛壬癸"

    /// The scenario with hosts renamed everywhere they appear (services, aggregates, servers, devices).
    static func renamed(_ scenario: Scenario, _ names: [String: String]) throws -> Scenario {
        var text = String(decoding: try ScenarioFile.encode(scenario), as: UTF8.self)
        for (old, new) in names {
            text = text.replacingOccurrences(of: "\"\(old)\"", with: String(decoding: try JSONEncoder().encode(new), as: UTF8.self))
        }
        return try ScenarioFile.decode(Data(text.utf8), name: "renamed")
    }

    @Test func aFortyCharacterCJKHostSnapshotsDiffsAndRenders() async throws {
        #expect(Self.first.count == 40 && Self.second.count == 40)
        let scenario = try Self.renamed(DemoScenario.load(), ["CA1-ESC812-101": Self.first, "CA1-ESC812-102": Self.second])
        try await SnapshotFixture.run(scenario) { f in
            let snapshot = try await f.snapshot()
            guard case .committed = snapshot.result else { Issue.record("expected a commit, got \(snapshot.result)"); return }
            let files = try f.git("ls-files", "inventory/hosts").split(separator: "\n").map(String.init)
            let paths = [InventoryFiles.hostPath(Self.first), InventoryFiles.hostPath(Self.second)]
            #expect(paths[0] != paths[1])
            for path in paths {
                #expect(files.contains(path), "\(path) not in \(files)")
                #expect(path.split(separator: "/").last!.utf8.count <= SafeFileName.maximumLength + 5)
                #expect(path.contains("~"))
            }
            // Short names keep their files.
            #expect(files.contains("inventory/hosts/CA1-ESC812-103.json"))
            // The names come back from the files' content.
            let facts = try await RepositoryReader(repository: f.repository).facts(at: "HEAD")
            #expect(Set(facts.services.map(\.host)).isSuperset(of: [Self.first, Self.second]))
            #expect(try f.git("show", "HEAD:" + paths[0]).contains("\"name\" : \"\(Self.first)\""))

            // A move of the long-named host: the commit message, `diff` and the history see it.
            await f.cloud.state.mutate { world in
                for index in world.aggregates.indices {
                    if world.aggregates[index].name == "L40-n3" { world.aggregates[index].hosts.removeAll { $0 == Self.first } }
                    if world.aggregates[index].name == "L40-n3-spot" { world.aggregates[index].hosts.append(Self.first) }
                }
            }
            let moved = try await f.snapshot { $0.now = $0.now.addingTimeInterval(600) }
            #expect(moved.diff.subject.hasPrefix("L40: 1 host moved to spot"), "\(moved.diff.subject)")
            let diff = try await SnapshotComparer.compare(repository: f.repository, revisions: [])
            #expect(SnapshotComparer.render(diff).contains("\(Self.first) (L40): On-Demand -> Spot"))

            var options = SiteBuilder.Options()
            options.output = f.dir.appending("site").path
            let context = RunContext(environment: f.options.environment, workingDirectory: f.dir.url, identity: f.options.identity,
                                     clock: FixedClock(f.options.now.addingTimeInterval(1200)))
            let site = try await SiteBuilder.run(repository: f.repository, options: options, context: context)
            #expect(site.snapshots == 2)
            let root = f.dir.appending("site")
            for name in [Self.first, Self.second] {
                let page = root.appendingPathComponent("hosts/\(SafeFileName.encode(name)).html")
                let html = try String(contentsOf: page, encoding: .utf8)
                #expect(html.contains(name))
                #expect(FileManager.default.fileExists(atPath: root.appendingPathComponent("api/host-vms/\(SafeFileName.encode(name)).json").path))
            }
            // The host's own history lists the move.
            let page = try String(contentsOf: root.appendingPathComponent("hosts/\(SafeFileName.encode(Self.first)).html"), encoding: .utf8)
            #expect(page.contains("Spot"))
            // The type page links to the host page by the same bounded name.
            let type = try String(contentsOf: root.appendingPathComponent("types/L40.html"), encoding: .utf8)
            #expect(type.contains("href=\"../hosts/\(SafeFileName.encode(Self.second).replacingOccurrences(of: "%", with: "%25")).html\""))
        }
    }
}
