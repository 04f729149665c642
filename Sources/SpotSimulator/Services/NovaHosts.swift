import Foundation

/// `/os-services`, `/os-hypervisors` and `/os-availability-zone`. Each world host is a nova-compute
/// service and its hypervisor; the control plane adds a conductor and a scheduler on `controller`.
/// Integer ids before 2.53 are positions (hypervisor `i+1`, compute service `i+3`), UUIDs from 2.53.
extension NovaHandler {
    static let controllerHost = "controller"
    static let controlServices = ["nova-conductor", "nova-scheduler"]
    static let fixedUpdatedAt = "2024-01-15T10:30:00.000000"

    // MARK: services

    private struct ServiceRow {
        let intID: Int
        let uuid: String
        let binary: String
        let host: String
        let zone: String
        let status: String
        let state: String
        let disabledReason: String?
        let forcedDown: Bool
        var cellDown = false
    }

    private static func serviceRows(_ world: Scenario, _ lookups: NovaLookups) -> [ServiceRow] {
        var rows: [ServiceRow] = []
        for (offset, binary) in controlServices.enumerated() {
            rows.append(ServiceRow(intID: offset + 1, uuid: SimIDs.uuid("service", "\(controllerHost)/\(binary)"), binary: binary,
                                   host: controllerHost, zone: "internal", status: "enabled", state: "up",
                                   disabledReason: nil, forcedDown: false))
        }
        for (index, host) in world.hosts.enumerated() {
            var row = serviceRow(host, index: index, lookups)
            row.cellDown = host.cellDown
            rows.append(row)
        }
        return rows
    }

    private static func serviceRow(_ host: HostSpec, index: Int, _ lookups: NovaLookups) -> ServiceRow {
        ServiceRow(intID: index + 1 + controlServices.count, uuid: host.serviceID, binary: "nova-compute", host: host.name,
                   zone: lookups.zone(of: host), status: host.status, state: hostState(host),
                   disabledReason: host.disabledReason, forcedDown: host.forcedDown)
    }

    static func hostState(_ host: HostSpec) -> String {
        host.forcedDown || host.state == "down" ? "down" : "up"
    }

    private static func serviceJSON(_ row: ServiceRow, _ c: NovaContext) -> JSON {
        if row.cellDown {
            // 2.69+: what Nova knows of a service in a cell it cannot reach (os-services/v2.69 sample).
            return ["binary": .string(row.binary), "host": .string(row.host), "status": "UNKNOWN"]
        }
        var pairs: [(String, JSON)] = [
            ("id", c.at(2, 53) ? .string(row.uuid) : .int(row.intID)),
            ("binary", .string(row.binary)),
            ("disabled_reason", row.disabledReason.map(JSON.string) ?? .null),
            ("host", .string(row.host)),
            ("state", .string(row.state)),
            ("status", .string(row.status)),
            ("updated_at", .string(fixedUpdatedAt)),
        ]
        if c.at(2, 11) { pairs.append(("forced_down", .bool(row.forcedDown))) }
        pairs.append(("zone", .string(row.zone)))
        return .object(pairs)
    }

    func services(_ method: String, _ s: [String], _ c: NovaContext) async throws -> SimResponse {
        switch (method, s) {
        case ("GET", []):
            let lookups = c.cache.lookups(c.world)
            var rows = Self.serviceRows(c.world, lookups)
            if let binary = c.request.query("binary") { rows = rows.filter { $0.binary == binary } }
            if let host = c.request.query("host") { rows = rows.filter { $0.host == host } }
            // Before 2.69 Nova leaves out what it cannot reach.
            if !c.at(2, 69) { rows = rows.filter { !$0.cellDown } }
            return c.ok(["services": .array(rows.map { Self.serviceJSON($0, c) })])
        case ("PUT", let path) where path.count == 1:
            return try await updateService(path[0], c)
        case ("DELETE", let path) where path.count == 1:
            throw NovaFault(409, "Deleting compute services is not supported by the simulator.")
        default:
            throw s.count <= 1 ? NovaFault.badMethod : NovaFault.notFound
        }
    }

