import Foundation
import GitStore
import SpotCore
import SpotSite
import SpotSupport

/// Reads the history the site draws from the git history of `inventory/`, through the git store
/// and without a checkout. The cost grows with what changed, not with the size of each snapshot:
/// between two snapshots it compares the trees (libgit2 skips unchanged subtrees by id) and keeps
/// the blob ids of what changed — `summary.json` for the charts, `aggregates.json` for hosts that
/// moved, host files for VMs that started or stopped — then reads and decodes each distinct blob
/// once, on every core.
enum HistoryReader {
    /// A decoded blob: what the history needs of each kind of file.
    private enum Decoded: Sendable {
        case summary(SnapshotSummary?)
        /// Aggregate → its hosts, sorted.
        case aggregates([String: [String]])
        case host(InventoryFiles.HostRecord?)
        case none
    }

    static func read(store: GitStore, configuration: Configuration, upTo revision: String, limit: Int) async throws(SpotError) -> SiteHistory {
        let rules = PlacementRules(configuration: configuration)
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
        let ids = wanted.sorted()
        let kindOf = kinds
        let decoded = await decode(ids, blobs: blobs, kinds: kindOf, summaryPath: summaryPath, aggregatesPath: aggregatesPath)

        // 3. Hosts whose aggregates changed without their file changing: their file as it was,
        //    for the placement rule (few per snapshot).
        var aggregatesByStep: [[String: [String]]] = []
        for step in steps {
            var value: [String: [String]] = [:]
            if let id = step.aggregates, case .aggregates(let map)? = decoded[id] { value = map }
            aggregatesByStep.append(value)
        }
        // Hosts whose aggregates changed between a snapshot and the one before.
        var regrouped: [Set<String>] = [[]]
        for index in steps.indices.dropFirst() {
            var hosts = Set<String>()
            if steps[index].aggregates != steps[index - 1].aggregates {
                let before = aggregatesByStep[index - 1], after = aggregatesByStep[index]
                for name in Set(before.keys).union(after.keys) where before[name] != after[name] {
                    hosts.formUnion(Set(before[name] ?? []).symmetricDifference(after[name] ?? []))
                }
            }
            regrouped.append(hosts)
        }
        var unchangedFiles: [(step: Int, host: String)] = []
        for index in steps.indices.dropFirst() {
            let changedHosts = Set(steps[index].hosts.map(\.path))
            for host in regrouped[index].sorted() where !changedHosts.contains(InventoryFiles.hostPath(host)) {
                unchangedFiles.append((index, host))
            }
        }
        var fileAt: [Int: [String: InventoryFiles.HostRecord]] = [:]
        if !unchangedFiles.isEmpty {
            do {
                // One tree lookup per snapshot, not per host.
                var lookups: [(step: Int, host: String, blob: String)] = []
                for (index, entries) in Dictionary(grouping: unchangedFiles, by: \.step).sorted(by: { $0.key < $1.key }) {
                    let paths = entries.map { InventoryFiles.hostPath($0.host) }
                    let blobs = try await store.blobIDs(of: paths, at: chosen[index].id)
                    for (entry, path) in zip(entries, paths) {
                        if let blob = blobs[path] { lookups.append((index, entry.host, blob)) }
                    }
                }
                let extra = try await store.readBlobs(Array(Set(lookups.map(\.blob))).sorted())
                for (index, host, blob) in lookups {
                    guard let data = extra[blob] else { continue }
                    fileAt[index, default: [:]][host] = try? InventoryFiles.hostRecord(data, path: InventoryFiles.hostPath(host))
                }
            } catch {
                throw SpotError("cannot read the history of \(directory)/: \(error)")
            }
        }

        // 4. The points and each host's events, oldest first. A move is `HostMove.between` of
        //    the placements `PlacementRules` gives before and after, as in the commit message.
        var points: [SiteHistory.Point] = []
        var events: [String: [SiteHistory.HostEvent]] = [:]
        for (index, (commit, step)) in zip(chosen, steps).enumerated() {
            var summary: SnapshotSummary?
            if let id = step.summary, case .summary(let value)? = decoded[id] { summary = value }
            func record(_ id: String?) -> InventoryFiles.HostRecord? {
                guard let id, case .host(let value)? = decoded[id] else { return nil }
                return value
            }
            var moves: [HostMove] = []
            if index > 0 {
                let before = aggregatesByStep[index - 1], after = aggregatesByStep[index]
                // Candidates: hosts whose aggregates changed, and hosts whose compute service or
                // NetBox device changed in their file.
                var pairs: [String: (old: InventoryFiles.HostRecord?, new: InventoryFiles.HostRecord?)] = [:]
                for host in regrouped[index] {
                    if let same = fileAt[index]?[host] { pairs[host] = (same, same) }
                }
                for change in step.hosts {
                    let old = record(change.oldBlobID), new = record(change.newBlobID)
                    guard let name = new?.name ?? old?.name else { continue }
                    if old?.serviceJSON != new?.serviceJSON || old?.deviceJSON != new?.deviceJSON || regrouped[index].contains(name) {
                        pairs[name] = (old, new)
                    }
                }
                for host in pairs.keys.sorted() {
                    guard let (old, new) = pairs[host], let old, let new else { continue }
                    guard let from = placement(rules, old, membership(host, before)), let to = placement(rules, new, membership(host, after)),
                          from.isGPUHost, to.isGPUHost,
                          let move = HostMove.between(host: host, gpuType: nil, before: from.placement, after: to.placement) else { continue }
                    moves.append(move)
                    events[host, default: []].append(.init(commit: commit.id, date: commit.date,
                                                           text: "moved from \(describe(from)) to \(describe(to))"))
                }
            }
            for change in step.hosts {
                let old = record(change.oldBlobID)
                let new = record(change.newBlobID)
                guard let name = new?.name ?? old?.name else { continue }
                let text: String
                switch (old, new) {
                case (nil, _?): text = "appeared in the inventory"
                case (_?, nil): text = "left the inventory"
                case let (old?, new?):
                    let activity = ServerActivity(holdingBefore: old.servers.filter(\.holdsResources).map(\.change),
                                                  holdingAfter: new.servers.filter(\.holdsResources).map(\.change))
                    if activity.isEmpty {
                        text = "facts changed (\(new.servers.count) VMs)"
                    } else {
                        var parts = ["VMs \(old.servers.count) → \(new.servers.count)"]
                        if !activity.started.isEmpty { parts.append("started " + activity.started.map(\.name).joined(separator: ", ")) }
                        if !activity.stopped.isEmpty { parts.append("stopped " + activity.stopped.map(\.name).joined(separator: ", ")) }
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

extension HistoryReader {
    /// A host's placement in one snapshot, with what the event text says about it.
    struct HostPlacement {
        let placement: Placement
        let isGPUHost: Bool
        let inGPUPool: Bool
    }

    static func placement(_ rules: PlacementRules, _ record: InventoryFiles.HostRecord, _ aggregates: [String]) -> HostPlacement? {
        guard let (service, device) = try? record.placementFacts() else { return nil }
        let memberOf = rules.classify(aggregates)
        let placement = rules.placement(name: record.name, device: device, service: service, memberOf: memberOf).placement
        return HostPlacement(placement: placement, isGPUHost: rules.isGPUHost(device: device, memberOf: memberOf),
                             inGPUPool: memberOf.contains(where: \.isGPUPool))
    }

    /// The aggregates a host is in, sorted, from aggregate → sorted hosts.
    static func membership(_ host: String, _ aggregates: [String: [String]]) -> [String] {
        aggregates.filter { sortedContains($0.value, host) }.map(\.key).sorted()
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

    static func describe(_ host: HostPlacement) -> String {
        if !host.placement.poolAggregates.isEmpty { return host.placement.poolAggregates.joined(separator: ", ") }
        return host.inGPUPool ? "out of stock" : "no GPU pool"
    }

    /// Each blob decoded once, on every core, off Swift's cooperative pool.
    private static func decode(_ ids: [String], blobs: [String: Data], kinds: [String: String], summaryPath: String,
                               aggregatesPath: String) async -> [String: Decoded] {
        let list = await offCooperativePool { () -> [Decoded] in
            parallelMap(ids) { id -> Decoded in
                guard let data = blobs[id] else { return .none }
                switch kinds[id] {
                case summaryPath:
                    return .summary(try? JSONDecoder().decode(SnapshotSummary.self, from: data))
                case aggregatesPath:
                    var hosts: [String: [String]] = [:]
                    for aggregate in (try? InventoryFiles.aggregateHosts(data)) ?? [] {
                        hosts[aggregate.name, default: []].append(contentsOf: aggregate.hosts)
                    }
                    return .aggregates(hosts.mapValues { Array(Set($0)).sorted() })
                default:
                    return .host(try? InventoryFiles.hostRecord(data, path: "\(InventoryFiles.directory)/hosts/"))
                }
            }
        }
        return Dictionary(uniqueKeysWithValues: zip(ids, list))
    }
}
