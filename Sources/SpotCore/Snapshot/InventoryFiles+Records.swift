public import Foundation
import SpotSupport

/// The partial readers of inventory files, for readers that need a few fields of many snapshots
/// (the history of 200 snapshots of 2,000 hosts holds some 40 MB of such files): the aggregates'
/// names and hosts, and a host file's name, servers and the raw JSON of its compute service and
/// NetBox device. Each has a fast path (the shared `JSONScanner`, which builds only those
/// values) and a fallback (`JSONDecoder` on the same document types `decode` uses), taken
/// whenever the scanner does not understand the text; tests run both on every fixture.
extension InventoryFiles {
    /// An aggregate of `aggregates.json`: its name and hosts.
    public struct AggregateHosts: Sendable, Hashable {
        public let name: String
        public let hosts: [String]

        public init(name: String, hosts: [String]) {
            self.name = name
            self.hosts = hosts
        }
    }

    /// A server of a host file, with the fields the started/stopped rule reads.
    public struct ServerRecord: Sendable, Hashable {
        public let id: String
        public let name: String
        public let status: String
        public let vmState: String?
        public let host: String?

        public init(id: String, name: String, status: String, vmState: String?, host: String?) {
            self.id = id
            self.name = name
            self.status = status
            self.vmState = vmState
            self.host = host
        }

        public var holdsResources: Bool { UsageRules.holdsResources(host: host, status: status, vmState: vmState) }
        public var change: ServerChange { ServerChange(id: id, name: name, host: host) }
    }

    /// What the history needs of a host file. The compute service and the NetBox device (the
    /// inputs of the placement rule besides the aggregates) are kept as their JSON text, decoded
    /// only when they changed.
    public struct HostRecord: Sendable, Hashable {
        public let name: String
        public let servers: [ServerRecord]
        /// The `service` value's JSON, nil when null or absent.
        public let serviceJSON: Data?
        /// The `device` value's JSON, nil when null or absent.
        public let deviceJSON: Data?

        public init(name: String, servers: [ServerRecord], serviceJSON: Data?, deviceJSON: Data?) {
            self.name = name
            self.servers = servers
            self.serviceJSON = serviceJSON
            self.deviceJSON = deviceJSON
        }

        /// The compute service and device, decoded.
        public func placementFacts() throws(InventoryError) -> (service: ComputeService?, device: NetBoxDevice?) {
            do {
                let service = try serviceJSON.map { try JSONDecoder().decode(ComputeService.self, from: $0) }
                let device = try deviceJSON.map { try JSONDecoder().decode(NetBoxDevice.self, from: $0) }
                return (service, device)
            } catch {
                throw InventoryError(path: "\(InventoryFiles.directory)/hosts/\(SafeFileName.encode(name)).json",
                                     message: "cannot be read: \(error)")
            }
        }
    }

    // MARK: aggregates.json

    /// The aggregates of an `aggregates.json`, in file order: the scanner, else `JSONDecoder`.
    public static func aggregateHosts(_ data: Data) throws(InventoryError) -> [AggregateHosts] {
        if let fast = scanAggregateHosts(data) { return fast }
        return try decodeAggregateHosts(data)
    }

    /// The fast path alone (nil when it does not understand the text).
    public static func scanAggregateHosts(_ data: Data) -> [AggregateHosts]? {
        data.withUnsafeBytes { raw -> [AggregateHosts]? in
            guard let base = raw.baseAddress?.assumingMemoryBound(to: UInt8.self) else { return nil }
            var scanner = JSONScanner(base: base, count: raw.count)
            var result: [AggregateHosts] = []
            var seen = false
            let ok = scanner.object { scanner, key in
                guard key.is("aggregates") else { return scanner.skipValue() }
                guard !seen else { return false }
                seen = true
                return scanner.array { scanner in
                    var name: String?
                    var hosts: [String] = []
                    let ok = scanner.object { scanner, key in
                        if key.is("name") {
                            guard name == nil else { return false }
                            name = scanner.string()
                            return name != nil
                        }
                        if key.is("hosts") {
                            return scanner.array { scanner in
                                guard let host = scanner.string() else { return false }
                                hosts.append(host)
                                return true
                            }
                        }
                        return scanner.skipValue()
                    }
                    guard ok, let name else { return false }
                    result.append(AggregateHosts(name: name, hosts: hosts))
                    return true
                }
            }
            scanner.skipWhitespace()
            return ok && seen && scanner.atEnd ? result : nil
        }
    }

