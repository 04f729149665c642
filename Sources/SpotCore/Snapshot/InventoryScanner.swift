/// Reads the few fields the history needs out of inventory files without decoding the rest: the
/// aggregates' names and hosts from `aggregates.json`, a host file's name and its servers' ids and
/// names. A small JSON scanner that materialises only those strings; any other value is skipped
/// by its syntax. It answers nil for text it does not understand, and callers then fall back to
/// `JSONDecoder` (a history of 200 snapshots of 2,000 hosts holds some 40 MB of such files).
public enum InventoryScanner {
    public struct AggregateHosts: Sendable, Hashable {
        public let name: String
        public let hosts: [String]

        public init(name: String, hosts: [String]) {
            self.name = name
            self.hosts = hosts
        }
    }

    public struct HostServers: Sendable, Hashable {
        public struct Server: Sendable, Hashable {
            public let id: String
            public let name: String

            public init(id: String, name: String) {
                self.id = id
                self.name = name
            }
        }
        public let name: String
        public let servers: [Server]

        public init(name: String, servers: [Server]) {
            self.name = name
            self.servers = servers
        }
    }

    /// The aggregates of an `aggregates.json`, in file order.
    public static func aggregates(_ bytes: [UInt8]) -> [AggregateHosts]? {
        var scanner = JSONScanner(bytes)
        var result: [AggregateHosts] = []
        let ok = scanner.object { key, scanner in
            guard key == "aggregates" else { return scanner.skipValue() }
            return scanner.array { scanner in
                var name: String?
                var hosts: [String] = []
                let ok = scanner.object { key, scanner in
                    switch key {
                    case "name": name = scanner.string(); return name != nil
                    case "hosts":
                        return scanner.array { scanner in
                            guard let host = scanner.string() else { return false }
                            hosts.append(host)
                            return true
                        }
                    default: return scanner.skipValue()
                    }
                }
                guard ok, let name else { return false }
                result.append(AggregateHosts(name: name, hosts: hosts))
                return true
            }
        }
        return ok && scanner.atEnd ? result : nil
    }

    /// A host file's name and servers.
    public static func host(_ bytes: [UInt8]) -> HostServers? {
        var scanner = JSONScanner(bytes)
        var name: String?
        var servers: [HostServers.Server] = []
        let ok = scanner.object { key, scanner in
            switch key {
            case "name": name = scanner.string(); return name != nil
            case "servers":
                return scanner.array { scanner in
                    var id: String?
                    var serverName: String?
                    let ok = scanner.object { key, scanner in
                        switch key {
                        case "id": id = scanner.string(); return id != nil
                        case "name": serverName = scanner.string(); return serverName != nil
                        default: return scanner.skipValue()
                        }
                    }
                    guard ok, let id, let serverName else { return false }
                    servers.append(HostServers.Server(id: id, name: serverName))
                    return true
                }
            default: return scanner.skipValue()
            }
        }
        guard ok, scanner.atEnd, let name else { return nil }
        return HostServers(name: name, servers: servers)
    }
}

/// A forward-only JSON reader over UTF-8 bytes (RFC 8259 syntax).
struct JSONScanner {
    let bytes: [UInt8]
    var index = 0

    init(_ bytes: [UInt8]) {
        self.bytes = bytes
    }

    var atEnd: Bool {
        mutating get {
            skipSpace()
            return index == bytes.count
        }
    }

    mutating func skipSpace() {
        while index < bytes.count, bytes[index] == 0x20 || bytes[index] == 0x0A || bytes[index] == 0x0D || bytes[index] == 0x09 {
            index += 1
        }
    }

    mutating func consume(_ byte: UInt8) -> Bool {
        skipSpace()
        guard index < bytes.count, bytes[index] == byte else { return false }
        index += 1
        return true
    }

    /// An object: `member` reads each value (it must consume it) and answers false to stop with an error.
    mutating func object(_ member: (String, inout JSONScanner) -> Bool) -> Bool {
        guard consume(0x7B) else { return false }
        if consume(0x7D) { return true }
        repeat {
            guard let key = string(), consume(0x3A), member(key, &self) else { return false }
        } while consume(0x2C)
        return consume(0x7D)
    }

