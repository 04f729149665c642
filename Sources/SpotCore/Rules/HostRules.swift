/// Per-host rules that need only the configuration: capacity, owner group, site.
public struct HostRules: Sendable {
    public let configuration: Configuration

    public init(configuration: Configuration) {
        self.configuration = configuration
    }

    /// GPUs a host holds: the NetBox custom field when it carries a whole number, else the first
    /// hostname pattern that matches, else the type's `gpus_per_host`, else the default.
    public func capacity(hostname: String, type: String?, device: NetBoxDevice?) -> Int {
        if let field = configuration.capacity.netboxCustomField, let device,
           let value = device.customFields[field]?.intValue, value >= 0 {
            return value
        }
        if let rule = configuration.capacity.hostPatterns.first(where: { $0.pattern.matches(hostname, caseInsensitive: true) }) {
            return rule.gpus
        }
        if let type, let gpus = configuration.gpuType(named: type)?.gpusPerHost {
            return gpus
        }
        return configuration.capacity.defaultGPUsPerHost
    }

    /// The owner group of a tenant (slug or name, any case); nil tenant is unassigned.
    public func ownerGroup(tenant: NetBoxRef?) -> String {
        guard let tenant else { return configuration.ownerGroups.unassigned }
        let match = configuration.ownerGroups.tenants.first {
            $0.tenant.lowercased() == tenant.slug.lowercased() || $0.tenant.lowercased() == tenant.name.lowercased()
        }
        return match?.group ?? configuration.ownerGroups.other
    }

    /// The configured site a hostname belongs to, by prefix.
    public func site(hostname: String) -> SiteDefinition? {
        configuration.sites.first { $0.contains(hostname: hostname) }
    }

    public func isInService(netboxStatus: String) -> Bool {
        configuration.outOfStock.inServiceStatuses.contains { $0.lowercased() == netboxStatus.lowercased() }
    }
}
