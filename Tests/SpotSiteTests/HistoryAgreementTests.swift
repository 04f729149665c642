import Foundation
import Testing
import TestSupport
import GitStore
import SpotCore
import SpotSite
@testable import SpotKit
@testable import SpotSimulator

/// "Host moved" and "VMs started/stopped" have one definition each: the commit message, `diff`
/// and the history page (and its chart) agree, also for a host whose compute service was
/// disabled (it moves to out of stock without leaving an aggregate).
@Suite struct HistoryAgreementTests {
    @Test func theCommitMessageDiffAndHistoryAgreeOnMovesAndVMs() async throws {
        let site = try await RenderedSite.make(DemoScenario.load()) { world in
            // Disabled: out of stock, still in its aggregate.
            let disabled = world.hosts.firstIndex { $0.name == "CA1-ESC812-103" }!
            world.hosts[disabled].status = "disabled"
            world.hosts[disabled].disabledReason = "RMA"
            // Moved between aggregates, with no change to its own file.
            for index in world.aggregates.indices {
                if world.aggregates[index].name == "L40-n3" { world.aggregates[index].hosts.removeAll { $0 == "CA1-ESC812-102" } }
                if world.aggregates[index].name == "L40-n3-spot" { world.aggregates[index].hosts.append("CA1-ESC812-102") }
            }
            world.servers.removeAll { $0.name == "notebook" }
        }
        defer { site.root.removeAll() }
        let comparison = try await SnapshotComparer.compare(repository: site.repository, revisions: [])
        let diffMoves = comparison.diff.moves.map(\.host).sorted()
        #expect(diffMoves == ["CA1-ESC812-102", "CA1-ESC812-103"])
        #expect(comparison.diff.subject.contains("moved to out of stock"), "\(comparison.diff.subject)")

        let configuration = try site.repository.loadConfiguration()
        let reader = try RepositoryReader(repository: site.repository)
        let history = try await HistoryReader.read(store: reader.store, configuration: configuration, upTo: "HEAD", limit: 10)
        let last = try #require(history.points.last)
        #expect(last.moves.map(\.host).sorted() == diffMoves)
        #expect(last.moves == comparison.diff.moves.sorted { $0.host < $1.host }.map {
            HostMove(host: $0.host, gpuType: nil, from: Placement(pool: $0.fromPool, poolAggregates: $0.fromAggregates),
                     to: Placement(pool: $0.toPool, poolAggregates: $0.toAggregates))
        })
        // The same servers stopped, by the same rule.
        let stopped = comparison.diff.serversStopped.map(\.name)
        #expect(stopped.contains("notebook"))
        let events = history.hostEvents.values.joined().map(\.text)
        for name in stopped { #expect(events.contains { $0.contains("stopped") && $0.contains(name) }, "\(name): \(events)") }
        #expect(history.hostEvents["CA1-ESC812-103"]?.map(\.text).contains("moved from L40-n3-spot to out of stock") == true,
                "\(history.hostEvents["CA1-ESC812-103"] ?? [])")

        // The page shows the count the commit message gives.
        let page = try site.text("history.html")
        #expect(page.contains(#"<td data-label="Moved">2</td>"#), "the history page counts both moves")
    }
}

extension URL {
    func removeAll() { try? FileManager.default.removeItem(at: self) }
}
