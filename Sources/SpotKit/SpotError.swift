/// An error for people: what happened, to which file, host or request, and what to do.
///
/// `abort` is the user's input or the world being wrong (a clean message, no stack); `bug` is an
/// invariant that broke (say so and ask for a report).
public struct SpotError: Error, Sendable, Hashable, CustomStringConvertible {
    public enum Kind: Sendable, Hashable {
        case abort
        case bug
    }

    public let kind: Kind
    public let message: String
    /// What to do about it, when there is something to do.
    public let hint: String?
    /// The process exit status this error ends a command with.
    public let exitCode: Int32

    public init(_ message: String, hint: String? = nil, exitCode: Int32 = 1) {
        self.kind = .abort
        self.message = message
        self.hint = hint
        self.exitCode = exitCode
    }

    public static func bug(_ message: String) -> SpotError {
        SpotError(kind: .bug, message: message, hint: "this is a bug in spotctl; please report it with the command you ran", exitCode: 70)
    }

    private init(kind: Kind, message: String, hint: String?, exitCode: Int32) {
        self.kind = kind
        self.message = message
        self.hint = hint
        self.exitCode = exitCode
    }

    public var description: String {
        var text = (kind == .bug ? "internal error: " : "error: ") + message
        if let hint { text += "\n  hint: " + hint }
        return text
    }
}
