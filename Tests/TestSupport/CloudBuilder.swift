public import SpotCore

/// Builds small clouds as `Facts` for tests, one line per fact:
///
///     var cloud = CloudBuilder()
///     cloud.aggregate("L40-n3-spot", hosts: ["gpu-1"])
///     cloud.compute("gpu-1")
///     cloud.device("gpu-1", tags: ["NVIDIA L40"], tenant: "nexgen-cloud")
///     cloud.server(on: "gpu-1", flavor: "n3-L40x4")
public struct CloudBuilder: Sendable {
    public var facts: Facts
    private var nextID = 1

    /// A cloud with NetBox configured (an empty device list) unless `netBox` is false.
    public init(netBox: Bool = true) {
        facts = Facts(devices: netBox ? [] : nil)
    }

    private mutating func id() -> Int {
        defer { nextID += 1 }
        return nextID
    }

    public mutating func aggregate(_ name: String, hosts: [String] = [], availabilityZone: String? = nil) {
        facts.aggregates.append(Aggregate(id: id(), uuid: nil, name: name, availabilityZone: availabilityZone, hosts: hosts))
    }

    /// A nova-compute service (and its hypervisor).
    public mutating func compute(_ host: String, status: String = "enabled", state: String = "up", disabledReason: String? = nil) {
        let serviceID = id()
        facts.services.append(ComputeService(id: "svc-\(serviceID)", host: host, status: status, state: state,
                                             disabledReason: disabledReason))
        facts.hypervisors.append(Hypervisor(id: "hv-\(serviceID)", hypervisorHostname: "\(host).example.net",
                                            serviceHost: host, state: state, status: status))
    }

    /// Several compute services at once.
    public mutating func computes(_ hosts: [String]) {
        for host in hosts { compute(host) }
    }

    public mutating func device(_ name: String, tags: [String] = [], role: String? = "GPU Servers",
                                status: String = "active", tenant: String? = nil,
                                customFields: [String: JSONValue] = [:], site: String? = nil, rack: String? = nil) {
        let deviceID = id()
        let device = NetBoxDevice(
            id: deviceID, name: name, webURL: "https://netbox.example.net/dcim/devices/\(deviceID)/",
            status: status, statusLabel: status.prefix(1).uppercased() + status.dropFirst(),
            tenant: tenant.map { NetBoxRef(slug: $0, name: $0.uppercased()) },
            role: role.map { NetBoxRef(slug: Slug.make($0), name: $0) },
            site: site.map { NetBoxRef(slug: Slug.make($0), name: $0) }, rack: rack,
            tags: tags.map { NetBoxRef(slug: Slug.make($0), name: $0) }, customFields: customFields)
        if facts.devices == nil { facts.devices = [] }
        facts.devices!.append(device)
    }

    @discardableResult
    public mutating func server(on host: String?, flavor: String, status: String = "ACTIVE", name: String? = nil,
                                project: String = "p-1", extraSpecs: [String: String]? = nil) -> String {
        let serverID = "00000000-0000-0000-0000-\(String(id()).leftPadded(12))"
        facts.servers.append(Server(id: serverID, name: name ?? "vm-\(serverID.suffix(4))", status: status,
                                    host: host, projectID: project, flavorName: flavor,
                                    flavorExtraSpecs: extraSpecs, created: "2026-01-01T00:00:00Z"))
        return serverID
    }

    public mutating func project(_ id: String, name: String) {
        facts.projects.append(Project(id: id, name: name))
    }

    /// One ready GPU host: compute service, NetBox device with the type's tag, in the aggregate.
    public mutating func gpuHost(_ name: String, tag: String, aggregate: String, tenant: String? = nil) {
        compute(name)
        device(name, tags: [tag], tenant: tenant)
        if let index = facts.aggregates.firstIndex(where: { $0.name == aggregate }) {
            facts.aggregates[index].hosts.append(name)
        } else {
            self.aggregate(aggregate, hosts: [name])
        }
    }

    public func cloudView(_ configuration: Configuration = .defaults) -> CloudView {
        CloudView(facts: facts, configuration: configuration)
    }
}

extension String {
    fileprivate func leftPadded(_ width: Int) -> String {
        count >= width ? self : String(repeating: "0", count: width - count) + self
    }
}
