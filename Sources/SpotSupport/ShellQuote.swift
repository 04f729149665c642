import Foundation

/// Quotes a value for a POSIX shell when it needs quoting: a value of safe characters stays as it
/// is; anything else is put in single quotes, a single quote written as `'\''`. Commands printed by
/// `plan`, written to the command log and printed by `simulate` all go through it, so that they can
/// be pasted even when a name holds spaces or quotes.
public func shellQuote(_ value: String) -> String {
    let safe = !value.isEmpty && value.unicodeScalars.allSatisfy {
        CharacterSet.alphanumerics.contains($0) && $0.isASCII || "-_./:=@%+,".unicodeScalars.contains($0)
    }
    return safe ? value : "'" + value.replacingOccurrences(of: "'", with: "'\\''") + "'"
}
