import Foundation

/// A simulated cloud: everything the simulator serves, in one document (JSON or YAML). The
/// simulator's live state has the same shape, so the current state can be written back out as a
/// scenario. The format is documented in docs/simulator.md.
public struct Scenario: Codable, Sendable, Hashable {
    public var name: String
    /// The one Keystone region the catalog lists.
    public var region: String
    public var credentials: Credentials
    public var projects: [ProjectSpec]
    public var aggregates: [AggregateSpec]
    /// Compute hosts: a nova-compute service and its hypervisor each.
    public var hosts: [HostSpec]
    public var flavors: [FlavorSpec]
    public var servers: [ServerSpec]
    public var networks: [NetworkSpec]
    public var ports: [PortSpec]
    /// NetBox devices.
    public var devices: [DeviceSpec]
    public var hyperstack: HyperstackSpec

    public init(name: String, region: String = "RegionOne", credentials: Credentials = Credentials(),
                projects: [ProjectSpec] = [], aggregates: [AggregateSpec] = [], hosts: [HostSpec] = [],
                flavors: [FlavorSpec] = [], servers: [ServerSpec] = [], networks: [NetworkSpec] = [],
                ports: [PortSpec] = [], devices: [DeviceSpec] = [], hyperstack: HyperstackSpec = HyperstackSpec()) {
        self.name = name
        self.region = region
        self.credentials = credentials
        self.projects = projects
        self.aggregates = aggregates
        self.hosts = hosts
        self.flavors = flavors
        self.servers = servers
        self.networks = networks
        self.ports = ports
        self.devices = devices
        self.hyperstack = hyperstack
    }

    enum CodingKeys: String, CodingKey {
        case name, region, credentials, projects, aggregates, hosts, flavors, servers, networks, ports, devices, hyperstack
    }

    public init(from decoder: any Decoder) throws {
        let c = try decoder.container(keyedBy: CodingKeys.self)
        name = try c.decode(String.self, forKey: .name)
        region = try c.decodeIfPresent(String.self, forKey: .region) ?? "RegionOne"
        credentials = try c.decodeIfPresent(Credentials.self, forKey: .credentials) ?? Credentials()
        projects = try c.decodeIfPresent([ProjectSpec].self, forKey: .projects) ?? []
        aggregates = try c.decodeIfPresent([AggregateSpec].self, forKey: .aggregates) ?? []
        hosts = try c.decodeIfPresent([HostSpec].self, forKey: .hosts) ?? []
        flavors = try c.decodeIfPresent([FlavorSpec].self, forKey: .flavors) ?? []
        servers = try c.decodeIfPresent([ServerSpec].self, forKey: .servers) ?? []
        networks = try c.decodeIfPresent([NetworkSpec].self, forKey: .networks) ?? []
        ports = try c.decodeIfPresent([PortSpec].self, forKey: .ports) ?? []
        devices = try c.decodeIfPresent([DeviceSpec].self, forKey: .devices) ?? []
        hyperstack = try c.decodeIfPresent(HyperstackSpec.self, forKey: .hyperstack) ?? HyperstackSpec()
    }
}

/// Who may call the simulated services. These are test credentials of a simulated cloud, printed
/// as `export` lines by `spotctl simulate`; they guard nothing real.
public struct Credentials: Codable, Sendable, Hashable {
    public var username: String = "admin"
    public var password: String = "simulated-password"
    public var userID: String = "8b1a5e2f0c3d4e5f8a9b0c1d2e3f4a5b"
    public var userDomain: String = "Default"
    public var project: String = "admin"
    public var projectID: String = "d1c5ab8e4e7a4f5c9d2b3a4c5d6e7f80"
    public var projectDomain: String = "Default"
    public var applicationCredentials: [ApplicationCredential] = []
    /// A NetBox v1 token (`Authorization: Token <key>`).
    public var netboxToken: String = "0123456789abcdef0123456789abcdef01234567"
    /// A NetBox 4.5 v2 token (`Authorization: Bearer nbt_<key>.<secret>`).
    public var netboxTokenV2: String = "nbt_simulatedkey01.simulatedsecret0123456789abcdef"
    public var hyperstackAPIKey: String = "sim-hyperstack-key-0123456789abcdef"
    public var runpodAPIKey: String = "sim-runpod-key-0123456789abcdef0123"

    public init() {}

    public struct ApplicationCredential: Codable, Sendable, Hashable {
        public var id: String
        public var name: String
        public var secret: String
        public init(id: String, name: String, secret: String) {
            self.id = id
            self.name = name
            self.secret = secret
        }
    }

    enum CodingKeys: String, CodingKey {
        case username, password, project
        case userID = "user_id"
        case userDomain = "user_domain"
        case projectID = "project_id"
        case projectDomain = "project_domain"
        case applicationCredentials = "application_credentials"
        case netboxToken = "netbox_token"
        case netboxTokenV2 = "netbox_token_v2"
        case hyperstackAPIKey = "hyperstack_api_key"
        case runpodAPIKey = "runpod_api_key"
    }

