/// Where a host's GPU type came from.
public enum TypeSource: String, Sendable, Hashable, Codable {
    case tags
    case aggregates
    case unknown
}

/// A server as the dashboard and the seed's host-vms endpoint show it.
public struct ServerView: Sendable, Hashable {
    public let id: String
    public let name: String
    public let status: String
    public let flavor: String
    /// The project's name, or its id when Keystone did not name it.
    public let tenant: String
    public let tenantID: String
    public let created: String
    public let gpus: Int
    public let holdsResources: Bool
}

/// Everything derived about one GPU host, computed once from the facts and the configuration.
public struct HostView: Sendable, Hashable, Identifiable {
    public var id: String { name }

    /// The compute service host name (or the NetBox device name for a device not in OpenStack).
    public let name: String
    public let gpuType: String?
    public let typeSource: TypeSource
    public let capacity: Int
    public let gpuUsed: Int
    public let vmCount: Int
    public var hasVMs: Bool { vmCount > 0 }
    public let servers: [ServerView]
    /// The NetBox tenant's slug and name.
    public let tenant: String?
    public let tenantName: String?
    public let ownerGroup: String
    public let nvlink: Bool
    /// NetBox site name and rack.
    public let site: String?
    public let rack: String?
    /// The configured site (by hostname prefix) for Hyperstack launches.
    public let sitePrefix: String?
    public let netboxURL: String?
    /// The NetBox status value, or `enabled`/`disabled` from the compute service.
    public let status: String
    public let pool: Pool
    public let outOfStockReason: String?
    /// Every aggregate the host is in, sorted.
    public let aggregates: [String]
    /// The GPU-pool aggregates that put the host in its pool, sorted.
    public let poolAggregates: [String]
    /// For on-demand hosts: the on-demand aggregate (variant).
    public let variant: String?
    /// For contract hosts: the contract aggregate.
    public let contractAggregate: String?
    public let inNova: Bool
    public let inNetBox: Bool
    public let computeServiceStatus: String?
    public let computeServiceState: String?

    public var overCapacity: Bool { gpuUsed > capacity }
    public var freeGPUs: Int { max(0, capacity - gpuUsed) }
}

extension HostView {
    /// The host's placement (pool and the aggregates of that pool), as `PlacementRules` made it.
    public var placement: Placement {
        Placement(pool: pool, poolAggregates: poolAggregates, outOfStockReason: outOfStockReason)
    }
}
