import Foundation
import Synchronization

/// The NetBox objects devices refer to (tenants, roles, sites, racks, device types, tags, IP
/// addresses), with ids that are stable for a given world: each kind is numbered from 1 in sorted
/// order of its slug (tags: of their name). The scenario only names these objects on its devices,
/// so the catalogue is derived from the devices on every request (one pass, cheap next to
/// rendering a page).
struct NetBoxCatalog {
    struct Entry {
        let id: Int
        let slug: String
        let name: String
    }

    /// By slug.
    var tenants: [String: Entry] = [:]
    var roles: [String: Entry] = [:]
    var sites: [String: Entry] = [:]
    /// By site slug and rack name (`ca1/CA1-R01`).
    var racks: [String: Int] = [:]
    /// By model.
    var deviceTypes: [String: Entry] = [:]
    var manufacturers: [String: Entry] = [:]
    /// By tag name (two tags may share a slug in a scenario, e.g. `NVIDIA L40` and `nvidia-l40`).
    var tags: [String: Entry] = [:]
    var tagSlugs: Set<String> = []
    var roleDeviceCounts: [String: Int] = [:]
    var typeDeviceCounts: [String: Int] = [:]
    var manufacturerTypeCounts: [String: Int] = [:]
    /// Every custom field any device has: NetBox shows all of them on every device.
    var customFields: [String] = []

    init(devices: [DeviceSpec]) {
        var tenantNames: [String: String] = [:], roleNames: [String: String] = [:], siteNames: [String: String] = [:]
        var rackKeys: Set<String> = [], models: Set<String> = [], tagNames: Set<String> = [], fields: Set<String> = []
        for device in devices {
            if let tenant = device.tenant, tenantNames[tenant.slug] == nil { tenantNames[tenant.slug] = tenant.name }
            if roleNames[device.role.slug] == nil { roleNames[device.role.slug] = device.role.name }
            if siteNames[device.site.slug] == nil { siteNames[device.site.slug] = device.site.name }
            if let rack = device.rack { rackKeys.insert(device.site.slug + "/" + rack) }
            models.insert(device.deviceType)
            for tag in device.tags { tagNames.insert(tag) }
            for key in device.customFields.keys { fields.insert(key) }
            roleDeviceCounts[device.role.slug, default: 0] += 1
            typeDeviceCounts[device.deviceType, default: 0] += 1
        }
        func numbered(_ names: [String: String]) -> [String: Entry] {
            var result: [String: Entry] = [:]
            for (index, slug) in names.keys.sorted().enumerated() {
                result[slug] = Entry(id: index + 1, slug: slug, name: names[slug]!)
            }
            return result
        }
        tenants = numbered(tenantNames)
        roles = numbered(roleNames)
        sites = numbered(siteNames)
        for (index, key) in rackKeys.sorted().enumerated() { racks[key] = index + 1 }
        var makers: [String: String] = [:]
        for model in models {
            let maker = Self.manufacturer(of: model)
            makers[NetBoxText.slug(maker)] = maker
            manufacturerTypeCounts[NetBoxText.slug(maker), default: 0] += 1
        }
        manufacturers = numbered(makers)
        for (index, model) in models.sorted().enumerated() {
            deviceTypes[model] = Entry(id: index + 1, slug: NetBoxText.slug(model), name: model)
        }
        for (index, name) in tagNames.sorted().enumerated() {
            let slug = NetBoxText.slug(name)
            tags[name] = Entry(id: index + 1, slug: slug, name: name)
            tagSlugs.insert(slug)
        }
        customFields = fields.sorted()
    }

    /// The manufacturer a scenario's device model belongs to (scenarios name only the model).
    static func manufacturer(of model: String) -> String {
        let upper = model.uppercased()
        if upper.hasPrefix("ESC") || upper.hasPrefix("RS") || upper.hasPrefix("KMPG") { return "ASUS" }
        if upper.hasPrefix("SYS") || upper.hasPrefix("AS-") { return "Supermicro" }
        if upper.hasPrefix("DGX") || upper.hasPrefix("HGX") { return "NVIDIA" }
        if upper.hasPrefix("POWEREDGE") || upper.hasPrefix("XE") || (upper.hasPrefix("R") && upper.dropFirst().first?.isNumber == true) {
            return "Dell"
        }
        if upper.hasPrefix("G") && upper.dropFirst().first?.isNumber == true { return "Gigabyte" }
        return "Generic"
    }
}

