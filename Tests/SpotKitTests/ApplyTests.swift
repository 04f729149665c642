import Foundation
import Testing
import TestSupport
import GitStore
import SpotCore
import SpotClients
@testable import SpotApply
@testable import SpotKit
@testable import SpotSimulator

/// `spotctl apply` against the simulator over loopback and a real git repository.
///
/// The cloud is the demo scenario without the VMs of CA1-ESC812-101, -102 and -105, so that
/// those three can move to spot (`L40-n3` id 1 and `L40-n3-runpod` id 3 to `L40-n3-spot` id 2).
struct ApplyFixture {
    let f: SnapshotFixture

    static let movers = ["CA1-ESC812-101", "CA1-ESC812-102", "CA1-ESC812-105"]
    /// The GPU-pool aggregates of L40, written out here (not derived by spotctl): the oracle.
    static let l40Pools: Set<String> = ["L40-n3", "L40-n3-spot", "L40-n3-runpod", "Contract-L40-Customer1"]
    static let spotFile = "changes/2026-12-02-spot.yaml"
    static let spotYAML = """
    reason: "more spot capacity in CA1"
    migrations:
      - host: "CA1-ESC812-101"
        to: "spot"
      - host: "CA1-ESC812-102"
        to: "spot"
      - host: "CA1-ESC812-105"
        to: "spot"

    """

    static func scenario() -> Scenario {
        var scenario = DemoScenario.load()
        scenario.servers.removeAll { movers.contains($0.host ?? "") }
        return scenario
    }

    static func run(openStackTimeout: Int? = nil, _ body: (ApplyFixture) async throws -> Void) async throws {
        try await SnapshotFixture.run(scenario()) { f in
            if let openStackTimeout {
                let file = f.repository.configurationFile
                var text = try String(contentsOf: file, encoding: .utf8)
                let range = try #require(text.range(of: "  timeout_seconds: 30"))
                text.replaceSubrange(range, with: "  timeout_seconds: \(openStackTimeout)")
                try Data(text.utf8).write(to: file)
                _ = try f.git("commit", "-q", "-am", "short OpenStack timeout")
            }
            _ = try await f.snapshot()
            try await body(ApplyFixture(f: f))
        }
    }

    /// Writes a change file and commits it (as a merged pull request would).
    func change(_ path: String = ApplyFixture.spotFile, _ text: String = ApplyFixture.spotYAML) throws {
        let url = f.repository.root.appendingPathComponent(path)
        try FileManager.default.createDirectory(at: url.deletingLastPathComponent(), withIntermediateDirectories: true)
        try Data(text.utf8).write(to: url)
        _ = try f.git("add", path)
        _ = try f.git("commit", "-q", "-m", "add \(path)")
    }

    func context(now: Date? = nil) -> RunContext {
        RunContext(environment: f.options.environment, workingDirectory: f.repository.root, identity: f.options.identity,
                   clock: FixedClock(now ?? f.options.now.addingTimeInterval(60)))
    }

    func apply(_ files: [String] = [], dryRun: Bool = false, maxAttempts: Int? = nil,
               afterSteps: (@Sendable () async -> Void)? = nil) async throws -> ApplyReport {
        var options = ApplyEngine.Options()
        options.files = files
        options.dryRun = dryRun
        var client = f.options.clientOptions ?? ClientOptions()
        if let maxAttempts { client.maxAttempts = maxAttempts }
        options.clientOptions = client
        options.afterSteps = afterSteps
        return try await ApplyEngine.run(repository: f.repository, options: options, context: context())
    }

    /// The GPU-pool aggregates holding `host` in the simulator now.
    func pools(of host: String) async -> Set<String> {
        Set(await f.cloud.state.world.aggregates.filter { $0.hosts.contains(host) }.map(\.name)).intersection(Self.l40Pools)
    }