    private func updateService(_ action: String, _ c: NovaContext) async throws -> SimResponse {
        let body = try c.body()
        if !c.at(2, 53) {
            let allowed = ["enable", "disable", "disable-log-reason"] + (c.at(2, 11) ? ["force-down"] : [])
            guard allowed.contains(action) else { throw NovaFault(404, "Unknown action") }
            guard let host = body["host"]?.string, let binary = body["binary"]?.string else {
                throw NovaFault(400, "Invalid input for field/attribute host. 'host' and 'binary' are required properties")
            }
            let reason = body["disabled_reason"]?.string
            if action == "disable-log-reason", reason == nil {
                throw NovaFault(400, "Missing disabled reason field")
            }
            let forced = body["forced_down"]?.bool
            if action == "force-down", forced == nil {
                throw NovaFault(400, "Invalid input for field/attribute forced_down. 'forced_down' is a required property")
            }
            let updated: HostSpec? = await c.state.mutate { world in
                guard binary == "nova-compute", let index = world.hosts.firstIndex(where: { $0.name == host }) else { return nil }
                switch action {
                case "enable":
                    world.hosts[index].status = "enabled"
                    world.hosts[index].disabledReason = nil
                case "disable", "disable-log-reason":
                    world.hosts[index].status = "disabled"
                    world.hosts[index].disabledReason = reason
                default:
                    world.hosts[index].forcedDown = forced ?? false
                }
                return world.hosts[index]
            }
            guard let updated else { throw NovaFault(404, "Could not find binary \(binary) on host \(host).") }
            var pairs: [(String, JSON)] = [("binary", .string(binary))]
            if action == "disable-log-reason" { pairs.append(("disabled_reason", updated.disabledReason.map(JSON.string) ?? .null)) }
            pairs.append(("host", .string(host)))
            if action == "force-down" {
                pairs.append(("forced_down", .bool(updated.forcedDown)))
            } else {
                pairs.append(("status", .string(updated.status)))
            }
            return c.ok(["service": .object(pairs)])
        }
        guard UUID(uuidString: action) != nil else { throw NovaFault(400, "Invalid uuid \(action)") }
        let status = body["status"]?.string
        if let status, status != "enabled", status != "disabled" {
            throw NovaFault(400, "Invalid input for field/attribute status. Value: \(status). '\(status)' is not one of ['enabled', 'disabled']")
        }
        let reason = body["disabled_reason"]?.string
        if reason != nil, status != "disabled" {
            throw NovaFault(400, "Specifying a disabled_reason is only supported when the status is disabled.")
        }
        let forced = body["forced_down"]?.bool
        guard status != nil || forced != nil else {
            throw NovaFault(400, "No updates were requested. Fields 'status' or 'forced_down' should be specified.")
        }
        let updated: (HostSpec, Int)? = await c.state.mutate { world in
            guard let index = world.hosts.firstIndex(where: { $0.serviceID == action }) else { return nil }
            if let status {
                world.hosts[index].status = status
                world.hosts[index].disabledReason = status == "disabled" ? reason : nil
            }
            if let forced { world.hosts[index].forcedDown = forced }
            return (world.hosts[index], index)
        }
        guard let (host, index) = updated else { throw NovaFault(404, "Service \(action) could not be found.") }
        var world = c.world
        world.hosts[index] = host
        let row = Self.serviceRow(host, index: index, NovaLookups(world))
        return c.ok(["service": Self.serviceJSON(row, c)])
    }

    // MARK: hypervisors

    private struct Usage {
        var vcpus = 0, ram = 0, disk = 0, count = 0
        var servers: [(name: String, id: String)] = []
    }

    /// Per-host usage from the servers placed on it (one pass over the host's servers).
    private static func usage(of host: String, _ c: NovaContext, _ index: ServerIndex, _ flavors: [String: FlavorSpec]) -> Usage {
        var usage = Usage()
        for position in index.byHost[host] ?? [] {
            let server = c.world.servers[index.order[position]]
            usage.count += 1
            usage.servers.append((server.name, server.id))
            if let flavor = flavors[server.flavor] {
                usage.vcpus += flavor.vcpus
                usage.ram += flavor.ram
                usage.disk += flavor.disk + flavor.ephemeral
            }
        }
        // Nova lists a hypervisor's servers oldest first.
        usage.servers.reverse()
        return usage
    }

