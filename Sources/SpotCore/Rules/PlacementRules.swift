/// Where a host stands: its pool, the aggregates of that pool it is in, and why it is out of
/// stock when it is. Computed by `PlacementRules` alone; every output that shows a pool or a move
/// reads it (the views, the snapshot diff, the history).
public struct Placement: Sendable, Hashable {
    public let pool: Pool
    /// The host's aggregates of `pool`, sorted (empty out of stock).
    public let poolAggregates: [String]
    public let outOfStockReason: String?

    public init(pool: Pool, poolAggregates: [String], outOfStockReason: String? = nil) {
        self.pool = pool
        self.poolAggregates = poolAggregates
        self.outOfStockReason = outOfStockReason
    }
}

/// The pool rule (SPEC section 3): out of stock when NetBox says the device is not in service,
/// when it is in no GPU-pool aggregate, in a testing aggregate, has no or a disabled or down
/// compute service, or sits in aggregates of two GPU types; else the pool of its GPU-pool
/// aggregates (by `Pool.precedence` when it is in two pools).
public struct PlacementRules: Sendable {
    public let configuration: Configuration
    let typeRules: GPUTypeRules
    let hostRules: HostRules

    public init(configuration: Configuration) {
        self.configuration = configuration
        typeRules = GPUTypeRules(configuration: configuration)
        hostRules = HostRules(configuration: configuration)
    }

    /// The aggregates a host is in, classified.
    public func classify(_ aggregateNames: [String]) -> [AggregateMembership] {
        aggregateNames.map { AggregateMembership(name: $0, kind: typeRules.kind(ofAggregate: $0)) }
    }

    /// Whether a host belongs on the dashboard: in a GPU-pool aggregate, or a GPU server in NetBox.
    public func isGPUHost(device: NetBoxDevice?, memberOf: [AggregateMembership]) -> Bool {
        memberOf.contains { $0.isGPUPool } || (device.map(typeRules.isGPUServer) ?? false)
    }

    /// A host's placement, with the warnings the rule raises (two GPU types, two pools).
    public func placement(name: String, device: NetBoxDevice?, service: ComputeService?,
                          memberOf: [AggregateMembership]) -> (placement: Placement, warnings: [CloudWarning]) {
        var gpuPool: [(name: String, type: String, pool: Pool)] = []
        var testing: [String] = []
        for aggregate in memberOf {
            switch aggregate.kind {
            case .gpuPool(let type, let pool, _): gpuPool.append((aggregate.name, type, pool))
            case .testing: testing.append(aggregate.name)
            case .unknownType, .other: break
            }
        }
        gpuPool.sort { $0.name < $1.name }
        let aggregateTypes = Set(gpuPool.map(\.type))
        var warnings: [CloudWarning] = []
        var reason: String?
        let outOfStock = configuration.outOfStock
        if let device, !hostRules.isInService(netboxStatus: device.status) {
            reason = "NetBox status: \(device.statusLabel ?? device.status.capitalizedFirst)"
        } else if service == nil && memberOf.isEmpty && device != nil {
            reason = "not in OpenStack"
        } else if gpuPool.isEmpty {
            reason = "not in any aggregate"
        } else if !testing.isEmpty {
            reason = "in testing aggregate \(testing.sorted().joined(separator: ", "))"
        } else if service == nil {
            reason = "no nova-compute service"
        } else if let service, outOfStock.disabledService, !service.isEnabled {
            reason = "compute service disabled" + (service.disabledReason.map { ": \($0)" } ?? "")
        } else if let service, outOfStock.downService, !service.isUp {
            reason = "compute service down"
        } else if aggregateTypes.count > 1 {
            reason = "conflict: aggregates of two GPU types (\(gpuPool.map(\.name).joined(separator: ", ")))"
            warnings.append(.init(kind: .typeConflict, subject: name,
                                  message: "in aggregates of \(aggregateTypes.sorted().joined(separator: " and ")): \(gpuPool.map(\.name).joined(separator: ", "))"))
        } else {
            let pools = Set(gpuPool.map(\.pool))
            let pool = Pool.precedence.first { pools.contains($0) }!
            if pools.count > 1 {
                warnings.append(.init(kind: .poolConflict, subject: name,
                                      message: "in aggregates of two pools (\(gpuPool.map(\.name).joined(separator: ", "))); counted in \(pool.label)"))
            }
            return (Placement(pool: pool, poolAggregates: gpuPool.filter { $0.pool == pool }.map(\.name)), warnings)
        }
        return (Placement(pool: .outofstock, poolAggregates: [], outOfStockReason: reason), warnings)
    }
}

/// An aggregate a host is in, with its kind.
public struct AggregateMembership: Sendable, Hashable {
    public let name: String
    public let kind: AggregateKind

    public init(name: String, kind: AggregateKind) {
        self.name = name
        self.kind = kind
    }

    public var isGPUPool: Bool {
        if case .gpuPool = kind { return true }
        return false
    }
}

/// A host that moved: the one definition of "host moved", read by the commit message, `diff`, the
/// history page and its chart. A host moved when its pool or its pool's aggregates changed
/// (entering out of stock because its compute service was disabled is a move).
public struct HostMove: Sendable, Hashable {
    public let host: String
    public let gpuType: String?
    public let fromPool: Pool
    public let toPool: Pool
    public let fromAggregates: [String]
    public let toAggregates: [String]

    public init(host: String, gpuType: String?, from: Placement, to: Placement) {
        self.host = host
        self.gpuType = gpuType
        fromPool = from.pool
        toPool = to.pool
        fromAggregates = from.poolAggregates
        toAggregates = to.poolAggregates
    }

    /// The move between two placements of a host, nil when it did not move.
    public static func between(host: String, gpuType: String?, before: Placement, after: Placement) -> HostMove? {
        guard before.pool != after.pool || before.poolAggregates != after.poolAggregates else { return nil }
        return HostMove(host: host, gpuType: gpuType, from: before, to: after)
    }
}

/// A server as the started/stopped rule sees it.
public struct ServerChange: Sendable, Hashable {
    public let id: String
    public let name: String
    public let host: String?

    public init(id: String, name: String, host: String?) {
        self.id = id
        self.name = name
        self.host = host
    }
}

/// The one definition of "VMs started" and "VMs stopped": servers that hold resources (by
/// `UsageRules.holdsResources`) in the newer set and not in the older one, by id, and the other
/// way round. A server that moved between hosts is neither. Sorted by name, then id.
public struct ServerActivity: Sendable, Hashable {
    public let started: [ServerChange]
    public let stopped: [ServerChange]

    /// `before` and `after` are the servers holding resources; `before` nil (a first snapshot)
    /// starts nothing.
    public init(holdingBefore before: [ServerChange]?, holdingAfter after: [ServerChange]) {
        let old = Dictionary((before ?? []).map { ($0.id, $0) }, uniquingKeysWith: { first, _ in first })
        let new = Dictionary(after.map { ($0.id, $0) }, uniquingKeysWith: { first, _ in first })
        started = before == nil ? [] : new.values.filter { old[$0.id] == nil }.sorted { ($0.name, $0.id) < ($1.name, $1.id) }
        stopped = old.values.filter { new[$0.id] == nil }.sorted { ($0.name, $0.id) < ($1.name, $1.id) }
    }

    public var isEmpty: Bool { started.isEmpty && stopped.isEmpty }
}