    func expectEveryMoverExactlyInSpot(sourceLocation: SourceLocation = #_sourceLocation) async {
        for host in Self.movers {
            #expect(await pools(of: host) == ["L40-n3-spot"], "\(host)", sourceLocation: sourceLocation)
        }
    }

    /// No host was ever in no GPU-pool aggregate after any add_host or remove_host.
    func expectNeverOutOfEveryPool(sourceLocation: SourceLocation = #_sourceLocation) async {
        let history = await f.cloud.state.membershipHistory()
        for record in history {
            #expect(!Set(record.aggregates).isDisjoint(with: Self.l40Pools),
                    "after request \(record.sequence) (\(record.action) \(record.host) \(record.aggregate): \(record.status)) the host was in no GPU pool",
                    sourceLocation: sourceLocation)
        }
    }

    func logEntries() throws -> [CommandLogEntry] {
        let directory = f.repository.logDirectory
        let names = ((try? FileManager.default.contentsOfDirectory(atPath: directory.path)) ?? []).filter { $0.hasSuffix(".jsonl") }.sorted()
        var files: [String: Data] = [:]
        for name in names { files["log/" + name] = try Data(contentsOf: directory.appendingPathComponent(name)) }
        return try RepositoryReader.commandLog(files)
    }

    var isPending: Bool { FileManager.default.fileExists(atPath: f.repository.root.appendingPathComponent(Self.spotFile).path) }
    var isApplied: Bool {
        FileManager.default.fileExists(atPath: f.repository.root.appendingPathComponent("changes/applied/2026-12-02-spot.yaml").path)
    }
}

@Suite struct ApplyTests {
    @Test func threeHostsMoveAddBeforeRemoveAndOneCommitRecordsIt() async throws {
        try await ApplyFixture.run { a in
            try a.change()
            let commitsBefore = a.f.commitCount
            let report = try await a.apply()
            #expect(report.exitCode == 0, "\(report.lines)")
            await a.expectEveryMoverExactlyInSpot()
            await a.expectNeverOutOfEveryPool()
            // Add before remove for every host, in the simulator's own record.
            let history = await a.f.cloud.state.membershipHistory()
            for host in ApplyFixture.movers {
                let actions = history.filter { $0.host == host }.map(\.action)
                #expect(actions == ["add_host", "remove_host"], "\(host): \(actions)")
            }
            // One commit: the log, the moved file, its outcome and the snapshot.
            #expect(a.f.commitCount == commitsBefore + 1)
            let subject = try a.f.git("log", "-1", "--format=%s").trimmingCharacters(in: .whitespacesAndNewlines)
            #expect(subject == "apply 2026-12-02-spot.yaml: 3 hosts moved to L40-n3-spot")
            let changed = try a.f.git("show", "--name-status", "--format=", "HEAD")
            #expect(changed.contains("changes/applied/2026-12-02-spot.yaml"))
            #expect(changed.contains("changes/applied/2026-12-02-spot.yaml.outcome.json"))
            #expect(changed.contains("inventory/aggregates.json"))
            #expect(changed.contains("log/"))
            #expect(try a.f.git("status", "--porcelain").isEmpty)
            #expect(!a.isPending && a.isApplied)
            let entries = try a.logEntries()
            #expect(entries.count == 6)
            #expect(entries.allSatisfy { $0.status == .success && $0.change == ApplyFixture.spotFile && $0.user == "Snapshot Test" })
            #expect(entries.contains { $0.command == "openstack aggregate add host L40-n3-spot CA1-ESC812-101" })
            let outcomeData = try Data(contentsOf: a.f.repository.root.appendingPathComponent("changes/applied/2026-12-02-spot.yaml.outcome.json"))
            let outcome = try JSONDecoder().decode(AppliedOutcome.self, from: outcomeData)
            #expect(outcome.hosts.map(\.status) == [.done, .done, .done])
            #expect(outcome.reason == "more spot capacity in CA1")
            #expect(outcome.hosts.flatMap(\.steps).allSatisfy { $0.logID != nil })
            // Nothing is left to do.
            let again = try await a.apply()
            #expect(again.exitCode == 0 && again.files.isEmpty)
        }
    }