/// Text rules NetBox applies.
enum NetBoxText {
    /// NetBox-style slug: lower case, every run of characters other than letters and digits
    /// becomes one `-`, none at either end (`NVIDIA L40` → `nvidia-l40`).
    static func slug(_ text: String) -> String {
        var result = ""
        var pendingDash = false
        for scalar in text.unicodeScalars {
            if scalar.properties.isAlphabetic || ("0"..."9").contains(scalar) {
                if pendingDash, !result.isEmpty { result.append("-") }
                pendingDash = false
                result += String(scalar).lowercased()
            } else {
                pendingDash = true
            }
        }
        return result
    }

    /// The label of a device status choice.
    static func statusLabel(_ value: String) -> String {
        switch value {
        case "offline": return "Offline"
        case "active": return "Active"
        case "planned": return "Planned"
        case "staged": return "Staged"
        case "failed": return "Failed"
        case "inventory": return "Inventory"
        case "decommissioning": return "Decommissioning"
        default: return value.prefix(1).uppercased() + value.dropFirst()
        }
    }

    static let statuses: Set<String> = ["offline", "active", "planned", "staged", "failed", "inventory", "decommissioning"]

    /// NetBox's tag colours (`ColorChoices`); a tag gets one by its slug, deterministically.
    static let colors = ["aa1409", "f44336", "e91e63", "ff66ff", "9c27b0", "673ab7", "3f51b5", "2196f3", "03a9f4",
                         "00bcd4", "009688", "2f6a31", "4caf50", "8bc34a", "cddc39", "ffc107", "ff9800", "ff5722",
                         "795548", "9e9e9e", "607d8b"]

    static func color(for slug: String) -> String {
        var hash: UInt32 = 2_166_136_261
        for byte in slug.utf8 { hash = (hash ^ UInt32(byte)) &* 16_777_619 }
        return colors[Int(hash % UInt32(colors.count))]
    }

    /// A sort key that orders names naturally (`host-2` before `host-10`) and without regard to
    /// case, like NetBox's `natural_sort` collation: digit runs are compared as numbers.
    static func naturalKey(_ name: String) -> String {
        var key = ""
        key.reserveCapacity(name.utf8.count + 16)
        var digits = ""
        func flush() {
            guard !digits.isEmpty else { return }
            let trimmed = digits.drop { $0 == "0" }
            key += String(repeating: "0", count: max(0, 20 - trimmed.count)) + trimmed
            digits = ""
        }
        for character in name.lowercased() {
            if character.isASCII, character.isNumber {
                digits.append(character)
            } else {
                flush()
                key.append(character)
            }
        }
        flush()
        return key
    }
}

/// `GET /api/dcim/devices/` and `GET /api/dcim/devices/{id}/` over one copy of the world.
struct NetBoxDevices {
    let world: Scenario
    let request: SimRequest
    /// NetBox's `MAX_PAGE_SIZE` (0: no cap).
    let pageLimit: Int

    /// NetBox's `PAGINATE_COUNT`.
    static let defaultPageSize = 50

    private var api: String { request.baseURL + "/netbox/api/" }
    private var ui: String { request.baseURL + "/netbox/" }

    // MARK: list

    func list() -> SimResponse {
        let catalog = NetBoxCatalog(devices: world.devices)
        let (matching, errors) = filter(world.devices, catalog: catalog)
        if !errors.isEmpty {
            return NetBoxHandler.respond(400, .object(errors))
        }
        let ordered = order(matching)
        let count = ordered.count
        let limit = effectiveLimit()
        let offset = max(0, Int(request.query("offset") ?? "") ?? 0)
        let page: ArraySlice<DeviceSpec>
        var next: JSON = .null
        var previous: JSON = .null
        if limit == 0 {
            // MAX_PAGE_SIZE of 0 and limit=0: everything, one page.
            page = ordered[...]
        } else {
            let start = min(offset, count)
            page = ordered[start..<min(count, start + limit)]
            if offset + limit < count {
                next = .string(pageURL(limit: limit, offset: offset + limit))
            }
            if offset > 0 {
                previous = .string(pageURL(limit: limit, offset: offset - limit > 0 ? offset - limit : nil))
            }
        }
        let form = Form(request)
        let results = page.map { render($0, catalog: catalog, form: form) }
        return NetBoxHandler.respond(200, [
            "count": .int(count), "next": next, "previous": previous, "results": .array(results),
        ])
    }

