public import Foundation
import SpotSupport

/// A `major.minor` format version: a minor bump only adds fields; a tool refuses a newer major.
public struct FormatVersion: Sendable, Hashable, Comparable, Codable, CustomStringConvertible {
    public let major: Int
    public let minor: Int

    public init(_ major: Int, _ minor: Int) {
        self.major = major
        self.minor = minor
    }

    public init?(_ text: String) {
        let parts = text.split(separator: ".")
        guard parts.count == 2, let major = Int(parts[0]), let minor = Int(parts[1]) else { return nil }
        self.init(major, minor)
    }

    public var description: String { "\(major).\(minor)" }

    public static func < (lhs: FormatVersion, rhs: FormatVersion) -> Bool {
        (lhs.major, lhs.minor) < (rhs.major, rhs.minor)
    }

    public init(from decoder: any Decoder) throws {
        let text = try decoder.singleValueContainer().decode(String.self)
        guard let version = FormatVersion(text) else {
            throw DecodingError.dataCorrupted(.init(codingPath: decoder.codingPath, debugDescription: "not a major.minor version: \(text)"))
        }
        self = version
    }

    public func encode(to encoder: any Encoder) throws {
        var container = encoder.singleValueContainer()
        try container.encode(description)
    }
}

/// A snapshot that cannot be read.
public struct InventoryError: Error, Sendable, Hashable, CustomStringConvertible {
    public let path: String
    public let message: String

    public init(path: String, message: String) {
        self.path = path
        self.message = message
    }

    public var description: String { "\(path): \(message)" }
}

/// The inventory files of one snapshot, sharded so that a change touches few files:
///
///     inventory/snapshot.json          format_version, which sources were configured, counts
///     inventory/summary.json           per GPU type and pool: hosts, GPUs used, capacity
///     inventory/aggregates.json        every aggregate, empty ones included
///     inventory/flavors.json           flavors with extra specs
///     inventory/projects.json          Keystone projects
///     inventory/hosts/<host>.json      one compute host (or NetBox-only device): service,
///                                      hypervisors, NetBox device, servers (with the names of
///                                      the networks each has addresses on; 1.2)
///     inventory/unplaced-servers.json  servers on no host (unscheduled, shelved-offloaded)
///     inventory/images.json            Hyperstack images (when Hyperstack is configured)
///     inventory/firewalls.json         Hyperstack firewalls and attachments (likewise)
///     inventory/hyperstack-vms.json    Hyperstack VMs and the OpenStack server each is (likewise; 1.1)
///
/// Files are pretty-printed JSON with sorted keys and sorted lists, so the same facts always give
/// the same bytes. Host file names are `SafeFileName`s: the percent-encoded name, or for a name
/// longer than 200 bytes encoded, its first characters, `~` and a SHA-256 of the whole name; the
/// host's name is the `name` inside the file, never read back from the file name.
public enum InventoryFiles {
    public static let formatVersion = FormatVersion(1, 2)
    public static let directory = "inventory"

    struct SnapshotDocument: Codable {
        var formatVersion: FormatVersion
        var sources: Sources
        /// Absent in snapshots taken before endpoints were recorded.
        var endpoints: SourceEndpoints?
        var counts: Counts

        struct Sources: Codable {
            var openstack: Bool
            var netbox: Bool
            var hyperstack: Bool
        }

        struct Counts: Codable {
            var aggregates: Int
            var computeHosts: Int
            var servers: Int
            var devices: Int?
            var images: Int?

            enum CodingKeys: String, CodingKey {
                case aggregates, servers, devices, images
                case computeHosts = "compute_hosts"
            }
        }

        enum CodingKeys: String, CodingKey {
            case sources, counts, endpoints
            case formatVersion = "format_version"
        }
    }

    struct ListDocument<Item: Codable>: Codable {
        var formatVersion: FormatVersion
        var items: [Item]
        let key: String

