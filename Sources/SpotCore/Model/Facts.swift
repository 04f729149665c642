/// The raw facts of one snapshot of a cloud: what OpenStack, NetBox and Hyperstack said, reduced to
/// an allow-list of fields. Every derived view (GPU type, usage, pool, summaries) is recomputed from
/// these values and the configuration, so a past snapshot can be re-read with today's rules.
///
/// Nothing here is volatile (no heartbeat times, uptimes or progress) and nothing is secret (no
/// `user_data`, no config contexts, no credentials).
public struct Facts: Sendable, Hashable, Codable {
    public var aggregates: [Aggregate]
    public var services: [ComputeService]
    public var hypervisors: [Hypervisor]
    public var flavors: [Flavor]
    public var servers: [Server]
    public var projects: [Project]
    /// NetBox devices, or nil when NetBox is not configured (which is not the same as "no devices").
    public var devices: [NetBoxDevice]?
    /// Hyperstack images, or nil when Hyperstack is not configured.
    public var images: [HyperstackImage]?
    /// Hyperstack firewalls with their attachments, or nil when Hyperstack is not configured.
    public var firewalls: [HyperstackFirewall]?
    /// Hyperstack's VMs (allow-listed fields, each with the OpenStack server it is), or nil when
    /// Hyperstack is not configured.
    public var vms: [HyperstackVM]?

    public init(
        aggregates: [Aggregate] = [],
        services: [ComputeService] = [],
        hypervisors: [Hypervisor] = [],
        flavors: [Flavor] = [],
        servers: [Server] = [],
        projects: [Project] = [],
        devices: [NetBoxDevice]? = nil,
        images: [HyperstackImage]? = nil,
        firewalls: [HyperstackFirewall]? = nil,
        vms: [HyperstackVM]? = nil
    ) {
        self.aggregates = aggregates
        self.services = services
        self.hypervisors = hypervisors
        self.flavors = flavors
        self.servers = servers
        self.projects = projects
        self.devices = devices
        self.images = images
        self.firewalls = firewalls
        self.vms = vms
    }

    public var netBoxConfigured: Bool { devices != nil }
}

/// A Nova host aggregate. `hosts` are compute *service* host names (not hypervisor hostnames).
public struct Aggregate: Sendable, Hashable, Codable {
    public var id: Int
    public var uuid: String?
    public var name: String
    public var availabilityZone: String?
    public var hosts: [String]
    public var metadata: [String: String]

    public init(id: Int, uuid: String? = nil, name: String, availabilityZone: String? = nil,
                hosts: [String] = [], metadata: [String: String] = [:]) {
        self.id = id
        self.uuid = uuid
        self.name = name
        self.availabilityZone = availabilityZone
        self.hosts = hosts
        self.metadata = metadata
    }

    enum CodingKeys: String, CodingKey {
        case id, uuid, name, hosts, metadata
        case availabilityZone = "availability_zone"
    }
}

/// A nova-compute service: the compute host as aggregates and servers name it.
public struct ComputeService: Sendable, Hashable, Codable {
    public var id: String
    public var host: String
    public var binary: String
    public var zone: String?
    /// `enabled` or `disabled`.
    public var status: String
    /// `up` or `down`.
    public var state: String
    public var disabledReason: String?
    public var forcedDown: Bool?

    public init(id: String, host: String, binary: String = "nova-compute", zone: String? = "nova",
                status: String = "enabled", state: String = "up", disabledReason: String? = nil,
                forcedDown: Bool? = nil) {
        self.id = id
        self.host = host
        self.binary = binary
        self.zone = zone
        self.status = status
        self.state = state
        self.disabledReason = disabledReason
        self.forcedDown = forcedDown
    }

    public var isEnabled: Bool { status.lowercased() == "enabled" }
    public var isUp: Bool { state.lowercased() == "up" }

    enum CodingKeys: String, CodingKey {
        case id, host, binary, zone, status, state
        case disabledReason = "disabled_reason"
        case forcedDown = "forced_down"
    }
}

