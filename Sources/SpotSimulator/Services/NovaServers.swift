import Foundation

/// `/servers` (list, detail, show; filters `all_tenants`, `project_id`, `host`, `name`, `status`,
/// `ip`; `sort_key`/`sort_dir` (default newest first, see `ServerSort`); `limit`/`marker` paging in
/// that order with `servers_links`, which keep the other parameters) and
/// `/servers/{id}/os-interface` (attach a Neutron port or network, list, show, detach).
extension NovaHandler {
    /// Statuses for which Nova shows `progress`.
    static let progressStatuses: Set<String> = ["ACTIVE", "BUILD", "REBUILD", "RESIZE", "VERIFY_RESIZE", "MIGRATING"]

    private static func serverLinks(_ id: String, _ c: NovaContext) -> JSON {
        [["href": .string(c.apiRoot + "/servers/" + id), "rel": "self"],
         ["href": .string(c.bookmarkRoot + "/servers/" + id), "rel": "bookmark"]]
    }

    static func hostStatus(_ server: ServerSpec, _ l: NovaLookups) -> String {
        guard let name = server.host else { return "" }
        guard let host = l.hosts[name] else { return "UNKNOWN" }
        if hostState(host) == "down" { return "DOWN" }
        if host.status == "disabled" { return "MAINTENANCE" }
        return "UP"
    }

    static func hostname(_ name: String) -> String {
        var out = ""
        for ch in name.lowercased() {
            if ch.isASCII, ch.isLetter || ch.isNumber { out.append(ch) } else if ch == "-" || ch == " " || ch == "_" || ch == "." { out.append("-") }
        }
        let trimmed = out.trimmingCharacters(in: CharacterSet(charactersIn: "-"))
        return trimmed.isEmpty ? "server" : String(trimmed.prefix(63))
    }

    static func addressesJSON(_ server: ServerSpec, _ ports: PortIndex) -> JSON {
        .object(server.addresses.keys.sorted().map { network in
            (network, .array(server.addresses[network]!.map { ip in
                [
                    "OS-EXT-IPS-MAC:mac_addr": .string(ports.macByIP[ip] ?? NovaFake.mac(server.id + "/" + network)),
                    "OS-EXT-IPS:type": "fixed",
                    "addr": .string(ip),
                    "version": .int(ip.contains(":") ? 6 : 4),
                ]
            }))
        })
    }

    static func embeddedFlavor(_ server: ServerSpec, _ l: NovaLookups, _ c: NovaContext) -> JSON {
        let flavor = l.flavorsByName[server.flavor]
        guard c.at(2, 47) else {
            let id = flavor?.id ?? server.flavor
            return ["id": .string(id), "links": [["href": .string(c.bookmarkRoot + "/flavors/" + id), "rel": "bookmark"]]]
        }
        let f = flavor ?? FlavorSpec(id: server.flavor, name: server.flavor, vcpus: 0, ram: 0, disk: 0)
        return [
            "disk": .int(f.disk), "ephemeral": .int(f.ephemeral), "extra_specs": extraSpecsJSON(f.extraSpecs),
            "original_name": .string(server.flavor), "ram": .int(f.ram), "swap": .int(f.swap), "vcpus": .int(f.vcpus),
        ]
    }