    @Test func aRerunOfWhatIsDoneSkipsEverythingAsAlreadyIn() async throws {
        try await ApplyFixture.run { a in
            try a.change()
            _ = try await a.apply()
            try a.change("changes/2026-12-03-again.yaml", ApplyFixture.spotYAML)
            await a.f.cloud.state.resetStatistics()
            let report = try await a.apply()
            #expect(report.exitCode == 0, "\(report.lines)")
            #expect(report.hosts.allSatisfy { $0.status == .skipped })
            let stats = await a.f.cloud.state.statistics()
            #expect(stats.byService["nova"]?.keys.contains { $0.hasPrefix("POST") && $0.contains("action") } != true, "\(stats.byService)")
            let entries = try a.logEntries().filter { $0.change == "changes/2026-12-03-again.yaml" }
            #expect(entries.contains { $0.status == .success && $0.output == "already in L40-n3-spot" })
            #expect(FileManager.default.fileExists(atPath: a.f.repository.root.appendingPathComponent("changes/applied/2026-12-03-again.yaml").path))
        }
    }

    /// A fault at one step of the migration; `finishes` says whether the first run recovers by
    /// reading back (exit 0) or reports a failure (exit 1) that a second run completes.
    struct FaultCase: Sendable, CustomTestStringConvertible {
        let name: String
        let rule: FaultRule
        let finishes: Bool
        var maxAttempts: Int? = nil
        var timeout: Int? = nil
        var testDescription: String { name }
    }

    static let faultCases: [FaultCase] = [
        FaultCase(name: "failing add", rule: FaultRule(service: "nova", method: "POST", path: "/compute/v2.1/os-aggregates/2/action",
                                                        status: 500, remaining: 1), finishes: false),
        FaultCase(name: "failing remove", rule: FaultRule(service: "nova", method: "POST", path: "/compute/v2.1/os-aggregates/1/action",
                                                           status: 500, remaining: 1), finishes: false),
        FaultCase(name: "dropped connection after the add reached the cloud",
                  rule: FaultRule(service: "nova", method: "POST", path: "/compute/v2.1/os-aggregates/2/action", drop: true, after: true,
                                  remaining: 1), finishes: true),
        FaultCase(name: "503 on the add, retried", rule: FaultRule(service: "nova", method: "POST", path: "/compute/v2.1/os-aggregates/2/action",
                                                                    status: 503, remaining: 1), finishes: true),
        // OpenStack's timeout is 4 s (a busy machine answers the other requests well within it), the
        // answer comes 7 s late: the client gives up, and with one attempt the step is a timeout.
        FaultCase(name: "timeout after the add reached the cloud, no retry",
                  rule: FaultRule(service: "nova", method: "POST", path: "/compute/v2.1/os-aggregates/2/action", latencyMS: 7000,
                                  after: true, remaining: 1), finishes: false, maxAttempts: 1, timeout: 4),
    ]