    public init(from decoder: any Decoder) throws {
        let c = try decoder.container(keyedBy: CodingKeys.self)
        let d = Credentials()
        username = try c.decodeIfPresent(String.self, forKey: .username) ?? d.username
        password = try c.decodeIfPresent(String.self, forKey: .password) ?? d.password
        userID = try c.decodeIfPresent(String.self, forKey: .userID) ?? d.userID
        userDomain = try c.decodeIfPresent(String.self, forKey: .userDomain) ?? d.userDomain
        project = try c.decodeIfPresent(String.self, forKey: .project) ?? d.project
        projectID = try c.decodeIfPresent(String.self, forKey: .projectID) ?? d.projectID
        projectDomain = try c.decodeIfPresent(String.self, forKey: .projectDomain) ?? d.projectDomain
        applicationCredentials = try c.decodeIfPresent([ApplicationCredential].self, forKey: .applicationCredentials) ?? []
        netboxToken = try c.decodeIfPresent(String.self, forKey: .netboxToken) ?? d.netboxToken
        netboxTokenV2 = try c.decodeIfPresent(String.self, forKey: .netboxTokenV2) ?? d.netboxTokenV2
        hyperstackAPIKey = try c.decodeIfPresent(String.self, forKey: .hyperstackAPIKey) ?? d.hyperstackAPIKey
        runpodAPIKey = try c.decodeIfPresent(String.self, forKey: .runpodAPIKey) ?? d.runpodAPIKey
    }
}

public struct ProjectSpec: Codable, Sendable, Hashable {
    public var id: String
    public var name: String
    public var domainID: String = "default"
    public init(id: String, name: String, domainID: String = "default") {
        self.id = id
        self.name = name
        self.domainID = domainID
    }
    enum CodingKeys: String, CodingKey {
        case id, name
        case domainID = "domain_id"
    }
    public init(from decoder: any Decoder) throws {
        let c = try decoder.container(keyedBy: CodingKeys.self)
        id = try c.decode(String.self, forKey: .id)
        name = try c.decode(String.self, forKey: .name)
        domainID = try c.decodeIfPresent(String.self, forKey: .domainID) ?? "default"
    }
}

public struct AggregateSpec: Codable, Sendable, Hashable {
    public var id: Int
    public var uuid: String
    public var name: String
    public var availabilityZone: String?
    public var hosts: [String]
    public var metadata: [String: String]
    public var createdAt: String

    public init(id: Int, uuid: String, name: String, availabilityZone: String? = nil, hosts: [String] = [],
                metadata: [String: String] = [:], createdAt: String = "2024-01-15T10:30:00.000000") {
        self.id = id
        self.uuid = uuid
        self.name = name
        self.availabilityZone = availabilityZone
        self.hosts = hosts
        self.metadata = metadata
        self.createdAt = createdAt
    }

    enum CodingKeys: String, CodingKey {
        case id, uuid, name, hosts, metadata
        case availabilityZone = "availability_zone"
        case createdAt = "created_at"
    }

    public init(from decoder: any Decoder) throws {
        let c = try decoder.container(keyedBy: CodingKeys.self)
        id = try c.decode(Int.self, forKey: .id)
        name = try c.decode(String.self, forKey: .name)
        uuid = try c.decodeIfPresent(String.self, forKey: .uuid) ?? SimIDs.uuid("aggregate", id)
        availabilityZone = try c.decodeIfPresent(String.self, forKey: .availabilityZone)
        hosts = try c.decodeIfPresent([String].self, forKey: .hosts) ?? []
        metadata = try c.decodeIfPresent([String: String].self, forKey: .metadata) ?? [:]
        createdAt = try c.decodeIfPresent(String.self, forKey: .createdAt) ?? "2024-01-15T10:30:00.000000"
    }
}

/// A compute host: its nova-compute service and its hypervisor.
public struct HostSpec: Codable, Sendable, Hashable {
    /// The compute service host name (what aggregates and servers use).
    public var name: String
    /// The hypervisor's name (often the FQDN); defaults to `name`.
    public var hypervisorHostname: String
    public var serviceID: String
    public var hypervisorID: String
    /// `enabled` or `disabled`.
    public var status: String
    /// `up` or `down`.
    public var state: String
    public var disabledReason: String?
    public var forcedDown: Bool
    public var zone: String
    public var hostIP: String
    public var vcpus: Int
    public var memoryMB: Int
    public var localGB: Int
    /// The host's Nova cell cannot be reached: from microversion 2.69 its compute service shows
    /// as `{"binary", "host", "status": "UNKNOWN"}` and its servers as `{"id", "status":
    /// "UNKNOWN", "tenant_id", "created", "links"}` (no host, no flavor); before 2.69 both are
    /// left out of listings, as Nova does by default.
    public var cellDown: Bool

