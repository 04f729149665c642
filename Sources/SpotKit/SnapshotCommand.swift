public import Foundation
import GitStore
public import SpotClients
public import SpotCore

/// `spotctl snapshot`: reads the live cloud, writes the inventory, and commits it through the git
/// store only when the facts changed (SPEC section 3).
public enum SnapshotCommand {
    public struct Options: Sendable {
        public var commit = true
        public var force = false
        /// Progress lines (per source, with counts) on standard error.
        public var progress = false
        public var environment: [String: String] = ProcessInfo.processInfo.environment
        public var cwd: URL = URL(fileURLWithPath: FileManager.default.currentDirectoryPath)
        public var identity: Identity = .resolve()
        public var now: Date = Date()
        /// Overrides for the clients (tests use short delays).
        public var clientOptions: ClientOptions?
        public init() {}
    }

    public enum Result: Sendable, Equatable {
        case committed(String)
        case unchanged
        case written
    }

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

    public static func run(repository: OperationsRepository, options: Options,
                           progress report: @escaping @Sendable (String) -> Void = { _ in }) async throws(SpotError) -> Outcome {
        let started = Date()
        let configuration = try repository.loadConfiguration()
        let inventory = try InventoryStore(repository: repository)
        if let state = try? await inventory.store.repositoryState() {
            throw SpotError("\(repository.root.path) is in the middle of a \(state.rawValue); the snapshot changed nothing",
                            hint: "finish or abort it (git \(state.rawValue == "merge" ? "merge" : "rebase") --abort), then run spotctl snapshot again")
        }

        // Credentials: OpenStack is required; NetBox and Hyperstack are optional.
        let openStack: OpenStackCredentials
        let netBox: OptionalService
        let hyperstack: OptionalService
        var secrets: [Secret] = []
        do {
            openStack = try CredentialsResolver.openStack(settings: configuration.openstack, environment: options.environment, cwd: options.cwd)
            netBox = try CredentialsResolver.netBox(settings: configuration.netbox, environment: options.environment)
            hyperstack = try CredentialsResolver.hyperstack(settings: configuration.hyperstack, environment: options.environment)
            secrets = openStack.secrets + [netBox.credentials?.key, hyperstack.credentials?.key].compactMap { $0 }
            if let runpod = try CredentialsResolver.runPodKey(settings: configuration.runpod, environment: options.environment) {
                secrets.append(runpod)
            }
        } catch {
            throw SpotError(error.message, hint: error.hint)
        }
        var notes: [String] = []
        if case .notConfigured(let reason) = netBox {
            notes.append("NetBox is not configured (\(reason)): GPU types come from aggregates only, no tenants or reconciliation")
        }
        if case .notConfigured(let reason) = hyperstack {
            notes.append("Hyperstack is not configured (\(reason)): no images or firewalls")
        }
        for note in notes { report("note: \(note)") }

        var clientOptions = options.clientOptions ?? ClientOptions()
        clientOptions.timeoutSeconds = Double(configuration.openstack.timeoutSeconds)
        clientOptions = clientOptions.applying(openStack)
        let transport: HTTPTransport
        do {
            transport = try HTTPTransport(options: clientOptions)
        } catch {
            throw SpotError("cannot set up the HTTP client: \(error)")
        }
        transport.protect(secrets)

        let facts: Facts
        do {
            facts = try await fetch(configuration: configuration, openStack: openStack, netBox: netBox, hyperstack: hyperstack,
                                    transport: transport, report: report)
        } catch {
            await transport.shutdown()
            throw SpotError("the snapshot failed and wrote nothing: \(Redactor(secrets: secrets).redact("\(error)"))",
                            hint: "check the service named above, then run spotctl snapshot again")
        }
        let requests = await transport.requestCount
        await transport.shutdown()
        var phases: [String: Double] = [:]
        var mark = started
        func phase(_ name: String) {
            let now = Date()
            phases[name, default: 0] += now.timeIntervalSince(mark)
            mark = now
        }
        phase("fetch")

        // Compare with the previous snapshot; refuse to lose half the cloud unless forced.
        let previousFacts: Facts?
        if (try? await inventory.store.headCommitID()) != nil, !(try await inventory.snapshots(limit: 1)).isEmpty {
            previousFacts = try await inventory.facts(at: "HEAD")
        } else {
            previousFacts = nil
        }
        if let previousFacts, !options.force {
            let violations = SnapshotGuard.check(previous: previousFacts, next: facts, settings: configuration.snapshot)
            if !violations.isEmpty {
                throw SpotError("refused: " + violations.map(\.description).joined(separator: "; ") + "; nothing was written",
                                hint: "an API outage must not look like a decommissioned cloud; if the loss is real, run spotctl snapshot --force",
                                exitCode: 3)
            }
        }
        let after = Inventory(facts: facts, configuration: configuration)
        let before = previousFacts.map { Inventory(facts: $0, configuration: configuration) }
        let diff = SnapshotDiff(before: before, after: after)
        phase("views")
        let files = InventoryFiles.encode(facts, summary: SnapshotSummary(after))
        phase("encode")

        // The last line of defence: no configured secret may reach the inventory, in clear or base64.
        let redactor = Redactor(secrets: secrets)
        if let leaked = files.keys.sorted().first(where: { redactor.leaks(files[$0]!) }) {
            throw SpotError.bug("a secret reached \(leaked) in the snapshot; nothing was written")
        }

        phase("scan")
        let changes = FileChanges(writes: files, replacedDirectories: [InventoryFiles.directory])
        let result: Result
        do {
            if options.commit {
                let committed = try await inventory.store.commit(changes, author: options.identity.author(at: options.now),
                                                                 message: diff.message)
                result = committed.commitID.map(Result.committed) ?? .unchanged
            } else {
                _ = try await inventory.store.writeWorkingTree(changes)
                result = .written
            }
        } catch {
            throw SpotError("cannot write the snapshot into \(repository.root.path): \(error)",
                            hint: "finish or abort what git is doing there, then run spotctl snapshot again")
        }
        phase("git")
        let seconds = Date().timeIntervalSince(started)
        var outcome = Outcome(result: result, diff: diff, notes: notes, requests: requests, seconds: seconds,
                              hosts: Set(facts.services.map(\.host)).count, servers: facts.servers.count)
        outcome.phaseSeconds = phases
        LastRun.write(repository: repository, outcome: outcome, at: options.now)
        return outcome
    }

