import Foundation

/// Neutron (Networking API v2.0): version discovery, networks (list with filters, show), subnets
/// (list, show) and ports (create with MAC and IP allocation, list with filters, show, update,
/// delete). Lists take `fields`, repeatable filters (ORed) and `limit`/`marker` with `*_links`.
/// Errors use `{"NeutronError": {"type", "message", "detail"}}`; a missing or expired token gets
/// keystonemiddleware's 401. Shapes follow `reference/neutron/api-ref/source/v2/samples`.
struct NeutronHandler: ServiceHandler {
    let service = SimulatorService.neutron

    static let fixedTimestamp = "2024-01-15T10:30:00Z"

    func error(status: Int, message: String) -> SimResponse {
        Self.neutronError(status, type: Self.errorType(status), message: message)
    }

    static func errorType(_ status: Int) -> String {
        switch status {
        case 400: return "HTTPBadRequest"
        case 401: return "HTTPUnauthorized"
        case 403: return "HTTPForbidden"
        case 404: return "HTTPNotFound"
        case 405: return "HTTPMethodNotAllowed"
        case 409: return "HTTPConflict"
        case 412: return "HTTPPreconditionFailed"
        case 429: return "HTTPTooManyRequests"
        case 503: return "HTTPServiceUnavailable"
        default: return "HTTPInternalServerError"
        }
    }

    static func neutronError(_ status: Int, type: String, message: String) -> SimResponse {
        let body: JSON = ["NeutronError": ["type": .string(type), "message": .string(message), "detail": ""]]
        return .json(status, body, headers: [("X-Openstack-Request-Id", NovaHandler.newRequestID())])
    }

    private static func fail(_ failure: NeutronPorts.Failure) -> SimResponse {
        neutronError(failure.status, type: failure.type, message: failure.message)
    }

    private static func ok(_ status: Int, _ body: JSON) -> SimResponse {
        .json(status, body, headers: [("X-Openstack-Request-Id", NovaHandler.newRequestID())])
    }

    static let notFound = neutronError(404, type: "HTTPNotFound", message: "The resource could not be found.")

    // MARK: dispatch

    func handle(_ request: SimRequest, state: CloudState) async -> SimResponse {
        var s = request.segments
        if let last = s.last, last.hasSuffix(".json") { s[s.count - 1] = String(last.dropLast(5)) }
        let root = request.baseURL + "/network"
        switch (request.method, s) {
        case ("GET", []):
            return Self.ok(200, ["versions": [["status": "CURRENT", "id": "v2.0",
                                                "links": [["href": .string(root + "/v2.0/"), "rel": "self"]]]]])
        case ("GET", ["v2.0"]):
            let resources: [JSON] = [("subnet", "subnets"), ("network", "networks"), ("port", "ports")].map { name, collection in
                ["links": [["href": .string(root + "/v2.0/" + collection), "rel": "self"]],
                 "name": .string(name), "collection": .string(collection)]
            }
            return Self.ok(200, ["resources": .array(resources)])
        default:
            break
        }
        guard s.first == "v2.0" else { return Self.notFound }
        guard await state.isValid(token: request.header("X-Auth-Token")) else { return KeystoneHandler.unauthorized(request) }
        let world = await state.world
        let rest = Array(s.dropFirst())
        let base = root + "/v2.0"
        switch (request.method, rest) {
        case ("GET", ["networks"]):
            return list(request, collection: "networks", base: base, items: world.networks.map { (id: $0.id, json: networkJSON($0, world, show: false)) })
        case ("GET", let path) where path.count == 2 && path[0] == "networks":
            guard let network = world.networks.first(where: { $0.id == path[1] }) else {
                return Self.neutronError(404, type: "NetworkNotFound", message: "Network \(path[1]) could not be found.")
            }
            return Self.ok(200, ["network": trim(networkJSON(network, world, show: true), request)])
        case ("GET", ["subnets"]):
            let subnets = world.networks.flatMap { network in network.subnets.map { (network, $0) } }
            return list(request, collection: "subnets", base: base, items: subnets.map { (id: $0.1.id, json: subnetJSON($0.1, in: $0.0)) })
        case ("GET", let path) where path.count == 2 && path[0] == "subnets":
            for network in world.networks {
                if let subnet = network.subnets.first(where: { $0.id == path[1] }) {
                    return Self.ok(200, ["subnet": trim(subnetJSON(subnet, in: network), request)])
                }
            }
            return Self.neutronError(404, type: "SubnetNotFound", message: "Subnet \(path[1]) could not be found.")
        case ("GET", ["ports"]):
            // Pre-filter on the stored fields most lookups use, before rendering.
            let networkIDs = Set(request.queryAll("network_id")), deviceIDs = Set(request.queryAll("device_id"))
            let ports = world.ports.filter {
                (networkIDs.isEmpty || networkIDs.contains($0.networkID)) && (deviceIDs.isEmpty || deviceIDs.contains($0.deviceID))
            }
            return list(request, collection: "ports", base: base, items: ports.map { (id: $0.id, json: portJSON($0, view: .list)) })
        case ("GET", let path) where path.count == 2 && path[0] == "ports":
            guard let port = world.ports.first(where: { $0.id == path[1] }) else {
                return Self.neutronError(404, type: "PortNotFound", message: "Port \(path[1]) could not be found.")
            }
            return Self.ok(200, ["port": trim(portJSON(port, view: .show), request)])
        case ("POST", ["ports"]):
            return await createPort(request, state: state)
        case ("PUT", let path) where path.count == 2 && path[0] == "ports":
            return await updatePort(path[1], request, state: state)
        case ("DELETE", let path) where path.count == 2 && path[0] == "ports":
            let found: Bool = await state.mutate { world in
                guard let p = world.ports.firstIndex(where: { $0.id == path[1] }) else { return false }
                NeutronPorts.unbind(&world, port: p)
                world.ports.remove(at: p)
                return true
            }
            guard found else { return Self.neutronError(404, type: "PortNotFound", message: "Port \(path[1]) could not be found.") }
            return .empty(204, headers: [("X-Openstack-Request-Id", NovaHandler.newRequestID())])
        case ("GET", ["extensions"]):
            let aliases = ["standard-attr-timestamp", "standard-attr-revisions", "standard-attr-description", "network-mtu",
                           "external-net", "port-security", "binding", "filter-validation", "pagination"]
            return Self.ok(200, ["extensions": .array(aliases.map { alias in
                ["alias": .string(alias), "name": .string(alias), "description": .string(alias), "links": [],
                 "updated": "2024-01-15T10:30:00-00:00"]
            })])
        case (_, let path) where path.count <= 2 && ["networks", "subnets", "ports"].contains(path.first ?? ""):
            return Self.neutronError(405, type: "HTTPMethodNotAllowed", message: "The method is not allowed for this resource.")
        default:
            return Self.notFound
        }
    }

