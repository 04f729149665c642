/// What changed between two snapshots, in the operators' terms: hosts that moved between pools,
/// hosts that came and went, VMs started and stopped, GPU use per type. It makes the snapshot's
/// commit message and `spotctl diff`.
public struct SnapshotDiff: Sendable, Hashable {
    public struct TypeUsage: Sendable, Hashable {
        public let gpuType: String
        public let before: GPUSummary
        public let after: GPUSummary
    }

    public let isFirst: Bool
    public let moves: [HostMove]
    public let hostsAdded: [String]
    public let hostsRemoved: [String]
    public let serversStarted: [ServerChange]
    public let serversStopped: [ServerChange]
    /// Types whose use changed.
    public let usage: [TypeUsage]
    public let totalBefore: GPUSummary
    public let totalAfter: GPUSummary
    /// Servers holding resources in the newer snapshot.
    public let runningAfter: Int

    /// Compares two snapshots' views; `before` nil means this is the first snapshot.
    public init(before: CloudView?, after: CloudView) {
        isFirst = before == nil
        var moves: [HostMove] = []
        var added: [String] = []
        var removed: [String] = []
        let oldHosts = Dictionary((before?.hosts ?? []).map { ($0.name, $0) }, uniquingKeysWith: { a, _ in a })
        let newHosts = Dictionary(after.hosts.map { ($0.name, $0) }, uniquingKeysWith: { a, _ in a })
        for host in after.hosts {
            guard let old = oldHosts[host.name] else {
                if before != nil { added.append(host.name) }
                continue
            }
            if let move = HostMove.between(host: host.name, gpuType: host.gpuType ?? old.gpuType,
                                           before: old.placement, after: host.placement) {
                moves.append(move)
            }
        }
        for host in before?.hosts ?? [] where newHosts[host.name] == nil { removed.append(host.name) }
        self.moves = moves
        self.hostsAdded = added
        self.hostsRemoved = removed

        let activity = ServerActivity(holdingBefore: before?.holdingServers, holdingAfter: after.holdingServers)
        runningAfter = after.holdingServers.count
        serversStarted = activity.started
        serversStopped = activity.stopped

        var usage: [TypeUsage] = []
        var names = after.types.map(\.name)
        for type in before?.types ?? [] where !names.contains(type.name) { names.append(type.name) }
        for name in names {
            let old = before?.type(named: name)?.overview ?? GPUSummary()
            let new = after.type(named: name)?.overview ?? GPUSummary()
            if old.gpuUsed != new.gpuUsed || old.gpuCapacity != new.gpuCapacity {
                usage.append(TypeUsage(gpuType: name, before: old, after: new))
            }
        }
        self.usage = usage
        totalBefore = before?.total ?? GPUSummary()
        totalAfter = after.total
    }

    /// Whether the operators' view changed (the raw facts may still differ in other ways).
    public var isEmpty: Bool {
        moves.isEmpty && hostsAdded.isEmpty && hostsRemoved.isEmpty && serversStarted.isEmpty && serversStopped.isEmpty
            && usage.isEmpty
    }

    /// One line: "L40: 2 hosts moved to spot; 14 VMs started, 3 stopped; GPU use 48.8% -> 52.5%".
    public var subject: String {
        if isFirst {
            return "First snapshot: \(plural(totalAfter.hostCount, "GPU host")) in service, \(plural(runningAfter, "VM")) running; "
                + "GPU use \(totalAfter.percentageText)%"
        }
        var parts: [String] = []
        var movesByType: [String: [Pool: Int]] = [:]
        for move in moves { movesByType[move.gpuType ?? "Unclassified", default: [:]][move.toPool, default: 0] += 1 }
        for type in movesByType.keys.sorted() {
            let targets = movesByType[type]!.sorted { $0.key < $1.key }.map { pool, count in
                "\(plural(count, "host")) moved to \(pool == .outofstock ? "out of stock" : pool.rawValue)"
            }
            parts.append("\(type): " + targets.joined(separator: ", "))
        }
        if !hostsAdded.isEmpty || !hostsRemoved.isEmpty {
            var hosts: [String] = []
            if !hostsAdded.isEmpty { hosts.append("\(plural(hostsAdded.count, "host")) added") }
            if !hostsRemoved.isEmpty { hosts.append("\(plural(hostsRemoved.count, "host")) removed") }
            parts.append(hosts.joined(separator: ", "))
        }
        if !serversStarted.isEmpty || !serversStopped.isEmpty {
            parts.append("\(plural(serversStarted.count, "VM")) started, \(serversStopped.count) stopped")
        }
        if totalBefore.usageTenthsOfPercent != totalAfter.usageTenthsOfPercent {
            parts.append("GPU use \(totalBefore.percentageText)% -> \(totalAfter.percentageText)%")
        }
        return parts.isEmpty ? "Snapshot: facts changed, GPU use unchanged at \(totalAfter.percentageText)%" : parts.joined(separator: "; ")
    }

    /// The subject, then details: every move, every host added or removed, use per type.
    public var message: String {
        var lines = [subject, ""]
        for move in moves {
            lines.append("- \(move.host) (\(move.gpuType ?? "unclassified")): \(move.fromPool.rawValue) -> \(move.toPool.rawValue)"
                + " [\(move.fromAggregates.joined(separator: ", ")) -> \(move.toAggregates.joined(separator: ", "))]")
        }
        for host in hostsAdded { lines.append("- \(host): added") }
        for host in hostsRemoved { lines.append("- \(host): removed") }
        for type in usage {
            lines.append("- \(type.gpuType): GPUs \(type.before.gpuUsageRatio) (\(type.before.percentageText)%) -> "
                         + "\(type.after.gpuUsageRatio) (\(type.after.percentageText)%)")
        }
        if !serversStarted.isEmpty || !serversStopped.isEmpty {
            lines.append("- VMs: \(serversStarted.count) started, \(serversStopped.count) stopped")
        }
        while lines.last == "" { lines.removeLast() }
        return lines.joined(separator: "\n") + "\n"
    }

}

func plural(_ count: Int, _ noun: String) -> String {
    "\(count) \(noun)\(count == 1 ? "" : "s")"
}
