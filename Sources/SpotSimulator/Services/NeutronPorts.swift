import Foundation

/// Port bookkeeping shared by Neutron (port create/delete) and Nova (os-interface): MAC and IP
/// allocation from a network's subnets, and binding a port to a server (the server's addresses
/// follow the port).
enum NeutronPorts {
    struct RequestedIP: Sendable {
        var subnetID: String?
        var ipAddress: String?
    }

    /// A failure in Neutron's terms (`type` is the exception class name).
    struct Failure: Error, Sendable {
        let status: Int
        let type: String
        let message: String
    }

    /// A new port on a network (not yet added to the world): a unique MAC, and one IP from the
    /// network's first IPv4 subnet unless `fixedIPs` asks for specific subnets or addresses.
    static func create(in world: Scenario, networkID: String, name: String, fixedIPs requested: [RequestedIP],
                       projectID: String, deviceID: String = "", deviceOwner: String = "", macAddress: String? = nil,
                       now: String = NovaFake.now(naive: false)) -> Result<PortSpec, Failure> {
        guard let network = world.networks.first(where: { $0.id == networkID }) else {
            return .failure(Failure(status: 404, type: "NetworkNotFound", message: "Network \(networkID) could not be found."))
        }
        let id = UUID().uuidString.lowercased()
        var macs = Set(world.ports.map(\.macAddress))
        var mac = macAddress ?? NovaFake.mac("port/" + id)
        if let macAddress {
            if macs.contains(macAddress) {
                return .failure(Failure(status: 409, type: "MacAddressInUse",
                                        message: "Unable to complete operation for network \(networkID). The mac address \(macAddress) is in use."))
            }
        } else {
            var round = 0
            while macs.contains(mac) {
                round += 1
                mac = NovaFake.mac("port/\(id)/\(round)")
            }
        }
        macs.insert(mac)

        var used = Set<String>()
        for port in world.ports { for ip in port.fixedIPs { used.insert(ip.ipAddress) } }
        for server in world.servers { for ips in server.addresses.values { used.formUnion(ips) } }

        var fixed: [PortSpec.FixedIP] = []
        let wanted = requested.isEmpty ? (network.subnets.isEmpty ? [] : [RequestedIP()]) : requested
        for request in wanted {
            let subnet: SubnetSpec?
            if let subnetID = request.subnetID {
                subnet = network.subnets.first { $0.id == subnetID }
                if subnet == nil {
                    return .failure(Failure(status: 400, type: "InvalidInput",
                                            message: "Invalid input for operation: Failed to create port on network \(networkID), because fixed_ips included invalid subnet \(subnetID)."))
                }
            } else if let address = request.ipAddress {
                subnet = network.subnets.first { IPv4Range($0.cidr)?.contains(address) == true }
                if subnet == nil {
                    return .failure(Failure(status: 400, type: "InvalidIpForNetwork",
                                            message: "IP address \(address) is not a valid IP for any of the subnets on the specified network."))
                }
            } else {
                subnet = network.subnets.first { IPv4Range($0.cidr) != nil }
            }
            guard let subnet, let range = IPv4Range(subnet.cidr) else { continue }
            if let address = request.ipAddress {
                guard range.contains(address) else {
                    return .failure(Failure(status: 400, type: "InvalidIpForSubnet",
                                            message: "IP address \(address) is not a valid IP for the specified subnet."))
                }
                guard !used.contains(address) else {
                    return .failure(Failure(status: 409, type: "IpAddressAlreadyAllocated",
                                            message: "IP address \(address) already allocated in subnet \(subnet.id)"))
                }
                used.insert(address)
                fixed.append(PortSpec.FixedIP(subnetID: subnet.id, ipAddress: address))
            } else {
                guard let address = range.firstFree(excluding: used) else {
                    return .failure(Failure(status: 409, type: "IpAddressGenerationFailure",
                                            message: "No more IP addresses available on network \(networkID)."))
                }
                used.insert(address)
                fixed.append(PortSpec.FixedIP(subnetID: subnet.id, ipAddress: address))
            }
        }
        return .success(PortSpec(id: id, name: name, networkID: networkID, macAddress: mac, fixedIPs: fixed, deviceID: deviceID,
                                 deviceOwner: deviceOwner, status: deviceID.isEmpty ? "DOWN" : "ACTIVE", projectID: projectID,
                                 createdAt: now, revisionNumber: 1))
    }

