import Foundation
import SpotSupport

/// The one way the executable prints. Host names, VM names, tenants and service error texts come
/// from the cloud: every line goes through `TerminalText.sanitized`, so an escape sequence in a
/// name is shown (`^[[31m`), never acted upon by the terminal.
enum Output {
    /// A line (or text) on standard output.
    static func out(_ text: String, terminator: String = "\n") {
        FileHandle.standardOutput.write(Data((TerminalText.sanitized(text) + terminator).utf8))
    }

    /// A line (or text) on standard error.
    static func err(_ text: String, terminator: String = "\n") {
        FileHandle.standardError.write(Data((TerminalText.sanitized(text) + terminator).utf8))
    }
}
