public import Foundation

/// Which command-log entries `spotctl log` shows: every filter given must match.
public struct CommandLogFilter: Sendable, Hashable {
    /// A host the command names (`CommandLogEntry.mentions(host:)`).
    public var host: String?
    /// A change file: its path in the repository (`changes/2026-12-02-spot.yaml`), its path once
    /// applied (`changes/applied/…`) or its name alone (`2026-12-02-spot.yaml`).
    public var change: String?
    public var status: CommandLogEntry.Status?

    public init(host: String? = nil, change: String? = nil, status: CommandLogEntry.Status? = nil) {
        self.host = host
        self.change = change
        self.status = status
    }

    public var isEmpty: Bool { host == nil && change == nil && status == nil }

    public func matches(_ entry: CommandLogEntry) -> Bool {
        if let status, entry.status != status { return false }
        if let host, !entry.mentions(host: host) { return false }
        if let change {
            guard let logged = entry.change else { return false }
            if Self.name(of: logged) != Self.name(of: change) { return false }
        }
        return true
    }

    /// A change file's name: the last part of its path (a file keeps its name when it moves to
    /// `changes/applied/`).
    static func name(of path: String) -> String {
        String(path.split(separator: "/", omittingEmptySubsequences: false).last ?? Substring(path))
    }

    /// `--host gpu-1 --status error`, for messages.
    public var description: String {
        var parts: [String] = []
        if let host { parts.append("--host \(host)") }
        if let change { parts.append("--change \(change)") }
        if let status { parts.append("--status \(status.rawValue)") }
        return parts.joined(separator: " ")
    }
}

/// How `spotctl log` prints entries: one line per entry (text), or a JSON array of entries in the
/// log's own encoding (sorted keys). Pure: it returns text.
public enum CommandLogFormat {
    /// One line per entry, oldest first, each ending in a newline:
    ///
    ///     2026-12-02T10:00:01Z  success  0.4s  ada  changes/a.yaml step 1  openstack aggregate add host L40-n3-spot gpu-1  => 0: added
    ///
    /// Fields are separated by two spaces; a missing change reads `-`; the output's line breaks
    /// are written as `\n`, so an entry is always one line.
    public static func text(_ entries: [CommandLogEntry]) -> String {
        entries.map { line($0) + "\n" }.joined()
    }

    public static func line(_ entry: CommandLogEntry) -> String {
        var fields = [entry.timestamp, entry.status.rawValue, entry.executionTime, entry.user]
        switch (entry.change, entry.step) {
        case let (change?, step?): fields.append("\(change) step \(step)")
        case let (change?, nil): fields.append(change)
        case let (nil, step?): fields.append("step \(step)")
        case (nil, nil): fields.append("-")
        }
        fields.append(oneLine(entry.command))
        var line = fields.joined(separator: "  ")
        if entry.returnCode != nil || entry.output != nil {
            line += "  =>"
            if let code = entry.returnCode { line += " \(code)" }
            if let output = entry.output, !output.isEmpty { line += (entry.returnCode == nil ? " " : ": ") + oneLine(output) }
        }
        return line
    }

    /// Line breaks written as `\n` (and a carriage return as `\r`), backslashes as `\\`.
    static func oneLine(_ text: String) -> String {
        guard text.contains(where: { $0 == "\n" || $0 == "\r" || $0 == "\r\n" || $0 == "\\" }) else { return text }
        var out = ""
        for scalar in text.unicodeScalars {
            switch scalar {
            case "\n": out += "\\n"
            case "\r": out += "\\r"
            case "\\": out += "\\\\"
            default: out.unicodeScalars.append(scalar)
            }
        }
        return out
    }

    /// A JSON array of the entries (the log's encoding: `execution_time`, `return_code`, …),
    /// pretty-printed with sorted keys and a final newline; `[]` when there are none.
    public static func json(_ entries: [CommandLogEntry]) -> String {
        guard !entries.isEmpty else { return "[]\n" }
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.prettyPrinted, .sortedKeys, .withoutEscapingSlashes]
        guard let data = try? encoder.encode(entries) else { return "[]\n" }
        return String(decoding: data, as: UTF8.self) + "\n"
    }
}
