/// Text for a terminal: everything spotctl prints goes through `sanitized`, because host names,
/// VM names, tenants and service error texts come from the cloud, and a name holding an escape
/// sequence could recolour, rewrite or hide what an operator reads (or, on some terminals, set
/// the window title or write to the clipboard).
public enum TerminalText {
    /// The text with every control character shown visibly instead of acted upon: newlines and
    /// tabs stay; the other C0 controls and DEL become caret notation (`ESC` is `^[`, `CR` is
    /// `^M`, `DEL` is `^?`, as `cat -v` shows them); C1 controls (U+0080–U+009F, such as the
    /// one-character CSI U+009B) and the bidirectional overrides and isolates (U+202A–U+202E,
    /// U+2066–U+2069, which reorder what is shown) become `<U+XXXX>`. Text without any is
    /// returned as it is.
    public static func sanitized(_ text: String) -> String {
        guard text.unicodeScalars.contains(where: needsEscape) else { return text }
        var out = String.UnicodeScalarView()
        for scalar in text.unicodeScalars {
            guard needsEscape(scalar) else {
                out.append(scalar)
                continue
            }
            let value = scalar.value
            if value < 0x20 {
                out.append("^")
                out.append(Unicode.Scalar(UInt8(value + 0x40)))
            } else if value == 0x7F {
                out.append(contentsOf: "^?".unicodeScalars)
            } else {
                let hex = String(value, radix: 16, uppercase: true)
                out.append(contentsOf: ("<U+" + String(repeating: "0", count: max(0, 4 - hex.count)) + hex + ">").unicodeScalars)
            }
        }
        return String(out)
    }

    private static func needsEscape(_ scalar: Unicode.Scalar) -> Bool {
        switch scalar.value {
        case 0x0A, 0x09: return false
        case 0x00..<0x20, 0x7F, 0x80...0x9F: return true
        case 0x202A...0x202E, 0x2066...0x2069: return true
        default: return false
        }
    }
}
