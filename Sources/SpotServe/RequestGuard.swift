import Foundation
import SpotClients

/// The checks every request passes before it reaches a route: the `Host` (DNS rebinding), the
/// bearer token when one is configured, and for a POST the content type and the `Origin` (no
/// cross-site POST from a browser tab).
struct RequestGuard: Sendable {
    /// The port serve listens on (the `Host` and `Origin` name it).
    let port: Int
    /// Host names besides the loopback ones (`--allow-host`), lower-case, without a port.
    let names: [String]
    /// The bearer token every request must carry, when configured.
    let token: Secret?

    /// The loopback names a `Host` may carry.
    static let loopback = ["localhost", "127.0.0.1", "[::1]"]

    /// Splits `name:port` (`[v6]:port` too); the port is nil when absent.
    static func split(_ authority: String) -> (name: String, port: Int?)? {
        let text = authority.trimmingCharacters(in: .whitespaces).lowercased()
        guard !text.isEmpty else { return nil }
        if text.hasPrefix("[") {
            guard let close = text.firstIndex(of: "]") else { return nil }
            let name = String(text[...close])
            let rest = text[text.index(after: close)...]
            if rest.isEmpty { return (name, nil) }
            guard rest.hasPrefix(":"), let port = Int(rest.dropFirst()) else { return nil }
            return (name, port)
        }
        let parts = text.split(separator: ":", omittingEmptySubsequences: false)
        switch parts.count {
        case 1: return (text, nil)
        case 2:
            guard let port = Int(parts[1]) else { return nil }
            return (String(parts[0]), port)
        default: return nil
        }
    }

    /// Whether a `Host` names this server: a loopback name with the served port, or a configured
    /// name (with the served port or none).
    func acceptsHost(_ value: String?) -> Bool {
        guard let value, let (name, port) = Self.split(value) else { return false }
        if Self.loopback.contains(name) { return port == self.port }
        if names.contains(name) { return port == nil || port == self.port }
        return false
    }

    /// The origins a browser page served here has.
    var origins: Set<String> {
        var set = Set(Self.loopback.map { "http://\($0):\(port)" })
        for name in names {
            set.insert("http://\(name):\(port)")
            set.insert("https://\(name)")
            set.insert("http://\(name)")
        }
        return set
    }

    /// nil when the request may go on; otherwise the refusal.
    func check(_ request: ServeRequest) -> ServeResponse? {
        guard acceptsHost(request.header("host")) else {
            let allowed = (Self.loopback.map { "\($0):\(port)" } + names).joined(separator: ", ")
            return .error(421, "this server answers only to \(allowed); the request's Host was \(request.header("host").map { "\"\($0)\"" } ?? "missing")",
                          details: ["hint": "use http://127.0.0.1:\(port)/, or start serve with --allow-host NAME for a name that points here"])
        }
        if let token {
            let given = request.header("authorization") ?? ""
            let expected = "Bearer " + token.reveal
            guard Self.constantTimeEqual(given, expected) else {
                return .error(401, given.isEmpty ? "this server needs a bearer token: send Authorization: Bearer <token>"
                                                 : "the bearer token is not the one this server was started with",
                              details: ["hint": "the token is the value of the variable serve was started with (--token-env)"],
                              headers: [("WWW-Authenticate", "Bearer realm=\"spotctl\"")])
            }
        }
        if request.method == "POST" {
            if let origin = request.header("origin") {
                guard origins.contains(origin.lowercased()) else {
                    return .error(403, "a POST from the page at \(origin) is refused: only pages served here may post",
                                  details: ["hint": "call the API from a script or from this server's own pages"])
                }
            }
            if !request.body.isEmpty {
                let type = (request.header("content-type") ?? "").split(separator: ";").first.map { $0.trimmingCharacters(in: .whitespaces).lowercased() }
                guard type == "application/json" else {
                    return .error(415, "a POST body must be JSON with Content-Type: application/json (got \(request.header("content-type").map { "\"\($0)\"" } ?? "none"))",
                                  details: ["hint": "add -H 'Content-Type: application/json'"])
                }
            }
        }
        return nil
    }

    static func constantTimeEqual(_ a: String, _ b: String) -> Bool {
        let x = Array(a.utf8), y = Array(b.utf8)
        var difference = UInt8(x.count == y.count ? 0 : 1)
        for index in 0..<max(x.count, y.count) {
            difference |= (index < x.count ? x[index] : 0) ^ (index < y.count ? y[index] : 0)
        }
        return difference == 0
    }
}