    static func serverJSON(_ server: ServerSpec, _ c: NovaContext, _ l: NovaLookups, _ ports: PortIndex, show: Bool = false) -> JSON {
        let host = server.host.flatMap { l.hosts[$0] }
        let zone = host.map(l.zone(of:)) ?? server.availabilityZone ?? ""
        var p: [(String, JSON)] = [
            ("OS-DCF:diskConfig", "MANUAL"),
            ("OS-EXT-AZ:availability_zone", .string(zone)),
            ("OS-EXT-SRV-ATTR:host", server.host.map(JSON.string) ?? .null),
        ]
        if c.at(2, 3) { p.append(("OS-EXT-SRV-ATTR:hostname", .string(hostname(server.name)))) }
        p.append(("OS-EXT-SRV-ATTR:hypervisor_hostname", host.map { .string($0.hypervisorHostname) } ?? .null))
        p.append(("OS-EXT-SRV-ATTR:instance_name", .string("instance-" + NovaFake.hex("instance/" + server.id, length: 8))))
        if c.at(2, 3) {
            p += [
                ("OS-EXT-SRV-ATTR:kernel_id", ""),
                ("OS-EXT-SRV-ATTR:launch_index", 0),
                ("OS-EXT-SRV-ATTR:ramdisk_id", ""),
                ("OS-EXT-SRV-ATTR:reservation_id", .string("r-" + NovaFake.hex("reservation/" + server.id, length: 8))),
                ("OS-EXT-SRV-ATTR:root_device_name", "/dev/vda"),
                ("OS-EXT-SRV-ATTR:user_data", server.userData.map(JSON.string) ?? .null),
            ]
        }
        let launched = server.status != "BUILD" && server.host != nil
        p += [
            ("OS-EXT-STS:power_state", .int(server.powerState)),
            ("OS-EXT-STS:task_state", server.taskState.map(JSON.string) ?? .null),
            ("OS-EXT-STS:vm_state", .string(server.vmState)),
            ("OS-SRV-USG:launched_at", launched ? .string(NovaFake.naive(server.created)) : .null),
            ("OS-SRV-USG:terminated_at", .null),
            ("accessIPv4", ""),
            ("accessIPv6", ""),
            ("addresses", addressesJSON(server, ports)),
            ("config_drive", ""),
            ("created", .string(server.created)),
        ]
        if c.at(2, 19) { p.append(("description", .null)) }
        p.append(("flavor", embeddedFlavor(server, l, c)))
        p.append(("hostId", .string(server.host.map { NovaFake.hex(server.projectID + $0, length: 56) } ?? "")))
        if c.at(2, 16) { p.append(("host_status", .string(hostStatus(server, l)))) }
        p.append(("id", .string(server.id)))
        if let image = server.imageID {
            var pairs: [(String, JSON)] = [
                ("id", .string(image)),
                ("links", [["href": .string(c.bookmarkRoot + "/images/" + image), "rel": "bookmark"]]),
            ]
            if c.at(2, 98) { pairs.append(("properties", ["architecture": "x86_64", "auto_disk_config": "False"])) }
            p.append(("image", .object(pairs)))
        } else {
            p.append(("image", ""))
        }
        p.append(("key_name", server.keyName.map(JSON.string) ?? .null))
        p.append(("links", serverLinks(server.id, c)))
        if c.at(2, 9) { p.append(("locked", .bool(server.locked))) }
        if c.at(2, 73) { p.append(("locked_reason", .null)) }
        p.append(("metadata", .object(server.metadata.keys.sorted().map { ($0, .string(server.metadata[$0]!)) })))
        p.append(("name", .string(server.name)))
        p.append(("os-extended-volumes:volumes_attached", []))
        if c.at(2, 96) { p.append(("pinned_availability_zone", server.availabilityZone.map(JSON.string) ?? .null)) }
        if progressStatuses.contains(server.status) { p.append(("progress", 0)) }
        if c.at(2, 100) { p.append(("scheduler_hints", [:])) }
        p.append(("security_groups", [["name": "default"]]))
        if show, c.at(2, 71) { p.append(("server_groups", [])) }
        p.append(("status", .string(server.status)))
        if c.at(2, 26) { p.append(("tags", [])) }
        p.append(("tenant_id", .string(server.projectID)))
        if c.at(2, 63) { p.append(("trusted_image_certificates", .null)) }
        p.append(("updated", .string(server.updated)))
        p.append(("user_id", .string(server.userID)))
        return .object(p)
    }

