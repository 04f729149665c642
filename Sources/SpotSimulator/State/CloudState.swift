public import Foundation

/// The simulated world and everything that changes in it: the scenario's facts, issued tokens,
/// per-route request counts and the fault rules. One actor, so concurrent requests see a
/// consistent world; handlers read a copy (`world`) and change it only through its methods.
public actor CloudState {
    /// The facts, as a scenario (so the current state can be written back out).
    public private(set) var world: Scenario
    public let options: SimulatorOptions
    private let started: Date

    // Issued Keystone tokens: token → expiry.
    private var tokens: [String: Date] = [:]
    private var tokenCounter = 0

    // Request counts: service → route → count.
    private var counts: [String: [String: Int]] = [:]
    private var totalRequests = 0

    private var faults: [FaultRule] = []

    /// Every host's aggregates after each `add_host`/`remove_host` (`membershipHistory()`).
    private var membership: [MembershipRecord] = []

    /// VMs made and firewall writes (`hyperstackRecords()`).
    var records = HyperstackRecords()

    /// Seconds added to the wall clock (`POST /__sim/clock`), so that token expiry and build
    /// delays can be tested without waiting.
    private var clockOffset: TimeInterval = 0
    private var nextFaultID = 1

    public init(scenario: Scenario, options: SimulatorOptions, now: Date = Date()) {
        self.world = scenario
        self.options = options
        self.started = now
        var rules: [FaultRule] = []
        for (offset, rule) in options.faults.enumerated() {
            var rule = rule
            rule.id = offset + 1
            rules.append(rule)
        }
        self.faults = rules
        self.nextFaultID = rules.count + 1
    }

    /// The simulator's clock: the wall clock plus any advance.
    public var now: Date { Date().addingTimeInterval(clockOffset) }

    /// Seconds since the simulator started, on the simulator's clock.
    public var uptime: Double { now.timeIntervalSince(started) }

    /// Moves the simulator's clock forward.
    public func advanceClock(by seconds: TimeInterval) {
        clockOffset += max(0, seconds)
    }

    /// Replaces the world (the `/__sim/state` control endpoint).
    public func replaceWorld(_ scenario: Scenario) {
        world = scenario
    }

    /// Changes the world in place. Service handlers call this for every state change.
    @discardableResult
    public func mutate<T: Sendable>(_ body: (inout Scenario) throws -> T) rethrows -> T {
        try body(&world)
    }

    // MARK: aggregate membership

    /// Adds or removes a host as Nova does and records the host's aggregates afterwards, in one
    /// step of the actor: the history is in the order the world changed.
    func changeMembership(adding: Bool, host: String, aggregate id: Int) -> Result<AggregateSpec, NovaFault> {
        let result = NovaHandler.changeHost(adding: adding, host: host, aggregate: id, in: &world)
        let status: Int
        switch result {
        case .success: status = 200
        case .failure(let fault): status = fault.status
        }
        let name = world.aggregates.first { $0.id == id }?.name ?? String(id)
        let holding = world.aggregates.filter { $0.hosts.contains(host) }.map(\.name).sorted()
        membership.append(MembershipRecord(sequence: membership.count + 1, action: adding ? "add_host" : "remove_host", host: host,
                                           aggregate: name, status: status, aggregates: holding))
        return result
    }

    /// The aggregates of a host after every `add_host` and `remove_host` so far, in order.
    public func membershipHistory() -> [MembershipRecord] { membership }

    // MARK: tokens

    /// Issues a token valid for the configured lifetime.
    public func issueToken() -> (token: String, expires: Date, issued: Date) {
        tokenCounter += 1
        let issued = now
        let token = "gAAAAAB" + SimIDs.uuid("token", "\(tokenCounter)-\(issued.timeIntervalSince1970)").replacingOccurrences(of: "-", with: "")
        let expires = issued.addingTimeInterval(options.tokenLifetime)
        tokens[token] = expires
        return (token, expires, issued)
    }

    public func isValid(token: String?) -> Bool {
        guard let token, let expires = tokens[token] else { return false }
        return expires > now
    }

    public func expiry(of token: String) -> Date? { tokens[token] }

    public func revoke(token: String) {
        tokens[token] = nil
    }

    // MARK: statistics

    public func count(service: String, route: String) {
        counts[service, default: [:]][route, default: 0] += 1
        totalRequests += 1
    }

    public func statistics() -> RequestStatistics {
        RequestStatistics(total: totalRequests, byService: counts)
    }

    public func resetStatistics() {
        counts = [:]
        totalRequests = 0
    }

    // MARK: faults

    @discardableResult
    public func addFault(_ rule: FaultRule) -> FaultRule {
        var rule = rule
        rule.id = nextFaultID
        nextFaultID += 1
        faults.append(rule)
        return rule
    }

    public func faultRules() -> [FaultRule] { faults }

    public func clearFaults() {
        faults = []
    }

    public func removeFault(id: Int) -> Bool {
        let before = faults.count
        faults.removeAll { $0.id == id }
        return faults.count != before
    }

    /// The faults that apply to a request, consuming one use of each counted rule.
    func takeFaults(service: String, method: String, path: String) -> [FaultRule] {
        var matched: [FaultRule] = []
        for index in faults.indices where faults[index].matches(service: service, method: method, path: path) {
            if let remaining = faults[index].remaining {
                guard remaining > 0 else { continue }
                faults[index].remaining = remaining - 1
            }
            matched.append(faults[index])
        }
        faults.removeAll { $0.remaining == 0 }
        return matched
    }
}

/// How many requests each route received.
public struct RequestStatistics: Sendable, Hashable {
    public let total: Int
    /// service → route (`GET /compute/v2.1/servers/detail`) → count.
    public let byService: [String: [String: Int]]

    public func count(service: String) -> Int {
        byService[service]?.values.reduce(0, +) ?? 0
    }

    public func count(service: String, route: String) -> Int {
        byService[service]?[route] ?? 0
    }

    var json: JSON {
        .object([
            ("total", .int(total)),
            ("services", .object(byService.keys.sorted().map { service in
                let routes = byService[service]!
                return (service, .object([
                    ("total", .int(routes.values.reduce(0, +))),
                    ("routes", .object(routes.keys.sorted().map { ($0, .int(routes[$0]!)) })),
                ]))
            })),
        ])
    }
}