    mutating func array(_ element: (inout JSONScanner) -> Bool) -> Bool {
        guard consume(0x5B) else { return false }
        if consume(0x5D) { return true }
        repeat {
            guard element(&self) else { return false }
        } while consume(0x2C)
        return consume(0x5D)
    }

    mutating func string() -> String? {
        guard consume(0x22) else { return nil }
        let start = index
        // The common case: no escapes, taken as one slice.
        while index < bytes.count, bytes[index] != 0x22, bytes[index] != 0x5C {
            guard bytes[index] >= 0x20 else { return nil }
            index += 1
        }
        guard index < bytes.count else { return nil }
        if bytes[index] == 0x22 {
            defer { index += 1 }
            return String(decoding: bytes[start..<index], as: UTF8.self)
        }
        var out = Array(bytes[start..<index])
        while index < bytes.count {
            let byte = bytes[index]
            index += 1
            switch byte {
            case 0x22:
                return String(decoding: out, as: UTF8.self)
            case 0x5C:
                guard index < bytes.count else { return nil }
                let escape = bytes[index]
                index += 1
                switch escape {
                case 0x22, 0x5C, 0x2F: out.append(escape)
                case 0x62: out.append(0x08)
                case 0x66: out.append(0x0C)
                case 0x6E: out.append(0x0A)
                case 0x72: out.append(0x0D)
                case 0x74: out.append(0x09)
                case 0x75:
                    guard var scalar = hex4() else { return nil }
                    if (0xD800..<0xDC00).contains(scalar) {
                        guard index + 1 < bytes.count, bytes[index] == 0x5C, bytes[index + 1] == 0x75 else { return nil }
                        index += 2
                        guard let low = hex4(), (0xDC00..<0xE000).contains(low) else { return nil }
                        scalar = 0x10000 + ((scalar - 0xD800) << 10) + (low - 0xDC00)
                    }
                    guard let unicode = Unicode.Scalar(scalar) else { return nil }
                    out.append(contentsOf: Array(String(Character(unicode)).utf8))
                default:
                    return nil
                }
            default:
                guard byte >= 0x20 else { return nil }
                out.append(byte)
            }
        }
        return nil
    }

    mutating func hex4() -> UInt32? {
        guard index + 4 <= bytes.count else { return nil }
        var value: UInt32 = 0
        for byte in bytes[index..<index + 4] {
            let digit: UInt32
            switch byte {
            case 0x30...0x39: digit = UInt32(byte - 0x30)
            case 0x41...0x46: digit = UInt32(byte - 0x41 + 10)
            case 0x61...0x66: digit = UInt32(byte - 0x61 + 10)
            default: return nil
            }
            value = value * 16 + digit
        }
        index += 4
        return value
    }

    mutating func skipValue() -> Bool {
        skipSpace()
        guard index < bytes.count else { return false }
        switch bytes[index] {
        case 0x7B: return object { _, scanner in scanner.skipValue() }
        case 0x5B: return array { scanner in scanner.skipValue() }
        case 0x22: return string() != nil
        default:
            // A number or a literal (true, false, null): up to the next delimiter.
            let start = index
            while index < bytes.count, !Self.delimiters.contains(bytes[index]) { index += 1 }
            let token = bytes[start..<index]
            if token.elementsEqual("true".utf8) || token.elementsEqual("false".utf8) || token.elementsEqual("null".utf8) { return true }
            guard let first = token.first, first == 0x2D || (0x30...0x39).contains(first) else { return false }
            return token.allSatisfy { (0x30...0x39).contains($0) || $0 == 0x2D || $0 == 0x2B || $0 == 0x2E || $0 == 0x65 || $0 == 0x45 }
        }
    }

    static let delimiters: Set<UInt8> = [0x2C, 0x7D, 0x5D, 0x20, 0x0A, 0x0D, 0x09]
}