    @Test(arguments: faultCases)
    func aFaultAtOneStepEndsInTargetOrInAClearFailureThatASecondRunFinishes(_ fault: FaultCase) async throws {
        try await ApplyFixture.run(openStackTimeout: fault.timeout) { a in
            try a.change()
            await a.f.cloud.state.addFault(fault.rule)
            let first = try await a.apply(maxAttempts: fault.maxAttempts)
            await a.f.cloud.state.clearFaults()
            let history = await a.f.cloud.state.membershipHistory()
            if fault.rule.after {
                // The change reached the cloud before the answer was lost: the repeat got Nova's 409, read back.
                #expect(history.contains { $0.action == "add_host" && $0.status == 409 } == (fault.maxAttempts == nil), "\(history)")
            }
            if fault.finishes {
                #expect(first.exitCode == 0, "\(first.lines)")
                await a.expectEveryMoverExactlyInSpot()
                #expect(a.isApplied)
            } else {
                #expect(first.exitCode == 1, "\(first.lines)")
                let failed = first.hosts.filter { $0.status == .failed }
                let done = first.hosts.filter { $0.status == .done }
                let entries = try a.logEntries()
                let expected: CommandLogEntry.Status = fault.timeout != nil ? .timeout : .error
                if fault.timeout == nil {
                    #expect(failed.count == 1, "\(first.lines)")
                    #expect(done.count == 2)
                    #expect(entries.filter { $0.status == expected }.count == 1, "\(entries)")
                } else {
                    // With one attempt and a short timeout, a machine busy with the whole suite may
                    // time out other requests too: at least the faulted one is a timeout.
                    #expect(failed.count >= 1 && failed.count + done.count == 3, "\(first.lines)")
                    #expect(entries.contains { $0.status == .timeout && $0.command.hasPrefix("openstack aggregate add host L40-n3-spot") }, "\(entries)")
                    #expect(entries.allSatisfy { $0.status != .error }, "\(entries)")
                }
                let text = first.lines.joined(separator: "\n")
                #expect(text.contains("FAILED") && text.contains("run spotctl apply again"), "\(text)")
                #expect(a.isPending)
                // A failed host's later steps did not run.
                for host in failed {
                    let firstFailure = try #require(host.steps.firstIndex { $0.status == .error || $0.status == .timeout })
                    #expect(host.steps[(firstFailure + 1)...].allSatisfy { $0.status == nil }, "\(host.steps)")
                }
                let second = try await a.apply()
                #expect(second.exitCode == 0, "\(second.lines)")
                await a.expectEveryMoverExactlyInSpot()
                #expect(a.isApplied && !a.isPending)
            }
            await a.expectNeverOutOfEveryPool()
            #expect(try a.f.git("status", "--porcelain").isEmpty)
        }
    }

    @Test func a503OnTheVerifyReadRetriesOrLeavesTheFilePendingForASecondRun() async throws {
        try await ApplyFixture.run { a in
            try a.change()
            let state = a.f.cloud.state
            // Once: the transport's retry recovers.
            let once = try await a.apply(afterSteps: {
                await state.addFault(FaultRule(service: "nova", method: "GET", path: "/compute/v2.1/os-aggregates", status: 503, remaining: 1))
            })
            #expect(once.exitCode == 0, "\(once.lines)")
            #expect(once.verified == true)
            await a.expectEveryMoverExactlyInSpot()
        }
        try await ApplyFixture.run { a in
            try a.change()
            let state = a.f.cloud.state
            // Always: the run cannot verify; it says so, commits its log, and the next run finishes.
            let failed = try await a.apply(afterSteps: {
                await state.addFault(FaultRule(service: "nova", method: "GET", path: "/compute/v2.1/os-aggregates", status: 503))
            })
            #expect(failed.exitCode == 1, "\(failed.lines)")
            #expect(failed.verified == false)
            #expect(failed.lines.joined(separator: "\n").contains("could not be verified"))
            #expect(a.isPending)
            #expect(try a.f.git("ls-files", "log").contains(".jsonl"))
            await state.clearFaults()
            let second = try await a.apply()
            #expect(second.exitCode == 0, "\(second.lines)")
            #expect(second.hosts.allSatisfy { $0.status == .skipped })
            #expect(a.isApplied)
            await a.expectEveryMoverExactlyInSpot()
            await a.expectNeverOutOfEveryPool()
        }
    }

