import Foundation

/// A fast reader for the one large answer of a snapshot: a page of `/servers/detail`.
///
/// JSONDecoder builds every field of every server (about 45 per server, 1,000 servers a page)
/// before the allow-list drops most of them, which is slow on Linux. This scanner walks the bytes
/// once and keeps only the allow-listed fields of `ServerWire`, skipping the rest without building
/// them. It handles the ordinary shape only: on anything unusual (invalid JSON, a field of an
/// unexpected type, a repeated key, a number or a list among the extra specs) it returns nil and
/// the caller decodes the page with JSONDecoder, which gives the same result or the same error.
enum ServerListDecoder {
    static func decode(_ data: Data) -> (servers: [ServerWire], links: [PageLink]?)? {
        data.withUnsafeBytes { raw -> (servers: [ServerWire], links: [PageLink]?)? in
            guard let base = raw.baseAddress?.assumingMemoryBound(to: UInt8.self) else { return nil }
            var scanner = JSONScanner(base: base, count: raw.count)
            guard let page = scanner.serverPage() else { return nil }
            scanner.skipWhitespace()
            return scanner.atEnd ? page : nil
        }
    }
}

extension ServerListDecoder {
    /// The `next` href of the page's `servers_links`, read from the last `"servers_links"` key in
    /// the text (Nova writes it after the servers) without decoding the servers; nil when it
    /// cannot be seen that way. A guess: the caller checks it against the decoded page.
    static func peekNextLink(_ data: Data) -> String? {
        let key = Array(#""servers_links""#.utf8)
        return data.withUnsafeBytes { raw -> String? in
            guard let base = raw.baseAddress?.assumingMemoryBound(to: UInt8.self), raw.count > key.count else { return nil }
            var start = raw.count - key.count
            while start > 0 {
                if base[start] == key[0], memcmp(base + start, key, key.count) == 0 { break }
                start -= 1
            }
            // The key must follow `{` or `,` (not sit inside a string).
            var before = start - 1
            while before >= 0, [0x20, 0x0A, 0x0D, 0x09].contains(base[before]) { before -= 1 }
            guard start > 0, before >= 0, base[before] == UInt8(ascii: ",") || base[before] == UInt8(ascii: "{") else { return nil }
            var scanner = JSONScanner(base: base, count: raw.count)
            scanner.index = start
            guard scanner.key() != nil else { return nil }
            var next: String?
            guard scanner.array({ scanner in
                guard let link = scanner.pageLink() else { return false }
                if next == nil, link.rel == "next" { next = link.href }
                return true
            }) else { return nil }
            return next
        }
    }
}

/// A forward-only JSON scanner over UTF-8 bytes. Every method returns nil (or false) on anything
/// it does not accept; the position is then meaningless.
struct JSONScanner {
    let base: UnsafePointer<UInt8>
    let count: Int
    var index = 0

    init(base: UnsafePointer<UInt8>, count: Int) {
        self.base = base
        self.count = count
    }

    var atEnd: Bool { index >= count }

    mutating func skipWhitespace() {
        while index < count {
            switch base[index] {
            case 0x20, 0x0A, 0x0D, 0x09: index += 1
            default: return
            }
        }
    }

    /// The next byte after whitespace, not consumed.
    mutating func peek() -> UInt8? {
        skipWhitespace()
        return index < count ? base[index] : nil
    }

    mutating func consume(_ byte: UInt8) -> Bool {
        guard peek() == byte else { return false }
        index += 1
        return true
    }

    mutating func consumeLiteral(_ text: StaticString) -> Bool {
        let length = text.utf8CodeUnitCount
        guard index + length <= count else { return false }
        let bytes = text.utf8Start
        for offset in 0..<length where base[index + offset] != bytes[offset] { return false }
        index += length
        return true
    }

    // MARK: strings

    /// The raw bytes of a string's contents (between the quotes) when it has no escapes and is
    /// ASCII, else nil with `escaped` set; the index is left after the closing quote.
    private mutating func rawString() -> (start: Int, end: Int, plain: Bool)? {
        guard consume(UInt8(ascii: "\"")) else { return nil }
        let start = index
        var plain = true
        while index < count {
            let byte = base[index]
            if byte == UInt8(ascii: "\"") {
                index += 1
                return (start, index - 1, plain)
            }
            if byte == UInt8(ascii: "\\") {
                plain = false
                index += 1
                guard index < count else { return nil }
                switch base[index] {
                case UInt8(ascii: "\""), UInt8(ascii: "\\"), UInt8(ascii: "/"), UInt8(ascii: "b"), UInt8(ascii: "f"),
                     UInt8(ascii: "n"), UInt8(ascii: "r"), UInt8(ascii: "t"):
                    index += 1
                case UInt8(ascii: "u"):
                    guard index + 4 < count else { return nil }
                    for offset in 1...4 where Self.hexValue(base[index + offset]) == nil { return nil }
                    index += 5
                default:
                    return nil
                }
                continue
            }
            if byte < 0x20 { return nil }
            if byte >= 0x80 { plain = false }
            index += 1
        }
        return nil
    }

