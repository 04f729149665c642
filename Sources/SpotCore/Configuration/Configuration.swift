/// The whole configuration of one operations repository (`spotctl.yaml`). Every convention of the
/// cloud is here; `Configuration.defaults` reproduces the seed application's conventions.
///
/// Secrets are never held here: the configuration names the environment variables or files that
/// hold them.
public struct Configuration: Sendable, Hashable {
    public static let currentVersion = 1

    public var version: Int = Configuration.currentVersion
    public var openstack = OpenStackSettings()
    public var netbox = NetBoxSettings()
    public var hyperstack = HyperstackSettings()
    public var runpod = RunPodSettings()
    public var gpuServers = GPUServerSettings()
    public var gpuTypes: [GPUTypeDefinition] = GPUTypeDefinition.defaults
    public var aggregates = AggregateSettings()
    public var nvlink = NVLinkSettings()
    public var capacity = CapacitySettings()
    public var ownerGroups = OwnerGroupSettings()
    public var outOfStock = OutOfStockSettings()
    public var sites: [SiteDefinition] = SiteDefinition.defaults
    public var launch = LaunchSettings()
    public var snapshot = SnapshotSettings()
    public var apply = ApplySettings()

    public init() {}

    public static let defaults = Configuration()

    /// The definition of a canonical GPU type by name.
    public func gpuType(named name: String) -> GPUTypeDefinition? {
        gpuTypes.first { $0.name == name }
    }
}

public struct OpenStackSettings: Sendable, Hashable {
    /// The cloud's name in `clouds.yaml`; when nil, `OS_CLOUD`, then the `OS_*` variables.
    public var cloud: String?
    /// The Keystone region; when nil, `OS_REGION_NAME`, else the only region in the catalog.
    public var region: String?
    /// The catalog interface: `public`, `internal` or `admin`; `OS_INTERFACE` overrides.
    public var interface: String = "public"
    public var timeoutSeconds: Int = 30
    /// Page size for server listings (Nova caps it at its `max_limit`, 1000 by default).
    public var pageSize: Int = 1000
    public init() {}
}

public struct NetBoxSettings: Sendable, Hashable {
    /// NetBox's base URL; when nil, `NETBOX_URL`.
    public var url: String?
    /// The environment variable that holds the API token.
    public var tokenEnv: String = "NETBOX_API_KEY"
    /// A file outside the repository that holds the token, read when the variable is unset.
    public var tokenFile: String?
    public var timeoutSeconds: Int = 30
    public var pageSize: Int = 1000
    /// The device custom fields stored in a snapshot (by name, exactly as NetBox names them);
    /// every other one is dropped when read. `capacity.netbox_custom_field` is kept as well.
    public var customFields: [String] = NetBoxSettings.defaultCustomFields
    /// TLS certificate verification for NetBox, whatever OpenStack's `verify` says.
    public var verify: Bool = true
    /// A CA bundle (PEM) trusted for NetBox besides the system's roots; when nil, the OpenStack
    /// cloud's bundle (`cacert`, `OS_CACERT`), if any.
    public var caFile: String?
    public init() {}

    /// The capacity field and the NVLink field.
    public static let defaultCustomFields = ["GPU_Count", "NVLinks"]
}

public struct HyperstackSettings: Sendable, Hashable {
    public static let defaultURL = "https://infrahub-api.nexgencloud.com/v1"
    /// The API's base URL; `HYPERSTACK_API_URL` overrides it.
    public var url: String = HyperstackSettings.defaultURL
    public var apiKeyEnv: String = "HYPERSTACK_API_KEY"
    public var apiKeyFile: String?
    public var timeoutSeconds: Int = 30
    /// TLS certificate verification for Hyperstack, whatever OpenStack's `verify` says.
    public var verify: Bool = true
    /// A CA bundle (PEM) trusted for Hyperstack besides the system's roots; when nil, the
    /// OpenStack cloud's bundle, if any.
    public var caFile: String?
    public init() {}
}

public struct RunPodSettings: Sendable, Hashable {
    public var apiKeyEnv: String = "RUNPOD_API_KEY"
    public var apiKeyFile: String?
    public init() {}
}

public struct GPUServerSettings: Sendable, Hashable {
    /// NetBox device roles (name or slug, case-insensitive) that mark a GPU server.
    public var roles: [String] = ["GPU Servers", "gpu-servers", "GPU Server"]
    /// NetBox tags (name or slug, case-insensitive) that mark a device as not a server.
    public var excludedTags: [String] = ["UNPOPULATED CHASSIS"]
    public init() {}
}