    @Test func aSecondApplyRefusesWithTheLockOwner() async throws {
        try await ApplyFixture.run { a in
            try a.change()
            var process = ProcessIdentity.current
            process.hostName = "ci-runner-7"
            process.processID = 1
            let other = RunContext(environment: [:], workingDirectory: a.f.repository.root, identity: Identity(name: "Ada", email: "ada@example.org"),
                                   clock: FixedClock(a.f.options.now), process: process)
            let lock = try RepositoryLock.acquire(a.f.repository, command: "spotctl apply", context: other)
            await a.f.cloud.state.resetStatistics()
            let error = await #expect(throws: SpotError.self) { _ = try await a.apply() }
            #expect(error?.exitCode == 3)
            #expect(error?.message.contains("locked by Ada <ada@example.org> on ci-runner-7") == true, "\(String(describing: error))")
            #expect(await a.f.cloud.state.statistics().total == 0)
            #expect(a.isPending)
            lock.release()
        }
    }

    @Test func twoAppliesAtOnceOneRunsTheOtherRefuses() async throws {
        try await ApplyFixture.run { a in
            try a.change()
            async let first: Result<ApplyReport, SpotError> = { () async -> Result<ApplyReport, SpotError> in
                do { return .success(try await a.apply()) } catch { return .failure((error as? SpotError) ?? SpotError("\(error)")) }
            }()
            async let second: Result<ApplyReport, SpotError> = { () async -> Result<ApplyReport, SpotError> in
                do { return .success(try await a.apply()) } catch { return .failure((error as? SpotError) ?? SpotError("\(error)")) }
            }()
            let results = [await first, await second]
            let refused = results.compactMap { if case .failure(let error) = $0 { return error } else { return nil } }
            let ran = results.compactMap { if case .success(let report) = $0 { return report } else { return nil } }
            // Either the second waited for nothing (refused by the lock), or it came after the first finished.
            if refused.count == 1 {
                #expect(refused[0].exitCode == 3 && refused[0].message.contains("locked by Snapshot Test"), "\(refused[0])")
            } else {
                #expect(ran.count == 2 && ran.contains { $0.files.isEmpty })
            }
            await a.expectEveryMoverExactlyInSpot()
            await a.expectNeverOutOfEveryPool()
        }
    }

    @Test func aHostMovedByHandAfterTheSnapshotIsDriftAndTheRestApplies() async throws {
        try await ApplyFixture.run { a in
            try a.change()
            // Someone moves CA1-ESC812-102 to runpod by hand after the snapshot.
            await a.f.cloud.state.mutate { world in
                for index in world.aggregates.indices {
                    if world.aggregates[index].name == "L40-n3" { world.aggregates[index].hosts.removeAll { $0 == "CA1-ESC812-102" } }
                    if world.aggregates[index].name == "L40-n3-runpod" { world.aggregates[index].hosts.append("CA1-ESC812-102") }
                }
            }
            let report = try await a.apply()
            #expect(report.exitCode == 3, "\(report.lines)")
            let drifted = report.hosts.filter { $0.status == .drifted }.map(\.host)
            #expect(drifted == ["CA1-ESC812-102"])
            #expect(report.lines.joined(separator: "\n").contains("CA1-ESC812-102: drifted, not run"))
            #expect(await a.pools(of: "CA1-ESC812-102") == ["L40-n3-runpod"])
            #expect(await a.pools(of: "CA1-ESC812-101") == ["L40-n3-spot"])
            #expect(await a.pools(of: "CA1-ESC812-105") == ["L40-n3-spot"])
            #expect(a.isPending)
            await a.expectNeverOutOfEveryPool()
        }
    }

