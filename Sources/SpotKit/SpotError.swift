/// An error for people: what happened, where (a file and line, a host, a change file, a request),
/// and what to do.
///
/// `abort` is the user's input or the world being wrong (a clean message, no stack); `bug` is an
/// invariant that broke (say so and ask for a report). Errors are values: commands that find
/// several problems (plan, apply, config check) collect them in `SpotErrors`, print them all,
/// and the executable decides the exit status once (`SpotErrors.exitCode`).
public struct SpotError: Error, Sendable, Hashable, CustomStringConvertible {
    public enum Kind: Sendable, Hashable {
        case abort
        case bug
    }

    /// Where an error is: any of a file position, a host, a change file and a request.
    public struct Location: Sendable, Hashable, CustomStringConvertible {
        public var file: String?
        public var line: Int?
        public var column: Int?
        public var host: String?
        public var change: String?
        public var request: String?

        public init(file: String? = nil, line: Int? = nil, column: Int? = nil, host: String? = nil,
                    change: String? = nil, request: String? = nil) {
            self.file = file
            self.line = line
            self.column = column
            self.host = host
            self.change = change
            self.request = request
        }

        public var isEmpty: Bool { self == Location() }

        /// `file:line:column`, then `host H`, `change C`, `request R`, joined by commas.
        public var description: String {
            var parts: [String] = []
            if let file {
                var position = file
                if let line {
                    position += ":\(line)"
                    if let column { position += ":\(column)" }
                }
                parts.append(position)
            }
            if let change, change != file { parts.append("change \(change)") }
            if let host { parts.append("host \(host)") }
            if let request { parts.append("request \(request)") }
            return parts.joined(separator: ", ")
        }
    }

    public let kind: Kind
    public let message: String
    /// What to do about it, when there is something to do.
    public let hint: String?
    /// The process exit status this error ends a command with.
    public let exitCode: Int32
    public let location: Location

    public init(_ message: String, hint: String? = nil, exitCode: Int32 = 1, at location: Location = Location()) {
        self.kind = .abort
        self.message = message
        self.hint = hint
        self.exitCode = exitCode
        self.location = location
    }

    public static func bug(_ message: String, at location: Location = Location()) -> SpotError {
        SpotError(kind: .bug, message: message, hint: "this is a bug in spotctl; please report it with the command you ran",
                  exitCode: 70, location: location)
    }

    private init(kind: Kind, message: String, hint: String?, exitCode: Int32, location: Location) {
        self.kind = kind
        self.message = message
        self.hint = hint
        self.exitCode = exitCode
        self.location = location
    }

    public var description: String {
        var text = (kind == .bug ? "internal error: " : "error: ")
        if !location.isEmpty { text += location.description + ": " }
        text += message
        if let hint { text += "\n  hint: " + hint }
        return text
    }
}

/// Several errors of one run, printed together with one exit status.
public struct SpotErrors: Error, Sendable, Hashable, CustomStringConvertible {
    public var errors: [SpotError]

    public init(_ errors: [SpotError]) {
        self.errors = errors
    }

    /// The status the run ends with: a bug (70) over a refusal (3) over a failure (1); the
    /// first error's own status otherwise.
    public var exitCode: Int32 {
        let codes = Set(errors.map(\.exitCode))
        for code: Int32 in [70, 1, 3] where codes.contains(code) { return code }
        return errors.first?.exitCode ?? 0
    }

    public var description: String {
        errors.map(\.description).joined(separator: "\n")
    }
}
