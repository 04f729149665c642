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

extension Output {
    /// Whether standard output is a terminal that wants colour (not with `NO_COLOR`, not in CI).
    static func wantsColour(environment: [String: String]) -> Bool {
        isatty(STDOUT_FILENO) == 1 && environment["NO_COLOR"] == nil && environment["CI"] == nil && environment["TERM"] != "dumb"
    }

    /// A text plan on a terminal, coloured after it was sanitized (so the only escape sequences
    /// are the ones added here): errors red, warnings yellow, steps to run green, skipped steps dim.
    static func outColouredPlan(_ text: String) {
        let red = "\u{1B}[31m", yellow = "\u{1B}[33m", green = "\u{1B}[32m", dim = "\u{1B}[2m", reset = "\u{1B}[0m"
        let lines = TerminalText.sanitized(text).split(separator: "\n", omittingEmptySubsequences: false).map { line -> String in
            let trimmed = line.drop { $0 == " " }
            if trimmed.hasPrefix("run ") || trimmed.hasPrefix("move ") { return green + line + reset }
            if trimmed.hasPrefix("skip ") || trimmed.hasPrefix("in place ") { return dim + line + reset }
            if trimmed.hasPrefix("invalid ") || line.contains(": error: ") { return red + line + reset }
            if line.contains(": warning: ") { return yellow + line + reset }
            return String(line)
        }
        FileHandle.standardOutput.write(Data(lines.joined(separator: "\n").utf8))
    }
}
