public import Foundation

/// A source of the current date. Libraries never read the wall clock themselves: the executable
/// passes `SystemClock`, tests a `FixedClock` (commit dates, the command log, the last run).
public protocol WallClock: Sendable {
    func now() -> Date
}

/// The machine's clock.
public struct SystemClock: WallClock {
    public init() {}
    public func now() -> Date { Date() }
}

/// A clock that stands still, for tests and reproducible runs.
public struct FixedClock: WallClock {
    public let date: Date
    public init(_ date: Date) { self.date = date }
    public func now() -> Date { date }
}

/// What a command needs of the process, resolved once by the executable and passed in: the
/// environment (credentials), the working directory (relative paths), who acts (commit author,
/// command-log user), the clock and the process (for the lock). `serve` runs many requests, each with its own.
public struct RunContext: Sendable {
    public var environment: [String: String]
    public var workingDirectory: URL
    public var identity: Identity
    public var clock: any WallClock
    /// The machine and process, for the repository lock.
    public var process: ProcessIdentity

    public init(environment: [String: String], workingDirectory: URL, identity: Identity, clock: any WallClock,
                process: ProcessIdentity = .current) {
        self.environment = environment
        self.workingDirectory = workingDirectory
        self.identity = identity
        self.clock = clock
        self.process = process
    }
}

/// Seconds per named phase. Durations are measured on the monotonic clock: they are reported
/// (`--timings`, the summary line), never stored in a file or a commit, so they need no
/// injected clock; dates come from `RunContext.clock`.
struct PhaseTimer {
    let started: ContinuousClock.Instant
    private var mark: ContinuousClock.Instant
    private(set) var phases: [(name: String, seconds: Double)] = []

    init() {
        started = ContinuousClock.now
        mark = started
    }

    mutating func end(_ name: String) {
        let now = ContinuousClock.now
        phases.append((name, Self.seconds(now - mark)))
        mark = now
    }

    var total: Double { Self.seconds(ContinuousClock.now - started) }

    static func seconds(_ duration: Duration) -> Double {
        Double(duration.components.seconds) + Double(duration.components.attoseconds) / 1e18
    }
}