    static func uptime(_ host: HostSpec) -> String {
        let days = 20 + Int(SimIDs.uuid("uptime", host.name).prefix(2), radix: 16)! % 200
        return " 10:30:00 up \(days) days,  3:12,  0 users,  load average: 0.52, 0.41, 0.38"
    }

    private static func cpuInfo(_ host: HostSpec) -> JSON {
        let sockets = 2
        let threads = 2
        let cores = max(1, host.vcpus / (sockets * threads))
        return [
            "arch": "x86_64", "model": "EPYC-Genoa", "vendor": "AMD",
            "features": ["avx2", "avx512f", "pdpe1gb", "svm", "x2apic"],
            "topology": ["cores": .int(cores), "threads": .int(threads), "sockets": .int(sockets)],
        ]
    }

    private static func hypervisorJSON(_ host: HostSpec, index: Int, detail: Bool, withServers: Bool, forceServers: Bool = false,
                                       _ c: NovaContext, _ serverIndex: ServerIndex, _ flavors: [String: FlavorSpec]) -> JSON {
        let id: JSON = c.at(2, 53) ? .string(host.hypervisorID) : .int(index + 1)
        let state = hostState(host)
        let needsUsage = withServers || (detail && !c.at(2, 88))
        let usage = needsUsage ? Self.usage(of: host.name, c, serverIndex, flavors) : Usage()
        var servers: JSON?
        if withServers, !usage.servers.isEmpty || c.at(2, 75) || forceServers {
            servers = .array(usage.servers.map { ["name": .string($0.name), "uuid": .string($0.id)] })
        }
        guard detail else {
            var pairs: [(String, JSON)] = [("hypervisor_hostname", .string(host.hypervisorHostname)), ("id", id),
                                           ("state", .string(state)), ("status", .string(host.status))]
            if let servers { pairs.append(("servers", servers)) }
            return .object(pairs)
        }
        let service: JSON = [
            "host": .string(host.name),
            "id": c.at(2, 53) ? .string(host.serviceID) : .int(index + 1 + controlServices.count),
            "disabled_reason": host.disabledReason.map(JSON.string) ?? .null,
        ]
        if c.at(2, 88) {
            var pairs: [(String, JSON)] = [
                ("host_ip", .string(host.hostIP)), ("hypervisor_hostname", .string(host.hypervisorHostname)),
                ("hypervisor_type", "QEMU"), ("hypervisor_version", .int(8_002_000)), ("id", id),
            ]
            if let servers { pairs.append(("servers", servers)) }
            pairs += [("service", service), ("state", .string(state)), ("status", .string(host.status)),
                      ("uptime", .string(uptime(host)))]
            return .object(pairs)
        }
        let freeDisk = host.localGB - usage.disk
        var pairs: [(String, JSON)] = [
            ("cpu_info", c.at(2, 28) ? cpuInfo(host) : .string(cpuInfo(host).serialized)),
            ("current_workload", 0),
            ("status", .string(host.status)),
        ]
        if let servers { pairs.append(("servers", servers)) }
        pairs += [
            ("state", .string(state)),
            ("disk_available_least", .int(freeDisk)),
            ("host_ip", .string(host.hostIP)),
            ("free_disk_gb", .int(freeDisk)),
            ("free_ram_mb", .int(host.memoryMB - usage.ram)),
            ("hypervisor_hostname", .string(host.hypervisorHostname)),
            ("hypervisor_type", "QEMU"),
            ("hypervisor_version", .int(8_002_000)),
            ("id", id),
            ("local_gb", .int(host.localGB)),
            ("local_gb_used", .int(usage.disk)),
            ("memory_mb", .int(host.memoryMB)),
            ("memory_mb_used", .int(usage.ram)),
            ("running_vms", .int(usage.count)),
            ("service", service),
            ("vcpus", .int(host.vcpus)),
            ("vcpus_used", .int(usage.vcpus)),
        ]
        return .object(pairs)
    }

