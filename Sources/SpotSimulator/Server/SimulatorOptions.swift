public import Foundation

/// How a simulated cloud runs.
public struct SimulatorOptions: Sendable {
    /// Always loopback: the simulator never listens on another address.
    public var host: String = "127.0.0.1"
    /// 0 picks a free port.
    public var port: Int = 0
    /// The highest Nova microversion served (the lowest is 2.1).
    public var novaMaxMicroversion: Microversion = Microversion(2, 96)
    /// Page size cap: Nova's `max_limit` and NetBox's `MAX_PAGE_SIZE`.
    public var pageLimit: Int = 1000
    /// How long Keystone tokens live.
    public var tokenLifetime: TimeInterval = 3600
    /// How long a launched Hyperstack VM stays in BUILD before it is ACTIVE (or ERROR).
    public var buildDelay: TimeInterval = 2
    /// Serve HTTPS with a certificate made at start (its CA is written to `tlsDirectory`/ca.pem).
    public var tls: Bool = false
    /// Where the TLS material goes; a fresh temporary folder when nil.
    public var tlsDirectory: URL?
    /// Faults in force from the start.
    public var faults: [FaultRule] = []
    /// The token the control endpoints (`/__sim/`) require in `X-Simulator-Token`: random, made
    /// for each simulator (see `SimulatedCloud.controlToken`).
    public var controlToken: String = ControlHandler.makeToken()

    public init() {}
}

/// A Nova microversion such as 2.47.
public struct Microversion: Sendable, Hashable, Comparable, CustomStringConvertible {
    public let major: Int
    public let minor: Int

    public init(_ major: Int, _ minor: Int) {
        self.major = major
        self.minor = minor
    }

    /// Parses `2.47`; nil when malformed.
    public init?(_ text: String) {
        let parts = text.trimmingCharacters(in: .whitespaces).split(separator: ".", omittingEmptySubsequences: false)
        guard parts.count == 2, let major = Int(parts[0]), let minor = Int(parts[1]) else { return nil }
        self.init(major, minor)
    }

    public static let minimum = Microversion(2, 1)

    public var description: String { "\(major).\(minor)" }

    public static func < (lhs: Microversion, rhs: Microversion) -> Bool {
        (lhs.major, lhs.minor) < (rhs.major, rhs.minor)
    }

    /// Whether this version is at least `major.minor`.
    public func atLeast(_ major: Int, _ minor: Int) -> Bool { self >= Microversion(major, minor) }
}