    /// `limit` as NetBox reads it: default `PAGINATE_COUNT`; a negative or non-numeric value
    /// gives the default; above `MAX_PAGE_SIZE` it is capped silently; 0 means `MAX_PAGE_SIZE`.
    private func effectiveLimit() -> Int {
        let cap = pageLimit > 0 ? pageLimit : Int.max
        let fallback = min(Self.defaultPageSize, cap)
        guard let text = request.query("limit"), let limit = Int(text), limit >= 0 else { return fallback }
        if pageLimit <= 0 { return limit }
        return limit == 0 ? pageLimit : min(limit, pageLimit)
    }

    /// The absolute URL of another page, as DRF builds it: the request's URL with `limit` and
    /// `offset` replaced (or `offset` removed) and the parameters sorted by name.
    private func pageURL(limit: Int, offset: Int?) -> String {
        var params: [String: [String]] = [:]
        for (key, value) in request.query { params[key, default: []].append(value) }
        params["limit"] = [String(limit)]
        params["offset"] = offset.map { [String($0)] }
        let query = params.keys.sorted().flatMap { key in
            params[key]!.map { QueryString.encode(key) + "=" + QueryString.encode($0) }
        }.joined(separator: "&")
        return api + "dcim/devices/?" + query
    }

    // MARK: detail

    func detail(_ id: String) -> SimResponse {
        guard let number = Int(id), let device = world.devices.first(where: { $0.id == number }) else {
            return NetBoxHandler.respond(404, ["detail": "No Device matches the given query."])
        }
        let catalog = NetBoxCatalog(devices: world.devices)
        return NetBoxHandler.respond(200, render(device, catalog: catalog, form: Form(request)))
    }

    // MARK: filters

