import Foundation
import GitStore
import SpotCore
import SpotSite

/// Reads the history the site draws from the git history of `inventory/`, through the git store
/// and without a checkout. The cost grows with what changed, not with the size of each snapshot:
/// between two snapshots it compares the trees (libgit2 skips unchanged subtrees by id) and keeps
/// the blob ids of what changed — `summary.json` for the charts, `aggregates.json` for hosts that
/// moved, host files for VMs that started or stopped — then reads and decodes each distinct blob
/// once, on every core.
enum SiteHistoryReader {
    private struct AggregatesDocument: Decodable, Sendable {
        struct Entry: Decodable, Sendable {
            let name: String
            let hosts: [String]
        }
        let aggregates: [Entry]
    }

    private struct HostDocument: Decodable, Sendable {
        struct ServerEntry: Decodable, Sendable, Hashable {
            let id: String
            let name: String
        }
        let name: String
        let servers: [ServerEntry]
    }

    /// A decoded blob: what the history needs of each kind of file.
    private enum Decoded: Sendable {
        case summary(SnapshotSummary?)
        /// GPU-pool aggregate → its hosts, sorted.
        case aggregates([String: [String]])
        case host(InventoryScanner.HostServers?)
        case none
    }

    /// Binary search in a sorted list.
    static func sortedContains(_ list: [String], _ value: String) -> Bool {
        var low = 0, high = list.count
        while low < high {
            let middle = (low + high) / 2
            if list[middle] < value { low = middle + 1 } else { high = middle }
        }
        return low < list.count && list[low] == value
    }