    public init(name: String, hypervisorHostname: String? = nil, serviceID: String? = nil, hypervisorID: String? = nil,
                status: String = "enabled", state: String = "up", disabledReason: String? = nil, forcedDown: Bool = false,
                zone: String = "nova", hostIP: String = "192.0.2.10", vcpus: Int = 128, memoryMB: Int = 1_048_576,
                localGB: Int = 7_000, cellDown: Bool = false) {
        self.name = name
        self.hypervisorHostname = hypervisorHostname ?? name
        self.serviceID = serviceID ?? SimIDs.uuid("service", name)
        self.hypervisorID = hypervisorID ?? SimIDs.uuid("hypervisor", name)
        self.status = status
        self.state = state
        self.disabledReason = disabledReason
        self.forcedDown = forcedDown
        self.zone = zone
        self.hostIP = hostIP
        self.vcpus = vcpus
        self.memoryMB = memoryMB
        self.localGB = localGB
        self.cellDown = cellDown
    }

    enum CodingKeys: String, CodingKey {
        case name, status, state, zone, vcpus
        case cellDown = "cell_down"
        case hypervisorHostname = "hypervisor_hostname"
        case serviceID = "service_id"
        case hypervisorID = "hypervisor_id"
        case disabledReason = "disabled_reason"
        case forcedDown = "forced_down"
        case hostIP = "host_ip"
        case memoryMB = "memory_mb"
        case localGB = "local_gb"
    }

    public init(from decoder: any Decoder) throws {
        let c = try decoder.container(keyedBy: CodingKeys.self)
        let name = try c.decode(String.self, forKey: .name)
        self.init(
            name: name,
            hypervisorHostname: try c.decodeIfPresent(String.self, forKey: .hypervisorHostname),
            serviceID: try c.decodeIfPresent(String.self, forKey: .serviceID),
            hypervisorID: try c.decodeIfPresent(String.self, forKey: .hypervisorID),
            status: try c.decodeIfPresent(String.self, forKey: .status) ?? "enabled",
            state: try c.decodeIfPresent(String.self, forKey: .state) ?? "up",
            disabledReason: try c.decodeIfPresent(String.self, forKey: .disabledReason),
            forcedDown: try c.decodeIfPresent(Bool.self, forKey: .forcedDown) ?? false,
            zone: try c.decodeIfPresent(String.self, forKey: .zone) ?? "nova",
            hostIP: try c.decodeIfPresent(String.self, forKey: .hostIP) ?? "192.0.2.10",
            vcpus: try c.decodeIfPresent(Int.self, forKey: .vcpus) ?? 128,
            memoryMB: try c.decodeIfPresent(Int.self, forKey: .memoryMB) ?? 1_048_576,
            localGB: try c.decodeIfPresent(Int.self, forKey: .localGB) ?? 7_000,
            cellDown: try c.decodeIfPresent(Bool.self, forKey: .cellDown) ?? false)
    }

    public func encode(to encoder: any Encoder) throws {
        var c = encoder.container(keyedBy: CodingKeys.self)
        try c.encode(name, forKey: .name)
        try c.encode(hypervisorHostname, forKey: .hypervisorHostname)
        try c.encode(serviceID, forKey: .serviceID)
        try c.encode(hypervisorID, forKey: .hypervisorID)
        try c.encode(status, forKey: .status)
        try c.encode(state, forKey: .state)
        try c.encodeIfPresent(disabledReason, forKey: .disabledReason)
        try c.encode(forcedDown, forKey: .forcedDown)
        try c.encode(zone, forKey: .zone)
        try c.encode(hostIP, forKey: .hostIP)
        try c.encode(vcpus, forKey: .vcpus)
        try c.encode(memoryMB, forKey: .memoryMB)
        try c.encode(localGB, forKey: .localGB)
        // Written only when set, so that scenarios without it read and write as before.
        if cellDown { try c.encode(cellDown, forKey: .cellDown) }
    }
}

public struct FlavorSpec: Codable, Sendable, Hashable {
    public var id: String
    public var name: String
    public var vcpus: Int
    public var ram: Int
    public var disk: Int
    public var ephemeral: Int
    public var swap: Int
    public var isPublic: Bool
    public var description: String?
    public var extraSpecs: [String: String]

    public init(id: String, name: String, vcpus: Int = 8, ram: Int = 65536, disk: Int = 100, ephemeral: Int = 0,
                swap: Int = 0, isPublic: Bool = true, description: String? = nil, extraSpecs: [String: String] = [:]) {
        self.id = id
        self.name = name
        self.vcpus = vcpus
        self.ram = ram
        self.disk = disk
        self.ephemeral = ephemeral
        self.swap = swap
        self.isPublic = isPublic
        self.description = description
        self.extraSpecs = extraSpecs
    }

    enum CodingKeys: String, CodingKey {
        case id, name, vcpus, ram, disk, ephemeral, swap, description
        case isPublic = "is_public"
        case extraSpecs = "extra_specs"
    }