    // MARK: shapes

    private func networkJSON(_ network: NetworkSpec, _ world: Scenario, show: Bool) -> JSON {
        var p: [(String, JSON)] = [
            ("admin_state_up", true),
            ("availability_zone_hints", []),
            ("availability_zones", ["nova"]),
            ("created_at", .string(Self.fixedTimestamp)),
            ("dns_domain", ""),
            ("id", .string(network.id)),
            ("ipv4_address_scope", .null),
            ("ipv6_address_scope", .null),
            ("l2_adjacency", true),
            ("mtu", .int(network.mtu)),
            ("name", .string(network.name)),
            ("port_security_enabled", true),
            ("project_id", .string(network.projectID)),
            ("qos_policy_id", .null),
            ("revision_number", 1),
            ("router:external", .bool(network.external)),
            ("pvlan", false),
            ("shared", .bool(network.shared)),
            ("status", "ACTIVE"),
            ("subnets", .array(network.subnets.map { .string($0.id) })),
        ]
        if show { p.append(("tags", [])) }
        p += [
            ("tenant_id", .string(network.projectID)),
            ("updated_at", .string(Self.fixedTimestamp)),
            ("vlan_transparent", false),
            ("qinq", false),
            ("description", ""),
            ("is_default", false),
        ]
        return .object(p)
    }

    private func subnetJSON(_ subnet: SubnetSpec, in network: NetworkSpec) -> JSON {
        let range = IPv4Range(subnet.cidr)
        let pools: JSON = range.map { r in
            [["start": .string(IPv4Range.format(r.poolStart)), "end": .string(IPv4Range.format(r.poolEnd))]]
        } ?? []
        return .object([
            ("allocation_pools", pools),
            ("cidr", .string(subnet.cidr)),
            ("created_at", .string(Self.fixedTimestamp)),
            ("description", ""),
            ("dns_nameservers", []),
            ("dns_publish_fixed_ip", false),
            ("enable_dhcp", true),
            ("gateway_ip", range.map { .string($0.gateway) } ?? .null),
            ("host_routes", []),
            ("id", .string(subnet.id)),
            ("ip_version", .int(subnet.cidr.contains(":") ? 6 : 4)),
            ("ipv6_address_mode", .null),
            ("ipv6_ra_mode", .null),
            ("name", .string(network.name + "-subnet")),
            ("network_id", .string(network.id)),
            ("project_id", .string(network.projectID)),
            ("revision_number", 0),
            ("segment_id", .null),
            ("service_types", []),
            ("subnetpool_id", .null),
            ("tags", []),
            ("tenant_id", .string(network.projectID)),
            ("updated_at", .string(Self.fixedTimestamp)),
        ])
    }

