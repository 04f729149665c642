/// A fault to inject: for the requests it matches (by service, method and path prefix), added
/// latency, an error status (500, 503, 429 with `Retry-After`, …), or a dropped connection; for
/// the next `remaining` requests, or always when `remaining` is nil.
public struct FaultRule: Codable, Sendable, Hashable {
    public var id: Int
    /// `keystone`, `nova`, `neutron`, `netbox`, `hyperstack`, or nil for every service.
    public var service: String?
    public var method: String?
    /// A path prefix such as `/compute/v2.1/servers`; nil for every path.
    public var path: String?
    /// Milliseconds added before answering (a value above a client's timeout makes it time out).
    public var latencyMS: Int?
    /// The status to answer with, in the service's own error format.
    public var status: Int?
    /// Seconds for the `Retry-After` header (429 and 503).
    public var retryAfter: Int?
    /// Close the connection without answering.
    public var drop: Bool
    /// How many more requests the rule applies to; nil means always.
    public var remaining: Int?

    public init(id: Int = 0, service: String? = nil, method: String? = nil, path: String? = nil, latencyMS: Int? = nil,
                status: Int? = nil, retryAfter: Int? = nil, drop: Bool = false, remaining: Int? = nil) {
        self.id = id
        self.service = service
        self.method = method
        self.path = path
        self.latencyMS = latencyMS
        self.status = status
        self.retryAfter = retryAfter
        self.drop = drop
        self.remaining = remaining
    }

    func matches(service: String, method: String, path: String) -> Bool {
        if let wanted = self.service, wanted != service { return false }
        if let wanted = self.method, wanted.uppercased() != method.uppercased() { return false }
        if let prefix = self.path, !path.hasPrefix(prefix) { return false }
        return true
    }

    enum CodingKeys: String, CodingKey {
        case id, service, method, path, status, drop, remaining
        case latencyMS = "latency_ms"
        case retryAfter = "retry_after"
    }

    public init(from decoder: any Decoder) throws {
        let c = try decoder.container(keyedBy: CodingKeys.self)
        id = try c.decodeIfPresent(Int.self, forKey: .id) ?? 0
        service = try c.decodeIfPresent(String.self, forKey: .service)
        method = try c.decodeIfPresent(String.self, forKey: .method)
        path = try c.decodeIfPresent(String.self, forKey: .path)
        latencyMS = try c.decodeIfPresent(Int.self, forKey: .latencyMS)
        status = try c.decodeIfPresent(Int.self, forKey: .status)
        retryAfter = try c.decodeIfPresent(Int.self, forKey: .retryAfter)
        drop = try c.decodeIfPresent(Bool.self, forKey: .drop) ?? false
        remaining = try c.decodeIfPresent(Int.self, forKey: .remaining)
    }

    /// Parses the command-line form `service[:path]=action[,action…][xN]`, where an action is
    /// `latency=MS`, `status=CODE`, `retry-after=S` or `drop`; e.g. `nova:/compute/v2.1/servers=status=503x2`,
    /// `netbox=latency=20`, `hyperstack=status=429,retry-after=1x1`, `*=drop`.
    public static func parse(_ text: String) throws(FaultParseError) -> FaultRule {
        guard let equals = text.firstIndex(of: "=") else { throw FaultParseError(text: text, reason: "expected SERVICE[:PATH]=ACTION") }
        let target = String(text[..<equals])
        var actions = String(text[text.index(after: equals)...])
        var rule = FaultRule()
        if let colon = target.firstIndex(of: ":") {
            let service = String(target[..<colon])
            rule.service = service == "*" ? nil : service
            rule.path = String(target[target.index(after: colon)...])
        } else {
            rule.service = target == "*" ? nil : target
        }
        if let service = rule.service, !SimulatorService.names.contains(service) {
            throw FaultParseError(text: text, reason: "unknown service \(service); known: \(SimulatorService.names.joined(separator: ", ")) or *")
        }
        if let x = actions.lastIndex(of: "x"), let count = Int(actions[actions.index(after: x)...]) {
            rule.remaining = count
            actions = String(actions[..<x])
        }
        for action in actions.split(separator: ",") {
            let parts = action.split(separator: "=", maxSplits: 1).map(String.init)
            switch (parts.first ?? "", parts.count == 2 ? Int(parts[1]) : nil) {
            case ("drop", _) where parts.count == 1: rule.drop = true
            case ("latency", let value?): rule.latencyMS = value
            case ("status", let value?): rule.status = value
            case ("retry-after", let value?): rule.retryAfter = value
            default: throw FaultParseError(text: text, reason: "unknown action \(action); use latency=MS, status=CODE, retry-after=S or drop")
            }
        }
        return rule
    }
}

public struct FaultParseError: Error, Sendable, CustomStringConvertible {
    public let text: String
    public let reason: String
    public var description: String { "invalid fault \"\(text)\": \(reason)" }
}
