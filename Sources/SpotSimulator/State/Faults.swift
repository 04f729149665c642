import Foundation

/// A fault to inject: for the requests it matches (by service, method and path prefix), added
/// latency, an error status (500, 503, 429 with `Retry-After`, …), a dropped connection, or a
/// body that trickles in a byte at a time; for the next `remaining` requests, or always when
/// `remaining` is nil. With `after`, the service handles the request first (a POST creates what
/// it creates) and the fault then replaces or delays its answer: the change is made, the answer
/// is lost, as when a proxy times out behind a service that did the work.
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
    /// Send the answer's headers at once and its body one byte every `trickleMS` milliseconds.
    public var trickleMS: Int?
    /// Apply the fault after the service has handled the request (its effect stays).
    public var after: Bool
    /// Strip the paging parameters (`marker`, `limit`, `offset`, `page`, `cursor`, `start`) from the
    /// answer's next links (NetBox `next`, Nova and Neutron `*_links`): a broken proxy or service.
    public var stripPaging: Bool
    /// Add this to NetBox's `count` (a count that disagrees with the devices listed).
    public var countOffset: Int?
    /// How many more requests the rule applies to; nil means always.
    public var remaining: Int?
    /// The message of the fault's error body (in the service's format) instead of
    /// `Simulated fault: <reason>`: Nova's "Cannot 'attach_interface' instance X while it is in
    /// vm_state building" 409, for instance.
    public var message: String?
    /// A whole answer body to send instead of the service's (with `status`, or 200): a malformed
    /// or truncated answer, such as a firewall without its `attachments`.
    public var body: String?

    public init(id: Int = 0, service: String? = nil, method: String? = nil, path: String? = nil, latencyMS: Int? = nil,
                status: Int? = nil, retryAfter: Int? = nil, drop: Bool = false, trickleMS: Int? = nil, after: Bool = false,
                stripPaging: Bool = false, countOffset: Int? = nil, remaining: Int? = nil, message: String? = nil, body: String? = nil) {
        self.id = id
        self.service = service
        self.method = method
        self.path = path
        self.latencyMS = latencyMS
        self.status = status
        self.retryAfter = retryAfter
        self.drop = drop
        self.trickleMS = trickleMS
        self.after = after
        self.stripPaging = stripPaging
        self.countOffset = countOffset
        self.remaining = remaining
        self.message = message
        self.body = body
    }

    func matches(service: String, method: String, path: String) -> Bool {
        if let wanted = self.service, wanted != service { return false }
        if let wanted = self.method, wanted.uppercased() != method.uppercased() { return false }
        if let prefix = self.path, !path.hasPrefix(prefix) { return false }
        return true
    }

    enum CodingKeys: String, CodingKey {
        case id, service, method, path, status, drop, remaining, after, message, body
        case latencyMS = "latency_ms"
        case retryAfter = "retry_after"
        case trickleMS = "trickle_ms"
        case stripPaging = "strip_paging"
        case countOffset = "count_offset"
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
        trickleMS = try c.decodeIfPresent(Int.self, forKey: .trickleMS)
        after = try c.decodeIfPresent(Bool.self, forKey: .after) ?? false
        stripPaging = try c.decodeIfPresent(Bool.self, forKey: .stripPaging) ?? false
        countOffset = try c.decodeIfPresent(Int.self, forKey: .countOffset)
        remaining = try c.decodeIfPresent(Int.self, forKey: .remaining)
        message = try c.decodeIfPresent(String.self, forKey: .message)
        body = try c.decodeIfPresent(String.self, forKey: .body)
    }

    /// Parses the command-line form `service[:path]=action[,action…][xN]`, where an action is
    /// `latency=MS`, `status=CODE`, `retry-after=S`, `drop`, `trickle=MS`, `after`, `strip-paging` or
    /// `count-offset=N`; e.g. `nova:/compute/v2.1/servers=status=503x2`,
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
            case ("after", _) where parts.count == 1: rule.after = true
            case ("strip-paging", _) where parts.count == 1: rule.stripPaging = true
            case ("count-offset", let value?): rule.countOffset = value
            case ("trickle", let value?): rule.trickleMS = value
            case ("latency", let value?): rule.latencyMS = value
            case ("status", let value?): rule.status = value
            case ("retry-after", let value?): rule.retryAfter = value
            default: throw FaultParseError(text: text, reason: "unknown action \(action); use latency=MS, status=CODE, retry-after=S, drop, trickle=MS, after, strip-paging or count-offset=N")
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

extension FaultRule {
    static let pagingParameters: Set<String> = ["marker", "limit", "offset", "page", "page_size", "pageSize", "cursor", "start"]

    /// A JSON answer with its next links stripped of paging parameters and NetBox's `count`
    /// moved, as the rules say; other answers unchanged.
    static func mangle(_ response: SimResponse, stripPaging: Bool, countOffset: Int?) -> SimResponse {
        guard stripPaging || countOffset != nil, let json = try? JSON.parse(response.body), case .object(var pairs) = json else {
            return response
        }
        func strip(_ url: String) -> String {
            guard var components = URLComponents(string: url) else { return url }
            let kept = (components.queryItems ?? []).filter { !pagingParameters.contains($0.name) }
            components.queryItems = kept.isEmpty ? nil : kept
            return components.string ?? url
        }
        for index in pairs.indices {
            let (key, value) = pairs[index]
            if stripPaging, key == "next", case .string(let url) = value {
                pairs[index].1 = .string(strip(url))
            } else if stripPaging, key.hasSuffix("_links"), case .array(let links) = value {
                pairs[index].1 = .array(links.map { link in
                    guard case .object(var fields) = link else { return link }
                    for f in fields.indices where fields[f].0 == "href" {
                        if case .string(let href) = fields[f].1 { fields[f].1 = .string(strip(href)) }
                    }
                    return .object(fields)
                })
            } else if let countOffset, key == "count", case .int(let count) = value {
                pairs[index].1 = .int(count + countOffset)
            }
        }
        var mangled = response
        mangled.body = JSON.object(pairs).data
        return mangled
    }
}
