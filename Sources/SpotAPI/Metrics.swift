public import Foundation
public import SpotCore

/// The snapshot's figures in Prometheus' text exposition format (version 0.0.4): GPUs used and
/// capacity per type and pool, hosts per pool, the snapshot's time, and the outcomes of applied
/// change files. `render` writes it as `metrics.txt`; `serve` answers it at `/metrics` with the
/// snapshot's age added.
///
/// Written by hand rather than through swift-prometheus: its registry emits metrics in an order
/// that is not specified, and this text must be the same bytes for the same facts (the static
/// file is committed and compared). The format's rules kept here: one `# HELP` and `# TYPE` per
/// family before its samples, label values escaped (`\\`, `\"`, `\n`), samples of a family
/// together, values as integers or Go-style floats.
public enum MetricsText {
    /// Applied entries counted by kind and status.
    public struct AppliedCounts: Sendable, Hashable {
        public var counts: [Key: Int] = [:]

        public struct Key: Sendable, Hashable, Comparable {
            /// `migration`, `launch` or `operation`.
            public var kind: String
            /// `done`, `skipped`, `failed`, …
            public var status: String

            public static func < (a: Key, b: Key) -> Bool { (a.kind, a.status) < (b.kind, b.status) }
        }

        public init() {}

        public init(outcomes: [AppliedOutcome]) {
            for outcome in outcomes {
                for host in outcome.hosts { counts[Key(kind: "migration", status: host.status.rawValue), default: 0] += 1 }
                for launch in outcome.launches ?? [] { counts[Key(kind: "launch", status: launch.status.rawValue), default: 0] += 1 }
                for operation in outcome.operations ?? [] { counts[Key(kind: "operation", status: operation.status.rawValue), default: 0] += 1 }
            }
        }
    }

    /// The metrics of one snapshot. `snapshotDate` nil leaves the timestamp out (an uncommitted
    /// inventory); `now` adds `spotctl_snapshot_age_seconds` (serve only: a static file would be
    /// stale the moment it is written).
    public static func render(cloud: CloudView, snapshotDate: Date?, applied: AppliedCounts, now: Date? = nil) -> String {
        var out = Writer()
        out.family("spotctl_gpus_used", "gauge", "GPUs used by VMs, per GPU type and pool (in-service hosts).")
        for type in cloud.types {
            for pool in type.pools {
                out.sample("spotctl_gpus_used", [("gpu_type", type.name), ("pool", pool.pool.apiKey)], Double(pool.summary.gpuUsed))
            }
        }
        out.family("spotctl_gpus_capacity", "gauge", "GPUs of the hosts, per GPU type and pool (in-service hosts).")
        for type in cloud.types {
            for pool in type.pools {
                out.sample("spotctl_gpus_capacity", [("gpu_type", type.name), ("pool", pool.pool.apiKey)], Double(pool.summary.gpuCapacity))
            }
        }
        out.family("spotctl_hosts", "gauge", "GPU hosts, per GPU type and pool.")
        for type in cloud.types {
            for pool in type.pools {
                out.sample("spotctl_hosts", [("gpu_type", type.name), ("pool", pool.pool.apiKey)], Double(pool.hosts.count))
            }
        }
        out.family("spotctl_hosts_unclassified", "gauge", "GPU hosts whose GPU type is unknown.")
        out.sample("spotctl_hosts_unclassified", [], Double(cloud.unclassified.count))
        if let snapshotDate {
            out.family("spotctl_snapshot_timestamp_seconds", "gauge", "When the snapshot was committed (Unix time).")
            out.sample("spotctl_snapshot_timestamp_seconds", [], snapshotDate.timeIntervalSince1970.rounded(.down))
            if let now {
                out.family("spotctl_snapshot_age_seconds", "gauge", "Seconds since the snapshot was committed.")
                out.sample("spotctl_snapshot_age_seconds", [], max(0, now.timeIntervalSince(snapshotDate)).rounded(.down))
            }
        }
        out.family("spotctl_applied_entries", "gauge", "Entries of applied change files, by kind and outcome.")
        for key in applied.counts.keys.sorted() {
            out.sample("spotctl_applied_entries", [("kind", key.kind), ("status", key.status)], Double(applied.counts[key] ?? 0))
        }
        return out.text
    }

    struct Writer {
        var text = ""

        mutating func family(_ name: String, _ type: String, _ help: String) {
            text += "# HELP \(name) \(help)\n# TYPE \(name) \(type)\n"
        }

        mutating func sample(_ name: String, _ labels: [(String, String)], _ value: Double) {
            text += name
            if !labels.isEmpty {
                text += "{" + labels.map { "\($0.0)=\"\(MetricsText.escape($0.1))\"" }.joined(separator: ",") + "}"
            }
            text += " " + MetricsText.number(value) + "\n"
        }
    }

    /// A label value as the format writes it: backslash, double quote and line feed escaped.
    public static func escape(_ value: String) -> String {
        var out = ""
        for character in value {
            switch character {
            case "\\": out += "\\\\"
            case "\"": out += "\\\""
            case "\n": out += "\\n"
            default: out.append(character)
            }
        }
        return out
    }

    static func number(_ value: Double) -> String {
        if value.isNaN { return "NaN" }
        if value.isInfinite { return value > 0 ? "+Inf" : "-Inf" }
        if value == value.rounded(), abs(value) < 1e15 { return String(Int64(value)) }
        return String(value)
    }
}