    public init(from decoder: any Decoder) throws {
        let c = try decoder.container(keyedBy: CodingKeys.self)
        self.init(
            id: try c.decode(String.self, forKey: .id), name: try c.decode(String.self, forKey: .name),
            vcpus: try c.decodeIfPresent(Int.self, forKey: .vcpus) ?? 8,
            ram: try c.decodeIfPresent(Int.self, forKey: .ram) ?? 65536,
            disk: try c.decodeIfPresent(Int.self, forKey: .disk) ?? 100,
            ephemeral: try c.decodeIfPresent(Int.self, forKey: .ephemeral) ?? 0,
            swap: try c.decodeIfPresent(Int.self, forKey: .swap) ?? 0,
            isPublic: try c.decodeIfPresent(Bool.self, forKey: .isPublic) ?? true,
            description: try c.decodeIfPresent(String.self, forKey: .description),
            extraSpecs: try c.decodeIfPresent([String: String].self, forKey: .extraSpecs) ?? [:])
    }
}

public struct ServerSpec: Codable, Sendable, Hashable {
    public var id: String
    public var name: String
    /// ACTIVE, BUILD, SHUTOFF, ERROR, SHELVED_OFFLOADED, ...
    public var status: String
    public var vmState: String
    public var taskState: String?
    public var powerState: Int
    /// The compute service host, nil while unscheduled or offloaded.
    public var host: String?
    public var projectID: String
    public var userID: String
    /// The flavor's name; the server embeds that flavor's copy.
    public var flavor: String
    public var imageID: String?
    public var keyName: String?
    public var created: String
    public var updated: String
    /// network name → addresses.
    public var addresses: [String: [String]]
    public var metadata: [String: String]
    /// Cloud-init user data (base64), as Nova stores it. Admin-only at 2.3+.
    public var userData: String?
    public var availabilityZone: String?
    public var locked: Bool

    public init(id: String, name: String, status: String = "ACTIVE", vmState: String? = nil, taskState: String? = nil,
                powerState: Int? = nil, host: String?, projectID: String, userID: String = "8b1a5e2f0c3d4e5f8a9b0c1d2e3f4a5b",
                flavor: String, imageID: String? = "70a599e0-31e7-49b7-b260-868f441e862b", keyName: String? = nil,
                created: String = "2024-01-15T10:30:00Z", updated: String? = nil, addresses: [String: [String]] = [:],
                metadata: [String: String] = [:], userData: String? = nil, availabilityZone: String? = "nova", locked: Bool = false) {
        self.id = id
        self.name = name
        self.status = status
        self.vmState = vmState ?? ServerSpec.vmState(for: status)
        self.taskState = taskState
        self.powerState = powerState ?? (status == "ACTIVE" ? 1 : status == "SHUTOFF" ? 4 : 0)
        self.host = host
        self.projectID = projectID
        self.userID = userID
        self.flavor = flavor
        self.imageID = imageID
        self.keyName = keyName
        self.created = created
        self.updated = updated ?? created
        self.addresses = addresses
        self.metadata = metadata
        self.userData = userData
        self.availabilityZone = availabilityZone
        self.locked = locked
    }

    /// Nova's vm_state for a status.
    public static func vmState(for status: String) -> String {
        switch status {
        case "ACTIVE": return "active"
        case "BUILD": return "building"
        case "SHUTOFF": return "stopped"
        case "ERROR": return "error"
        case "PAUSED": return "paused"
        case "SUSPENDED": return "suspended"
        case "SHELVED": return "shelved"
        case "SHELVED_OFFLOADED": return "shelved_offloaded"
        case "SOFT_DELETED": return "soft-delete"
        case "DELETED": return "deleted"
        default: return status.lowercased()
        }
    }

    enum CodingKeys: String, CodingKey {
        case id, name, status, host, flavor, created, updated, addresses, metadata, locked
        case vmState = "vm_state"
        case taskState = "task_state"
        case powerState = "power_state"
        case projectID = "project_id"
        case userID = "user_id"
        case imageID = "image_id"
        case keyName = "key_name"
        case userData = "user_data"
        case availabilityZone = "availability_zone"
    }

    public init(from decoder: any Decoder) throws {
        let c = try decoder.container(keyedBy: CodingKeys.self)
        self.init(
            id: try c.decode(String.self, forKey: .id), name: try c.decode(String.self, forKey: .name),
            status: try c.decodeIfPresent(String.self, forKey: .status) ?? "ACTIVE",
            vmState: try c.decodeIfPresent(String.self, forKey: .vmState),
            taskState: try c.decodeIfPresent(String.self, forKey: .taskState),
            powerState: try c.decodeIfPresent(Int.self, forKey: .powerState),
            host: try c.decodeIfPresent(String.self, forKey: .host),
            projectID: try c.decode(String.self, forKey: .projectID),
            userID: try c.decodeIfPresent(String.self, forKey: .userID) ?? "8b1a5e2f0c3d4e5f8a9b0c1d2e3f4a5b",
            flavor: try c.decode(String.self, forKey: .flavor),
            imageID: try c.decodeIfPresent(String.self, forKey: .imageID),
            keyName: try c.decodeIfPresent(String.self, forKey: .keyName),
            created: try c.decodeIfPresent(String.self, forKey: .created) ?? "2024-01-15T10:30:00Z",
            updated: try c.decodeIfPresent(String.self, forKey: .updated),
            addresses: try c.decodeIfPresent([String: [String]].self, forKey: .addresses) ?? [:],
            metadata: try c.decodeIfPresent([String: String].self, forKey: .metadata) ?? [:],
            userData: try c.decodeIfPresent(String.self, forKey: .userData),
            availabilityZone: try c.decodeIfPresent(String.self, forKey: .availabilityZone),
            locked: try c.decodeIfPresent(Bool.self, forKey: .locked) ?? false)
    }
}