    /// Attaches port `p` to server `s`: the port becomes ACTIVE with the server as its device, and its
    /// addresses appear under the network's name in the server's addresses.
    static func bind(_ world: inout Scenario, port p: Int, server s: Int, owner: String) {
        world.ports[p].deviceID = world.servers[s].id
        world.ports[p].deviceOwner = owner
        world.ports[p].status = "ACTIVE"
        world.ports[p].revisionNumber += 1
        let networkID = world.ports[p].networkID
        let network = world.networks.first { $0.id == networkID }?.name ?? networkID
        var addresses = world.servers[s].addresses[network] ?? []
        for ip in world.ports[p].fixedIPs.map(\.ipAddress) where !addresses.contains(ip) { addresses.append(ip) }
        world.servers[s].addresses[network] = addresses
    }

    /// Detaches port `p` from its server (if any): the server's addresses drop the port's IPs.
    static func unbind(_ world: inout Scenario, port p: Int) {
        let device = world.ports[p].deviceID
        if !device.isEmpty, let s = world.servers.firstIndex(where: { $0.id == device }) {
            let networkID = world.ports[p].networkID
            let network = world.networks.first { $0.id == networkID }?.name ?? networkID
            let ips = Set(world.ports[p].fixedIPs.map(\.ipAddress))
            if var addresses = world.servers[s].addresses[network] {
                addresses.removeAll { ips.contains($0) }
                world.servers[s].addresses[network] = addresses.isEmpty ? nil : addresses
            }
        }
        world.ports[p].deviceID = ""
        world.ports[p].deviceOwner = ""
        world.ports[p].status = "DOWN"
        world.ports[p].revisionNumber += 1
    }
}

/// An IPv4 CIDR: membership, gateway and allocation (the first usable address after the gateway).
struct IPv4Range: Sendable {
    let network: UInt32
    let prefix: Int

    init?(_ cidr: String) {
        let parts = cidr.split(separator: "/")
        guard parts.count == 2, let prefix = Int(parts[1]), (0...32).contains(prefix),
              let address = IPv4Range.parse(String(parts[0])) else { return nil }
        self.prefix = prefix
        let mask: UInt32 = prefix == 0 ? 0 : ~UInt32(0) << UInt32(32 - prefix)
        self.network = address & mask
    }

    static func parse(_ text: String) -> UInt32? {
        let octets = text.split(separator: ".", omittingEmptySubsequences: false)
        guard octets.count == 4 else { return nil }
        var value: UInt32 = 0
        for octet in octets {
            guard let byte = UInt8(octet) else { return nil }
            value = value << 8 | UInt32(byte)
        }
        return value
    }

    static func format(_ value: UInt32) -> String {
        "\(value >> 24 & 255).\(value >> 16 & 255).\(value >> 8 & 255).\(value & 255)"
    }

    var size: UInt64 { UInt64(1) << UInt64(32 - prefix) }
    var broadcast: UInt32 { UInt32(UInt64(network) + size - 1) }
    var gateway: String { IPv4Range.format(network &+ 1) }
    /// The allocation pool: from the address after the gateway to the one before broadcast.
    var poolStart: UInt32 { network &+ 2 }
    var poolEnd: UInt32 { broadcast &- 1 }

    func contains(_ text: String) -> Bool {
        guard let value = IPv4Range.parse(text) else { return false }
        return value >= network && value <= broadcast
    }

    func firstFree(excluding used: Set<String>) -> String? {
        guard size >= 4 else { return nil }
        var candidate = poolStart
        while candidate <= poolEnd {
            let text = IPv4Range.format(candidate)
            if !used.contains(text) { return text }
            candidate += 1
        }
        return nil
    }
}
