public import Foundation

/// The simulated services, by the path prefix each is served under.
public enum SimulatorService: String, Sendable, CaseIterable {
    case keystone
    case nova
    case neutron
    case netbox
    case hyperstack

    public static let names = allCases.map(\.rawValue)

    /// The first path segment the service is served under.
    public var prefix: String {
        switch self {
        case .keystone: return "identity"
        case .nova: return "compute"
        case .neutron: return "network"
        case .netbox: return "netbox"
        case .hyperstack: return "hyperstack"
        }
    }

    init?(prefix: String) {
        guard let service = SimulatorService.allCases.first(where: { $0.prefix == prefix }) else { return nil }
        self = service
    }
}

/// A request as the service handlers see it.
public struct SimRequest: Sendable {
    public let method: String
    /// The full path, percent-decoded per segment (`/compute/v2.1/servers/detail`).
    public let path: String
    /// The path exactly as the client sent it (trailing slash and percent-encoding kept).
    public let rawPath: String
    /// The path's segments after the service prefix (`["v2.1", "servers", "detail"]`).
    public let segments: [String]
    /// Query parameters in order; repeated keys repeat.
    public let query: [(String, String)]
    /// Header names lower-cased.
    public let headers: [String: String]
    public let body: Data
    /// The base URL the client used (`http://127.0.0.1:PORT`), for links.
    public let baseURL: String
    /// The raw query string, for links that echo it.
    public let rawQuery: String?

    public func header(_ name: String) -> String? { headers[name.lowercased()] }

    /// The first value of a query parameter.
    public func query(_ name: String) -> String? { query.first { $0.0 == name }?.1 }

    /// Every value of a repeated query parameter.
    public func queryAll(_ name: String) -> [String] { query.filter { $0.0 == name }.map(\.1) }

    public func hasQuery(_ name: String) -> Bool { query.contains { $0.0 == name } }

    /// The body as JSON, or nil when it is empty or not JSON.
    public var json: JSON? { body.isEmpty ? nil : try? JSON.parse(body) }
}

/// A response from a service handler.
public struct SimResponse: Sendable {
    public var status: Int
    public var headers: [(String, String)]
    public var body: Data

    public init(status: Int, headers: [(String, String)] = [], body: Data = Data()) {
        self.status = status
        self.headers = headers
        self.body = body
    }

    public static func json(_ status: Int, _ value: JSON, headers: [(String, String)] = []) -> SimResponse {
        SimResponse(status: status, headers: [("Content-Type", "application/json")] + headers, body: value.data)
    }

    public static func empty(_ status: Int, headers: [(String, String)] = []) -> SimResponse {
        SimResponse(status: status, headers: headers)
    }
}

/// A simulated service: answers requests under its prefix and knows its own error format.
public protocol ServiceHandler: Sendable {
    var service: SimulatorService { get }
    func handle(_ request: SimRequest, state: CloudState) async -> SimResponse
    /// An error in the service's own format.
    func error(status: Int, message: String) -> SimResponse
    /// An injected fault's answer: the service's error, with `Retry-After` when given.
    func fault(status: Int, message: String, retryAfter: Int?) -> SimResponse
}

extension ServiceHandler {
    public func fault(status: Int, message: String, retryAfter: Int?) -> SimResponse {
        var response = error(status: status, message: message)
        if let retryAfter { response.headers.append(("Retry-After", String(retryAfter))) }
        return response
    }
}

/// Reason phrases for the statuses the simulator uses.
enum HTTPStatusText {
    static func text(_ status: Int) -> String {
        switch status {
        case 200: return "OK"
        case 201: return "Created"
        case 202: return "Accepted"
        case 204: return "No Content"
        case 300: return "Multiple Choices"
        case 400: return "Bad Request"
        case 401: return "Unauthorized"
        case 403: return "Forbidden"
        case 404: return "Not Found"
        case 405: return "Method Not Allowed"
        case 406: return "Not Acceptable"
        case 409: return "Conflict"
        case 412: return "Precondition Failed"
        case 421: return "Misdirected Request"
        case 429: return "Too Many Requests"
        case 500: return "Internal Server Error"
        case 502: return "Bad Gateway"
        case 503: return "Service Unavailable"
        case 504: return "Gateway Timeout"
        default: return "Error"
        }
    }
}

/// Query-string parsing with percent-decoding and `+` as space.
enum QueryString {
    static func parse(_ query: String?) -> [(String, String)] {
        guard let query, !query.isEmpty else { return [] }
        return query.split(separator: "&", omittingEmptySubsequences: true).map { pair in
            let parts = pair.split(separator: "=", maxSplits: 1, omittingEmptySubsequences: false)
            let key = decode(String(parts[0]))
            let value = parts.count > 1 ? decode(String(parts[1])) : ""
            return (key, value)
        }
    }

    static func decode(_ text: String) -> String {
        let spaced = text.replacingOccurrences(of: "+", with: " ")
        return spaced.removingPercentEncoding ?? spaced
    }

    /// Percent-encodes a query value.
    static func encode(_ text: String) -> String {
        var allowed = CharacterSet.alphanumerics
        allowed.insert(charactersIn: "-._~")
        return text.addingPercentEncoding(withAllowedCharacters: allowed) ?? text
    }
}
