import Foundation
public import GitStore
public import SpotCore

/// Reading snapshots back from an operations repository, through the git store.
public struct InventoryStore: Sendable {
    public let repository: OperationsRepository
    public let store: GitStore

    public init(repository: OperationsRepository) throws(SpotError) {
        self.repository = repository
        do {
            store = try GitStore(openingRepositoryAt: repository.root)
        } catch {
            throw SpotError("\(repository.root.path) is not a git repository: \(error)",
                            hint: "create operations repositories with `spotctl init`")
        }
    }

    /// The commits that changed the inventory, newest first.
    public func snapshots(limit: Int? = nil) async throws(SpotError) -> [CommitInfo] {
        do {
            return try await store.history(of: InventoryFiles.directory, limit: limit)
        } catch {
            throw SpotError("cannot read the history of \(InventoryFiles.directory)/ in \(repository.root.path): \(error)")
        }
    }

    /// The facts of the snapshot at a revision, read without a checkout.
    public func facts(at revision: String) async throws(SpotError) -> Facts {
        let files: [String: Data]
        do {
            files = try await store.readFiles(under: InventoryFiles.directory, at: revision)
        } catch {
            throw SpotError("cannot read \(InventoryFiles.directory)/ at \(revision): \(error)",
                            hint: "name a commit that exists (git log -- inventory)")
        }
        guard !files.isEmpty else {
            throw SpotError("there is no snapshot at \(revision) in \(repository.root.path)", hint: "take one with `spotctl snapshot`")
        }
        do {
            return try InventoryFiles.decode(files)
        } catch {
            throw SpotError("the snapshot at \(revision) cannot be read: \(error)")
        }
    }

    /// The facts of the inventory in the working tree (a `--no-commit` snapshot), nil when there is none.
    public func workingTreeFacts() throws(SpotError) -> Facts? {
        let directory = repository.inventoryDirectory
        guard FileManager.default.fileExists(atPath: directory.appendingPathComponent("snapshot.json").path) else { return nil }
        var files: [String: Data] = [:]
        let enumerator = FileManager.default.enumerator(at: directory, includingPropertiesForKeys: nil)
        while let url = enumerator?.nextObject() as? URL {
            guard url.pathExtension == "json" else { continue }
            let relative = url.path.dropFirst(repository.root.path.count).drop { $0 == "/" }
            files[String(relative)] = try? Data(contentsOf: url)
        }
        do {
            return try InventoryFiles.decode(files)
        } catch {
            throw SpotError("the inventory in the working tree cannot be read: \(error)")
        }
    }
}

/// `spotctl diff [REV] [REV]`: what changed between two snapshots.
public enum DiffCommand {
    public struct Result: Sendable {
        public let from: CommitInfo
        public let to: CommitInfo
        public let diff: SnapshotDiff
    }

    /// No revision: the previous snapshot against the latest. One: it against the latest. Two: the
    /// first against the second.
    public static func run(repository: OperationsRepository, revisions: [String]) async throws(SpotError) -> Result {
        guard revisions.count <= 2 else { throw SpotError("diff takes at most two revisions", exitCode: 64) }
        let configuration = try repository.loadConfiguration()
        let inventory = try InventoryStore(repository: repository)
        let snapshots = try await inventory.snapshots(limit: 2)
        let fromRevision: String
        let toRevision: String
        switch revisions.count {
        case 0:
            guard snapshots.count == 2 else {
                throw SpotError(snapshots.isEmpty ? "there is no snapshot yet" : "there is only one snapshot; nothing to compare it with",
                                hint: "take snapshots with `spotctl snapshot`")
            }
            (fromRevision, toRevision) = (snapshots[1].id, snapshots[0].id)
        case 1:
            guard let latest = snapshots.first else { throw SpotError("there is no snapshot yet", hint: "take one with `spotctl snapshot`") }
            (fromRevision, toRevision) = (revisions[0], latest.id)
        default:
            (fromRevision, toRevision) = (revisions[0], revisions[1])
        }
        let from: CommitInfo, to: CommitInfo
        do {
            from = try await inventory.store.commitInfo(fromRevision)
            to = try await inventory.store.commitInfo(toRevision)
        } catch {
            throw SpotError("\(error)", hint: "name commits that exist (git log -- inventory)")
        }
        let before = Inventory(facts: try await inventory.facts(at: from.id), configuration: configuration)
        let after = Inventory(facts: try await inventory.facts(at: to.id), configuration: configuration)
        return Result(from: from, to: to, diff: SnapshotDiff(before: before, after: after))
    }

    /// The diff for people.
    public static func render(_ result: Result) -> String {
        let diff = result.diff
        var lines = ["Snapshots \(result.from.id.prefix(12)) (\(result.from.summary)) -> \(result.to.id.prefix(12)) (\(result.to.summary))", ""]
        if diff.isEmpty {
            lines.append("No change in hosts, pools, VMs or GPU use.")
            return lines.joined(separator: "\n") + "\n"
        }
        lines.append(diff.subject)
        if !diff.moves.isEmpty {
            lines.append("")
            lines.append("Hosts that moved:")
            for move in diff.moves {
                lines.append("  \(move.host) (\(move.gpuType ?? "unclassified")): \(move.fromPool.label) -> \(move.toPool.label)"
                             + "   [\(move.fromAggregates.joined(separator: ", ")) -> \(move.toAggregates.joined(separator: ", "))]")
            }
        }
        if !diff.hostsAdded.isEmpty { lines.append(""); lines.append("Hosts added: " + diff.hostsAdded.joined(separator: ", ")) }
        if !diff.hostsRemoved.isEmpty { lines.append(""); lines.append("Hosts removed: " + diff.hostsRemoved.joined(separator: ", ")) }
        if !diff.serversStarted.isEmpty || !diff.serversStopped.isEmpty {
            lines.append("")
            lines.append("VMs: \(diff.serversStarted.count) started, \(diff.serversStopped.count) stopped")
            for server in diff.serversStarted.prefix(20) { lines.append("  + \(server.name) on \(server.host ?? "no host")") }
            for server in diff.serversStopped.prefix(20) { lines.append("  - \(server.name) on \(server.host ?? "no host")") }
            let hidden = max(0, diff.serversStarted.count - 20) + max(0, diff.serversStopped.count - 20)
            if hidden > 0 { lines.append("  … and \(hidden) more") }
        }
        if !diff.usage.isEmpty {
            lines.append("")
            lines.append("GPU use per type:")
            for usage in diff.usage {
                lines.append("  \(usage.gpuType): \(usage.before.gpuUsageRatio) (\(usage.before.percentageText)%) -> "
                             + "\(usage.after.gpuUsageRatio) (\(usage.after.percentageText)%)")
            }
            lines.append("  all: \(diff.totalBefore.percentageText)% -> \(diff.totalAfter.percentageText)%")
        }
        return lines.joined(separator: "\n") + "\n"
    }
}