    // MARK: fetching

    struct SourceFailure: Error, CustomStringConvertible {
        let source: String
        let underlying: any Error
        var description: String { "\(source): \(underlying)" }
    }

    static func fetch(configuration: Configuration, openStack: OpenStackCredentials, netBox: OptionalService,
                      hyperstack: OptionalService, transport: HTTPTransport,
                      report: @escaping @Sendable (String) -> Void) async throws -> Facts {
        let session = OpenStackSession(credentials: openStack, transport: transport)
        let nova = NovaClient(session: session, pageSize: configuration.openstack.pageSize)
        let keystone = KeystoneClient(session: session)
        // Authenticate and negotiate once before the sources run side by side.
        do {
            _ = try await nova.microversion()
        } catch {
            throw SourceFailure(source: "OpenStack (\(openStack.source))", underlying: error)
        }
        report("OpenStack: authenticated at \(openStack.authURL), Nova microversion \((try? await nova.microversion()) ?? "?")")

        async let aggregates = nova.aggregates()
        async let services = nova.computeServices()
        async let hypervisors = nova.hypervisors()
        async let flavors = nova.flavors()
        async let projects = keystone.projects()
        async let servers = nova.servers(progress: { count in report("OpenStack: \(count) servers") })
        async let devices: [NetBoxDevice]? = {
            guard let credentials = netBox.credentials else { return nil }
            let client = NetBoxClient(credentials: credentials, transport: transport, pageSize: configuration.netbox.pageSize)
            return try await client.devices(progress: { count in report("NetBox: \(count) devices") })
        }()
        async let hyperstackFacts: ([HyperstackImage], [HyperstackFirewall])? = {
            guard let credentials = hyperstack.credentials else { return nil }
            let client = HyperstackClient(credentials: credentials, transport: transport)
            let images = try await client.images()
            var firewalls: [HyperstackFirewall] = []
            for id in Set(configuration.sites.compactMap(\.firewall)).sorted() {
                firewalls.append(try await client.firewall(id: id))
            }
            return (images, firewalls)
        }()

        var facts = Facts()
        do {
            facts.aggregates = try await aggregates
            facts.services = try await services
            facts.hypervisors = try await hypervisors
            facts.flavors = try await flavors
            facts.projects = try await projects
            facts.servers = try await servers
        } catch {
            throw SourceFailure(source: "OpenStack", underlying: error)
        }
        report("OpenStack: \(facts.aggregates.count) aggregates, \(facts.services.count) compute hosts, \(facts.servers.count) servers")
        do {
            if let all = try await devices {
                facts.devices = keepRelevant(all, facts: facts, configuration: configuration)
                report("NetBox: \(all.count) devices, \(facts.devices!.count) kept")
            }
        } catch {
            throw SourceFailure(source: "NetBox", underlying: error)
        }
        do {
            if let (images, firewalls) = try await hyperstackFacts {
                facts.images = images
                facts.firewalls = firewalls
                report("Hyperstack: \(images.count) images, \(firewalls.count) firewalls")
            }
        } catch {
            throw SourceFailure(source: "Hyperstack", underlying: error)
        }
        return facts
    }

    /// NetBox devices worth storing: GPU servers (tested client-side) and any device whose name is
    /// a compute host's, so that the join and the reconciliation see it.
    static func keepRelevant(_ devices: [NetBoxDevice], facts: Facts, configuration: Configuration) -> [NetBoxDevice] {
        let rules = GPUTypeRules(configuration: configuration)
        var hosts = Set(facts.services.map { $0.host.lowercased() })
        for aggregate in facts.aggregates { hosts.formUnion(aggregate.hosts.map { $0.lowercased() }) }
        return devices.filter { rules.isGPUServer($0) || hosts.contains($0.name.lowercased()) }
    }
}

/// The time and duration of the last run, kept in `.spotctl/` (git-ignored) so that an unchanged
/// cloud produces no commit.
enum LastRun {
    static func write(repository: OperationsRepository, outcome: SnapshotCommand.Outcome, at date: Date) {
        let result: String
        switch outcome.result {
        case .committed(let id): result = "committed \(id)"
        case .unchanged: result = "unchanged"
        case .written: result = "written without committing"
        }
        let formatter = ISO8601DateFormatter()
        let document: [String: Any] = [
            "finished_at": formatter.string(from: date), "duration_seconds": (outcome.seconds * 1000).rounded() / 1000,
            "requests": outcome.requests, "result": result, "summary": outcome.summaryLine,
        ]
        guard let data = try? JSONSerialization.data(withJSONObject: document, options: [.prettyPrinted, .sortedKeys]) else { return }
        try? FileManager.default.createDirectory(at: repository.stateDirectory, withIntermediateDirectories: true)
        try? data.write(to: repository.stateDirectory.appendingPathComponent("last-snapshot.json"), options: .atomic)
    }
}
