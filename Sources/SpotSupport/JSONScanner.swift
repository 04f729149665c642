/// A forward-only JSON scanner over UTF-8 bytes. Every method returns nil (or false) on anything
/// it does not accept; the position is then meaningless.
public struct JSONScanner {
    public let base: UnsafePointer<UInt8>
    public let count: Int
    public var index = 0

    @inlinable
    public init(base: UnsafePointer<UInt8>, count: Int) {
        self.base = base
        self.count = count
    }

    @inlinable
    public var atEnd: Bool { index >= count }

    @inlinable
    public mutating func skipWhitespace() {
        while index < count {
            switch base[index] {
            case 0x20, 0x0A, 0x0D, 0x09: index += 1
            default: return
            }
        }
    }

    /// The next byte after whitespace, not consumed.
    @inlinable
    public mutating func peek() -> UInt8? {
        skipWhitespace()
        return index < count ? base[index] : nil
    }

    @inlinable
    public mutating func consume(_ byte: UInt8) -> Bool {
        guard peek() == byte else { return false }
        index += 1
        return true
    }

    @inlinable
    public mutating func consumeLiteral(_ text: StaticString) -> Bool {
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
    @inlinable
    @usableFromInline mutating func rawString() -> (start: Int, end: Int, plain: Bool)? {
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

    @inlinable
    @usableFromInline static func hexValue(_ byte: UInt8) -> UInt16? {
        switch byte {
        case UInt8(ascii: "0")...UInt8(ascii: "9"): return UInt16(byte - UInt8(ascii: "0"))
        case UInt8(ascii: "a")...UInt8(ascii: "f"): return UInt16(byte - UInt8(ascii: "a") + 10)
        case UInt8(ascii: "A")...UInt8(ascii: "F"): return UInt16(byte - UInt8(ascii: "A") + 10)
        default: return nil
        }
    }

    /// A string value, unescaped. Nil on invalid UTF-8 or an unpaired surrogate escape.
    @inlinable
    public mutating func string() -> String? {
        guard let (start, end, plain) = rawString() else { return nil }
        let bytes = UnsafeBufferPointer(start: base + start, count: end - start)
        if plain { return String(decoding: bytes, as: UTF8.self) }
        return Self.unescape(bytes)
    }

    @inlinable
    @usableFromInline static func unescape(_ bytes: UnsafeBufferPointer<UInt8>) -> String? {
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
    @inlinable
    public mutating func key() -> KeyText? {
        guard let (start, end, plain) = rawString(), consume(UInt8(ascii: ":")) else { return nil }
        if plain { return KeyText(base: base + start, count: end - start, text: nil) }
        guard let text = Self.unescape(UnsafeBufferPointer(start: base + start, count: end - start)) else { return nil }
        return KeyText(base: nil, count: 0, text: text)
    }

    public struct KeyText {
        public let base: UnsafePointer<UInt8>?
        public let count: Int
        public let text: String?

        @inlinable
        public init(base: UnsafePointer<UInt8>?, count: Int, text: String?) {
            self.base = base
            self.count = count
            self.text = text
        }

        @inlinable
        public func `is`(_ name: StaticString) -> Bool {
            if let text { return text == name.description }
            guard count == name.utf8CodeUnitCount, let base else { return false }
            let expected = name.utf8Start
            for offset in 0..<count where base[offset] != expected[offset] { return false }
            return true
        }
    }

    // MARK: values

    /// An optional string: a string, or null (nil inside the optional). Nil on any other type.
    @inlinable
    public mutating func optionalString() -> String?? {
        if peek() == UInt8(ascii: "n") { return consumeLiteral("null") ? .some(nil) : nil }
        guard let text = string() else { return nil }
        return .some(text)
    }

    /// An integer written as plain digits (`-?[0-9]+`, no leading zero), as text.
    @inlinable
    public mutating func plainInteger() -> String? {
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
    @inlinable
    public mutating func skipValue(depth: Int = 0) -> Bool {
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

    @inlinable
    @usableFromInline mutating func skipNumber() -> Bool {
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
    @inlinable
    public mutating func object(_ member: (inout JSONScanner, KeyText) -> Bool) -> Bool {
        guard consume(UInt8(ascii: "{")) else { return false }
        if consume(UInt8(ascii: "}")) { return true }
        repeat {
            guard let key = key(), member(&self, key) else { return false }
        } while consume(UInt8(ascii: ","))
        return consume(UInt8(ascii: "}"))
    }

    @inlinable
    public mutating func array(_ element: (inout JSONScanner) -> Bool) -> Bool {
        guard consume(UInt8(ascii: "[")) else { return false }
        if consume(UInt8(ascii: "]")) { return true }
        repeat {
            guard element(&self) else { return false }
        } while consume(UInt8(ascii: ","))
        return consume(UInt8(ascii: "]"))
    }

}
