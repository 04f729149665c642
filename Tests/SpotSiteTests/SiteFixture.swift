import Foundation
import Testing
import TestSupport
import GitStore
import SpotClients
import SpotCore
@testable import SpotKit
@testable import SpotSimulator

/// A site rendered by `spotctl render` (the library call) from a real operations repository with
/// snapshots taken from the simulated cloud, and the world the simulator ended with.
struct RenderedSite: Sendable {
    let root: URL
    let repository: OperationsRepository
    let world: Scenario
    let outcome: SiteBuilder.Outcome

    var site: URL { outcome.output }

    func data(_ path: String) throws -> Data {
        try Data(contentsOf: site.appendingPathComponent(path))
    }

    func text(_ path: String) throws -> String {
        String(decoding: try data(path), as: UTF8.self)
    }

    func json(_ path: String) throws -> [String: Any] {
        try #require(try JSONSerialization.jsonObject(with: data(path)) as? [String: Any], "\(path) is not a JSON object")
    }

    /// Builds the repository: init, a snapshot, a change in the cloud (a host moves, VMs start and
    /// stop), a second snapshot, then render.
    static func make(_ scenario: Scenario, change: @Sendable (inout Scenario) -> Void) async throws -> RenderedSite {
        let dir = try TemporaryDirectory()
        let cloud = try await SimulatedCloud.start(scenario: scenario)
        do {
            let identity = Identity(name: "Site Test", email: "test@spotctl.invalid")
            _ = try await RepositoryInitializer.create(directory: "ops", cwd: dir.url, identity: identity, now: Date(timeIntervalSince1970: 1_800_000_000))
            let repository = OperationsRepository(root: dir.appending("ops"))
            var environment = Dictionary(await cloud.environment(), uniquingKeysWith: { _, last in last })
            environment["HOME"] = dir.path
            var context = RunContext(environment: environment, workingDirectory: dir.url, identity: identity,
                                     clock: FixedClock(Date(timeIntervalSince1970: 1_800_000_600)))
            _ = try await Snapshotter.run(repository: repository, options: Snapshotter.Options(), context: context)
            await cloud.state.mutate { world in change(&world) }
            context.clock = FixedClock(Date(timeIntervalSince1970: 1_800_004_200))
            _ = try await Snapshotter.run(repository: repository, options: Snapshotter.Options(), context: context)
            let world = await cloud.state.world
            await cloud.stop()
            let outcome = try await SiteBuilder.run(repository: repository, options: SiteBuilder.Options(), context: context)
            return RenderedSite(root: dir.url, repository: repository, world: world, outcome: outcome)
        } catch {
            await cloud.stop()
            throw error
        }
    }
}

/// Sites shared by the tests that only read them, each rendered once per test run.
enum Sites {
    /// A generated cloud of 60 hosts (hostile names included) where one spot host moves to
    /// on-demand and VMs start and stop between the two snapshots.
    static let generated = Task {
        try await RenderedSite.make(ScenarioGenerator(hosts: 60, seed: 11, vmsPerHost: 4).generate()) { world in
            // A host in one spot aggregate and no other GPU or testing aggregate, so that it
            // really changes pool (a host in two types' aggregates is out of stock either way).
            func onlyIn(_ host: String, _ aggregate: String) -> Bool {
                world.aggregates.allSatisfy { $0.name == aggregate || $0.name.hasPrefix("az-") || !$0.hosts.contains(host) }
            }
            let spot = world.aggregates.firstIndex { aggregate in
                aggregate.name.hasSuffix("-spot") && aggregate.hosts.contains { onlyIn($0, aggregate.name) }
            }!
            let position = world.aggregates[spot].hosts.firstIndex { onlyIn($0, world.aggregates[spot].name) }!
            let host = world.aggregates[spot].hosts.remove(at: position)
            let type = String(world.aggregates[spot].name.dropLast("-spot".count))
            if let ondemand = world.aggregates.firstIndex(where: { $0.name == type }) {
                world.aggregates[ondemand].hosts.append(host)
            }
            world.servers.removeFirst(3)
        }
    }

    /// The demo scenario, as `spotctl demo` shows it.
    static let demo = Task {
        try await RenderedSite.make(DemoScenario.load()) { world in
            for index in world.aggregates.indices {
                if world.aggregates[index].name == "L40-n3" { world.aggregates[index].hosts.removeAll { $0 == "CA1-ESC812-102" } }
                if world.aggregates[index].name == "L40-n3-spot" { world.aggregates[index].hosts.append("CA1-ESC812-102") }
            }
        }
    }
}

/// Reads the `data-` attributes of the elements of a page that carry `marker` (a class or
/// attribute text inside the tag), with HTML entities decoded.
func taggedElements(_ html: String, containing marker: String) -> [[String: String]] {
    var results: [[String: String]] = []
    var searchStart = html.startIndex
    while let markerRange = html.range(of: marker, range: searchStart..<html.endIndex) {
        guard let open = html.range(of: "<", options: .backwards, range: html.startIndex..<markerRange.lowerBound),
              let close = html.range(of: ">", range: markerRange.upperBound..<html.endIndex) else { break }
        let tag = String(html[open.lowerBound..<close.upperBound])
        var attributes: [String: String] = [:]
        var rest = Substring(tag)
        while let equals = rest.range(of: "=\"") {
            let nameStart = rest[..<equals.lowerBound].lastIndex(of: " ").map { rest.index(after: $0) } ?? rest.startIndex
            let name = String(rest[nameStart..<equals.lowerBound])
            guard let end = rest[equals.upperBound...].firstIndex(of: "\"") else { break }
            attributes[name] = decodeEntities(String(rest[equals.upperBound..<end]))
            rest = rest[rest.index(after: end)...]
        }
        results.append(attributes)
        searchStart = close.upperBound
    }
    return results
}

func decodeEntities(_ text: String) -> String {
    text.replacingOccurrences(of: "&lt;", with: "<").replacingOccurrences(of: "&gt;", with: ">")
        .replacingOccurrences(of: "&quot;", with: "\"").replacingOccurrences(of: "&#39;", with: "'")
        .replacingOccurrences(of: "&amp;", with: "&")
}