    /// The fallback alone: the full `aggregates.json` document through `JSONDecoder`.
    public static func decodeAggregateHosts(_ data: Data) throws(InventoryError) -> [AggregateHosts] {
        do {
            return try JSONDecoder().decode(ListDocument<Aggregate>.self, from: data).items.map { AggregateHosts(name: $0.name, hosts: $0.hosts) }
        } catch {
            throw InventoryError(path: "\(directory)/aggregates.json", message: "cannot be read: \(error)")
        }
    }

    // MARK: host files

    /// A host file's record: the scanner, else `JSONDecoder`.
    public static func hostRecord(_ data: Data, path: String) throws(InventoryError) -> HostRecord {
        if let fast = scanHostRecord(data) { return fast }
        return try decodeHostRecord(data, path: path)
    }

    /// The fast path alone (nil when it does not understand the text).
    public static func scanHostRecord(_ data: Data) -> HostRecord? {
        data.withUnsafeBytes { raw -> HostRecord? in
            guard let base = raw.baseAddress?.assumingMemoryBound(to: UInt8.self) else { return nil }
            var scanner = JSONScanner(base: base, count: raw.count)
            var name: String?
            var servers: [ServerRecord]?
            var service: Data??
            var device: Data??
            /// A member's value as its JSON text (nil for null).
            func rawValue(_ scanner: inout JSONScanner) -> Data?? {
                guard let first = scanner.peek() else { return nil }
                if first == UInt8(ascii: "n") { return scanner.consumeLiteral("null") ? .some(nil) : nil }
                let start = scanner.index
                guard scanner.skipValue() else { return nil }
                return .some(Data(bytes: base + start, count: scanner.index - start))
            }
            let ok = scanner.object { scanner, key in
                if key.is("name") {
                    guard name == nil else { return false }
                    name = scanner.string()
                    return name != nil
                }
                if key.is("servers") {
                    guard servers == nil else { return false }
                    var list: [ServerRecord] = []
                    let ok = scanner.array { scanner in
                        var id: String?, serverName: String?, status: String?
                        var vmState: String??, host: String??
                        let ok = scanner.object { scanner, key in
                            if key.is("id") { guard id == nil else { return false }; id = scanner.string(); return id != nil }
                            if key.is("name") { guard serverName == nil else { return false }; serverName = scanner.string(); return serverName != nil }
                            if key.is("status") { guard status == nil else { return false }; status = scanner.string(); return status != nil }
                            if key.is("vm_state") { guard vmState == nil else { return false }; vmState = scanner.optionalString(); return vmState != nil }
                            if key.is("host") { guard host == nil else { return false }; host = scanner.optionalString(); return host != nil }
                            return scanner.skipValue()
                        }
                        guard ok, let id, let serverName, let status else { return false }
                        list.append(ServerRecord(id: id, name: serverName, status: status, vmState: vmState ?? nil, host: host ?? nil))
                        return true
                    }
                    servers = list
                    return ok
                }
                if key.is("service") {
                    guard service == nil, let value = rawValue(&scanner) else { return false }
                    service = value
                    return true
                }
                if key.is("device") {
                    guard device == nil, let value = rawValue(&scanner) else { return false }
                    device = value
                    return true
                }
                return scanner.skipValue()
            }
            scanner.skipWhitespace()
            guard ok, scanner.atEnd, let name, let servers else { return nil }
            return HostRecord(name: name, servers: servers, serviceJSON: service ?? nil, deviceJSON: device ?? nil)
        }
    }

    /// The fallback alone: the full host document through `JSONDecoder`; the service and the
    /// device are written back as JSON (compare them decoded, not as text).
    public static func decodeHostRecord(_ data: Data, path: String) throws(InventoryError) -> HostRecord {
        let document: HostDocument
        do {
            document = try JSONDecoder().decode(HostDocument.self, from: data)
        } catch {
            throw InventoryError(path: path, message: "cannot be read: \(error)")
        }
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys, .withoutEscapingSlashes]
        return HostRecord(
            name: document.name,
            servers: document.servers.map { ServerRecord(id: $0.id, name: $0.name, status: $0.status, vmState: $0.vmState, host: $0.host) },
            serviceJSON: document.service.flatMap { try? encoder.encode($0) },
            deviceJSON: document.device.flatMap { try? encoder.encode($0) })
    }

    /// The path of a host's file.
    public static func hostPath(_ name: String) -> String {
        "\(directory)/hosts/\(SafeFileName.encode(name)).json"
    }
}