    /// A server in a cell Nova cannot reach, in a 2.69+ detail listing: only what the API
    /// database knows (servers/v2.69 sample: no name, host, flavor or addresses).
    static func downCellJSON(_ server: ServerSpec, _ c: NovaContext) -> JSON {
        ["created": .string(server.created), "id": .string(server.id), "links": serverLinks(server.id, c),
         "status": "UNKNOWN", "tenant_id": .string(server.projectID)]
    }

    // MARK: routes

    func servers(_ method: String, _ s: [String], _ c: NovaContext) async throws -> SimResponse {
        switch (method, s) {
        case ("GET", []), ("GET", ["detail"]):
            return try listServers(detail: !s.isEmpty, c)
        case ("GET", let path) where path.count == 1:
            let index = c.cache.servers(c.world.servers)
            guard let i = index.index(of: path[0]) else { throw NovaFault(404, "Instance \(path[0]) could not be found.") }
            let ports = c.cache.ports(c.world.ports)
            return c.ok(["server": Self.serverJSON(c.world.servers[i], c, c.cache.lookups(c.world), ports, show: true)])
        case ("GET", let path) where path.count == 2 && path[1] == "os-interface":
            let server = try Self.server(path[0], c)
            let ports = c.cache.ports(c.world.ports)
            let list = (ports.byDevice[server.id] ?? []).map { Self.interfaceJSON(c.world.ports[$0], c) }
            return c.ok(["interfaceAttachments": .array(list)])
        case ("GET", let path) where path.count == 3 && path[1] == "os-interface":
            let server = try Self.server(path[0], c)
            guard let port = c.world.ports.first(where: { $0.id == path[2] && $0.deviceID == server.id }) else {
                throw NovaFault(404, "Port \(path[2]) is not attached")
            }
            return c.ok(["interfaceAttachment": Self.interfaceJSON(port, c)])
        case ("POST", let path) where path.count == 2 && path[1] == "os-interface":
            return try await attachInterface(path[0], c)
        case ("DELETE", let path) where path.count == 3 && path[1] == "os-interface":
            return try await detachInterface(path[0], port: path[2], c)
        default:
            throw NovaFault.notFound
        }
    }

    private static func server(_ id: String, _ c: NovaContext) throws -> ServerSpec {
        let index = c.cache.servers(c.world.servers)
        guard let i = index.index(of: id) else { throw NovaFault(404, "Instance \(id) could not be found.") }
        return c.world.servers[i]
    }

