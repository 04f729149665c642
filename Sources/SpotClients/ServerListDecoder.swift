import Foundation
import SpotSupport

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

extension JSONScanner {
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
        var addresses: ServerWire.NetworkNames??
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
            if key.is("addresses") {
                guard addresses == nil else { return false }
                if scanner.peek() == UInt8(ascii: "n") {
                    guard scanner.consumeLiteral("null") else { return false }
                    addresses = .some(nil)
                    return true
                }
                guard let names = scanner.objectKeys() else { return false }
                addresses = .some(ServerWire.NetworkNames(names: names))
                return true
            }
            return scanner.skipValue()
        }
        guard ok, let id else { return nil }
        return ServerWire(id: id, name: name ?? nil, status: status ?? nil, vmState: vmState ?? nil, host: host ?? nil,
                          tenantID: tenantID ?? nil, projectID: projectID ?? nil, userID: userID ?? nil,
                          flavor: flavor ?? nil, created: created ?? nil, availabilityZone: zone ?? nil,
                          addresses: addresses ?? nil)
    }

    /// The keys of an object, sorted, its values skipped; nil on a repeated key (JSONDecoder's
    /// rules for those are left to it).
    mutating func objectKeys() -> [String]? {
        var keys = Set<String>()
        let ok = object { scanner, key in
            let name: String
            if let text = key.text {
                name = text
            } else {
                name = String(decoding: UnsafeBufferPointer(start: key.base!, count: key.count), as: UTF8.self)
            }
            guard keys.insert(name).inserted else { return false }
            return scanner.skipValue()
        }
        return ok ? keys.sorted() : nil
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
