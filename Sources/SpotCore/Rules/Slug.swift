/// NetBox-style slugs, so that a tag's display form (`NVIDIA L40`) and its slug (`nvidia-l40`)
/// compare equal: lower case, every run of other characters than letters and digits becomes `-`.
public enum Slug {
    public static func make(_ text: String) -> String {
        makeASCII(text) ?? makeUnicode(text)
    }

    /// `make` for any text, scalar by scalar.
    static func makeUnicode(_ text: String) -> String {
        var result = ""
        var pendingDash = false
        for scalar in text.unicodeScalars {
            let isWord = scalar.properties.isAlphabetic || ("0"..."9").contains(scalar)
            if isWord {
                if pendingDash, !result.isEmpty { result.append("-") }
                pendingDash = false
                result.unicodeScalars.append(contentsOf: String(scalar).lowercased().unicodeScalars)
            } else {
                pendingDash = true
            }
        }
        return result
    }

    /// `make` for an all-ASCII text, byte by byte (the rules read tags and roles of every device
    /// of every snapshot, so this runs a few hundred thousand times); nil for any other text.
    static func makeASCII(_ text: String) -> String? {
        var text = text
        return text.withUTF8 { bytes -> String? in
            var result: [UInt8] = []
            result.reserveCapacity(bytes.count)
            var pendingDash = false
            for byte in bytes {
                guard byte < 0x80 else { return nil }
                let lower = byte >= 0x41 && byte <= 0x5A ? byte + 0x20 : byte
                if (lower >= 0x61 && lower <= 0x7A) || (lower >= 0x30 && lower <= 0x39) {
                    if pendingDash, !result.isEmpty { result.append(0x2D) }
                    pendingDash = false
                    result.append(lower)
                } else {
                    pendingDash = true
                }
            }
            return String(decoding: result, as: UTF8.self)
        }
    }

    /// Whether two names denote the same thing in NetBox's eyes (name or slug, any case).
    public static func same(_ a: String, _ b: String) -> Bool {
        make(a) == make(b)
    }
}