    private func listServers(detail: Bool, _ c: NovaContext) throws -> SimResponse {
        let q = c.request
        var allTenants = false
        if q.hasQuery("all_tenants") {
            let text = q.query("all_tenants") ?? ""
            allTenants = text.isEmpty ? true : try NovaBool.strict(text, name: "all_tenants")
        }
        var project: String? = c.projectID
        if allTenants { project = q.query("project_id") ?? q.query("tenant_id") }
        let host = q.query("host")
        let status = q.query("status")?.uppercased()
        var nameRegex: NSRegularExpression?
        var nameText: String?
        if let name = q.query("name") {
            nameText = name
            nameRegex = try? NSRegularExpression(pattern: name, options: [.caseInsensitive])
        }
        let ipRegex = q.query("ip").flatMap { try? NSRegularExpression(pattern: $0) }
        let (limit, marker) = try c.limitAndMarker()
        let sort = try ServerSort.parse(keys: q.queryAll("sort_key"), dirs: q.queryAll("sort_dir"), version: c.version)

        // The order is cached per sort: a page costs a dictionary lookup for the marker, not a sort.
        let index = c.cache.servers(c.world.servers, sort: sort)
        var start = 0
        if let marker {
            guard let position = index.position[marker] else { throw NovaFault(400, "marker [\(marker)] not found") }
            start = position + 1
        }
        let servers = c.world.servers
        // Hosts in a Nova cell that cannot be reached: their servers are left out before 2.69 and
        // shown as bare `UNKNOWN` records from 2.69.
        let downCell = Set(c.world.hosts.lazy.filter(\.cellDown).map(\.name))
        func inDownCell(_ server: ServerSpec) -> Bool {
            !downCell.isEmpty && server.host.map(downCell.contains) == true
        }
        func matches(_ server: ServerSpec) -> Bool {
            if inDownCell(server), !c.at(2, 69) { return false }
            if let project, server.projectID != project { return false }
            if let host, server.host != host { return false }
            if let status, server.status != status { return false }
            if let nameText {
                if let nameRegex {
                    let range = NSRange(server.name.startIndex..., in: server.name)
                    if nameRegex.firstMatch(in: server.name, range: range) == nil { return false }
                } else if !server.name.localizedCaseInsensitiveContains(nameText) {
                    return false
                }
            }
            if let ipRegex {
                let found = server.addresses.values.joined().contains { ip in
                    ipRegex.firstMatch(in: ip, range: NSRange(ip.startIndex..., in: ip)) != nil
                }
                if !found { return false }
            }
            return true
        }
        var page: [ServerSpec] = []
        page.reserveCapacity(min(limit, 1024))
        if limit > 0 {
            if let host {
                // Positions of the host's servers are ascending: skip those before the marker.
                let positions = index.byHost[host] ?? []
                var lo = 0, hi = positions.count
                while lo < hi {
                    let mid = (lo + hi) / 2
                    if positions[mid] < start { lo = mid + 1 } else { hi = mid }
                }
                for position in positions[lo...] {
                    let server = servers[index.order[position]]
                    if matches(server) {
                        page.append(server)
                        if page.count == limit { break }
                    }
                }
            } else {
                for position in start..<index.order.count {
                    let server = servers[index.order[position]]
                    if matches(server) {
                        page.append(server)
                        if page.count == limit { break }
                    }
                }
            }
        }
        let links: JSON?
        if limit > 0, page.count == limit, let last = page.last {
            links = c.nextLink(path: detail ? "/servers/detail" : "/servers", marker: last.id, limit: limit)
        } else {
            links = nil
        }
        if detail {
            // Written as bytes: `{"servers": [S1, S2], "servers_links": L}`, as JSON.serialized writes it.
            let lookups = c.cache.lookups(c.world)
            let ports = c.cache.ports(c.world.ports)
            let texts = c.cache.serverTexts(c.world)
            let prefix = "\(c.version)|\(c.apiRoot)|"
            var body = JSONBytes(capacity: page.count * 2600 + 512)
            body.raw("{\"servers\": [")
            for (index, server) in page.enumerated() {
                if index > 0 { body.raw(", ") }
                if inDownCell(server) {
                    body.bytes.append(contentsOf: Self.downCellJSON(server, c).serialized.utf8)
                    continue
                }
                body.raw(texts.text(prefix + server.id) { Self.serverBytes(server, c, lookups, ports) })
            }
            body.raw("]")
            if let links {
                body.raw(", \"servers_links\": ")
                body.bytes.append(contentsOf: links.serialized.utf8)
            }
            body.raw("}")
            return SimResponse(status: 200, headers: [("Content-Type", "application/json")], body: Data(body.bytes))
        }
        let list: [JSON] = page.map { server in
            inDownCell(server) ? ["id": .string(server.id), "links": Self.serverLinks(server.id, c), "status": "UNKNOWN"]
                : ["id": .string(server.id), "links": Self.serverLinks(server.id, c), "name": .string(server.name)]
        }
        var body: [(String, JSON)] = [("servers", .array(list))]
        if let links { body.append(("servers_links", links)) }
        return c.ok(.object(body))
    }

    // MARK: os-interface

