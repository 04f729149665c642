import Foundation
import GitStore
import SpotCore
import SpotSite

/// Reads the history the site draws from the git history of `inventory/`, through the git store
/// and without a checkout. The cost grows with what changed, not with the size of each snapshot:
/// per snapshot it reads `summary.json`, compares the two trees (libgit2 skips unchanged
/// subtrees by id), and decodes only the files that changed: `aggregates.json` for hosts that
/// moved, and the changed host files for VMs that started or stopped.
enum SiteHistoryReader {
    private struct AggregatesDocument: Decodable {
        struct Entry: Decodable {
            let name: String
            let hosts: [String]
        }
        let aggregates: [Entry]
    }

    private struct HostDocument: Decodable {
        struct ServerEntry: Decodable {
            let id: String
            let name: String
        }
        let name: String
        let servers: [ServerEntry]
    }

    static func read(store: GitStore, configuration: Configuration, upTo revision: String, limit: Int) async throws(SpotError) -> SiteHistory {
        let directory = InventoryFiles.directory
        let commits: [CommitInfo]
        do {
            commits = try await store.history(of: directory, from: revision, limit: limit + 1)
        } catch {
            throw SpotError("cannot read the history of \(directory)/ up to \(revision): \(error)")
        }
        let truncated = commits.count > limit
        let chosen = Array(commits.prefix(limit).reversed())
        let rules = GPUTypeRules(configuration: configuration)
        let decoder = JSONDecoder()

        func readDocument<T: Decodable>(_ type: T.Type, _ path: String, at commit: String) async -> T? {
            guard let data = try? await store.readFile(path, at: commit) else { return nil }
            return try? decoder.decode(type, from: data)
        }
        /// Host → its GPU-pool aggregates, sorted.
        func membership(_ document: AggregatesDocument?) -> [String: [String]] {
            var hosts: [String: [String]] = [:]
            for aggregate in document?.aggregates ?? [] {
                guard case .gpuPool = rules.kind(ofAggregate: aggregate.name) else { continue }
                for host in aggregate.hosts { hosts[host, default: []].append(aggregate.name) }
            }
            return hosts.mapValues { $0.sorted() }
        }

        var points: [SiteHistory.Point] = []
        var events: [String: [SiteHistory.HostEvent]] = [:]
        var previous: CommitInfo?
        var previousMembership: [String: [String]]?
        for commit in chosen {
            let summary = await readDocument(SnapshotSummary.self, "\(directory)/summary.json", at: commit.id)
            var moves: [SiteHistory.HostMove] = []
            if let previous {
                let changed: [ChangedPath]
                do {
                    changed = try await store.changedPaths(from: previous.id, to: commit.id)
                } catch {
                    throw SpotError("cannot compare the snapshots \(previous.id.prefix(12)) and \(commit.id.prefix(12)): \(error)")
                }
                let aggregatesPath = "\(directory)/aggregates.json"
                if changed.contains(where: { $0.path == aggregatesPath }) {
                    let before: [String: [String]]
                    if let known = previousMembership {
                        before = known
                    } else {
                        before = membership(await readDocument(AggregatesDocument.self, aggregatesPath, at: previous.id))
                    }
                    let after = membership(await readDocument(AggregatesDocument.self, aggregatesPath, at: commit.id))
                    for host in Set(before.keys).union(after.keys).sorted() where before[host] != after[host] {
                        let move = SiteHistory.HostMove(host: host, from: before[host] ?? [], to: after[host] ?? [])
                        moves.append(move)
                        let from = move.from.isEmpty ? "no GPU pool" : move.from.joined(separator: ", ")
                        let to = move.to.isEmpty ? "no GPU pool" : move.to.joined(separator: ", ")
                        events[host, default: []].append(.init(commit: commit.id, date: commit.date, text: "moved from \(from) to \(to)"))
                    }
                    previousMembership = after
                }
                let hostPrefix = "\(directory)/hosts/"
                for path in changed where path.path.hasPrefix(hostPrefix) && path.path.hasSuffix(".json") {
                    var old: HostDocument?
                    var new: HostDocument?
                    if path.kind != .added { old = await readDocument(HostDocument.self, path.path, at: previous.id) }
                    if path.kind != .deleted { new = await readDocument(HostDocument.self, path.path, at: commit.id) }
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
            }
            points.append(SiteHistory.Point(commit: commit.id, date: commit.date, subject: commit.summary, summary: summary, moves: moves))
            previous = commit
        }
        return SiteHistory(points: points, hostEvents: events.mapValues { Array($0.reversed()) }, truncated: truncated)
    }
}
