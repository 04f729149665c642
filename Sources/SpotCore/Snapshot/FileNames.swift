import SpotSupport

/// Cloud-supplied names as file names: every character outside `A-Z a-z 0-9 . _ -` is
/// percent-encoded (UTF-8 bytes, upper-case hex), and so is a leading dot, so that a host name can
/// never traverse paths, hide a file, or collide with another host's file.
///
/// A name whose encoding is longer than `maximumLength` bytes (some 25 CJK characters are enough:
/// each takes 9 bytes encoded, and file systems allow 255 per name) gets a bounded name instead:
/// the encoding of its first characters, cut between two characters and at most
/// `maximumLength - 65` bytes, then `~` and the SHA-256 of the whole name's UTF-8 bytes in 64
/// lower-case hex digits: at most `maximumLength` bytes in all. `~` never appears in a plain
/// encoding (it is percent-encoded there), so a bounded name cannot equal a plain one, and two
/// long names that share their first characters still differ by their hash. Such a file name
/// does not give the name back (`decode` returns nil); the file's content holds the name. The
/// same names are used for the inventory's host files, the site's host and type pages and the
/// static API, so a link between them never needs the name decoded.
public enum SafeFileName {
    /// The longest file name `encode` returns, in bytes (an extension such as `.json` comes on top).
    public static let maximumLength = 200
    /// The separator between a long name's prefix and its hash.
    public static let hashSeparator: Character = "~"
    private static let hashLength = 64

    public static func encode(_ name: String) -> String {
        let plain = percentEncoded(name, limit: Int.max)
        guard plain.utf8.count > maximumLength else { return plain }
        let prefix = percentEncoded(name, limit: maximumLength - hashLength - 1)
        return prefix + String(hashSeparator) + SHA256.hex(name.utf8)
    }

    /// Whether `encode` shortened this name (its file name ends in a hash, not the whole name).
    public static func isBounded(_ name: String) -> Bool {
        percentEncoded(name, limit: Int.max).utf8.count > maximumLength
    }

    /// The percent-encoding of the name's characters, whole characters only, up to `limit` bytes.
    private static func percentEncoded(_ name: String, limit: Int) -> String {
        var out: [UInt8] = []
        out.reserveCapacity(name.utf8.count)
        if limit == Int.max {
            // The whole name: byte by byte, no need to find where characters end.
            for (index, byte) in name.utf8.enumerated() { append(byte, at: index, to: &out) }
            return out.isEmpty ? "%00" : String(decoding: out, as: UTF8.self)
        }
        var index = 0
        var piece: [UInt8] = []
        for character in name {
            piece.removeAll(keepingCapacity: true)
            for byte in character.utf8 {
                append(byte, at: index, to: &piece)
                index += 1
            }
            if out.count + piece.count > limit { break }
            out += piece
        }
        return String(decoding: out, as: UTF8.self)
    }

    /// One byte of a name, at byte offset `index`, as it appears in a file name.
    private static func append(_ byte: UInt8, at index: Int, to out: inout [UInt8]) {
        let isSafe = (byte >= 0x41 && byte <= 0x5A) || (byte >= 0x61 && byte <= 0x7A) || (byte >= 0x30 && byte <= 0x39)
            || byte == 0x5F || byte == 0x2D || (byte == 0x2E && index > 0)
        if isSafe {
            out.append(byte)
        } else {
            out.append(0x25)
            out.append(hexDigit(byte >> 4))
            out.append(hexDigit(byte & 0x0F))
        }
    }

    private static func hexDigit(_ value: UInt8) -> UInt8 {
        value < 10 ? 0x30 + value : 0x41 + value - 10
    }

    /// The name a file name stands for; nil when it is not one `encode` writes, and nil for a
    /// bounded name (ending in `~` and a hash): read the name from the file's content instead.
    public static func decode(_ fileName: String) -> String? {
        var bytes: [UInt8] = []
        var iterator = Array(fileName.utf8).makeIterator()
        while let byte = iterator.next() {
            if byte == 0x25 {
                guard let high = iterator.next(), let low = iterator.next(),
                      let value = UInt8(String(decoding: [high, low], as: UTF8.self), radix: 16) else { return nil }
                bytes.append(value)
            } else {
                bytes.append(byte)
            }
        }
        if bytes == [0] { return "" }
        let name = String(decoding: bytes, as: UTF8.self)
        return encode(name) == fileName ? name : nil
    }

    /// The first two different names that `encode` gives the same file name, if any (only a
    /// SHA-256 collision between two long names could do it): writers refuse rather than let one
    /// file replace the other.
    public static func collision(among names: some Sequence<String>) -> (String, String)? {
        var seen: [String: String] = [:]
        for name in names {
            let file = encode(name)
            if let other = seen[file], other != name { return (other, name) }
            seen[file] = name
        }
        return nil
    }
}