    private static func hexValue(_ byte: UInt8) -> UInt16? {
        switch byte {
        case UInt8(ascii: "0")...UInt8(ascii: "9"): return UInt16(byte - UInt8(ascii: "0"))
        case UInt8(ascii: "a")...UInt8(ascii: "f"): return UInt16(byte - UInt8(ascii: "a") + 10)
        case UInt8(ascii: "A")...UInt8(ascii: "F"): return UInt16(byte - UInt8(ascii: "A") + 10)
        default: return nil
        }
    }

    /// A string value, unescaped. Nil on invalid UTF-8 or an unpaired surrogate escape.
    mutating func string() -> String? {
        guard let (start, end, plain) = rawString() else { return nil }
        let bytes = UnsafeBufferPointer(start: base + start, count: end - start)
        if plain { return String(decoding: bytes, as: UTF8.self) }
        return Self.unescape(bytes)
    }

    private static func unescape(_ bytes: UnsafeBufferPointer<UInt8>) -> String? {
        var out: [UInt8] = []
        out.reserveCapacity(bytes.count)
        var i = 0
        func hex4(_ at: Int) -> UInt16 {
            var value: UInt16 = 0
            for offset in 0..<4 { value = value << 4 | hexValue(bytes[at + offset])! }
            return value
        }
        func append(_ scalar: Unicode.Scalar) {
            out.append(contentsOf: UTF8.encode(scalar)!)
        }
        while i < bytes.count {
            let byte = bytes[i]
            guard byte == UInt8(ascii: "\\") else {
                out.append(byte)
                i += 1
                continue
            }
            let kind = bytes[i + 1]
            i += 2
            switch kind {
            case UInt8(ascii: "b"): out.append(0x08)
            case UInt8(ascii: "f"): out.append(0x0C)
            case UInt8(ascii: "n"): out.append(0x0A)
            case UInt8(ascii: "r"): out.append(0x0D)
            case UInt8(ascii: "t"): out.append(0x09)
            case UInt8(ascii: "u"):
                let unit = hex4(i)
                i += 4
                if (0xD800..<0xDC00).contains(unit) {
                    // A high surrogate must be followed by an escaped low surrogate.
                    guard i + 6 <= bytes.count, bytes[i] == UInt8(ascii: "\\"), bytes[i + 1] == UInt8(ascii: "u") else { return nil }
                    let low = hex4(i + 2)
                    guard (0xDC00..<0xE000).contains(low) else { return nil }
                    i += 6
                    let value = 0x10000 + ((UInt32(unit) - 0xD800) << 10) + (UInt32(low) - 0xDC00)
                    guard let scalar = Unicode.Scalar(value) else { return nil }
                    append(scalar)
                } else {
                    guard let scalar = Unicode.Scalar(UInt32(unit)) else { return nil }
                    append(scalar)
                }
            default: out.append(kind)  // \" \\ \/
            }
        }
        return String(validating: out, as: UTF8.self)
    }

    /// A key, compared with `name` without building a string when it has no escapes.
    mutating func key() -> KeyText? {
        guard let (start, end, plain) = rawString(), consume(UInt8(ascii: ":")) else { return nil }
        if plain { return KeyText(base: base + start, count: end - start, text: nil) }
        guard let text = Self.unescape(UnsafeBufferPointer(start: base + start, count: end - start)) else { return nil }
        return KeyText(base: nil, count: 0, text: text)
    }

    struct KeyText {
        let base: UnsafePointer<UInt8>?
        let count: Int
        let text: String?

        func `is`(_ name: StaticString) -> Bool {
            if let text { return text == name.description }
            guard count == name.utf8CodeUnitCount, let base else { return false }
            return memcmp(base, name.utf8Start, count) == 0
        }
    }

    // MARK: values

    /// An optional string: a string, or null (nil inside the optional). Nil on any other type.
    mutating func optionalString() -> String?? {
        if peek() == UInt8(ascii: "n") { return consumeLiteral("null") ? .some(nil) : nil }
        guard let text = string() else { return nil }
        return .some(text)
    }