public struct NetworkSpec: Codable, Sendable, Hashable {
    public var id: String
    public var name: String
    public var projectID: String
    public var subnets: [SubnetSpec]
    public var shared: Bool
    public var external: Bool
    public var mtu: Int

    public init(id: String, name: String, projectID: String, subnets: [SubnetSpec] = [], shared: Bool = false,
                external: Bool = false, mtu: Int = 1500) {
        self.id = id
        self.name = name
        self.projectID = projectID
        self.subnets = subnets
        self.shared = shared
        self.external = external
        self.mtu = mtu
    }

    enum CodingKeys: String, CodingKey {
        case id, name, subnets, shared, external, mtu
        case projectID = "project_id"
    }

    public init(from decoder: any Decoder) throws {
        let c = try decoder.container(keyedBy: CodingKeys.self)
        self.init(
            id: try c.decode(String.self, forKey: .id), name: try c.decode(String.self, forKey: .name),
            projectID: try c.decode(String.self, forKey: .projectID),
            subnets: try c.decodeIfPresent([SubnetSpec].self, forKey: .subnets) ?? [],
            shared: try c.decodeIfPresent(Bool.self, forKey: .shared) ?? false,
            external: try c.decodeIfPresent(Bool.self, forKey: .external) ?? false,
            mtu: try c.decodeIfPresent(Int.self, forKey: .mtu) ?? 1500)
    }
}

public struct SubnetSpec: Codable, Sendable, Hashable {
    public var id: String
    public var cidr: String
    public init(id: String, cidr: String) {
        self.id = id
        self.cidr = cidr
    }
}

public struct PortSpec: Codable, Sendable, Hashable {
    public var id: String
    public var name: String
    public var networkID: String
    public var macAddress: String
    public var fixedIPs: [FixedIP]
    /// The server the port is attached to, "" when none.
    public var deviceID: String
    public var deviceOwner: String
    /// DOWN until attached, then ACTIVE.
    public var status: String
    public var projectID: String
    public var createdAt: String
    public var revisionNumber: Int

    public struct FixedIP: Codable, Sendable, Hashable {
        public var subnetID: String
        public var ipAddress: String
        public init(subnetID: String, ipAddress: String) {
            self.subnetID = subnetID
            self.ipAddress = ipAddress
        }
        enum CodingKeys: String, CodingKey {
            case subnetID = "subnet_id"
            case ipAddress = "ip_address"
        }
    }

    public init(id: String, name: String, networkID: String, macAddress: String, fixedIPs: [FixedIP] = [],
                deviceID: String = "", deviceOwner: String = "", status: String = "DOWN", projectID: String,
                createdAt: String = "2024-01-15T10:30:00Z", revisionNumber: Int = 1) {
        self.id = id
        self.name = name
        self.networkID = networkID
        self.macAddress = macAddress
        self.fixedIPs = fixedIPs
        self.deviceID = deviceID
        self.deviceOwner = deviceOwner
        self.status = status
        self.projectID = projectID
        self.createdAt = createdAt
        self.revisionNumber = revisionNumber
    }

    enum CodingKeys: String, CodingKey {
        case id, name, status
        case networkID = "network_id"
        case macAddress = "mac_address"
        case fixedIPs = "fixed_ips"
        case deviceID = "device_id"
        case deviceOwner = "device_owner"
        case projectID = "project_id"
        case createdAt = "created_at"
        case revisionNumber = "revision_number"
    }
}

/// A NetBox reference by slug and name (tenant, role, site).
public struct RefSpec: Codable, Sendable, Hashable {
    public var slug: String
    public var name: String
    public init(slug: String, name: String) {
        self.slug = slug
        self.name = name
    }
}

/// A NetBox device.
public struct DeviceSpec: Codable, Sendable, Hashable {
    public var id: Int
    public var name: String
    /// A status choice value: active, offline, planned, staged, failed, inventory, decommissioning.
    public var status: String
    public var tenant: RefSpec?
    public var role: RefSpec
    public var site: RefSpec
    public var rack: String?
    public var deviceType: String
    public var serial: String
    public var primaryIP: String?
    /// Tag names; slugs are derived.
    public var tags: [String]
    public var customFields: [String: JSON]
    /// Rendered config context (NetBox sends it unless `exclude=config_context`).
    public var configContext: [String: JSON]
    public var created: String
    public var lastUpdated: String

