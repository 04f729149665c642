/// Finding one thing by exact name or id: "not found" and "several found" are different errors,
/// and a request that failed is a third (never read as "not found").
public enum LookupError: Error, Equatable, Sendable, CustomStringConvertible {
    /// Nothing has exactly this name or id. `request` is the method, path and query asked.
    case notFound(service: String, request: String, what: String)
    /// Several have exactly this name: the caller must use an id.
    case several(service: String, request: String, what: String, ids: [String])
    /// The request failed (already redacted).
    case failed(ClientError)

    public var description: String {
        switch self {
        case .notFound(let service, let request, let what):
            return "\(service) \(request): no \(what) (exact match); check the name or use the id"
        case .several(let service, let request, let what, let ids):
            return "\(service) \(request): \(ids.count) found for \(what) (exact match): \(ids.joined(separator: ", ")); use the id instead"
        case .failed(let error):
            return error.description
        }
    }

    public var isNotFound: Bool {
        if case .notFound = self { return true }
        return false
    }

    public var isSeveral: Bool {
        if case .several = self { return true }
        return false
    }
}