    /// An integer written as plain digits (`-?[0-9]+`, no leading zero), as text.
    mutating func plainInteger() -> String? {
        skipWhitespace()
        let start = index
        if index < count, base[index] == UInt8(ascii: "-") { index += 1 }
        let digits = index
        while index < count, base[index] >= UInt8(ascii: "0"), base[index] <= UInt8(ascii: "9") { index += 1 }
        guard index > digits, index - digits <= 18 else { return nil }
        if base[digits] == UInt8(ascii: "0"), index - digits > 1 { return nil }
        if index < count, [UInt8(ascii: "."), UInt8(ascii: "e"), UInt8(ascii: "E")].contains(base[index]) { return nil }
        guard let value = Int(String(decoding: UnsafeBufferPointer(start: base + start, count: index - start), as: UTF8.self)) else {
            return nil
        }
        return String(value)
    }

    /// Skips any JSON value, checking its syntax.
    mutating func skipValue(depth: Int = 0) -> Bool {
        guard depth < 512, let byte = peek() else { return false }
        switch byte {
        case UInt8(ascii: "\""):
            guard let (start, end, plain) = rawString() else { return false }
            if plain { return true }
            return Self.unescape(UnsafeBufferPointer(start: base + start, count: end - start)) != nil
        case UInt8(ascii: "{"):
            index += 1
            if consume(UInt8(ascii: "}")) { return true }
            repeat {
                guard key() != nil, skipValue(depth: depth + 1) else { return false }
            } while consume(UInt8(ascii: ","))
            return consume(UInt8(ascii: "}"))
        case UInt8(ascii: "["):
            index += 1
            if consume(UInt8(ascii: "]")) { return true }
            repeat {
                guard skipValue(depth: depth + 1) else { return false }
            } while consume(UInt8(ascii: ","))
            return consume(UInt8(ascii: "]"))
        case UInt8(ascii: "t"): return consumeLiteral("true")
        case UInt8(ascii: "f"): return consumeLiteral("false")
        case UInt8(ascii: "n"): return consumeLiteral("null")
        default: return skipNumber()
        }
    }

    private mutating func skipNumber() -> Bool {
        func digits() -> Bool {
            let start = index
            while index < count, base[index] >= UInt8(ascii: "0"), base[index] <= UInt8(ascii: "9") { index += 1 }
            return index > start
        }
        if index < count, base[index] == UInt8(ascii: "-") { index += 1 }
        let integer = index
        guard digits() else { return false }
        if base[integer] == UInt8(ascii: "0"), index - integer > 1 { return false }
        if index < count, base[index] == UInt8(ascii: ".") {
            index += 1
            guard digits() else { return false }
        }
        if index < count, base[index] == UInt8(ascii: "e") || base[index] == UInt8(ascii: "E") {
            index += 1
            if index < count, base[index] == UInt8(ascii: "+") || base[index] == UInt8(ascii: "-") { index += 1 }
            guard digits() else { return false }
        }
        return true
    }

    /// Walks the members of an object, calling `member` with each key (the value is next); nil
    /// when `member` returns false or the object is malformed. `null` is not an object here.
    mutating func object(_ member: (inout JSONScanner, KeyText) -> Bool) -> Bool {
        guard consume(UInt8(ascii: "{")) else { return false }
        if consume(UInt8(ascii: "}")) { return true }
        repeat {
            guard let key = key(), member(&self, key) else { return false }
        } while consume(UInt8(ascii: ","))
        return consume(UInt8(ascii: "}"))
    }

    mutating func array(_ element: (inout JSONScanner) -> Bool) -> Bool {
        guard consume(UInt8(ascii: "[")) else { return false }
        if consume(UInt8(ascii: "]")) { return true }
        repeat {
            guard element(&self) else { return false }
        } while consume(UInt8(ascii: ","))
        return consume(UInt8(ascii: "]"))
    }

    // MARK: the server list

    mutating func serverPage() -> (servers: [ServerWire], links: [PageLink]?)? {
        var servers: [ServerWire]?
        var links: [PageLink]?
        var seenLinks = false
        let ok = object { scanner, key in
            if key.is("servers") {
                guard servers == nil else { return false }
                var list: [ServerWire] = []
                list.reserveCapacity(1024)
                guard scanner.array({ scanner in
                    guard let server = scanner.server() else { return false }
                    list.append(server)
                    return true
                }) else { return false }
                servers = list
                return true
            }
            if key.is("servers_links") {
                guard !seenLinks else { return false }
                seenLinks = true
                if scanner.peek() == UInt8(ascii: "n") { return scanner.consumeLiteral("null") }
                var list: [PageLink] = []
                guard scanner.array({ scanner in
                    guard let link = scanner.pageLink() else { return false }
                    list.append(link)
                    return true
                }) else { return false }
                links = list
                return true
            }
            return scanner.skipValue()
        }
        guard ok, let servers else { return nil }
        return (servers, links)
    }

    mutating func pageLink() -> PageLink? {
        var rel: String??
        var href: String??
        let ok = object { scanner, key in
            if key.is("rel") {
                guard rel == nil, let value = scanner.optionalString() else { return false }
                rel = value
                return true
            }
            if key.is("href") {
                guard href == nil, let value = scanner.optionalString() else { return false }
                href = value
                return true
            }
            return scanner.skipValue()
        }
        guard ok else { return nil }
        return PageLink(rel: rel ?? nil, href: href ?? nil)
    }

