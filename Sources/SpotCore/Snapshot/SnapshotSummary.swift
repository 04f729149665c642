/// The small summary written with every snapshot, so that history is read without parsing the
/// facts: per GPU type and pool, hosts, GPUs used and capacity.
public struct SnapshotSummary: Sendable, Hashable, Codable {
    public struct Figures: Sendable, Hashable, Codable {
        public var hosts: Int
        public var gpuUsed: Int
        public var gpuCapacity: Int

        public init(hosts: Int, gpuUsed: Int, gpuCapacity: Int) {
            self.hosts = hosts
            self.gpuUsed = gpuUsed
            self.gpuCapacity = gpuCapacity
        }

        init(_ summary: GPUSummary) {
            self.init(hosts: summary.hostCount, gpuUsed: summary.gpuUsed, gpuCapacity: summary.gpuCapacity)
        }

        public var gpuSummary: GPUSummary { GPUSummary(gpuUsed: gpuUsed, gpuCapacity: gpuCapacity, hostCount: hosts) }

        enum CodingKeys: String, CodingKey {
            case hosts
            case gpuUsed = "gpu_used"
            case gpuCapacity = "gpu_capacity"
        }
    }

    public struct TypeFigures: Sendable, Hashable, Codable {
        /// Pool (`ondemand`, `spot`, `runpod`, `contract`, `outofstock`) → figures.
        public var pools: [String: Figures]
        /// The four in-service pools summed.
        public var overview: Figures
    }

    public var formatVersion: FormatVersion
    /// GPU type → figures.
    public var types: [String: TypeFigures]
    /// All types' overviews summed.
    public var total: Figures
    public var unclassifiedHosts: Int
    public var servers: Int

    public init(_ cloud: CloudView) {
        formatVersion = InventoryFiles.formatVersion
        var types: [String: TypeFigures] = [:]
        for type in cloud.types {
            var pools: [String: Figures] = [:]
            for pool in type.pools { pools[pool.pool.rawValue] = Figures(pool.summary) }
            types[type.name] = TypeFigures(pools: pools, overview: Figures(type.overview))
        }
        self.types = types
        self.total = Figures(cloud.total)
        self.unclassifiedHosts = cloud.unclassified.count
        self.servers = cloud.facts.servers.count
    }

    enum CodingKeys: String, CodingKey {
        case types, total, servers
        case formatVersion = "format_version"
        case unclassifiedHosts = "unclassified_hosts"
    }
}
