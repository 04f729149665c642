/// A Hyperstack VM on a host, with what a launch sets up around it: the firewalls that list it
/// and the networks its OpenStack server has addresses on, beside what the host's site asks for
/// (`sites[].firewall`, `sites[].storage_network`). The dashboard's RunPod panel reads this.
public struct RunPodVMView: Sendable, Hashable {
    public let vm: HyperstackVM
    /// Every firewall of the snapshot that lists the VM, sorted by id.
    public let firewalls: [HyperstackFirewall]
    /// The firewall the host's site configures, if any.
    public let siteFirewall: Int?
    /// The networks of the VM's OpenStack server, sorted; nil when the snapshot does not record
    /// them (format 1.1 and older) or the server is not known.
    public let networks: [String]?
    /// The storage network the host's site configures, if any.
    public let storageNetwork: String?

    /// Whether the VM is in the site's firewall: nil when the site configures none.
    public var inSiteFirewall: Bool? {
        siteFirewall.map { id in firewalls.contains { $0.id == id } }
    }

    /// Whether the server has an address on the site's storage network: nil when the site
    /// configures none or the networks are not recorded.
    public var storageAttached: Bool? {
        guard let storageNetwork, let networks else { return nil }
        return networks.contains(storageNetwork)
    }
}

extension CloudView {
    /// The Hyperstack VMs whose OpenStack server runs on `host`, sorted by id; empty when the
    /// snapshot holds no Hyperstack VMs.
    public func runPodVMs(on host: HostView) -> [RunPodVMView] {
        guard let vms = facts.vms else { return [] }
        let servers = Dictionary(host.servers.map { ($0.id, $0) }, uniquingKeysWith: { first, _ in first })
        let networksByServer = Dictionary(
            facts.servers.filter { $0.host == host.name || servers[$0.id] != nil }.map { ($0.id, $0.networks) },
            uniquingKeysWith: { first, _ in first })
        let site = HostRules(configuration: configuration).site(hostname: host.name)
        let firewalls = (facts.firewalls ?? []).sorted { $0.id < $1.id }
        return vms.filter { vm in vm.serverID.map { servers[$0] != nil } ?? false }.sorted { $0.id < $1.id }.map { vm in
            RunPodVMView(vm: vm,
                         firewalls: firewalls.filter { firewall in firewall.attachments.contains { $0.vmID == vm.id } },
                         siteFirewall: site?.firewall,
                         networks: vm.serverID.flatMap { networksByServer[$0] ?? nil },
                         storageNetwork: site?.storageNetwork)
        }
    }
}
