/// A secret value (password, token, API key). It prints as `***` so that it cannot reach a log,
/// an error or a plan by accident; `reveal` is for the one place that sends it.
public struct Secret: Sendable, Hashable, CustomStringConvertible, CustomDebugStringConvertible {
    private let value: String

    public init(_ value: String) {
        self.value = value
    }

    /// The value, for the request that needs it. Never print it.
    public var reveal: String { value }

    public var isEmpty: Bool { value.isEmpty }

    public var description: String { "***" }
    public var debugDescription: String { "Secret(***)" }

    /// The masked form SPEC section 10 allows for API keys (never for passwords).
    public var maskedAPIKey: String {
        guard value.count >= 24 else { return "***_KEY" }
        return "\(value.prefix(4))***\(value.suffix(4))"
    }
}
