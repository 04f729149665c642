/// A problem the dashboard and `plan` list as a warning.
public struct CloudWarning: Sendable, Hashable, CustomStringConvertible {
    public enum Kind: String, Sendable, Hashable, Codable {
        /// A host in GPU-pool aggregates of two GPU types.
        case typeConflict = "type_conflict"
        /// A host in GPU-pool aggregates of two pools of one type.
        case poolConflict = "pool_conflict"
        /// NetBox tags and aggregates name different types (the tags win).
        case tagAggregateMismatch = "tag_aggregate_mismatch"
        /// A device whose tags name two GPU types.
        case ambiguousTags = "ambiguous_tags"
        /// More GPUs used than the host has.
        case overCapacity = "over_capacity"
        /// An aggregate that matches a pool's pattern but names no known GPU type.
        case unknownTypeAggregate = "unknown_type_aggregate"
        /// Two NetBox devices whose names differ only in case.
        case duplicateDevice = "duplicate_device"
    }

    public let kind: Kind
    /// The host or aggregate it is about.
    public let subject: String
    public let message: String

    public var description: String { "\(subject): \(message)" }
}

/// One on-demand variant (aggregate) of a type.
public struct VariantView: Sendable, Hashable {
    public let aggregate: String
    public let nvlink: Bool
    public let hosts: [String]
    public let summary: GPUSummary
}

/// One contract aggregate of a type, with the tenant most of its hosts belong to.
public struct ContractView: Sendable, Hashable {
    public let aggregate: String
    public let hosts: [HostView]
    public let summary: GPUSummary
    /// The most common tenant among the contract's hosts (ties: the first by name); nil without one.
    public let primaryTenant: String?
    public let ownerGroup: String
}

/// One pool of one GPU type.
public struct PoolView: Sendable, Hashable {
    public let pool: Pool
    /// The aggregate's name, or a label such as "L40-n3 (2 variants)".
    public let name: String
    /// The pool's aggregates of this type, in configuration order.
    public let aggregates: [String]
    public let hosts: [HostView]
    public let summary: GPUSummary
    /// On-demand only: one entry per on-demand aggregate.
    public let variants: [VariantView]
    /// Contract pool only: one entry per contract aggregate.
    public let contracts: [ContractView]
}

/// A canonical GPU type with its five pools.
public struct GPUTypeView: Sendable, Hashable {
    public let name: String
    public let displayName: String
    /// In-service pools and out of stock, in the order on-demand, spot, RunPod, contract, out of stock.
    public let pools: [PoolView]
    /// The four in-service pools summed (out-of-stock hosts count in neither figure).
    public let overview: GPUSummary

    public func pool(_ pool: Pool) -> PoolView {
        pools.first { $0.pool == pool }!
    }

    /// Every host of the type, in any pool.
    public var hosts: [HostView] { pools.flatMap(\.hosts) }
}

/// The inventory reconciliation: NetBox's GPU servers against the dashboard's hosts.
public struct Reconciliation: Sendable, Hashable {
    public enum Finding: String, Sendable, Hashable, Codable {
        /// A Nova GPU host with no NetBox device (while NetBox is configured).
        case notInNetBox = "not in NetBox"
        /// A NetBox GPU server with no compute host.
        case notInOpenStack = "not in OpenStack"
        /// A host in a GPU-pool aggregate whose NetBox device is not a GPU server.
        case notAGPUServerInNetBox = "in NetBox, but not as a GPU server"
        /// A GPU host whose type is unknown.
        case unclassified = "GPU type unknown"
    }

    public struct Entry: Sendable, Hashable {
        public let host: String
        public let finding: Finding
    }

    public let netBoxConfigured: Bool
    /// NetBox devices that are GPU servers.
    public let netBoxGPUServers: Int
    /// Hosts on the dashboard (every GPU host, unclassified included).
    public let dashboardHosts: Int
    /// Every difference, host by host, sorted by host then finding.
    public let entries: [Entry]

    public var isReconciled: Bool { entries.isEmpty }
}

/// An aggregate and what the configuration makes of it.
public struct AggregateView: Sendable, Hashable {
    public let aggregate: Aggregate
    public let kind: AggregateKind
}

/// The seed's get-target-aggregate: where a host should go, and why.
public struct Recommendation: Sendable, Hashable {
    public let hostname: String
    public let gpuType: String?
    public let pool: Pool?
    /// The recommended aggregate, or nil ("none") when there is none; `reasoning` says why.
    public let aggregate: String?
    public let reasoning: String
}