    @Test func aVMStartedOnAHostLeavingSpotIsDriftAndTheRestApplies() async throws {
        try await ApplyFixture.run { a in
            try a.change("changes/2026-12-02-ondemand.yaml", """
            migrations:
              - host: "CA1-ESC812-103"
                to: "ondemand"
              - host: "CA1-ESC812-104"
                to: "ondemand"

            """)
            await a.f.cloud.state.mutate { world in
                world.servers.append(ServerSpec(id: "3f1c2b4a-0001-4e5f-8a9b-0000000000aa", name: "late-spot-vm", host: "CA1-ESC812-103",
                                                projectID: "5a1f3c0e9b2d4e6f8a7b6c5d4e3f2a10", flavor: "n3-L40x1"))
            }
            let report = try await a.apply()
            #expect(report.exitCode == 3, "\(report.lines)")
            let host = try #require(report.hosts.first { $0.host == "CA1-ESC812-103" })
            #expect(host.status == .drifted)
            #expect(host.problems.joined().contains("leaving spot"), "\(host.problems)")
            #expect(report.hosts.first { $0.host == "CA1-ESC812-104" }?.status == .done)
            #expect(await a.pools(of: "CA1-ESC812-103") == ["L40-n3-spot"])
            #expect(await a.pools(of: "CA1-ESC812-104") == ["L40-n3"])
        }
    }

    @Test func aFileInvalidAgainstTheSnapshotIsNotRunTheOthersAre() async throws {
        try await ApplyFixture.run { a in
            try a.change()
            try a.change("changes/2026-12-01-typo.yaml", "migrations:\n  - host: \"CA1-ESC812-999\"\n    to: \"spot\"\n")
            let report = try await a.apply()
            #expect(report.exitCode == 1, "\(report.lines)")
            let text = report.lines.joined(separator: "\n")
            #expect(text.contains("changes/2026-12-01-typo.yaml: not run, 1 problem against the snapshot"), "\(text)")
            #expect(text.contains("changes/2026-12-01-typo.yaml:2:"), "\(text)")
            #expect(a.isApplied)
            #expect(FileManager.default.fileExists(atPath: a.f.repository.root.appendingPathComponent("changes/2026-12-01-typo.yaml").path))
            await a.expectEveryMoverExactlyInSpot()
        }
    }

    @Test func aDryRunReadsValidatesAndWritesNothing() async throws {
        try await ApplyFixture.run { a in
            try a.change()
            let head = try a.f.git("rev-parse", "HEAD")
            let report = try await a.apply(dryRun: true)
            #expect(report.exitCode == 0, "\(report.lines)")
            let text = report.lines.joined(separator: "\n")
            #expect(text.contains("openstack aggregate add host L40-n3-spot CA1-ESC812-101"), "\(text)")
            #expect(await a.f.cloud.state.membershipHistory().isEmpty)
            #expect(try a.f.git("rev-parse", "HEAD") == head)
            #expect(try a.f.git("status", "--porcelain", "--ignored").split(separator: "\n").allSatisfy { !$0.contains("log/") && !$0.contains("changes/") })
            #expect(a.isPending)
        }
    }

    @Test func noSecretReachesTheLogTheOutcomeOrTheCommit() async throws {
        try await ApplyFixture.run { a in
            try a.change()
            // A failed step puts the client's error text into the log.
            await a.f.cloud.state.addFault(FaultRule(service: "nova", method: "POST", path: "/compute/v2.1/os-aggregates/1/action", status: 500, remaining: 1))
            _ = try await a.apply()
            await a.f.cloud.state.clearFaults()
            _ = try await a.apply()
            let secrets = a.f.options.environment.filter { ["OS_PASSWORD", "NETBOX_API_KEY", "HYPERSTACK_API_KEY", "RUNPOD_API_KEY"].contains($0.key) }.values
            #expect(!secrets.isEmpty)
            let history = try a.f.git("log", "-p", "--all")
            var texts = [history]
            for name in try FileManager.default.contentsOfDirectory(atPath: a.f.repository.logDirectory.path) {
                texts.append(try String(contentsOf: a.f.repository.logDirectory.appendingPathComponent(name), encoding: .utf8))
            }
            for secret in secrets where secret.count >= 4 {
                for text in texts { #expect(!text.contains(secret)) }
            }
        }
    }
}