/// One canonical GPU type and the NetBox tags that identify it.
public struct GPUTypeDefinition: Sendable, Hashable {
    public var name: String
    public var displayName: String?
    public var tags: [String]
    /// GPUs per host for this type; nil means `capacity.default_gpus_per_host`.
    public var gpusPerHost: Int?

    public init(name: String, displayName: String? = nil, tags: [String], gpusPerHost: Int? = nil) {
        self.name = name
        self.displayName = displayName
        self.tags = tags
        self.gpusPerHost = gpusPerHost
    }

    public var shownName: String { displayName ?? name }

    public static let defaults: [GPUTypeDefinition] = [
        .init(name: "L40", tags: ["NVIDIA L40"]),
        .init(name: "RTX-A6000", tags: ["NVIDIA RTX A6000"]),
        .init(name: "RTX-A6000-ADA", tags: ["NVIDIA RTX A6000 ADA"]),
        .init(name: "A100", tags: ["NVIDIA A100 PCIe", "NVIDIA A100 80GB PCIe", "NVIDIA A100 SXM", "NVIDIA A100 SXM4"]),
        .init(name: "H100", tags: ["NVIDIA H100 PCIe", "NVIDIA H100 80GB PCIe"]),
        .init(name: "H100-SXM5", tags: ["NVIDIA H100 SXM", "NVIDIA H100 SXM5", "NVIDIA H100 80GB SXM5"]),
        .init(name: "H200-SXM5", tags: ["NVIDIA H200 SXM5", "NVIDIA H200 141GB SXM5"]),
        .init(name: "GH200", tags: ["NVIDIA GH200 480GB"]),
        .init(name: "RTX-4090", tags: ["NVIDIA RTX 4090"]),
        .init(name: "RTX-5090", tags: ["NVIDIA RTX 5090"]),
        .init(name: "RTX-PRO6000-SE", tags: ["NVIDIA RTX 6000 PRO SE"]),
        .init(name: "RTX-A4000", tags: ["RTX A4000"], gpusPerHost: 10),
        .init(name: "A40", tags: ["NVIDIA A40"]),
    ]
}

/// The pools' aggregate name patterns. Patterns with `<TYPE>` name the type; a pattern without it
/// (contracts) takes the type from the longest type name the aggregate's name mentions as a token.
public struct AggregateSettings: Sendable, Hashable {
    public var ondemand: [NamePattern] = [try! NamePattern("<TYPE>-n3"), try! NamePattern("<TYPE>-n3-NVLink")]
    public var spot: [NamePattern] = [try! NamePattern("<TYPE>-n3-spot")]
    public var runpod: [NamePattern] = [try! NamePattern("<TYPE>-n3-runpod")]
    public var contract: [NamePattern] = [try! NamePattern("Contract-*")]
    public init() {}

    public func patterns(for pool: Pool) -> [NamePattern] {
        switch pool {
        case .ondemand: return ondemand
        case .spot: return spot
        case .runpod: return runpod
        case .contract: return contract
        case .outofstock: return []
        }
    }
}

public struct NVLinkSettings: Sendable, Hashable {
    /// On-demand aggregates whose hosts have NVLink (the NVLink variants).
    public var aggregates: [NamePattern] = [try! NamePattern("<TYPE>-n3-NVLink")]
    /// NetBox tags (name or slug, case-insensitive) that mark a host as NVLink.
    public var tags: [String] = ["NVLink"]
    /// The device's boolean custom field that records NVLink, exactly as NetBox names it
    /// (case-sensitive). When a device has the field, it decides (null means false); without it,
    /// the tags, then membership of an NVLink aggregate. nil turns the field off.
    public var customField: String? = "NVLinks"
    public init() {}
}

public struct HostCapacityRule: Sendable, Hashable {
    /// A hostname glob with `*`, matched case-insensitively.
    public var pattern: NamePattern
    public var gpus: Int
    public init(pattern: NamePattern, gpus: Int) {
        self.pattern = pattern
        self.gpus = gpus
    }
}

public struct CapacitySettings: Sendable, Hashable {
    public var defaultGPUsPerHost: Int = 8
    /// Overrides by hostname; the first matching rule wins, and wins over the type's value.
    public var hostPatterns: [HostCapacityRule] = [HostCapacityRule(pattern: try! NamePattern("*A4000*", allowed: []), gpus: 10)]
    /// A NetBox custom field whose whole-number value overrides everything else.
    public var netboxCustomField: String? = "GPU_Count"
    public init() {}
}

public struct OwnerGroupSettings: Sendable, Hashable {
    public struct TenantGroup: Sendable, Hashable {
        /// A tenant slug or name, matched case-insensitively.
        public var tenant: String
        public var group: String
        public init(tenant: String, group: String) {
            self.tenant = tenant
            self.group = group
        }
    }