    func hypervisors(_ method: String, _ s: [String], _ c: NovaContext) throws -> SimResponse {
        guard method == "GET" else { throw s.count <= 1 ? NovaFault.badMethod : NovaFault.notFound }
        let serverIndex = c.cache.servers(c.world.servers)
        let flavors = c.cache.lookups(c.world).flavorsByName
        let hosts = c.world.hosts
        func render(_ i: Int, detail: Bool, withServers: Bool, forceServers: Bool = false) -> JSON {
            Self.hypervisorJSON(hosts[i], index: i, detail: detail, withServers: withServers, forceServers: forceServers,
                                c, serverIndex, flavors)
        }
        func find(_ id: String) throws -> Int {
            if c.at(2, 53) {
                guard UUID(uuidString: id) != nil else { throw NovaFault(400, "Invalid uuid \(id)") }
                if let i = hosts.firstIndex(where: { $0.hypervisorID == id }) { return i }
            } else if let number = Int(id), number >= 1, number <= hosts.count {
                return number - 1
            }
            throw NovaFault(404, "Hypervisor with ID '\(id)' could not be found.")
        }
        func matching(_ pattern: String) throws -> [Int] {
            let found = hosts.indices.filter { hosts[$0].hypervisorHostname.localizedCaseInsensitiveContains(pattern) }
            guard !found.isEmpty else { throw NovaFault(404, "No hypervisor matching '\(pattern)' could be found.") }
            return found
        }

        switch s {
        case [], ["detail"]:
            let detail = !s.isEmpty
            var withServers = false
            var pattern: String?
            if c.at(2, 53) {
                let allowed: Set<String> = ["limit", "marker", "hypervisor_hostname_pattern", "with_servers"]
                if let unknown = c.request.query.first(where: { !allowed.contains($0.0) }) {
                    throw NovaFault(400, "Invalid input for query parameters \(unknown.0). Additional properties are not allowed ('\(unknown.0)' was unexpected)")
                }
                if let text = c.request.query("with_servers") { withServers = try NovaBool.strict(text, name: "with_servers") }
                pattern = c.request.query("hypervisor_hostname_pattern")
            }
            if let pattern {
                if c.request.hasQuery("limit") || c.request.hasQuery("marker") {
                    throw NovaFault(400, "Paging over hypervisors with the hypervisor_hostname_pattern query parameter is not supported.")
                }
                let list = try matching(pattern).map { render($0, detail: detail, withServers: withServers) }
                return c.ok(["hypervisors": .array(list)])
            }
            var start = 0
            var limit = hosts.count
            if c.at(2, 33) {
                let paging = try c.limitAndMarker()
                limit = paging.limit
                if let marker = paging.marker {
                    let position: Int?
                    if c.at(2, 53) {
                        position = hosts.firstIndex { $0.hypervisorID == marker }
                    } else {
                        position = Int(marker).flatMap { $0 >= 1 && $0 <= hosts.count ? $0 - 1 : nil }
                    }
                    guard let position else { throw NovaFault(400, "marker [\(marker)] not found") }
                    start = position + 1
                }
            }
            let end = min(hosts.count, start + limit)
            let page = start < end ? Array(start..<end) : []
            var body: [(String, JSON)] = [("hypervisors", .array(page.map { render($0, detail: detail, withServers: withServers) }))]
            if c.at(2, 33), limit > 0, page.count == limit, let last = page.last {
                let marker = c.at(2, 53) ? hosts[last].hypervisorID : String(last + 1)
                body.append(("hypervisors_links", c.nextLink(path: detail ? "/os-hypervisors/detail" : "/os-hypervisors",
                                                              marker: marker, limit: limit)))
            }
            return c.ok(.object(body))
        case ["statistics"]:
            guard !c.at(2, 88) else { throw NovaFault.notFound }
            var totals = (count: 0, vcpus: 0, vcpusUsed: 0, memory: 0, memoryUsed: 0, disk: 0, diskUsed: 0, running: 0)
            for host in hosts {
                let usage = Self.usage(of: host.name, c, serverIndex, flavors)
                totals.count += 1
                totals.vcpus += host.vcpus
                totals.vcpusUsed += usage.vcpus
                totals.memory += host.memoryMB
                totals.memoryUsed += usage.ram
                totals.disk += host.localGB
                totals.diskUsed += usage.disk
                totals.running += usage.count
            }
            return c.ok(["hypervisor_statistics": [
                "count": .int(totals.count), "current_workload": 0, "disk_available_least": .int(totals.disk - totals.diskUsed),
                "free_disk_gb": .int(totals.disk - totals.diskUsed), "free_ram_mb": .int(totals.memory - totals.memoryUsed),
                "local_gb": .int(totals.disk), "local_gb_used": .int(totals.diskUsed), "memory_mb": .int(totals.memory),
                "memory_mb_used": .int(totals.memoryUsed), "running_vms": .int(totals.running), "vcpus": .int(totals.vcpus),
                "vcpus_used": .int(totals.vcpusUsed),
            ]])
        case let path where path.count == 1:
            let index = try find(path[0])
            var withServers = false
            if c.at(2, 53), let text = c.request.query("with_servers") { withServers = try NovaBool.strict(text, name: "with_servers") }
            return c.ok(["hypervisor": render(index, detail: true, withServers: withServers)])
        case let path where path.count == 2 && path[1] == "uptime":
            guard !c.at(2, 88) else { throw NovaFault.notFound }
            let index = try find(path[0])
            let host = hosts[index]
            return c.ok(["hypervisor": [
                "hypervisor_hostname": .string(host.hypervisorHostname),
                "id": c.at(2, 53) ? .string(host.hypervisorID) : .int(index + 1),
                "state": .string(Self.hostState(host)), "status": .string(host.status), "uptime": .string(Self.uptime(host)),
            ]])
        case let path where path.count == 2 && (path[1] == "search" || path[1] == "servers"):
            guard !c.at(2, 53) else { throw NovaFault.notFound }
            let servers = path[1] == "servers"
            let list = try matching(path[0]).map { render($0, detail: false, withServers: servers) }
            return c.ok(["hypervisors": .array(list)])
        default:
            throw NovaFault.notFound
        }
    }