    /// NetBox's device filters that spotctl and operators use. Repeated values of one filter are
    /// ORed, except `tag`, which NetBox ANDs (`TagFilter` is conjoined: `?tag=a&tag=b` means both
    /// tags); different filters are ANDed. A slug or choice that names nothing fails the request
    /// with a field-keyed 400. Unknown parameters are ignored.
    private func filter(_ devices: [DeviceSpec], catalog: NetBoxCatalog) -> ([DeviceSpec], [(String, JSON)]) {
        var errors: [(String, JSON)] = []
        var tests: [(DeviceSpec) -> Bool] = []
        func values(_ key: String) -> [String] { request.queryAll(key).filter { !$0.isEmpty } }
        func invalid(_ key: String, _ value: String) {
            errors.append((key, [.string("Select a valid choice. \(value) is not one of the available choices.")]))
        }

        if case let ids = values("id"), !ids.isEmpty {
            let numbers = ids.compactMap { Int($0) }
            if numbers.count != ids.count {
                errors.append(("id", ["Enter a number."]))
            } else {
                let wanted = Set(numbers)
                tests.append { wanted.contains($0.id) }
            }
        }
        if case let names = values("name"), !names.isEmpty {
            let wanted = Set(names.map { $0.lowercased() })
            tests.append { wanted.contains($0.name.lowercased()) }
        }
        func slugFilter(_ key: String, _ known: [String: NetBoxCatalog.Entry], _ slug: @escaping (DeviceSpec) -> String?) {
            let wanted = values(key)
            guard !wanted.isEmpty else { return }
            if let bad = wanted.first(where: { known[$0] == nil }) { return invalid(key, bad) }
            let set = Set(wanted)
            tests.append { slug($0).map(set.contains) ?? false }
        }
        func idFilter(_ key: String, _ known: [String: NetBoxCatalog.Entry], _ slug: @escaping (DeviceSpec) -> String?) {
            let wanted = values(key)
            guard !wanted.isEmpty else { return }
            let byID = Dictionary(known.values.map { ($0.id, $0.slug) }, uniquingKeysWith: { first, _ in first })
            if let bad = wanted.first(where: { Int($0).flatMap { byID[$0] } == nil }) { return invalid(key, bad) }
            let set = Set(wanted.compactMap { Int($0).flatMap { byID[$0] } })
            tests.append { slug($0).map(set.contains) ?? false }
        }
        slugFilter("tenant", catalog.tenants) { $0.tenant?.slug }
        idFilter("tenant_id", catalog.tenants) { $0.tenant?.slug }
        slugFilter("role", catalog.roles) { $0.role.slug }
        idFilter("role_id", catalog.roles) { $0.role.slug }
        slugFilter("site", catalog.sites) { $0.site.slug }
        idFilter("site_id", catalog.sites) { $0.site.slug }
        if case let statuses = values("status"), !statuses.isEmpty {
            if let bad = statuses.first(where: { !NetBoxText.statuses.contains($0) }) {
                invalid("status", bad)
            } else {
                let wanted = Set(statuses)
                tests.append { wanted.contains($0.status) }
            }
        }
        if case let tags = values("tag"), !tags.isEmpty {
            if let bad = tags.first(where: { !catalog.tagSlugs.contains($0) }) {
                invalid("tag", bad)
            } else {
                let wanted = Set(tags)
                tests.append { device in wanted.isSubset(of: Set(device.tags.map(NetBoxText.slug))) }
            }
        }
        if let q = request.query("q")?.trimmingCharacters(in: .whitespaces), !q.isEmpty {
            let needle = q.lowercased()
            tests.append { device in
                device.name.lowercased().contains(needle) || device.serial.lowercased().contains(needle)
                    || (device.primaryIP?.hasPrefix(q) ?? false)
            }
        }
        // Custom fields: `cf_<name>=value`, exact match on the value's text form.
        for (key, value) in request.query where key.hasPrefix("cf_") && !key.contains("__") {
            let field = String(key.dropFirst(3))
            tests.append { device in
                switch device.customFields[field] {
                case .string(let text)?: return text == value
                case .int(let number)?: return String(number) == value
                case .double(let number)?: return Double(value) == number
                case .bool(let flag)?: return (flag ? "true" : "false") == value.lowercased()
                case .null?, nil: return value == "null"
                default: return false
                }
            }
        }
        guard errors.isEmpty else { return ([], errors) }
        // No filter: the same array, so that the name order cached for it is found at once.
        if tests.isEmpty { return (devices, []) }
        return (devices.filter { device in tests.allSatisfy { $0(device) } }, [])
    }

    /// NetBox's default device ordering (name, natural and case-insensitive, then id), or
    /// `ordering=` by `name`/`id`, descending with a `-`. Other ordering fields are ignored.
    private func order(_ devices: [DeviceSpec]) -> [DeviceSpec] {
        let ordering = request.query("ordering")?.split(separator: ",").first.map(String.init) ?? "name"
        let descending = ordering.hasPrefix("-")
        let field = descending ? String(ordering.dropFirst()) : ordering
        if field == "id" {
            let sorted = devices.sorted { $0.id < $1.id }
            return descending ? sorted.reversed() : sorted
        }
        // The whole list in name order is kept between requests: paging through 10,000 devices
        // would otherwise sort them again for every page.
        let sorted = devices == world.devices ? Self.nameOrder.sorted(devices, by: Self.byName) : Self.byName(devices)
        return descending && field == "name" ? sorted.reversed() : sorted
    }

    /// NetBox's name order: natural (digits compare as numbers), then name, then id.
    private static func byName(_ devices: [DeviceSpec]) -> [DeviceSpec] {
        var keyed = devices.map { (key: NetBoxText.naturalKey($0.name), device: $0) }
        keyed.sort { a, b in
            if a.key != b.key { return a.key < b.key }
            if a.device.name != b.device.name { return a.device.name < b.device.name }
            return a.device.id < b.device.id
        }
        return keyed.map(\.device)
    }

    private static let nameOrder = SortedDevices()

    // MARK: rendering

    /// How objects are shown: `fields=` (only these), else `omit=`, else `brief` (NetBox turns brief
    /// mode on for any non-empty `brief` value, even `false`); `exclude=config_context` drops the
    /// rendered config context.
    struct Form {
        var fields: Set<String>?
        var omit: Set<String>
        var brief: Bool
        var excludeConfigContext: Bool