    public var tenants: [TenantGroup] = [TenantGroup(tenant: "nexgen-cloud", group: "Nexgen Cloud")]
    /// The group of every other tenant.
    public var other: String = "Investors"
    /// The group of a device with no tenant and of a host with no NetBox device.
    public var unassigned: String = "Unassigned"
    public init() {}
}

public struct OutOfStockSettings: Sendable, Hashable {
    /// NetBox status values that are in service.
    public var inServiceStatuses: [String] = ["active"]
    /// Aggregate name markers (case-insensitive substrings) that mean a testing aggregate.
    public var testingMarkers: [String] = ["tempest"]
    public var disabledService: Bool = true
    public var downService: Bool = true
    public init() {}
}

/// A site inside the one OpenStack region, found by hostname prefix.
public struct SiteDefinition: Sendable, Hashable {
    public var prefix: String
    public var hyperstackRegion: String
    public var environment: String
    public var firewall: Int?
    public var storageNetwork: String?

    public init(prefix: String, hyperstackRegion: String, environment: String, firewall: Int? = nil,
                storageNetwork: String? = nil) {
        self.prefix = prefix
        self.hyperstackRegion = hyperstackRegion
        self.environment = environment
        self.firewall = firewall
        self.storageNetwork = storageNetwork
    }

    public static let defaults: [SiteDefinition] = [
        .init(prefix: "CA1", hyperstackRegion: "CANADA-1", environment: "CA1-RunPod", firewall: 971,
              storageNetwork: "RunPod-Storage-Canada-1"),
        .init(prefix: "US1", hyperstackRegion: "US-1", environment: "US1-RunPod"),
        .init(prefix: "NO1", hyperstackRegion: "NORWAY-1", environment: "NO1-RunPod"),
    ]

    /// Whether `hostname` starts with this site's prefix followed by a non-alphanumeric character
    /// or the end (case-insensitive): `CA1-ESC812-171` is at `CA1`, `CA10-X` is not.
    public func contains(hostname: String) -> Bool {
        let host = Array(hostname.uppercased())
        let prefix = Array(self.prefix.uppercased())
        guard host.count >= prefix.count, Array(host[0..<prefix.count]) == prefix else { return false }
        guard host.count > prefix.count else { return true }
        let next = host[prefix.count]
        return !(next.isLetter || next.isNumber)
    }
}

public struct SecurityRule: Sendable, Hashable {
    public var direction: String
    public var ethertype: String
    public var `protocol`: String
    public var remoteIPPrefix: String
    public var portRangeMin: Int?
    public var portRangeMax: Int?

    public init(direction: String, ethertype: String, protocol: String, remoteIPPrefix: String,
                portRangeMin: Int? = nil, portRangeMax: Int? = nil) {
        self.direction = direction
        self.ethertype = ethertype
        self.protocol = `protocol`
        self.remoteIPPrefix = remoteIPPrefix
        self.portRangeMin = portRangeMin
        self.portRangeMax = portRangeMax
    }
}

public struct LaunchSettings: Sendable, Hashable {
    public var flavor: NamePattern = try! NamePattern("n3-<TYPE>x<N>", allowed: [.type, .count])
    /// The flavor of NVLink hosts; nil means the plain `flavor` pattern.
    public var nvlinkFlavor: NamePattern? = try! NamePattern("n3-<TYPE>x<N>-NVLink", allowed: [.type, .count])
    public var keyName: String = "runpod"
    public var assignFloatingIP: Bool = false
    public var securityRules: [SecurityRule] = []
    /// A cloud-init template file, relative to the repository; `{{RUNPOD_API_KEY}}` is filled in at
    /// apply time only.
    public var cloudInitTemplate: String?
    public var waitTimeoutSeconds: Int = 900
    /// What a launch does when its server lands on another hypervisor than the host:
    /// `fail` (the default: the launch stops, nothing more is attached) or `warn` (it goes on).
    public var onWrongHost: WrongHostPolicy = .fail
    public init() {}

    public enum WrongHostPolicy: String, Sendable, Hashable, CaseIterable {
        case fail, warn
    }
}

public struct SnapshotSettings: Sendable, Hashable {
    /// The share of hosts a snapshot may lose against the previous one before it is refused.
    public var maxHostLoss: Double = 0.5
    /// The share of servers a snapshot may lose against the previous one before it is refused.
    public var maxServerLoss: Double = 0.5
    /// How many requests run at once.
    public var concurrency: Int = 8
    public init() {}
}

public struct ApplySettings: Sendable, Hashable {
    /// How many hosts `spotctl apply` moves at once (each host's steps run in order).
    public var concurrency: Int = 8
    public init() {}
}