/// A Nova hypervisor, joined to its compute service by `serviceHost`.
public struct Hypervisor: Sendable, Hashable, Codable {
    public var id: String
    public var hypervisorHostname: String
    public var serviceHost: String
    public var state: String
    public var status: String
    public var hypervisorType: String?
    public var hostIP: String?

    public init(id: String, hypervisorHostname: String, serviceHost: String, state: String = "up",
                status: String = "enabled", hypervisorType: String? = nil, hostIP: String? = nil) {
        self.id = id
        self.hypervisorHostname = hypervisorHostname
        self.serviceHost = serviceHost
        self.state = state
        self.status = status
        self.hypervisorType = hypervisorType
        self.hostIP = hostIP
    }

    enum CodingKeys: String, CodingKey {
        case id, state, status
        case hypervisorHostname = "hypervisor_hostname"
        case serviceHost = "service_host"
        case hypervisorType = "hypervisor_type"
        case hostIP = "host_ip"
    }
}

/// A Nova flavor with its extra specs (all values are strings, as Nova returns them).
public struct Flavor: Sendable, Hashable, Codable {
    public var id: String
    public var name: String
    public var vcpus: Int
    public var ramMiB: Int
    public var diskGiB: Int
    public var isPublic: Bool
    public var extraSpecs: [String: String]

    public init(id: String, name: String, vcpus: Int = 0, ramMiB: Int = 0, diskGiB: Int = 0,
                isPublic: Bool = true, extraSpecs: [String: String] = [:]) {
        self.id = id
        self.name = name
        self.vcpus = vcpus
        self.ramMiB = ramMiB
        self.diskGiB = diskGiB
        self.isPublic = isPublic
        self.extraSpecs = extraSpecs
    }

    enum CodingKeys: String, CodingKey {
        case id, name, vcpus
        case ramMiB = "ram"
        case diskGiB = "disk"
        case isPublic = "is_public"
        case extraSpecs = "extra_specs"
    }
}

/// A Nova server (VM), admin view. The flavor is the copy embedded at microversion 2.47+.
public struct Server: Sendable, Hashable, Codable {
    public var id: String
    public var name: String
    /// Nova's `status`: ACTIVE, BUILD, SHUTOFF, ERROR, SHELVED_OFFLOADED, SOFT_DELETED, ...
    public var status: String
    /// `OS-EXT-STS:vm_state`, when known.
    public var vmState: String?
    /// `OS-EXT-SRV-ATTR:host`: the compute service host, nil while unscheduled or offloaded.
    public var host: String?
    public var projectID: String
    public var userID: String?
    public var flavorName: String
    public var flavorExtraSpecs: [String: String]?
    public var created: String
    public var availabilityZone: String?
    /// The names of the networks the server has addresses on (the keys of Nova's `addresses`),
    /// sorted; nil in snapshots taken before format 1.2 and for servers Nova lists without them.
    public var networks: [String]?

    public init(id: String, name: String, status: String = "ACTIVE", vmState: String? = nil,
                host: String?, projectID: String = "", userID: String? = nil, flavorName: String,
                flavorExtraSpecs: [String: String]? = nil, created: String = "",
                availabilityZone: String? = nil, networks: [String]? = nil) {
        self.id = id
        self.name = name
        self.status = status
        self.vmState = vmState
        self.host = host
        self.projectID = projectID
        self.userID = userID
        self.flavorName = flavorName
        self.flavorExtraSpecs = flavorExtraSpecs
        self.created = created
        self.availabilityZone = availabilityZone
        self.networks = networks
    }

    enum CodingKeys: String, CodingKey {
        case id, name, status, host, created, networks
        case vmState = "vm_state"
        case projectID = "project_id"
        case userID = "user_id"
        case flavorName = "flavor"
        case flavorExtraSpecs = "flavor_extra_specs"
        case availabilityZone = "availability_zone"
    }
}