    static func interfaceJSON(_ port: PortSpec, _ c: NovaContext) -> JSON {
        var pairs: [(String, JSON)] = [
            ("fixed_ips", .array(port.fixedIPs.map { ["ip_address": .string($0.ipAddress), "subnet_id": .string($0.subnetID)] })),
            ("mac_addr", .string(port.macAddress)),
            ("net_id", .string(port.networkID)),
            ("port_id", .string(port.id)),
            ("port_state", .string(port.status)),
        ]
        if c.at(2, 70) { pairs.append(("tag", .null)) }
        return .object(pairs)
    }

    private func attachInterface(_ serverID: String, _ c: NovaContext) async throws -> SimResponse {
        guard let attachment = try c.body()["interfaceAttachment"], attachment.object != nil else {
            throw NovaFault(400, "Invalid input for field/attribute interfaceAttachment. 'interfaceAttachment' is a required property")
        }
        let portID = attachment["port_id"]?.string
        let netID = attachment["net_id"]?.string
        if portID != nil, netID != nil { throw NovaFault(400, "Must not input both network_id and port_id") }
        if attachment["tag"] != nil, !c.at(2, 49) {
            throw NovaFault(400, "Invalid input for field/attribute interfaceAttachment. Additional properties are not allowed ('tag' was unexpected)")
        }
        let requestedIPs = attachment["fixed_ips"]?.array?.compactMap { $0["ip_address"]?.string } ?? []
        let result: Result<PortSpec, NovaFault> = await c.state.mutate { world in
            guard let s = world.servers.firstIndex(where: { $0.id == serverID }) else {
                return .failure(NovaFault(404, "Instance \(serverID) could not be found."))
            }
            let server = world.servers[s]
            if server.locked { return .failure(NovaFault(409, "Instance \(serverID) is locked")) }
            guard ["active", "paused", "stopped"].contains(server.vmState), server.taskState == nil else {
                return .failure(NovaFault(409, "Cannot 'attach_interface' instance \(serverID) while it is in vm_state \(server.vmState)"))
            }
            let p: Int
            if let portID {
                guard let found = world.ports.firstIndex(where: { $0.id == portID }) else {
                    return .failure(NovaFault(404, "Port id \(portID) could not be found."))
                }
                guard world.ports[found].deviceID.isEmpty else {
                    return .failure(NovaFault(409, "Port \(portID) is still in use."))
                }
                p = found
            } else {
                guard let network = netID ?? world.networks.first(where: { $0.projectID == server.projectID || $0.shared })?.id else {
                    return .failure(NovaFault(400, "No network is available to allocate a port for instance \(serverID)."))
                }
                let fixed = requestedIPs.map { NeutronPorts.RequestedIP(subnetID: nil, ipAddress: $0) }
                switch NeutronPorts.create(in: world, networkID: network, name: "", fixedIPs: fixed, projectID: server.projectID) {
                case .success(let port):
                    world.ports.append(port)
                    p = world.ports.count - 1
                case .failure(let failure):
                    return .failure(NovaFault(failure.status == 404 ? 404 : 400, failure.message))
                }
            }
            let zone = server.host.flatMap { name in world.hosts.first { $0.name == name } }
                .map { NovaLookups(world).zone(of: $0) } ?? server.availabilityZone ?? "nova"
            NeutronPorts.bind(&world, port: p, server: s, owner: "compute:\(zone)")
            return .success(world.ports[p])
        }
        return c.ok(["interfaceAttachment": Self.interfaceJSON(try result.get(), c)])
    }

    private func detachInterface(_ serverID: String, port portID: String, _ c: NovaContext) async throws -> SimResponse {
        let outcome: NovaFault? = await c.state.mutate { world in
            guard world.servers.contains(where: { $0.id == serverID }) else {
                return NovaFault(404, "Instance \(serverID) could not be found.")
            }
            guard let p = world.ports.firstIndex(where: { $0.id == portID && $0.deviceID == serverID }) else {
                return NovaFault(404, "Port \(portID) is not attached")
            }
            NeutronPorts.unbind(&world, port: p)
            return nil
        }
        if let outcome { throw outcome }
        return .empty(202)
    }
}