    public init(id: Int, name: String, status: String = "active", tenant: RefSpec? = nil,
                role: RefSpec = RefSpec(slug: "gpu-servers", name: "GPU Servers"),
                site: RefSpec = RefSpec(slug: "ca1", name: "CA1"), rack: String? = nil,
                deviceType: String = "ESC8000A-E12", serial: String = "", primaryIP: String? = nil,
                tags: [String] = [], customFields: [String: JSON] = [:], configContext: [String: JSON] = [:],
                created: String = "2024-01-15T10:30:00.000000Z", lastUpdated: String = "2024-01-15T10:30:00.000000Z") {
        self.id = id
        self.name = name
        self.status = status
        self.tenant = tenant
        self.role = role
        self.site = site
        self.rack = rack
        self.deviceType = deviceType
        self.serial = serial
        self.primaryIP = primaryIP
        self.tags = tags
        self.customFields = customFields
        self.configContext = configContext
        self.created = created
        self.lastUpdated = lastUpdated
    }

    enum CodingKeys: String, CodingKey {
        case id, name, status, tenant, role, site, rack, serial, tags, created
        case deviceType = "device_type"
        case primaryIP = "primary_ip"
        case customFields = "custom_fields"
        case configContext = "config_context"
        case lastUpdated = "last_updated"
    }

    public init(from decoder: any Decoder) throws {
        let c = try decoder.container(keyedBy: CodingKeys.self)
        self.init(
            id: try c.decode(Int.self, forKey: .id), name: try c.decode(String.self, forKey: .name),
            status: try c.decodeIfPresent(String.self, forKey: .status) ?? "active",
            tenant: try c.decodeIfPresent(RefSpec.self, forKey: .tenant),
            role: try c.decodeIfPresent(RefSpec.self, forKey: .role) ?? RefSpec(slug: "gpu-servers", name: "GPU Servers"),
            site: try c.decodeIfPresent(RefSpec.self, forKey: .site) ?? RefSpec(slug: "ca1", name: "CA1"),
            rack: try c.decodeIfPresent(String.self, forKey: .rack),
            deviceType: try c.decodeIfPresent(String.self, forKey: .deviceType) ?? "ESC8000A-E12",
            serial: try c.decodeIfPresent(String.self, forKey: .serial) ?? "",
            primaryIP: try c.decodeIfPresent(String.self, forKey: .primaryIP),
            tags: try c.decodeIfPresent([String].self, forKey: .tags) ?? [],
            customFields: try c.decodeIfPresent([String: JSON].self, forKey: .customFields) ?? [:],
            configContext: try c.decodeIfPresent([String: JSON].self, forKey: .configContext) ?? [:],
            created: try c.decodeIfPresent(String.self, forKey: .created) ?? "2024-01-15T10:30:00.000000Z",
            lastUpdated: try c.decodeIfPresent(String.self, forKey: .lastUpdated) ?? "2024-01-15T10:30:00.000000Z")
    }
}

/// The Hyperstack (Infrahub API) side of the simulated cloud.
public struct HyperstackSpec: Codable, Sendable, Hashable {
    public var environments: [EnvironmentSpec]
    public var images: [ImageSpec]
    public var flavors: [HyperstackFlavorSpec]
    public var keypairs: [KeypairSpec]
    public var firewalls: [FirewallSpec]
    public var vms: [VMSpec]
    /// VM names (globs with `*`) whose launch ends in ERROR instead of ACTIVE.
    public var failingLaunches: [String]

    public init(environments: [EnvironmentSpec] = [], images: [ImageSpec] = [], flavors: [HyperstackFlavorSpec] = [],
                keypairs: [KeypairSpec] = [], firewalls: [FirewallSpec] = [], vms: [VMSpec] = [], failingLaunches: [String] = []) {
        self.environments = environments
        self.images = images
        self.flavors = flavors
        self.keypairs = keypairs
        self.firewalls = firewalls
        self.vms = vms
        self.failingLaunches = failingLaunches
    }

    enum CodingKeys: String, CodingKey {
        case environments, images, flavors, keypairs, firewalls, vms
        case failingLaunches = "failing_launches"
    }

    public init(from decoder: any Decoder) throws {
        let c = try decoder.container(keyedBy: CodingKeys.self)
        environments = try c.decodeIfPresent([EnvironmentSpec].self, forKey: .environments) ?? []
        images = try c.decodeIfPresent([ImageSpec].self, forKey: .images) ?? []
        flavors = try c.decodeIfPresent([HyperstackFlavorSpec].self, forKey: .flavors) ?? []
        keypairs = try c.decodeIfPresent([KeypairSpec].self, forKey: .keypairs) ?? []
        firewalls = try c.decodeIfPresent([FirewallSpec].self, forKey: .firewalls) ?? []
        vms = try c.decodeIfPresent([VMSpec].self, forKey: .vms) ?? []
        failingLaunches = try c.decodeIfPresent([String].self, forKey: .failingLaunches) ?? []
    }
}

