/// Which NetBox devices a snapshot keeps: GPU servers (by `GPUTypeRules.isGPUServer`, tested
/// client-side) and any device whose name is a compute host's or an aggregate's host's (any case),
/// so that the join and the reconciliation see it. Everything else in NetBox stays out of the
/// inventory.
public enum DeviceRules {
    public static func relevant(_ devices: [NetBoxDevice], facts: Facts, configuration: Configuration) -> [NetBoxDevice] {
        let rules = GPUTypeRules(configuration: configuration)
        var hosts = Set(facts.services.map { $0.host.lowercased() })
        for aggregate in facts.aggregates { hosts.formUnion(aggregate.hosts.map { $0.lowercased() }) }
        return devices.filter { rules.isGPUServer($0) || hosts.contains($0.name.lowercased()) }
    }
}