    enum PortView { case create, show, list }

    private func portJSON(_ port: PortSpec, view: PortView) -> JSON {
        var p: [(String, JSON)] = [
            ("admin_state_up", true),
            ("allowed_address_pairs", []),
            ("created_at", .string(port.createdAt)),
            ("data_plane_status", .null),
            ("description", ""),
            ("device_id", .string(port.deviceID)),
            ("device_owner", .string(port.deviceOwner)),
            ("dns_assignment", .array(port.fixedIPs.map { ip in
                let host = "host-" + ip.ipAddress.replacingOccurrences(of: ".", with: "-").replacingOccurrences(of: ":", with: "-")
                return ["hostname": .string(host), "ip_address": .string(ip.ipAddress), "fqdn": .string(host + ".openstacklocal.")]
            })),
            ("dns_domain", ""),
            ("dns_name", ""),
            ("extra_dhcp_opts", []),
            ("fixed_ips", .array(port.fixedIPs.map { ["ip_address": .string($0.ipAddress), "subnet_id": .string($0.subnetID)] })),
            ("id", .string(port.id)),
            ("ip_allocation", "immediate"),
            ("mac_address", .string(port.macAddress)),
            ("name", .string(port.name)),
            ("network_id", .string(port.networkID)),
            ("port_security_enabled", true),
            ("project_id", .string(port.projectID)),
            ("revision_number", .int(port.revisionNumber)),
            ("security_groups", .array([.string(SimIDs.uuid("security-group", port.projectID))])),
            ("status", .string(port.status)),
            ("tags", []),
            ("tenant_id", .string(port.projectID)),
            ("updated_at", .string(port.createdAt)),
            ("qos_network_policy_id", .null),
            ("qos_policy_id", .null),
            ("propagate_uplink_status", false),
        ]
        if view != .list { p.append(("hardware_offload_type", "")) }
        p += [("pvlan_type", ""), ("pvlan_community", "")]
        return .object(p)
    }

    // MARK: lists

    /// Filters (every query key except the paging and `fields` ones; repeated values are ORed;
    /// an unknown attribute is a 400 as with filter-validation), paging and `fields`.
    private func list(_ request: SimRequest, collection: String, base: String, items: [(id: String, json: JSON)]) -> SimResponse {
        let reserved: Set<String> = ["fields", "limit", "marker", "page_reverse", "sort_key", "sort_dir"]
        var filters: [(String, Set<String>)] = []
        for (key, _) in request.query where !reserved.contains(key) && !filters.contains(where: { $0.0 == key }) {
            filters.append((key, Set(request.queryAll(key))))
        }
        var selected = items
        if !filters.isEmpty {
            if let sample = items.first?.json {
                for (key, _) in filters where key != "fixed_ips" && sample[key] == nil {
                    return Self.neutronError(400, type: "HTTPBadRequest", message: "[\(key)] is invalid attribute for filtering")
                }
            }
            selected = items.filter { item in
                filters.allSatisfy { key, values in Self.matches(item.json, key: key, values: values) }
            }
        }
        var start = 0
        if let marker = request.query("marker") {
            guard let position = selected.firstIndex(where: { $0.id == marker }) else {
                return Self.neutronError(400, type: "HTTPBadRequest", message: "Invalid marker \(marker)")
            }
            start = position + 1
        }
        var limit = selected.count
        if let text = request.query("limit") {
            guard let value = Int(text), value >= 0 else {
                return Self.neutronError(400, type: "InvalidInput", message: "Invalid input for operation: '\(text)' is not an integer.")
            }
            if value > 0 { limit = value }
        }
        let end = min(selected.count, start + limit)
        let page = start < end ? Array(selected[start..<end]) : []
        var body: [(String, JSON)] = [(collection, .array(page.map { trim($0.json, request) }))]
        if request.hasQuery("limit"), let last = page.last, page.count == limit, end < selected.count {
            var pairs = request.query.filter { $0.0 != "marker" }
            pairs.append(("marker", last.id))
            let query = pairs.map { QueryString.encode($0.0) + "=" + QueryString.encode($0.1) }.joined(separator: "&")
            body.append((collection + "_links", [["href": .string(base + "/" + collection + "?" + query), "rel": "next"]]))
        }
        return Self.ok(200, .object(body))
    }