public struct EnvironmentSpec: Codable, Sendable, Hashable {
    public var id: Int
    public var name: String
    public var region: String
    public init(id: Int, name: String, region: String) {
        self.id = id
        self.name = name
        self.region = region
    }
}

public struct ImageSpec: Codable, Sendable, Hashable {
    public var id: Int
    public var name: String
    public var region: String
    /// The OS family the catalogue groups by (`Ubuntu`, `RunPod`).
    public var type: String
    public var version: String
    public var size: Int
    public var description: String
    public var isPublic: Bool

    public init(id: Int, name: String, region: String, type: String = "Ubuntu", version: String = "22.04",
                size: Int = 10_737_418_240, description: String = "", isPublic: Bool = true) {
        self.id = id
        self.name = name
        self.region = region
        self.type = type
        self.version = version
        self.size = size
        self.description = description
        self.isPublic = isPublic
    }

    enum CodingKeys: String, CodingKey {
        case id, name, region, type, version, size, description
        case isPublic = "is_public"
    }

    public init(from decoder: any Decoder) throws {
        let c = try decoder.container(keyedBy: CodingKeys.self)
        self.init(id: try c.decode(Int.self, forKey: .id), name: try c.decode(String.self, forKey: .name),
                  region: try c.decode(String.self, forKey: .region),
                  type: try c.decodeIfPresent(String.self, forKey: .type) ?? "Ubuntu",
                  version: try c.decodeIfPresent(String.self, forKey: .version) ?? "22.04",
                  size: try c.decodeIfPresent(Int.self, forKey: .size) ?? 10_737_418_240,
                  description: try c.decodeIfPresent(String.self, forKey: .description) ?? "",
                  isPublic: try c.decodeIfPresent(Bool.self, forKey: .isPublic) ?? true)
    }
}

public struct HyperstackFlavorSpec: Codable, Sendable, Hashable {
    public var id: Int
    public var name: String
    public var region: String
    public var gpu: String
    public var gpuCount: Int
    public var cpu: Int
    public var ram: Double
    public var disk: Int

    public init(id: Int, name: String, region: String, gpu: String, gpuCount: Int, cpu: Int = 32, ram: Double = 240, disk: Int = 100) {
        self.id = id
        self.name = name
        self.region = region
        self.gpu = gpu
        self.gpuCount = gpuCount
        self.cpu = cpu
        self.ram = ram
        self.disk = disk
    }

    enum CodingKeys: String, CodingKey {
        case id, name, region, gpu, cpu, ram, disk
        case gpuCount = "gpu_count"
    }

    public init(from decoder: any Decoder) throws {
        let c = try decoder.container(keyedBy: CodingKeys.self)
        self.init(id: try c.decode(Int.self, forKey: .id), name: try c.decode(String.self, forKey: .name),
                  region: try c.decode(String.self, forKey: .region), gpu: try c.decode(String.self, forKey: .gpu),
                  gpuCount: try c.decode(Int.self, forKey: .gpuCount),
                  cpu: try c.decodeIfPresent(Int.self, forKey: .cpu) ?? 32,
                  ram: try c.decodeIfPresent(Double.self, forKey: .ram) ?? 240,
                  disk: try c.decodeIfPresent(Int.self, forKey: .disk) ?? 100)
    }
}

public struct KeypairSpec: Codable, Sendable, Hashable {
    public var id: Int
    public var name: String
    public var environment: String
    public init(id: Int, name: String, environment: String) {
        self.id = id
        self.name = name
        self.environment = environment
    }
}

public struct FirewallSpec: Codable, Sendable, Hashable {
    public var id: Int
    public var name: String
    public var environment: String
    public var description: String
    /// Attached VM ids.
    public var attachments: [Int]

    public init(id: Int, name: String, environment: String, description: String = "", attachments: [Int] = []) {
        self.id = id
        self.name = name
        self.environment = environment
        self.description = description
        self.attachments = attachments
    }

    enum CodingKeys: String, CodingKey {
        case id, name, environment, description, attachments
    }

    public init(from decoder: any Decoder) throws {
        let c = try decoder.container(keyedBy: CodingKeys.self)
        self.init(id: try c.decode(Int.self, forKey: .id), name: try c.decode(String.self, forKey: .name),
                  environment: try c.decode(String.self, forKey: .environment),
                  description: try c.decodeIfPresent(String.self, forKey: .description) ?? "",
                  attachments: try c.decodeIfPresent([Int].self, forKey: .attachments) ?? [])
    }
}

