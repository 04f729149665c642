import Foundation

/// `/flavors` (list, detail, show; `?is_public=`; paging) and `/flavors/{id}/os-extra_specs`.
extension NovaHandler {
    static func flavorLinks(_ id: String, _ c: NovaContext) -> JSON {
        [["href": .string(c.apiRoot + "/flavors/" + id), "rel": "self"],
         ["href": .string(c.bookmarkRoot + "/flavors/" + id), "rel": "bookmark"]]
    }

    static func extraSpecsJSON(_ specs: [String: String]) -> JSON {
        .object(specs.keys.sorted().map { ($0, .string(specs[$0]!)) })
    }

    /// `swap` is `""` when unset before 2.75 and an integer from 2.75.
    static func swapJSON(_ swap: Int, _ c: NovaContext) -> JSON {
        swap == 0 && !c.at(2, 75) ? .string("") : .int(swap)
    }

    static func flavorJSON(_ flavor: FlavorSpec, detail: Bool, _ c: NovaContext) -> JSON {
        guard detail else {
            var pairs: [(String, JSON)] = [("id", .string(flavor.id)), ("links", flavorLinks(flavor.id, c)), ("name", .string(flavor.name))]
            if c.at(2, 55) { pairs.append(("description", flavor.description.map(JSON.string) ?? .null)) }
            return .object(pairs)
        }
        var pairs: [(String, JSON)] = []
        if !c.at(2, 102) { pairs.append(("OS-FLV-DISABLED:disabled", false)) }
        pairs += [
            ("disk", .int(flavor.disk)),
            ("OS-FLV-EXT-DATA:ephemeral", .int(flavor.ephemeral)),
            ("os-flavor-access:is_public", .bool(flavor.isPublic)),
            ("id", .string(flavor.id)),
            ("links", flavorLinks(flavor.id, c)),
            ("name", .string(flavor.name)),
            ("ram", .int(flavor.ram)),
            ("swap", swapJSON(flavor.swap, c)),
            ("vcpus", .int(flavor.vcpus)),
        ]
        if !c.at(2, 102) { pairs.append(("rxtx_factor", .double(1.0))) }
        if c.at(2, 55) { pairs.append(("description", flavor.description.map(JSON.string) ?? .null)) }
        if c.at(2, 61) { pairs.append(("extra_specs", extraSpecsJSON(flavor.extraSpecs))) }
        return .object(pairs)
    }

    func flavors(_ method: String, _ s: [String], _ c: NovaContext) async throws -> SimResponse {
        func flavor(_ id: String) throws -> FlavorSpec {
            guard let flavor = c.world.flavors.first(where: { $0.id == id }) else {
                throw NovaFault(404, "Flavor \(id) could not be found.")
            }
            return flavor
        }
        switch (method, s) {
        case ("GET", []), ("GET", ["detail"]):
            let detail = !s.isEmpty
            // Admins get public flavors by default; `is_public=None` (any case) lists all, `false` private ones.
            var isPublic: Bool? = true
            if let text = c.request.query("is_public") {
                isPublic = text.lowercased() == "none" ? nil : try NovaBool.strict(text, name: "is_public")
            }
            var list = c.world.flavors.filter { isPublic == nil || $0.isPublic == isPublic }
            if c.at(2, 102), let name = c.request.query("name") { list = list.filter { $0.name == name } }
            if let text = c.request.query("minRam"), let minimum = Int(text) { list = list.filter { $0.ram >= minimum } }
            if let text = c.request.query("minDisk"), let minimum = Int(text) { list = list.filter { $0.disk >= minimum } }
            list.sort { $0.id < $1.id }
            let (limit, marker) = try c.limitAndMarker()
            if let marker {
                guard let position = list.firstIndex(where: { $0.id == marker }) else {
                    throw NovaFault(400, "marker [\(marker)] not found")
                }
                list.removeFirst(position + 1)
            }
            let page = Array(list.prefix(limit))
            var body: [(String, JSON)] = [("flavors", .array(page.map { Self.flavorJSON($0, detail: detail, c) }))]
            if limit > 0, page.count == limit, let last = page.last {
                body.append(("flavors_links", c.nextLink(path: detail ? "/flavors/detail" : "/flavors", marker: last.id, limit: limit)))
            }
            return c.ok(.object(body))
        case ("GET", let path) where path.count == 1:
            return c.ok(["flavor": Self.flavorJSON(try flavor(path[0]), detail: true, c)])
        case ("GET", let path) where path.count == 2 && path[1] == "os-extra_specs":
            return c.ok(["extra_specs": Self.extraSpecsJSON(try flavor(path[0]).extraSpecs)])
        case ("GET", let path) where path.count == 3 && path[1] == "os-extra_specs":
            let specs = try flavor(path[0]).extraSpecs
            guard let value = specs[path[2]] else {
                throw NovaFault(404, "Flavor \(path[0]) has no extra specs with key \(path[2]).")
            }
            return c.ok(.object([(path[2], .string(value))]))
        case ("POST", let path) where path.count == 2 && path[1] == "os-extra_specs":
            _ = try flavor(path[0])
            guard let specs = try c.body()["extra_specs"]?.object else {
                throw NovaFault(400, "Invalid input for field/attribute extra_specs. 'extra_specs' is a required property")
            }
            let values = try Self.specValues(specs)
            await c.state.mutate { world in
                guard let index = world.flavors.firstIndex(where: { $0.id == path[0] }) else { return }
                for (key, value) in values { world.flavors[index].extraSpecs[key] = value }
            }
            return c.ok(["extra_specs": .object(values.map { ($0.0, .string($0.1)) })])
        case ("PUT", let path) where path.count == 3 && path[1] == "os-extra_specs":
            _ = try flavor(path[0])
            guard let fields = try c.body().object, fields.count == 1, fields[0].0 == path[2] else {
                throw NovaFault(400, "Request body and URI mismatch")
            }
            let value = try Self.specValues(fields)[0].1
            await c.state.mutate { world in
                if let index = world.flavors.firstIndex(where: { $0.id == path[0] }) { world.flavors[index].extraSpecs[path[2]] = value }
            }
            return c.ok(.object([(path[2], .string(value))]))
        case ("DELETE", let path) where path.count == 3 && path[1] == "os-extra_specs":
            _ = try flavor(path[0])
            let removed = await c.state.mutate { world -> Bool in
                guard let index = world.flavors.firstIndex(where: { $0.id == path[0] }) else { return false }
                return world.flavors[index].extraSpecs.removeValue(forKey: path[2]) != nil
            }
            guard removed else { throw NovaFault(404, "Flavor \(path[0]) has no extra specs with key \(path[2]).") }
            return .empty(200)
        default:
            throw NovaFault.notFound
        }
    }

    /// Extra-spec values are strings (numbers are accepted and stored as text, as Nova does).
    private static func specValues(_ pairs: [(String, JSON)]) throws -> [(String, String)] {
        try pairs.map { key, value in
            switch value {
            case .string(let text): return (key, text)
            case .int(let number): return (key, String(number))
            case .double(let number): return (key, String(number))
            default: throw NovaFault(400, "Invalid input for field/attribute \(key). Value: \(value.serialized). Not a string")
            }
        }
    }
}