    mutating func server() -> ServerWire? {
        var id: String?
        var name: String??, status: String??, vmState: String??, host: String??, tenantID: String??
        var projectID: String??, userID: String??, created: String??, zone: String??
        var flavor: ServerWire.FlavorRef??
        func field(_ slot: inout String??, _ scanner: inout JSONScanner) -> Bool {
            guard slot == nil, let value = scanner.optionalString() else { return false }
            slot = value
            return true
        }
        let ok = object { scanner, key in
            if key.is("id") {
                guard id == nil, let value = scanner.string() else { return false }
                id = value
                return true
            }
            if key.is("name") { return field(&name, &scanner) }
            if key.is("status") { return field(&status, &scanner) }
            if key.is("OS-EXT-STS:vm_state") { return field(&vmState, &scanner) }
            if key.is("OS-EXT-SRV-ATTR:host") { return field(&host, &scanner) }
            if key.is("tenant_id") { return field(&tenantID, &scanner) }
            if key.is("project_id") { return field(&projectID, &scanner) }
            if key.is("user_id") { return field(&userID, &scanner) }
            if key.is("created") { return field(&created, &scanner) }
            if key.is("OS-EXT-AZ:availability_zone") { return field(&zone, &scanner) }
            if key.is("flavor") {
                guard flavor == nil else { return false }
                if scanner.peek() == UInt8(ascii: "n") {
                    guard scanner.consumeLiteral("null") else { return false }
                    flavor = .some(nil)
                    return true
                }
                guard let value = scanner.flavorRef() else { return false }
                flavor = .some(value)
                return true
            }
            return scanner.skipValue()
        }
        guard ok, let id else { return nil }
        return ServerWire(id: id, name: name ?? nil, status: status ?? nil, vmState: vmState ?? nil, host: host ?? nil,
                          tenantID: tenantID ?? nil, projectID: projectID ?? nil, userID: userID ?? nil,
                          flavor: flavor ?? nil, created: created ?? nil, availabilityZone: zone ?? nil)
    }

    mutating func flavorRef() -> ServerWire.FlavorRef? {
        var id: FlexibleID??
        var originalName: String??
        var specs: LenientStringMap??
        let ok = object { scanner, key in
            if key.is("id") {
                guard id == nil, let byte = scanner.peek() else { return false }
                switch byte {
                case UInt8(ascii: "n"):
                    guard scanner.consumeLiteral("null") else { return false }
                    id = .some(nil)
                case UInt8(ascii: "\""):
                    guard let text = scanner.string() else { return false }
                    id = .some(FlexibleID(value: text))
                default:
                    guard let text = scanner.plainInteger() else { return false }
                    id = .some(FlexibleID(value: text))
                }
                return true
            }
            if key.is("original_name") {
                guard originalName == nil, let value = scanner.optionalString() else { return false }
                originalName = value
                return true
            }
            if key.is("extra_specs") {
                guard specs == nil else { return false }
                if scanner.peek() == UInt8(ascii: "n") {
                    guard scanner.consumeLiteral("null") else { return false }
                    specs = .some(nil)
                    return true
                }
                guard let map = scanner.stringMap() else { return false }
                specs = .some(map)
                return true
            }
            return scanner.skipValue()
        }
        guard ok else { return nil }
        return ServerWire.FlavorRef(id: id ?? nil, originalName: originalName ?? nil, extraSpecs: specs ?? nil)
    }

    /// Extra specs whose values are strings, booleans or null (null values dropped), as
    /// `LenientStringMap` keeps them. Numbers, lists and objects are left to JSONDecoder.
    mutating func stringMap() -> LenientStringMap? {
        var values: [String: String] = [:]
        var keys = Set<String>()
        let ok = object { scanner, key in
            let name: String
            if let text = key.text {
                name = text
            } else {
                name = String(decoding: UnsafeBufferPointer(start: key.base!, count: key.count), as: UTF8.self)
            }
            guard keys.insert(name).inserted, let byte = scanner.peek() else { return false }
            switch byte {
            case UInt8(ascii: "\""):
                guard let text = scanner.string() else { return false }
                values[name] = text
            case UInt8(ascii: "t"):
                guard scanner.consumeLiteral("true") else { return false }
                values[name] = "true"
            case UInt8(ascii: "f"):
                guard scanner.consumeLiteral("false") else { return false }
                values[name] = "false"
            case UInt8(ascii: "n"):
                return scanner.consumeLiteral("null")
            default:
                return false
            }
            return true
        }
        return ok ? LenientStringMap(values: values) : nil
    }
}