        init(_ items: [Item], key: String) {
            self.formatVersion = InventoryFiles.formatVersion
            self.items = items
            self.key = key
        }

        struct AnyKey: CodingKey {
            var stringValue: String
            var intValue: Int? { nil }
            init(stringValue: String) { self.stringValue = stringValue }
            init?(intValue: Int) { nil }
        }

        init(from decoder: any Decoder) throws {
            let container = try decoder.container(keyedBy: AnyKey.self)
            formatVersion = try container.decode(FormatVersion.self, forKey: AnyKey(stringValue: "format_version"))
            guard let itemsKey = container.allKeys.first(where: { $0.stringValue != "format_version" }) else {
                throw DecodingError.dataCorrupted(.init(codingPath: decoder.codingPath, debugDescription: "no list in the document"))
            }
            key = itemsKey.stringValue
            items = try container.decode([Item].self, forKey: itemsKey)
        }

        func encode(to encoder: any Encoder) throws {
            var container = encoder.container(keyedBy: AnyKey.self)
            try container.encode(formatVersion, forKey: AnyKey(stringValue: "format_version"))
            try container.encode(items, forKey: AnyKey(stringValue: key))
        }
    }

    struct HostDocument: Codable {
        var formatVersion: FormatVersion
        var name: String
        var service: ComputeService?
        var hypervisors: [Hypervisor]
        var device: NetBoxDevice?
        var servers: [Server]

        enum CodingKeys: String, CodingKey {
            case name, service, hypervisors, device, servers
            case formatVersion = "format_version"
        }
    }

