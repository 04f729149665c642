import Foundation

/// `/os-aggregates`: list, show, create, update, delete, and the `add_host`, `remove_host` and
/// `set_metadata` actions, with Nova's status codes and messages.
extension NovaHandler {
    static func aggregateJSON(_ aggregate: AggregateSpec, _ c: NovaContext, created: Bool = false) -> JSON {
        var metadata = aggregate.metadata
        let zone = aggregate.availabilityZone ?? aggregate.metadata["availability_zone"]
        if let zone { metadata["availability_zone"] = zone }
        var pairs: [(String, JSON)] = [
            ("availability_zone", zone.map(JSON.string) ?? .null),
            ("created_at", .string(NovaFake.naive(aggregate.createdAt))),
            ("deleted", false),
            ("deleted_at", .null),
        ]
        if !created { pairs.append(("hosts", .array(aggregate.hosts.map(JSON.string)))) }
        pairs.append(("id", .int(aggregate.id)))
        if !created {
            pairs.append(("metadata", .object(metadata.keys.sorted().map { ($0, .string(metadata[$0]!)) })))
        }
        pairs.append(("name", .string(aggregate.name)))
        pairs.append(("updated_at", .null))
        if c.at(2, 41) { pairs.append(("uuid", .string(aggregate.uuid))) }
        return .object(pairs)
    }

    /// Nova validates the path id as an integer before anything else.
    private static func aggregateID(_ text: String) throws -> Int {
        guard let id = Int(text) else { throw NovaFault(400, "Invalid input received: id must be an integer") }
        return id
    }

    func aggregates(_ method: String, _ s: [String], _ c: NovaContext) async throws -> SimResponse {
        switch (method, s.count) {
        case ("GET", 0):
            let list = c.world.aggregates.sorted { $0.id < $1.id }.map { Self.aggregateJSON($0, c) }
            return c.ok(["aggregates": .array(list)])
        case ("POST", 0):
            return try await createAggregate(c)
        case ("GET", 1):
            let id = try Self.aggregateID(s[0])
            guard let aggregate = c.world.aggregates.first(where: { $0.id == id }) else {
                throw NovaFault(404, "Aggregate \(id) could not be found.")
            }
            return c.ok(["aggregate": Self.aggregateJSON(aggregate, c)])
        case ("PUT", 1):
            return try await updateAggregate(try Self.aggregateID(s[0]), c)
        case ("DELETE", 1):
            let id = try Self.aggregateID(s[0])
            let outcome: NovaFault? = await c.state.mutate { world in
                guard let index = world.aggregates.firstIndex(where: { $0.id == id }) else {
                    return NovaFault(404, "Aggregate \(id) could not be found.")
                }
                guard world.aggregates[index].hosts.isEmpty else {
                    return NovaFault(400, "Cannot delete aggregate \(id). Reason: Host aggregate is not empty.")
                }
                world.aggregates.remove(at: index)
                return nil
            }
            if let outcome { throw outcome }
            return .empty(200)
        case ("POST", 2) where s[1] == "action":
            return try await aggregateAction(try Self.aggregateID(s[0]), c)
        case ("POST", 2) where s[1] == "images":
            guard c.at(2, 81) else { throw NovaFault.notFound }
            let id = try Self.aggregateID(s[0])
            guard c.world.aggregates.contains(where: { $0.id == id }) else {
                throw NovaFault(404, "Aggregate \(id) could not be found.")
            }
            guard let cache = try c.body()["cache"]?.array, !cache.isEmpty else {
                throw NovaFault(400, "Invalid input for field/attribute cache. Value: None. None is not of type 'array'")
            }
            return .empty(202)
        case (_, 0), (_, 1), (_, 2):
            throw NovaFault.badMethod
        default:
            throw NovaFault.notFound
        }
    }

    private func createAggregate(_ c: NovaContext) async throws -> SimResponse {
        guard let spec = try c.body()["aggregate"], spec.object != nil,
              let name = spec["name"]?.string, !name.trimmingCharacters(in: .whitespaces).isEmpty, name.count <= 255 else {
            throw NovaFault(400, "Invalid input for field/attribute aggregate. Value: None. 'name' is a required property")
        }
        let zone = spec["availability_zone"]?.string
        if let zone, zone.isEmpty { throw NovaFault(400, "Aggregate \(name) does not have an availability zone name.") }
        let created = NovaFake.now(naive: true)
        let result: Result<AggregateSpec, NovaFault> = await c.state.mutate { world in
            if world.aggregates.contains(where: { $0.name == name }) {
                return .failure(NovaFault(409, "Aggregate \(name) already exists."))
            }
            let id = (world.aggregates.map(\.id).max() ?? 0) + 1
            let aggregate = AggregateSpec(id: id, uuid: UUID().uuidString.lowercased(), name: name, availabilityZone: zone,
                                          createdAt: created)
            world.aggregates.append(aggregate)
            return .success(aggregate)
        }
        let aggregate = try result.get()
        return c.ok(["aggregate": Self.aggregateJSON(aggregate, c, created: true)])
    }

