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

/// The words of a command line as a POSIX shell splits them (blanks between words, single quotes,
/// double quotes and backslashes), so that a name `shellQuote` quoted reads back as itself:
/// `shellWords("openstack aggregate add host L40 'gpu 1'")` ends with `gpu 1`.
public func shellWords(_ line: String) -> [String] {
    var words: [String] = []
    var word = ""
    var inWord = false
    var quote: Character?
    var escaped = false
    for character in line {
        if escaped {
            word.append(character)
            escaped = false
            continue
        }
        switch quote {
        case "'"?:
            if character == "'" { quote = nil } else { word.append(character) }
        case "\""?:
            if character == "\"" { quote = nil } else if character == "\\" { escaped = true } else { word.append(character) }
        default:
            if character == " " || character == "\t" || character == "\n" {
                if inWord { words.append(word) }
                word = ""
                inWord = false
            } else {
                inWord = true
                if character == "'" || character == "\"" {
                    quote = character
                } else if character == "\\" {
                    escaped = true
                } else {
                    word.append(character)
                }
            }
        }
    }
    if inWord { words.append(word) }
    return words
}