    private static func matches(_ object: JSON, key: String, values: Set<String>) -> Bool {
        if key == "fixed_ips" {
            // fixed_ips=ip_address=10.0.0.5 or fixed_ips=subnet_id=<id>
            let ips = object["fixed_ips"]?.array ?? []
            return values.contains { condition in
                let parts = condition.split(separator: "=", maxSplits: 1).map(String.init)
                guard parts.count == 2 else { return false }
                return ips.contains { $0[parts[0]]?.string == parts[1] }
            }
        }
        guard let value = object[key] else { return false }
        switch value {
        case .string(let text): return values.contains(text)
        case .bool(let flag): return values.contains { $0.lowercased() == (flag ? "true" : "false") }
        case .int(let number): return values.contains(String(number))
        case .array(let items): return items.contains { item in item.string.map(values.contains) ?? false }
        default: return false
        }
    }

    /// `fields=a&fields=b` keeps only those keys.
    private func trim(_ object: JSON, _ request: SimRequest) -> JSON {
        let fields = Set(request.queryAll("fields"))
        guard !fields.isEmpty, let pairs = object.object else { return object }
        return .object(pairs.filter { fields.contains($0.0) })
    }

    // MARK: ports

    private func createPort(_ request: SimRequest, state: CloudState) async -> SimResponse {
        guard let body = request.json, let spec = body["port"], spec.object != nil else {
            if request.json?["ports"] != nil {
                return Self.neutronError(400, type: "HTTPBadRequest", message: "Bulk port creation is not supported by the simulator.")
            }
            return Self.neutronError(400, type: "HTTPBadRequest", message: "Resource body required")
        }
        guard let networkID = spec["network_id"]?.string else {
            return Self.neutronError(400, type: "HTTPBadRequest", message: "Failed to parse request. Required attribute 'network_id' not specified")
        }
        var fixed: [NeutronPorts.RequestedIP] = []
        if let requested = spec["fixed_ips"] {
            guard let list = requested.array else {
                return Self.neutronError(400, type: "HTTPBadRequest", message: "Invalid input for fixed_ips. Reason: Invalid data format for fixed IP.")
            }
            fixed = list.map { NeutronPorts.RequestedIP(subnetID: $0["subnet_id"]?.string, ipAddress: $0["ip_address"]?.string) }
        }
        let name = spec["name"]?.string ?? ""
        let deviceID = spec["device_id"]?.string ?? ""
        let deviceOwner = spec["device_owner"]?.string ?? ""
        let mac = spec["mac_address"]?.string
        let result: Result<PortSpec, NeutronPorts.Failure> = await state.mutate { world in
            let project = spec["project_id"]?.string ?? spec["tenant_id"]?.string ?? world.credentials.projectID
            let created = NeutronPorts.create(in: world, networkID: networkID, name: name, fixedIPs: fixed, projectID: project,
                                              deviceID: deviceID, deviceOwner: deviceOwner, macAddress: mac)
            if case .success(let port) = created { world.ports.append(port) }
            return created
        }
        switch result {
        case .failure(let failure):
            return Self.fail(failure)
        case .success(let port):
            // Attributes the world does not keep are echoed from the request, as Neutron answers them.
            var json = portJSON(port, view: .create)
            if case .object(var pairs) = json, let requested = spec.object {
                let echoed: Set<String> = ["admin_state_up", "allowed_address_pairs", "description", "dns_domain", "dns_name",
                                           "port_security_enabled", "qos_policy_id", "propagate_uplink_status",
                                           "pvlan_type", "pvlan_community", "hardware_offload_type", "security_groups"]
                for (key, value) in requested where echoed.contains(key) {
                    if let index = pairs.firstIndex(where: { $0.0 == key }) { pairs[index].1 = value }
                }
                if let trusted = spec["trusted"] { pairs.append(("trusted", trusted)) }
                json = .object(pairs)
            }
            return Self.ok(201, ["port": json])
        }
    }

    private func updatePort(_ id: String, _ request: SimRequest, state: CloudState) async -> SimResponse {
        guard let spec = request.json?["port"], let fields = spec.object else {
            return Self.neutronError(400, type: "HTTPBadRequest", message: "Resource body required")
        }
        let result: PortSpec? = await state.mutate { world in
            guard let p = world.ports.firstIndex(where: { $0.id == id }) else { return nil }
            for (key, value) in fields {
                switch key {
                case "name": world.ports[p].name = value.string ?? ""
                case "device_id": world.ports[p].deviceID = value.string ?? ""
                case "device_owner": world.ports[p].deviceOwner = value.string ?? ""
                default: break
                }
            }
            world.ports[p].revisionNumber += 1
            return world.ports[p]
        }
        guard let result else { return Self.neutronError(404, type: "PortNotFound", message: "Port \(id) could not be found.") }
        return Self.ok(200, ["port": portJSON(result, view: .show)])
    }
}
