import Foundation

/// Where a snapshot's facts came from: the endpoint of each source, with no secret (no user,
/// token or key). Recorded in `inventory/snapshot.json`, so that a snapshot taken against a
/// different cloud (a wrong `OS_CLOUD`, a staging region, a simulator's variables left in the
/// shell) is noticed before it replaces the facts of this one.
public struct SourceEndpoints: Sendable, Hashable, Codable {
    public struct OpenStack: Sendable, Hashable, Codable {
        /// Keystone's URL, normalised (`SourceEndpoints.normalized`).
        public var authURL: String
        public var region: String?

        public init(authURL: String, region: String?) {
            self.authURL = SourceEndpoints.normalized(authURL)
            self.region = region.flatMap { $0.isEmpty ? nil : $0 }
        }

        enum CodingKeys: String, CodingKey {
            case region
            case authURL = "auth_url"
        }

        var text: String { authURL + (region.map { " (region \($0))" } ?? "") }
    }

    public var openstack: OpenStack?
    /// NetBox's URL, normalised; nil when NetBox was not a source.
    public var netbox: String?
    /// Hyperstack's URL, normalised; nil when Hyperstack was not a source.
    public var hyperstack: String?

    public init(openstack: OpenStack?, netbox: String?, hyperstack: String?) {
        self.openstack = openstack
        self.netbox = netbox.map(Self.normalized)
        self.hyperstack = hyperstack.map(Self.normalized)
    }

    /// A URL as compared: scheme and host in lower case, the scheme's default port dropped,
    /// no trailing `/`, no query or fragment. `HTTPS://Keystone.example:443/v3/` and
    /// `https://keystone.example/v3` are the same endpoint.
    public static func normalized(_ url: String) -> String {
        var text = Substring(url.trimmingCharacters(in: .whitespaces))
        if let cut = text.firstIndex(where: { $0 == "?" || $0 == "#" }) { text = text[..<cut] }
        guard let schemeEnd = text.range(of: "://") else {
            return String(text.reversed().drop(while: { $0 == "/" }).reversed())
        }
        let scheme = text[..<schemeEnd.lowerBound].lowercased()
        let rest = text[schemeEnd.upperBound...]
        let slash = rest.firstIndex(of: "/") ?? rest.endIndex
        var authority = rest[..<slash].lowercased()
        var path = String(rest[slash...])
        if scheme == "https", authority.hasSuffix(":443") { authority.removeLast(4) }
        if scheme == "http", authority.hasSuffix(":80") { authority.removeLast(3) }
        while path.hasSuffix("/") { path.removeLast() }
        return scheme + "://" + authority + path
    }
}

/// One reason the snapshot guard refuses a snapshot.
public struct SnapshotGuardViolation: Sendable, Hashable, CustomStringConvertible {
    /// What is wrong, in short: `compute hosts`, `servers`, `aggregates`, `netbox`, `hyperstack`,
    /// `openstack endpoint`, `netbox endpoint`, `hyperstack endpoint`.
    public let what: String
    public let description: String

    public init(what: String, description: String) {
        self.what = what
        self.description = description
    }
}

/// The snapshot guard: an outage of an API, a source that went missing or a different cloud must
/// not look like a decommissioned cloud. It compares the previous snapshot with the next one:
///
/// - a source that was there before (NetBox, Hyperstack) and is missing now (its key is not set,
///   say), or that answered things before and answers nothing now (NetBox devices, Nova
///   aggregates, Hyperstack images);
/// - an endpoint (Keystone URL and region, NetBox URL, Hyperstack URL) that changed; a previous
///   snapshot that recorded none is not compared (its endpoints are recorded now);
/// - more than the configured share of compute hosts lost by name, or of servers by id (a
///   different cloud of the same size loses them all, though the counts agree).
///
/// Every refusal is overridden with `spotctl snapshot --force`, for a real move of an endpoint or
/// a real decommission.
public enum SnapshotGuard {
    public static func check(previous: Facts, next: Facts, previousEndpoints: SourceEndpoints? = nil,
                             nextEndpoints: SourceEndpoints? = nil, settings: SnapshotSettings) -> [SnapshotGuardViolation] {
        var violations: [SnapshotGuardViolation] = []

        // Sources that went missing or empty.
        if let before = previous.devices {
            if next.devices == nil {
                violations.append(.init(what: "netbox", description: "NetBox was a source of the previous snapshot and is not configured for this one"))
            } else if !before.isEmpty, next.devices?.isEmpty == true {
                violations.append(.init(what: "netbox", description: "NetBox answered no devices (the previous snapshot had \(before.count)); a token without permission to read devices answers an empty list"))
            }
        }
        if previous.images != nil || previous.firewalls != nil {
            if next.images == nil && next.firewalls == nil {
                violations.append(.init(what: "hyperstack", description: "Hyperstack was a source of the previous snapshot and is not configured for this one"))
            } else if let before = previous.images, !before.isEmpty, next.images?.isEmpty == true {
                violations.append(.init(what: "hyperstack", description: "Hyperstack answered no images (the previous snapshot had \(before.count))"))
            }
        }
        if !previous.aggregates.isEmpty, next.aggregates.isEmpty {
            violations.append(.init(what: "aggregates", description: "Nova answered no host aggregates (the previous snapshot had \(previous.aggregates.count))"))
        }

        // Endpoints that changed.
        if let before = previousEndpoints, let after = nextEndpoints {
            if let old = before.openstack, let new = after.openstack, old != new {
                violations.append(.init(what: "openstack endpoint", description: "the OpenStack endpoint changed from \(old.text) to \(new.text)"))
            }
            if let old = before.netbox, let new = after.netbox, old != new {
                violations.append(.init(what: "netbox endpoint", description: "the NetBox URL changed from \(old) to \(new)"))
            }
            if let old = before.hyperstack, let new = after.hyperstack, old != new {
                violations.append(.init(what: "hyperstack endpoint", description: "the Hyperstack URL changed from \(old) to \(new)"))
            }
        }

        // Hosts lost by name, servers by id.
        func lost(_ what: String, _ before: Set<String>, _ after: Set<String>, _ share: Double) {
            guard !before.isEmpty else { return }
            let missing = before.subtracting(after)
            guard Double(missing.count) / Double(before.count) > share else { return }
            let percent = Int((Double(missing.count) / Double(before.count) * 100).rounded())
            let examples = missing.sorted().prefix(3).joined(separator: ", ")
            violations.append(.init(what: what, description: "the snapshot loses \(missing.count) of \(before.count) \(what) (\(percent)%), "
                + "more than the \(Int((share * 100).rounded()))% allowed (missing: \(examples)\(missing.count > 3 ? ", …" : ""))"))
        }
        lost("compute hosts", Set(previous.services.map(\.host)), Set(next.services.map(\.host)), settings.maxHostLoss)
        lost("servers", Set(previous.servers.map(\.id)), Set(next.servers.map(\.id)), settings.maxServerLoss)
        return violations
    }
}