        init(_ request: SimRequest) {
            func list(_ key: String) -> [String] {
                request.queryAll(key).flatMap { $0.split(separator: ",").map { $0.trimmingCharacters(in: .whitespaces) } }
                    .filter { !$0.isEmpty }
            }
            let fields = list("fields")
            self.fields = fields.isEmpty ? nil : Set(fields)
            omit = Set(list("omit"))
            brief = !(request.query("brief") ?? "").isEmpty
            excludeConfigContext = list("exclude").contains("config_context")
        }
    }

    private func render(_ device: DeviceSpec, catalog: NetBoxCatalog, form: Form) -> JSON {
        var pairs: [(String, JSON)]
        if form.brief && form.fields == nil && form.omit.isEmpty {
            pairs = [
                ("id", .int(device.id)), ("url", .string(api + "dcim/devices/\(device.id)/")),
                ("display", .string(device.name)), ("name", .string(device.name)), ("description", ""),
            ]
        } else {
            pairs = full(device, catalog: catalog, configContext: !form.excludeConfigContext)
        }
        if let fields = form.fields {
            pairs.removeAll { !fields.contains($0.0) }
        } else if !form.omit.isEmpty {
            pairs.removeAll { form.omit.contains($0.0) }
        }
        return .object(pairs)
    }

    /// The full device, field for field in the order NetBox 4.6's `DeviceWithConfigContextSerializer`
    /// writes them (the 4.2.2 OpenAPI `DeviceWithConfigContext` properties, plus `owner` from 4.5).
    private func full(_ device: DeviceSpec, catalog: NetBoxCatalog, configContext: Bool) -> [(String, JSON)] {
        let id = device.id
        var pairs: [(String, JSON)] = [
            ("id", .int(id)),
            ("url", .string(api + "dcim/devices/\(id)/")),
            ("display_url", .string(ui + "dcim/devices/\(id)/")),
            ("display", .string(device.name)),
            ("name", .string(device.name)),
            ("device_type", deviceType(device.deviceType, catalog)),
            ("role", role(device.role, catalog)),
            ("tenant", device.tenant.map { nested($0, catalog.tenants, path: "tenancy/tenants") } ?? .null),
            ("platform", .null),
            ("serial", .string(device.serial)),
            ("asset_tag", .null),
            ("site", nested(device.site, catalog.sites, path: "dcim/sites")),
            ("location", .null),
            ("rack", device.rack.map { rack($0, site: device.site.slug, catalog) } ?? .null),
            ("position", .null),
            ("face", device.rack == nil ? .null : ["value": "front", "label": "Front"]),
            ("latitude", .null),
            ("longitude", .null),
            ("parent_device", .null),
            ("status", ["value": .string(device.status), "label": .string(NetBoxText.statusLabel(device.status))]),
            ("airflow", .null),
        ]
        let ip = device.primaryIP.map { ipAddress($0, id: id) } ?? .null
        let isV6 = device.primaryIP?.contains(":") ?? false
        pairs += [
            ("primary_ip", ip),
            ("primary_ip4", isV6 ? .null : ip),
            ("primary_ip6", isV6 ? ip : .null),
            ("oob_ip", .null),
            ("cluster", .null),
            ("virtual_chassis", .null),
            ("vc_position", .null),
            ("vc_priority", .null),
            ("description", ""),
            ("owner", .null),
            ("comments", ""),
            ("config_template", .null),
        ]
        if configContext {
            pairs.append(("config_context", .object(device.configContext.keys.sorted().map { ($0, device.configContext[$0]!) })))
        }
        pairs += [
            ("local_context_data", .null),
            ("tags", .array(device.tags.sorted().compactMap { name in catalog.tags[name].map { tag($0) } })),
            ("custom_fields", .object(catalog.customFields.map { ($0, device.customFields[$0] ?? .null) })),
            ("created", .string(device.created)),
            ("last_updated", .string(device.lastUpdated)),
        ]
        for counter in ["console_port_count", "console_server_port_count", "power_port_count", "power_outlet_count",
                        "interface_count", "front_port_count", "rear_port_count", "device_bay_count", "module_bay_count",
                        "inventory_item_count"] {
            pairs.append((counter, .int(0)))
        }
        return pairs
    }

