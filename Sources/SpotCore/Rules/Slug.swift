/// NetBox-style slugs, so that a tag's display form (`NVIDIA L40`) and its slug (`nvidia-l40`)
/// compare equal: lower case, every run of other characters than letters and digits becomes `-`.
public enum Slug {
    public static func make(_ text: String) -> String {
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

    /// Whether two names denote the same thing in NetBox's eyes (name or slug, any case).
    public static func same(_ a: String, _ b: String) -> Bool {
        make(a) == make(b)
    }
}