/// A Keystone project, so VMs show their project's name and not only its id.
public struct Project: Sendable, Hashable, Codable {
    public var id: String
    public var name: String
    public var domainID: String?

    public init(id: String, name: String, domainID: String? = nil) {
        self.id = id
        self.name = name
        self.domainID = domainID
    }

    enum CodingKeys: String, CodingKey {
        case id, name
        case domainID = "domain_id"
    }
}

/// A reference to a NetBox object by slug and name (tenant, role, site, tag).
public struct NetBoxRef: Sendable, Hashable, Codable {
    public var slug: String
    public var name: String

    public init(slug: String, name: String) {
        self.slug = slug
        self.name = name
    }
}

/// A NetBox device, reduced to the fields the tool uses.
public struct NetBoxDevice: Sendable, Hashable, Codable {
    public var id: Int
    public var name: String
    /// The device's page in NetBox (`display_url`), for links on the dashboard.
    public var webURL: String?
    /// The status choice value (`active`, `failed`, `offline`, ...).
    public var status: String
    /// The status label as NetBox shows it (`Active`, `Failed`, ...).
    public var statusLabel: String?
    public var tenant: NetBoxRef?
    public var role: NetBoxRef?
    public var site: NetBoxRef?
    public var rack: String?
    public var tags: [NetBoxRef]
    public var customFields: [String: JSONValue]

    public init(id: Int, name: String, webURL: String? = nil, status: String = "active",
                statusLabel: String? = nil, tenant: NetBoxRef? = nil, role: NetBoxRef? = nil,
                site: NetBoxRef? = nil, rack: String? = nil, tags: [NetBoxRef] = [],
                customFields: [String: JSONValue] = [:]) {
        self.id = id
        self.name = name
        self.webURL = webURL
        self.status = status
        self.statusLabel = statusLabel
        self.tenant = tenant
        self.role = role
        self.site = site
        self.rack = rack
        self.tags = tags
        self.customFields = customFields
    }

    enum CodingKeys: String, CodingKey {
        case id, name, status, tenant, role, site, rack, tags
        case webURL = "web_url"
        case statusLabel = "status_label"
        case customFields = "custom_fields"
    }
}

/// A Hyperstack image from the grouped catalogue, flattened.
public struct HyperstackImage: Sendable, Hashable, Codable {
    public var id: Int
    public var name: String
    public var region: String
    public var type: String?
    public var version: String?
    public var sizeBytes: Int?
    public var displaySize: String?
    public var isPublic: Bool?

    public init(id: Int, name: String, region: String, type: String? = nil, version: String? = nil,
                sizeBytes: Int? = nil, displaySize: String? = nil, isPublic: Bool? = nil) {
        self.id = id
        self.name = name
        self.region = region
        self.type = type
        self.version = version
        self.sizeBytes = sizeBytes
        self.displaySize = displaySize
        self.isPublic = isPublic
    }

    enum CodingKeys: String, CodingKey {
        case id, name, region, type, version
        case sizeBytes = "size"
        case displaySize = "display_size"
        case isPublic = "is_public"
    }
}

/// A Hyperstack firewall and the VMs attached to it.
public struct HyperstackFirewall: Sendable, Hashable, Codable {
    public struct Attachment: Sendable, Hashable, Codable {
        public var vmID: Int
        public var vmName: String
        public var status: String?

        public init(vmID: Int, vmName: String, status: String? = nil) {
            self.vmID = vmID
            self.vmName = vmName
            self.status = status
        }

        enum CodingKeys: String, CodingKey {
            case status
            case vmID = "vm_id"
            case vmName = "vm_name"
        }
    }

    public var id: Int
    public var name: String
    public var environment: String?
    public var attachments: [Attachment]

    public init(id: Int, name: String, environment: String? = nil, attachments: [Attachment] = []) {
        self.id = id
        self.name = name
        self.environment = environment
        self.attachments = attachments
    }
}
