public import GitStore
public import SpotCore

/// What changed between two snapshots of a repository (`spotctl diff [REV] [REV]`).
public enum SnapshotComparer {
    public struct Result: Sendable {
        public let from: CommitInfo
        public let to: CommitInfo
        public let diff: SnapshotDiff
    }

    /// No revision: the previous snapshot against the latest. One: it against the latest. Two: the
    /// first against the second.
    public static func compare(repository: OperationsRepository, revisions: [String]) async throws(SpotError) -> Result {
                let configuration = try repository.loadConfiguration()
        let reader = try RepositoryReader(repository: repository)
        let snapshots = try await reader.snapshots(limit: 2)
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
            from = try await reader.store.commitInfo(fromRevision)
            to = try await reader.store.commitInfo(toRevision)
        } catch {
            throw SpotError("\(error)", hint: "name commits that exist (git log -- inventory)")
        }
        let before = CloudView(facts: try await reader.facts(at: from.id), configuration: configuration)
        let after = CloudView(facts: try await reader.facts(at: to.id), configuration: configuration)
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