    // MARK: availability zones

    func availabilityZones(_ method: String, _ s: [String], _ c: NovaContext) throws -> SimResponse {
        guard method == "GET" else { throw NovaFault.badMethod }
        let lookups = c.cache.lookups(c.world)
        var zones: [String: [HostSpec]] = [:]
        for host in c.world.hosts { zones[lookups.zone(of: host), default: []].append(host) }
        switch s {
        case []:
            let list: [JSON] = zones.keys.sorted().map { zone in
                let available = zones[zone]!.contains { $0.status == "enabled" && Self.hostState($0) == "up" }
                return ["hosts": .null, "zoneName": .string(zone), "zoneState": ["available": .bool(available)]]
            }
            return c.ok(["availabilityZoneInfo": .array(list)])
        case ["detail"]:
            func entry(_ binary: String, active: Bool, available: Bool) -> JSON {
                [binary: ["active": .bool(active), "available": .bool(available), "updated_at": .string(Self.fixedUpdatedAt)]]
            }
            var list: [JSON] = [[
                "hosts": .object([(Self.controllerHost, .object(Self.controlServices.map {
                    ($0, ["active": true, "available": true, "updated_at": .string(Self.fixedUpdatedAt)])
                }))]),
                "zoneName": "internal", "zoneState": ["available": true],
            ]]
            for zone in zones.keys.sorted() {
                let hosts = zones[zone]!
                let available = hosts.contains { $0.status == "enabled" && Self.hostState($0) == "up" }
                list.append([
                    "hosts": .object(hosts.map { ($0.name, entry("nova-compute", active: $0.status == "enabled", available: Self.hostState($0) == "up")) }),
                    "zoneName": .string(zone), "zoneState": ["available": .bool(available)],
                ])
            }
            return c.ok(["availabilityZoneInfo": .array(list)])
        default:
            throw NovaFault.notFound
        }
    }
}