    static func read(store: GitStore, configuration: Configuration, upTo revision: String, limit: Int) async throws(SpotError) -> SiteHistory {
        let directory = InventoryFiles.directory
        let summaryPath = "\(directory)/summary.json"
        let aggregatesPath = "\(directory)/aggregates.json"
        let hostPrefix = "\(directory)/hosts/"
        let commits: [CommitInfo]
        do {
            commits = try await store.history(of: directory, from: revision, limit: limit + 1)
        } catch {
            throw SpotError("cannot read the history of \(directory)/ up to \(revision): \(error)")
        }
        let truncated = commits.count > limit
        let chosen = Array(commits.prefix(limit).reversed())
        guard let first = chosen.first else { return SiteHistory(truncated: truncated) }

        // 1. Which blobs each snapshot changed, from libgit2's tree comparison (unchanged subtrees
        //    are skipped by id): the summary, the aggregates and the host files, by blob id.
        struct Step {
            var summary: String?
            var aggregates: String?
            var hosts: [ChangedFile] = []
        }
        var steps: [Step] = []
        var wanted = Set<String>()
        var kinds: [String: String] = [:]  // blob id -> path of the kind of file it is
        do {
            // The comparisons are independent: two handles on the repository share them.
            let pairs = Array(zip(chosen, chosen.dropFirst()))
            let second = try GitStore(openingRepositoryAt: store.workTree)
            let half = pairs.count / 2
            @Sendable func compare(_ store: GitStore, _ pairs: ArraySlice<(CommitInfo, CommitInfo)>) async throws -> [[ChangedFile]] {
                var result: [[ChangedFile]] = []
                for (previous, commit) in pairs { result.append(try await store.changedFiles(from: previous.id, to: commit.id)) }
                return result
            }
            async let early = compare(store, pairs[..<half])
            async let late = compare(second, pairs[half...])
            var step = Step()
            step.summary = try await store.blobID(of: summaryPath, at: first.id)
            step.aggregates = try await store.blobID(of: aggregatesPath, at: first.id)
            steps.append(step)
            for changes in try await early + late {
                var step = Step(summary: steps.last?.summary, aggregates: steps.last?.aggregates)
                for change in changes {
                    if change.path == summaryPath {
                        step.summary = change.newBlobID
                    } else if change.path == aggregatesPath {
                        step.aggregates = change.newBlobID
                    } else if change.path.hasPrefix(hostPrefix) && change.path.hasSuffix(".json") {
                        step.hosts.append(change)
                        for id in [change.oldBlobID, change.newBlobID].compactMap({ $0 }) {
                            wanted.insert(id)
                            kinds[id] = hostPrefix
                        }
                    }
                }
                steps.append(step)
            }
        } catch {
            throw SpotError("cannot compare the snapshots of \(directory)/: \(error)")
        }
        for step in steps {
            if let id = step.summary { wanted.insert(id); kinds[id] = summaryPath }
            if let id = step.aggregates { wanted.insert(id); kinds[id] = aggregatesPath }
        }

        // 2. Each distinct blob read once and decoded once, on every core.
        //    Reading inflates objects: a second handle on the repository reads half of them.
        let blobs: [String: Data]
        do {
            let all = wanted.sorted()
            let second = try GitStore(openingRepositoryAt: store.workTree)
            let half = all.count / 2
            async let first = store.readBlobs(Array(all[..<half]))
            async let rest = second.readBlobs(Array(all[half...]))
            blobs = try await first.merging(try await rest) { old, _ in old }
        } catch {
            throw SpotError("cannot read the history of \(directory)/: \(error)")
        }
        let rules = GPUTypeRules(configuration: configuration)
        let ids = wanted.sorted()
        let kindOf = kinds
        let decodedList = parallelMap(ids) { id -> Decoded in
            guard let data = blobs[id] else { return .none }
            switch kindOf[id] {
            case summaryPath:
                return .summary(try? JSONDecoder().decode(SnapshotSummary.self, from: data))
            case aggregatesPath:
                // The scanner reads only names and hosts; JSONDecoder is the fallback.
                let list = InventoryScanner.aggregates(Array(data))
                    ?? ((try? JSONDecoder().decode(AggregatesDocument.self, from: data))?.aggregates ?? [])
                        .map { InventoryScanner.AggregateHosts(name: $0.name, hosts: $0.hosts) }
                var pools: [String: [String]] = [:]
                for aggregate in list {
                    guard case .gpuPool = rules.kind(ofAggregate: aggregate.name) else { continue }
                    pools[aggregate.name] = aggregate.hosts.sorted()
                }
                return .aggregates(pools)
            default:
                if let host = InventoryScanner.host(Array(data)) { return .host(host) }
                guard let document = try? JSONDecoder().decode(HostDocument.self, from: data) else { return .host(nil) }
                return .host(InventoryScanner.HostServers(name: document.name, servers: document.servers.map {
                    InventoryScanner.HostServers.Server(id: $0.id, name: $0.name)
                }))
            }
        }
        let decoded = Dictionary(uniqueKeysWithValues: zip(ids, decodedList))

        // 3. The points and each host's events, oldest first.
        var points: [SiteHistory.Point] = []
        var events: [String: [SiteHistory.HostEvent]] = [:]
        var previousPools: [String: [String]]?
        for (commit, step) in zip(chosen, steps) {
            var summary: SnapshotSummary?
            if let id = step.summary, case .summary(let value)? = decoded[id] { summary = value }
            var pools: [String: [String]] = [:]
            if let id = step.aggregates, case .aggregates(let value)? = decoded[id] { pools = value }
            var moves: [SiteHistory.HostMove] = []
            if let before = previousPools {
                // Only hosts that entered or left a GPU-pool aggregate can have moved.
                var candidates = Set<String>()
                for name in Set(before.keys).union(pools.keys) where before[name] != pools[name] {
                    let old = Set(before[name] ?? []), new = Set(pools[name] ?? [])
                    candidates.formUnion(old.symmetricDifference(new))
                }
                func membership(_ host: String, _ pools: [String: [String]]) -> [String] {
                    pools.filter { Self.sortedContains($0.value, host) }.map(\.key).sorted()
                }
                for host in candidates.sorted() {
                    let from = membership(host, before), to = membership(host, pools)
                    guard from != to else { continue }
                    moves.append(SiteHistory.HostMove(host: host, from: from, to: to))
                    let fromText = from.isEmpty ? "no GPU pool" : from.joined(separator: ", ")
                    let toText = to.isEmpty ? "no GPU pool" : to.joined(separator: ", ")
                    events[host, default: []].append(.init(commit: commit.id, date: commit.date, text: "moved from \(fromText) to \(toText)"))
                }
            }
            previousPools = pools
            for change in step.hosts {
                func host(_ id: String?) -> InventoryScanner.HostServers? {
                    guard let id, case .host(let value)? = decoded[id] else { return nil }
                    return value
                }
                let old = host(change.oldBlobID)
                let new = host(change.newBlobID)
                guard let name = new?.name ?? old?.name else { continue }
                let text: String
                switch (old, new) {
                case (nil, _?): text = "appeared in the inventory"
                case (_?, nil): text = "left the inventory"
                case let (old?, new?):
                    let oldIDs = Set(old.servers.map(\.id))
                    let newIDs = Set(new.servers.map(\.id))
                    let started = new.servers.filter { !oldIDs.contains($0.id) }.map(\.name)
                    let stopped = old.servers.filter { !newIDs.contains($0.id) }.map(\.name)
                    if started.isEmpty && stopped.isEmpty {
                        text = "facts changed (\(new.servers.count) VMs)"
                    } else {
                        var parts = ["VMs \(old.servers.count) → \(new.servers.count)"]
                        if !started.isEmpty { parts.append("started " + started.joined(separator: ", ")) }
                        if !stopped.isEmpty { parts.append("stopped " + stopped.joined(separator: ", ")) }
                        text = parts.joined(separator: "; ")
                    }
                case (nil, nil): continue
                }
                events[name, default: []].append(.init(commit: commit.id, date: commit.date, text: text))
            }
            points.append(SiteHistory.Point(commit: commit.id, date: commit.date, subject: commit.summary, summary: summary, moves: moves))
        }
        return SiteHistory(points: points, hostEvents: events.mapValues { Array($0.reversed()) }, truncated: truncated)
    }
}
