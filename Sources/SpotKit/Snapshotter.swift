public import Foundation
public import GitStore
public import SpotClients
public import SpotCore

/// `spotctl snapshot`: reads the live cloud (`CloudReader`) and hands the facts to the
/// `SnapshotWriter` (SPEC section 3). Everything it needs of the process comes in a `RunContext`.
public enum Snapshotter {
    public struct Options: Sendable {
        public var commit = true
        public var force = false
        /// Overrides for the clients (tests use short delays).
        public var clientOptions: ClientOptions?
        /// A failure the git store makes happen while it writes (tests of interrupted snapshots).
        public var storeFault: WriteFault?
        public init() {}
    }

    public typealias Result = SnapshotWriter.Result

    public struct Outcome: Sendable {
        public let result: Result
        public let diff: SnapshotDiff
        /// Sources that were not configured, and why.
        public let notes: [String]
        public let requests: Int
        public let seconds: Double
        public let hosts: Int
        public let servers: Int
        /// Seconds per phase: `fetch`, `views` (derived views and diff), `encode`, `scan` (the
        /// secret check) and `git` (writing and committing), for the benchmarks and `--timings`.
        public var phaseSeconds: [String: Double] = [:]
        /// The phases in the order they run.
        public static let phaseNames = ["fetch", "views", "encode", "scan", "git"]

        /// The one line printed at the end.
        public var summaryLine: String {
            let what: String
            switch result {
            case .committed(let id): what = "committed \(id.prefix(12)): \(diff.subject)"
            case .unchanged: what = "unchanged, no commit (\(hosts) compute hosts, \(servers) servers; GPU use \(diff.totalAfter.percentageText)%)"
            case .written: what = "written without committing: \(diff.subject)"
            }
            return "snapshot \(what) [\(requests) requests, \(String(format: "%.2f", seconds)) s]"
        }
    }

    public static func run(repository: OperationsRepository, options: Options, context: RunContext,
                           progress report: @escaping @Sendable (String) -> Void = { _ in }) async throws(SpotError) -> Outcome {
        var timer = PhaseTimer()
        // The snapshot's date (the commit's and the last run's) is when it started.
        let now = context.clock.now()
        let configuration = try repository.loadConfiguration(displayedFrom: context.workingDirectory)
        let writer = try SnapshotWriter(repository: repository, configuration: configuration)
        try await writer.checkRepositoryState()
        // One writer at a time; the lock is taken before anything is fetched.
        let lock = try RepositoryLock.acquire(repository, command: "spotctl snapshot", context: context)
        defer { lock.release() }
        if let replaced = lock.replaced {
            report("note: took over the lock left by \(replaced.holder): that process is gone")
        }
        if let finished = try await writer.finishInterruptedWrite() {
            report("note: \(finished)")
        }
        if let fault = options.storeFault { await writer.reader.store.injectFault(fault) }

        let sources: CloudSources
        do {
            sources = try CloudSources.resolve(configuration: configuration, environment: context.environment,
                                               workingDirectory: context.workingDirectory)
        } catch {
            throw SpotError(error.message, hint: error.hint)
        }
        for note in sources.notes { report("note: \(note)") }
        if SecretScan(secrets: sources.secrets).isEmpty { report("note: \(SecretScan.nothingToScan)") }

        let reader: CloudReader
        do {
            reader = try CloudReader(configuration: configuration, sources: sources, options: options.clientOptions ?? ClientOptions())
        } catch {
            throw SpotError("cannot set up the HTTP client: \(error)")
        }
        let facts: Facts
        do {
            facts = try await reader.readAll(report: report)
        } catch {
            await reader.shutdown()
            throw SpotError("the snapshot failed and wrote nothing: \(Redactor(secrets: sources.secrets).redact(error.description))",
                            hint: "check the service named above, then run spotctl snapshot again")
        }
        let requests = await reader.requestCount
        await reader.shutdown()
        timer.end("fetch")

        let endpoints = SourceEndpoints(
            openstack: .init(authURL: sources.openStack.authURL, region: sources.openStack.region),
            netbox: sources.netBox.credentials?.url, hyperstack: sources.hyperstack.credentials?.url)
        let written = try await writer.write(facts, endpoints: endpoints, sourceNotes: sources.notes, secrets: sources.secrets,
                                             force: options.force, commit: options.commit, author: context.identity.author(at: now))
        var phases = Dictionary(timer.phases.map { ($0.name, $0.seconds) }, uniquingKeysWith: +)
        for phase in written.phases { phases[phase.name, default: 0] += phase.seconds }
        var outcome = Outcome(result: written.result, diff: written.diff, notes: sources.notes, requests: requests, seconds: timer.total,
                              hosts: Set(facts.services.map(\.host)).count, servers: facts.servers.count)
        outcome.phaseSeconds = phases
        LastRun.write(repository: repository, outcome: outcome, at: now)
        return outcome
    }
}