    private func nested(_ ref: RefSpec, _ entries: [String: NetBoxCatalog.Entry], path: String) -> JSON {
        let id = entries[ref.slug]?.id ?? 0
        return [
            "id": .int(id), "url": .string(api + path + "/\(id)/"), "display": .string(ref.name),
            "name": .string(ref.name), "slug": .string(ref.slug), "description": "",
        ]
    }

    private func role(_ ref: RefSpec, _ catalog: NetBoxCatalog) -> JSON {
        let id = catalog.roles[ref.slug]?.id ?? 0
        return [
            "id": .int(id), "url": .string(api + "dcim/device-roles/\(id)/"), "display": .string(ref.name),
            "name": .string(ref.name), "slug": .string(ref.slug), "description": "",
            "device_count": .int(catalog.roleDeviceCounts[ref.slug] ?? 0), "virtualmachine_count": 0, "_depth": 0,
        ]
    }

    private func rack(_ name: String, site: String, _ catalog: NetBoxCatalog) -> JSON {
        let id = catalog.racks[site + "/" + name] ?? 0
        return [
            "id": .int(id), "url": .string(api + "dcim/racks/\(id)/"), "display": .string(name),
            "name": .string(name), "description": "",
        ]
    }

    private func deviceType(_ model: String, _ catalog: NetBoxCatalog) -> JSON {
        let entry = catalog.deviceTypes[model]
        let id = entry?.id ?? 0
        let maker = NetBoxCatalog.manufacturer(of: model)
        let makerSlug = NetBoxText.slug(maker)
        let makerID = catalog.manufacturers[makerSlug]?.id ?? 0
        return [
            "id": .int(id), "url": .string(api + "dcim/device-types/\(id)/"), "display": .string(model),
            "manufacturer": [
                "id": .int(makerID), "url": .string(api + "dcim/manufacturers/\(makerID)/"), "display": .string(maker),
                "name": .string(maker), "slug": .string(makerSlug), "description": "",
            ],
            "model": .string(model), "slug": .string(entry?.slug ?? NetBoxText.slug(model)), "description": "",
            "device_count": .int(catalog.typeDeviceCounts[model] ?? 0),
        ]
    }

    /// A brief IP address; the address always carries its prefix length (`/32` or `/128` when the
    /// scenario gives none). Its id is the device's: a device has one primary address.
    private func ipAddress(_ address: String, id: Int) -> JSON {
        let isV6 = address.contains(":")
        let full = address.contains("/") ? address : address + (isV6 ? "/128" : "/32")
        return [
            "id": .int(id), "url": .string(api + "ipam/ip-addresses/\(id)/"), "display": .string(full),
            "family": ["value": .int(isV6 ? 6 : 4), "label": .string(isV6 ? "IPv6" : "IPv4")],
            "address": .string(full), "description": "",
        ]
    }

    private func tag(_ entry: NetBoxCatalog.Entry) -> JSON {
        [
            "id": .int(entry.id), "url": .string(api + "extras/tags/\(entry.id)/"),
            "display_url": .string(ui + "extras/tags/\(entry.id)/"), "display": .string(entry.name),
            "name": .string(entry.name), "slug": .string(entry.slug), "color": .string(NetBoxText.color(for: entry.slug)),
        ]
    }
}

/// The last device list sorted by name, reused while the devices are the same (an unchanged
/// copy-on-write array compares by buffer identity first).
final class SortedDevices: Sendable {
    private struct State {
        var key: [DeviceSpec]?
        var value: [DeviceSpec] = []
    }

    private let state = Mutex(State())

    func sorted(_ devices: [DeviceSpec], by sort: ([DeviceSpec]) -> [DeviceSpec]) -> [DeviceSpec] {
        let cached: [DeviceSpec]? = state.withLock { state in
            if let key = state.key, key == devices { return state.value }
            return nil
        }
        if let cached { return cached }
        let fresh = sort(devices)
        state.withLock { state in
            state.key = devices
            state.value = fresh
        }
        return fresh
    }
}