/// A Hyperstack VM. A VM that runs is also a Nova server (`novaServerID`) on a compute host.
public struct VMSpec: Codable, Sendable, Hashable {
    public var id: Int
    public var name: String
    /// CREATING, BUILD, ACTIVE, ERROR, ...
    public var status: String
    public var environment: String
    public var flavor: String
    public var image: String
    public var keyName: String
    public var host: String?
    public var novaServerID: String?
    public var fixedIP: String?
    public var floatingIP: String?
    public var createdAt: String
    /// When a building VM becomes ACTIVE (or ERROR), in seconds since the simulator started.
    public var readyAt: Double?
    public var labels: [String]
    /// The cloud-init text the VM was created with (plain text, as Hyperstack takes it); it
    /// reaches the Nova server as base64 `user_data`.
    public var userData: String?

    public init(id: Int, name: String, status: String, environment: String, flavor: String, image: String,
                keyName: String, host: String? = nil, novaServerID: String? = nil, fixedIP: String? = nil,
                floatingIP: String? = nil, createdAt: String = "2024-01-15T10:30:00", readyAt: Double? = nil, labels: [String] = [],
                userData: String? = nil) {
        self.id = id
        self.name = name
        self.status = status
        self.environment = environment
        self.flavor = flavor
        self.image = image
        self.keyName = keyName
        self.host = host
        self.novaServerID = novaServerID
        self.fixedIP = fixedIP
        self.floatingIP = floatingIP
        self.createdAt = createdAt
        self.readyAt = readyAt
        self.labels = labels
        self.userData = userData
    }

    enum CodingKeys: String, CodingKey {
        case id, name, status, environment, flavor, image, host, labels
        case userData = "user_data"
        case keyName = "key_name"
        case novaServerID = "nova_server_id"
        case fixedIP = "fixed_ip"
        case floatingIP = "floating_ip"
        case createdAt = "created_at"
        case readyAt = "ready_at"
    }

    public init(from decoder: any Decoder) throws {
        let c = try decoder.container(keyedBy: CodingKeys.self)
        self.init(id: try c.decode(Int.self, forKey: .id), name: try c.decode(String.self, forKey: .name),
                  status: try c.decodeIfPresent(String.self, forKey: .status) ?? "ACTIVE",
                  environment: try c.decode(String.self, forKey: .environment),
                  flavor: try c.decode(String.self, forKey: .flavor), image: try c.decode(String.self, forKey: .image),
                  keyName: try c.decodeIfPresent(String.self, forKey: .keyName) ?? "runpod",
                  host: try c.decodeIfPresent(String.self, forKey: .host),
                  novaServerID: try c.decodeIfPresent(String.self, forKey: .novaServerID),
                  fixedIP: try c.decodeIfPresent(String.self, forKey: .fixedIP),
                  floatingIP: try c.decodeIfPresent(String.self, forKey: .floatingIP),
                  createdAt: try c.decodeIfPresent(String.self, forKey: .createdAt) ?? "2024-01-15T10:30:00",
                  readyAt: try c.decodeIfPresent(Double.self, forKey: .readyAt),
                  labels: try c.decodeIfPresent([String].self, forKey: .labels) ?? [],
                  userData: try c.decodeIfPresent(String.self, forKey: .userData))
    }
}

/// Stable, deterministic identifiers derived from a kind and a key, so that generated clouds are
/// the same for the same seed.
public enum SimIDs {
    /// A UUID-shaped id from a kind and a key (FNV-1a based; not random, not secret).
    public static func uuid(_ kind: String, _ key: some CustomStringConvertible) -> String {
        let h = hex32(kind, key)
        let c = Array(h.utf8)
        func part(_ range: Range<Int>) -> String { String(decoding: c[range], as: UTF8.self) }
        return "\(part(0..<8))-\(part(8..<12))-\(part(12..<16))-\(part(16..<20))-\(part(20..<32))"
    }

    /// The same id without dashes: 32 hex digits, with the version (4) and variant (a) digits.
    public static func hex32(_ kind: String, _ key: some CustomStringConvertible) -> String {
        var h1: UInt64 = 0xcbf2_9ce4_8422_2325
        var h2: UInt64 = 0x8422_2325_cbf2_9ce4
        for byte in kind.utf8 {
            h1 = (h1 ^ UInt64(byte)) &* 0x0000_0100_0000_01b3
            h2 = (h2 ^ UInt64(byte)) &* 0x0000_0100_0000_01b3 &+ 0x9e37_79b9
        }
        for byte in "/\(key)".utf8 {
            h1 = (h1 ^ UInt64(byte)) &* 0x0000_0100_0000_01b3
            h2 = (h2 ^ UInt64(byte)) &* 0x0000_0100_0000_01b3 &+ 0x9e37_79b9
        }
        let digits = Array("0123456789abcdef".utf8)
        var out = [UInt8](repeating: 0, count: 32)
        for index in 0..<16 {
            out[index] = digits[Int((h1 >> (60 - 4 * UInt64(index))) & 0xF)]
            out[16 + index] = digits[Int((h2 >> (60 - 4 * UInt64(index))) & 0xF)]
        }
        out[12] = UInt8(ascii: "4")
        out[16] = UInt8(ascii: "a")
        return String(decoding: out, as: UTF8.self)
    }
}