    private func updateAggregate(_ id: Int, _ c: NovaContext) async throws -> SimResponse {
        guard let spec = try c.body()["aggregate"], let fields = spec.object, !fields.isEmpty,
              fields.allSatisfy({ $0.0 == "name" || $0.0 == "availability_zone" }) else {
            throw NovaFault(400, "Invalid input for field/attribute aggregate. Value: None. Additional properties are not allowed or no property given")
        }
        let name = spec["name"]?.string
        let zoneGiven = spec["availability_zone"] != nil
        let zone = spec["availability_zone"]?.string
        let result: Result<AggregateSpec, NovaFault> = await c.state.mutate { world in
            guard let index = world.aggregates.firstIndex(where: { $0.id == id }) else {
                return .failure(NovaFault(404, "Aggregate \(id) could not be found."))
            }
            if let name, world.aggregates.contains(where: { $0.name == name && $0.id != id }) {
                return .failure(NovaFault(409, "Aggregate \(name) already exists."))
            }
            if let name { world.aggregates[index].name = name }
            if zoneGiven {
                world.aggregates[index].availabilityZone = zone
                world.aggregates[index].metadata["availability_zone"] = nil
            }
            return .success(world.aggregates[index])
        }
        return c.ok(["aggregate": Self.aggregateJSON(try result.get(), c)])
    }

    private func aggregateAction(_ id: Int, _ c: NovaContext) async throws -> SimResponse {
        let body = try c.body()
        guard let fields = body.object, fields.count == 1, let (action, argument) = fields.first else {
            throw NovaFault(400, "Invalid input for field/attribute action. Exactly one of add_host, remove_host, set_metadata is required")
        }
        switch action {
        case "add_host", "remove_host":
            guard let host = argument["host"]?.string, argument.object?.count == 1 else {
                throw NovaFault(400, "Invalid input for field/attribute \(action). Value: \(argument.serialized). 'host' is a required property and additional properties are not allowed")
            }
            let adding = action == "add_host"
            let result = await c.state.changeMembership(adding: adding, host: host, aggregate: id)
            return c.ok(["aggregate": Self.aggregateJSON(try result.get(), c)])
        case "set_metadata":
            guard let metadata = argument["metadata"]?.object else {
                throw NovaFault(400, "Invalid input for field/attribute set_metadata. Value: \(argument.serialized). 'metadata' is a required property")
            }
            var changes: [(String, String?)] = []
            for (key, value) in metadata {
                switch value {
                case .null: changes.append((key, nil))
                case .string(let text): changes.append((key, text))
                case .int(let number): changes.append((key, String(number)))
                default: throw NovaFault(400, "Invalid input for field/attribute metadata. Value: \(value.serialized). Not a string or null")
                }
            }
            let result: Result<AggregateSpec, NovaFault> = await c.state.mutate { world in
                guard let index = world.aggregates.firstIndex(where: { $0.id == id }) else {
                    return .failure(NovaFault(404, "Aggregate \(id) could not be found."))
                }
                for (key, value) in changes {
                    if key == "availability_zone" {
                        world.aggregates[index].availabilityZone = value
                        world.aggregates[index].metadata[key] = nil
                    } else {
                        world.aggregates[index].metadata[key] = value
                    }
                }
                return .success(world.aggregates[index])
            }
            return c.ok(["aggregate": Self.aggregateJSON(try result.get(), c)])
        default:
            throw NovaFault(400, "Invalid input for field/attribute action. Value: \(action). Additional properties are not allowed ('\(action)' was unexpected)")
        }
    }

    /// Adds or removes a compute host, checking in Nova's order: the host first, then the
    /// aggregate, then membership (and, on add, availability-zone conflicts).
    static func changeHost(adding: Bool, host: String, aggregate id: Int, in world: inout Scenario) -> Result<AggregateSpec, NovaFault> {
        let known = world.hosts.contains { $0.name == host }
        guard adding else {
            guard known, let index = world.aggregates.firstIndex(where: { $0.id == id }),
                  let position = world.aggregates[index].hosts.firstIndex(of: host) else {
                return .failure(NovaFault(404, "Cannot remove host \(host) in aggregate \(id)"))
            }
            world.aggregates[index].hosts.remove(at: position)
            return .success(world.aggregates[index])
        }
        guard known else { return .failure(NovaFault(404, "Compute host \(host) could not be found.")) }
        guard let index = world.aggregates.firstIndex(where: { $0.id == id }) else {
            return .failure(NovaFault(404, "Aggregate \(id) could not be found."))
        }
        if world.aggregates[index].hosts.contains(host) {
            return .failure(NovaFault(409, "Aggregate \(id) already has host \(host)."))
        }
        if let zone = world.aggregates[index].zone {
            let others = world.aggregates.filter { $0.id != id && $0.hosts.contains(host) }.compactMap(\.zone)
                .filter { $0 != zone }
            if !others.isEmpty {
                let list = Array(Set(others)).sorted().map { "'\($0)'" }.joined(separator: ", ")
                return .failure(NovaFault(409, "Cannot add host to aggregate \(id). Reason: One or more hosts already in availability zone(s) [\(list)]."))
            }
        }
        world.aggregates[index].hosts.append(host)
        return .success(world.aggregates[index])
    }
}

extension AggregateSpec {
    /// The availability zone, from the field or (as Nova keeps it) the `availability_zone` metadata key.
    var zone: String? { availabilityZone ?? metadata["availability_zone"] }
}