    static func encoder() -> JSONEncoder {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.prettyPrinted, .sortedKeys, .withoutEscapingSlashes]
        return encoder
    }

    /// A text as the inventory's encoder writes it inside a JSON string (quotes removed), for the
    /// secret scan, which searches every form a secret can take in these files.
    public static func jsonString(_ text: String) -> String {
        let data = (try? encoder().encode(text)) ?? Data()
        return data.count >= 2 ? String(decoding: data.dropFirst().dropLast(), as: UTF8.self) : text
    }

    static func encode<T: Encodable>(_ value: T) -> Data {
        // Encoding plain Codable values into JSON cannot fail; a failure is a bug.
        var data = try! encoder().encode(value)
        data.append(0x0A)
        return data
    }

    /// The files of a snapshot, keyed by path relative to the repository root. `summary` is the
    /// small per-type summary file's content (from `SnapshotSummary`); `endpoints` where the facts
    /// came from (recorded in `snapshot.json` for the snapshot guard).
    public static func encode(_ facts: Facts, summary: SnapshotSummary, endpoints: SourceEndpoints? = nil) -> [String: Data] {
        var files: [String: Data] = [:]
        let prefix = directory + "/"
        let sources = SnapshotDocument.Sources(openstack: true, netbox: facts.devices != nil,
                                               hyperstack: facts.images != nil || facts.firewalls != nil || facts.vms != nil)
        let counts = SnapshotDocument.Counts(aggregates: facts.aggregates.count, computeHosts: facts.services.count,
                                             servers: facts.servers.count, devices: facts.devices?.count, images: facts.images?.count)
        files[prefix + "snapshot.json"] = encode(SnapshotDocument(formatVersion: formatVersion, sources: sources, endpoints: endpoints, counts: counts))
        files[prefix + "summary.json"] = encode(summary)

        let aggregates = facts.aggregates.map { aggregate -> Aggregate in
            var copy = aggregate
            copy.hosts = Array(Set(copy.hosts)).sorted()
            return copy
        }.sorted { ($0.name, $0.id) < ($1.name, $1.id) }
        files[prefix + "aggregates.json"] = encode(ListDocument(aggregates, key: "aggregates"))
        files[prefix + "flavors.json"] = encode(ListDocument(facts.flavors.sorted { ($0.name, $0.id) < ($1.name, $1.id) }, key: "flavors"))
        files[prefix + "projects.json"] = encode(ListDocument(facts.projects.sorted { $0.id < $1.id }, key: "projects"))

        // One file per host: every compute service host, every host an aggregate or a server
        // names, and every NetBox device that joins none of them.
        var services: [String: ComputeService] = [:]
        for service in facts.services.sorted(by: { ($0.host, $0.binary, $0.id) < ($1.host, $1.binary, $1.id) }) where services[service.host] == nil {
            services[service.host] = service
        }
        var hostNames = Set(services.keys)
        for aggregate in facts.aggregates { hostNames.formUnion(aggregate.hosts) }
        var serversByHost: [String: [Server]] = [:]
        var unplaced: [Server] = []
        for server in facts.servers {
            if let host = server.host {
                serversByHost[host, default: []].append(server)
                hostNames.insert(host)
            } else {
                unplaced.append(server)
            }
        }
        let hypervisorsByHost = Dictionary(grouping: facts.hypervisors, by: \.serviceHost)
        var devicesByName: [String: NetBoxDevice] = [:]
        for device in (facts.devices ?? []).sorted(by: { $0.id < $1.id }) where devicesByName[device.name.lowercased()] == nil {
            devicesByName[device.name.lowercased()] = device
        }
        var joined = Set<String>()
        var documents: [HostDocument] = []
        for name in hostNames {
            let device = devicesByName[name.lowercased()]
            if device != nil { joined.insert(name.lowercased()) }
            documents.append(HostDocument(
                formatVersion: formatVersion, name: name, service: services[name],
                hypervisors: (hypervisorsByHost[name] ?? []).sorted { ($0.hypervisorHostname, $0.id) < ($1.hypervisorHostname, $1.id) },
                device: device, servers: (serversByHost[name] ?? []).sorted { ($0.name, $0.id) < ($1.name, $1.id) }))
        }
        for (key, device) in devicesByName where !joined.contains(key) && !hostNames.contains(device.name) {
            documents.append(HostDocument(formatVersion: formatVersion, name: device.name, service: nil, hypervisors: [],
                                          device: device, servers: []))
        }
        // Two hosts never share a file: only a SHA-256 collision between two long names could
        // make them (`SafeFileName`), and then one host's file must not silently replace the other's.
        if let (first, second) = SafeFileName.collision(among: documents.map(\.name)) {
            preconditionFailure("bug: hosts \"\(first)\" and \"\(second)\" have the same file name \(hostPath(first)) "
                                + "(a SHA-256 collision); nothing was written; please report it")
        }
        // Host files are most of a snapshot: encoded on every core.
        let encoded = parallelMap(documents) { document in (hostPath(document.name), encode(document)) }
        for (path, data) in encoded { files[path] = data }
        files[prefix + "unplaced-servers.json"] = encode(ListDocument(unplaced.sorted { $0.id < $1.id }, key: "servers"))
        if let images = facts.images {
            files[prefix + "images.json"] = encode(ListDocument(images.sorted { ($0.region, $0.name, $0.id) < ($1.region, $1.name, $1.id) }, key: "images"))
        }
        if let firewalls = facts.firewalls {
            let sorted = firewalls.map { firewall -> HyperstackFirewall in
                var copy = firewall
                copy.attachments.sort { $0.vmID < $1.vmID }
                return copy
            }.sorted { $0.id < $1.id }
            files[prefix + "firewalls.json"] = encode(ListDocument(sorted, key: "firewalls"))
        }
        if let vms = facts.vms {
            files[prefix + "hyperstack-vms.json"] = encode(ListDocument(vms.sorted { $0.id < $1.id }, key: "vms"))
        }
        return files
    }

    /// The endpoints recorded in a snapshot's `snapshot.json`; nil for a snapshot taken before
    /// they were recorded.
    public static func endpoints(fromSnapshotFile data: Data) throws(InventoryError) -> SourceEndpoints? {
        do {
            return try JSONDecoder().decode(SnapshotDocument.self, from: data).endpoints
        } catch {
            throw InventoryError(path: directory + "/snapshot.json", message: "cannot be read: \(error)")
        }
    }

    /// Reads a snapshot back from its files (paths relative to the repository root). Refuses a
    /// newer major format version and says which file is wrong.
    public static func decode(_ files: [String: Data]) throws(InventoryError) -> Facts {
        let prefix = directory + "/"
        let decoder = JSONDecoder()
        func read<T: Decodable>(_ type: T.Type, _ path: String) throws(InventoryError) -> T {
            guard let data = files[path] else {
                throw InventoryError(path: path, message: "missing from the snapshot")
            }
            let value: T
            do {
                value = try decoder.decode(T.self, from: data)
            } catch {
                throw InventoryError(path: path, message: "cannot be read: \(error)")
            }
            return value
        }
        func checkVersion(_ version: FormatVersion, _ path: String) throws(InventoryError) {
            guard version.major <= formatVersion.major else {
                throw InventoryError(path: path, message: "format \(version) is newer than this spotctl reads (\(formatVersion)); upgrade spotctl")
            }
        }
        // The version first, before anything that a newer format may have changed.
        struct VersionOnly: Decodable {
            let formatVersion: FormatVersion
            enum CodingKeys: String, CodingKey { case formatVersion = "format_version" }
        }
        try checkVersion(read(VersionOnly.self, prefix + "snapshot.json").formatVersion, prefix + "snapshot.json")
        let snapshot = try read(SnapshotDocument.self, prefix + "snapshot.json")

        var facts = Facts()
        let aggregates = try read(ListDocument<Aggregate>.self, prefix + "aggregates.json")
        try checkVersion(aggregates.formatVersion, prefix + "aggregates.json")
        facts.aggregates = aggregates.items
        facts.flavors = try read(ListDocument<Flavor>.self, prefix + "flavors.json").items
        facts.projects = try read(ListDocument<Project>.self, prefix + "projects.json").items
        facts.servers = try read(ListDocument<Server>.self, prefix + "unplaced-servers.json").items
        var devices: [NetBoxDevice] = []
        // Host files are most of a snapshot: decoded on every core.
        let hostPaths = files.keys.filter { $0.hasPrefix(prefix + "hosts/") && $0.hasSuffix(".json") }.sorted()
        let hosts = try parallelMap(hostPaths) { path throws(InventoryError) -> HostDocument in
            do {
                return try JSONDecoder().decode(HostDocument.self, from: files[path]!)
            } catch {
                throw InventoryError(path: path, message: "cannot be read: \(error)")
            }
        }
        for (path, host) in zip(hostPaths, hosts) {
            try checkVersion(host.formatVersion, path)
            if let service = host.service { facts.services.append(service) }
            facts.hypervisors.append(contentsOf: host.hypervisors)
            if let device = host.device { devices.append(device) }
            facts.servers.append(contentsOf: host.servers)
        }
        facts.devices = snapshot.sources.netbox ? devices.sorted { $0.id < $1.id } : nil
        if snapshot.sources.hyperstack {
            facts.images = files[prefix + "images.json"] == nil ? [] : try read(ListDocument<HyperstackImage>.self, prefix + "images.json").items
            facts.firewalls = files[prefix + "firewalls.json"] == nil ? [] : try read(ListDocument<HyperstackFirewall>.self, prefix + "firewalls.json").items
            // Snapshots before format 1.1 have no VM file: their VMs are not known (nil), which
            // is not "no VMs", and re-encoding them writes no VM file.
            facts.vms = files[prefix + "hyperstack-vms.json"] == nil ? nil : try read(ListDocument<HyperstackVM>.self, prefix + "hyperstack-vms.json").items
        }
        return facts
    }
}
