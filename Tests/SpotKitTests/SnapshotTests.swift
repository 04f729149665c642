import Foundation
import Synchronization
import Testing
import TestSupport
import GitStore
import SpotCore
import SpotClients
@testable import SpotKit
@testable import SpotSimulator

/// A simulated cloud and a fresh operations repository for one test.
struct SnapshotFixture {
    let dir: TemporaryDirectory
    let cloud: SimulatedCloud
    let repository: OperationsRepository
    var options: SnapshotRun

    static let git = URL(fileURLWithPath: "/usr/bin/git")

    static func start(_ scenario: Scenario = DemoScenario.load(), simulator: SimulatorOptions = SimulatorOptions()) async throws -> SnapshotFixture {
        let dir = try TemporaryDirectory()
        let cloud = try await SimulatedCloud.start(scenario: scenario, options: simulator)
        let identity = Identity(name: "Snapshot Test", email: "test@spotctl.invalid")
        _ = try await RepositoryInitializer.create(directory: "ops", cwd: dir.url, identity: identity, now: Date(timeIntervalSince1970: 1_800_000_000))
        let repository = OperationsRepository(root: dir.appending("ops"))
        var options = SnapshotRun()
        options.environment = Dictionary(await cloud.environment(), uniquingKeysWith: { _, last in last })
        options.environment["HOME"] = dir.path
        options.cwd = dir.url
        options.identity = identity
        options.now = Date(timeIntervalSince1970: 1_800_000_600)
        var client = ClientOptions()
        client.baseDelay = 0.01
        client.maxDelay = 2
        options.clientOptions = client
        return SnapshotFixture(dir: dir, cloud: cloud, repository: repository, options: options)
    }

    func stop() async {
        await cloud.stop()
        dir.remove()
    }

    /// Runs `body` with a fixture from `start`, and always awaits `stop()` afterwards, also when
    /// `body` throws.
    static func run(_ scenario: Scenario = DemoScenario.load(), simulator: SimulatorOptions = SimulatorOptions(),
                    _ body: (SnapshotFixture) async throws -> Void) async throws {
        try await withAsyncTeardown({ try await start(scenario, simulator: simulator) }, body: body, tearDown: { await $0.stop() })
    }

    func snapshot(_ body: (inout SnapshotRun) -> Void = { _ in }) async throws -> Snapshotter.Outcome {
        var options = self.options
        body(&options)
        return try await options.run(repository)
    }

    func git(_ arguments: String...) throws -> String {
        try runProcess(Self.git, ["-C", repository.root.path] + arguments).stdout
    }

    var commitCount: Int { Int((try? git("rev-list", "--count", "HEAD"))?.trimmingCharacters(in: .whitespacesAndNewlines) ?? "") ?? -1 }
}

/// One snapshot's settings in a test: the service's options and the context the executable
/// would resolve (environment, working directory, identity, a fixed clock).
struct SnapshotRun {
    var commit = true
    var force = false
    var clientOptions: ClientOptions?
    var storeFault: WriteFault?
    var environment: [String: String] = [:]
    var cwd = URL(fileURLWithPath: "/")
    var identity = Identity(name: "Snapshot Test", email: "test@spotctl.invalid")
    var now = Date(timeIntervalSince1970: 1_800_000_600)

    func run(_ repository: OperationsRepository, progress: @escaping @Sendable (String) -> Void = { _ in }) async throws -> Snapshotter.Outcome {
        var options = Snapshotter.Options()
        options.commit = commit
        options.force = force
        options.clientOptions = clientOptions
        options.storeFault = storeFault
        let context = RunContext(environment: environment, workingDirectory: cwd, identity: identity, clock: FixedClock(now))
        return try await Snapshotter.run(repository: repository, options: options, context: context, progress: progress)
    }
}

@Suite struct SnapshotterTests {
    @Test func aSnapshotCommitsOnceAndAnUnchangedCloudMakesNoCommit() async throws {
        try await SnapshotFixture.run { f in
            let first = try await f.snapshot()
            guard case .committed(let id) = first.result else { Issue.record("expected a commit, got \(first.result)"); return }
            #expect(f.commitCount == 2)
            #expect(try f.git("log", "-1", "--format=%H").trimmingCharacters(in: .whitespacesAndNewlines) == id)
            #expect(try f.git("log", "-1", "--format=%s").hasPrefix("First snapshot: "))
            #expect(try f.git("status", "--porcelain").isEmpty)
            #expect(try f.git("ls-files", "inventory").contains("inventory/hosts/CA1-ESC812-101.json"))
            let second = try await f.snapshot { $0.now = $0.now.addingTimeInterval(600) }
            #expect(second.result == .unchanged)
            #expect(f.commitCount == 2)
            #expect(second.summaryLine.contains("unchanged, no commit"))
            // The time of the last run lives in .spotctl/, which git ignores.
            #expect(FileManager.default.fileExists(atPath: f.repository.stateDirectory.appendingPathComponent("last-snapshot.json").path))
            #expect(try f.git("check-ignore", ".spotctl/last-snapshot.json").contains(".spotctl"))
        }
    }

    @Test func aChangeInTheCloudIsCommittedWithASummary() async throws {
        try await SnapshotFixture.run { f in
            _ = try await f.snapshot()
            await f.cloud.state.mutate { world in
                let moving = ["CA1-ESC812-101", "CA1-ESC812-102"]
                for index in world.aggregates.indices {
                    if world.aggregates[index].name == "L40-n3" { world.aggregates[index].hosts.removeAll { moving.contains($0) } }
                    if world.aggregates[index].name == "L40-n3-spot" { world.aggregates[index].hosts += moving }
                }
            }
            let outcome = try await f.snapshot { $0.now = $0.now.addingTimeInterval(600) }
            #expect(outcome.diff.subject.hasPrefix("L40: 2 hosts moved to spot"))
            #expect(try f.git("log", "-1", "--format=%s").hasPrefix("L40: 2 hosts moved to spot"))
            // The change touches few files: the two hosts' files are unchanged; aggregates and summary change.
            let changed = try f.git("diff", "--name-only", "HEAD~1", "HEAD").split(separator: "\n").map(String.init)
            #expect(changed == ["inventory/aggregates.json", "inventory/summary.json"])
            let diff = try await SnapshotComparer.compare(repository: f.repository, revisions: [])
            #expect(SnapshotComparer.render(diff).contains("CA1-ESC812-101 (L40): On-Demand -> Spot"))
        }
    }

    @Test func aSourceThatKeepsFailingLeavesTheRepositoryUntouched() async throws {
        try await SnapshotFixture.run { f in
            await f.cloud.state.addFault(FaultRule(service: "nova", path: "/compute/v2.1/servers", status: 503))
            let before = try f.git("rev-parse", "HEAD")
            let error = await #expect(throws: SpotError.self) { _ = try await f.snapshot() }
            #expect(error?.exitCode == 1)
            #expect(error?.message.contains("the snapshot failed and wrote nothing") == true)
            #expect(error?.message.contains("503") == true)
            #expect(error?.message.contains("/servers/detail") == true)
            #expect(try f.git("rev-parse", "HEAD") == before)
            #expect(!FileManager.default.fileExists(atPath: f.repository.inventoryDirectory.path))
            #expect(try f.git("status", "--porcelain").isEmpty)
        }
    }

    @Test func aRateLimitWithRetryAfterIsWaitedOut() async throws {
        try await SnapshotFixture.run { f in
            await f.cloud.state.addFault(FaultRule(service: "netbox", status: 429, retryAfter: 1, remaining: 1))
            let started = Date()
            let outcome = try await f.snapshot()
            #expect(Date().timeIntervalSince(started) >= 1.0)
            #expect(outcome.result != .unchanged)
            #expect(await f.cloud.state.statistics().count(service: "netbox") == 2)
        }
    }

    @Test func unconfiguredNetBoxAndHyperstackAreReportedAndOpenStackAloneWorks() async throws {
        try await SnapshotFixture.run { f in
            let outcome = try await f.snapshot { options in
                options.environment["NETBOX_URL"] = nil
                options.environment["NETBOX_API_KEY"] = nil
                options.environment["HYPERSTACK_API_KEY"] = nil
            }
            #expect(outcome.notes.count == 2)
            #expect(outcome.notes[0].hasPrefix("NetBox is not configured"))
            #expect(outcome.notes[1].hasPrefix("Hyperstack is not configured"))
            let facts = try await RepositoryReader(repository: f.repository).facts(at: "HEAD")
            #expect(facts.devices == nil)
            #expect(facts.images == nil)
            #expect(facts.servers.count == 9)
            let inventory = CloudView(facts: facts, configuration: .defaults)
            #expect(inventory.type(named: "L40")?.overview.hostCount == 6)
            #expect(await f.cloud.state.statistics().count(service: "netbox") == 0)
        }
    }

    @Test func theGuardRefusesLosingHalfTheCloudUnlessForced() async throws {
        try await SnapshotFixture.run { f in
            _ = try await f.snapshot()
            let head = try f.git("rev-parse", "HEAD")
            await f.cloud.state.mutate { world in
                world.hosts.removeLast(8)
            }
            let error = await #expect(throws: SpotError.self) { _ = try await f.snapshot() }
            #expect(error?.exitCode == 3)
            #expect(error?.message.contains("loses 8 of 12 compute hosts") == true)
            #expect(try f.git("rev-parse", "HEAD") == head)
            let forced = try await f.snapshot { $0.force = true }
            guard case .committed = forced.result else { Issue.record("expected a commit"); return }
        }
    }

    @Test func noCommitWritesTheFilesAndLeavesHEAD() async throws {
        try await SnapshotFixture.run { f in
            let head = try f.git("rev-parse", "HEAD")
            let outcome = try await f.snapshot { $0.commit = false }
            #expect(outcome.result == .written)
            #expect(try f.git("rev-parse", "HEAD") == head)
            #expect(FileManager.default.fileExists(atPath: f.repository.inventoryDirectory.appendingPathComponent("snapshot.json").path))
            #expect(try RepositoryReader(repository: f.repository).workingTreeFacts()?.servers.count == 9)
        }
    }

    @Test func aRepositoryInTheMiddleOfAMergeIsRefusedBeforeFetching() async throws {
        try await SnapshotFixture.run { f in
            let head = try f.git("rev-parse", "HEAD").trimmingCharacters(in: .whitespacesAndNewlines)
            try head.write(to: f.repository.root.appendingPathComponent(".git/MERGE_HEAD"), atomically: true, encoding: .utf8)
            let error = await #expect(throws: SpotError.self) { _ = try await f.snapshot() }
            #expect(error?.message.contains("in the middle of a merge") == true)
            #expect(await f.cloud.state.statistics().total == 0)
        }
    }

    @Test func noSecretReachesTheRepositoryOrTheOutputInClearOrBase64() async throws {
        var scenario = DemoScenario.load()
        let runpod = scenario.credentials.runpodAPIKey
        let cloudInit = "#cloud-config\nruncmd:\n  - echo RUNPOD_API_KEY=\(runpod) > /etc/runpod.env\n"
        scenario.servers[0].userData = Data(cloudInit.utf8).base64EncodedString()
        scenario.servers[0].metadata = ["note": "hello"]
        try await SnapshotFixture.run(scenario) { f in
            let c = scenario.credentials
            let secrets = [c.password, c.netboxToken, c.hyperstackAPIKey, runpod]
            let lines = LineCollector()
            let outcome = try await f.options.run(f.repository) { line in lines.append(line) }
            let output = lines.text + outcome.summaryLine + outcome.notes.joined() + outcome.diff.message
            let redactor = Redactor(values: secrets)
            // Every file of the working tree and every object of the history.
            let everything = try f.git("log", "-p", "--all", "--format=%H %an %ae %s %b") + (try f.git("grep", "-I", "-h", "", "HEAD"))
            for secret in secrets {
                #expect(!everything.contains(secret))
                #expect(!everything.contains(Data(secret.utf8).base64EncodedString()))
            }
            #expect(!redactor.leaks(everything))
            #expect(!redactor.leaks(output))
            #expect(!everything.contains("user_data"))
            #expect(!everything.contains("updated_at"))
        }
    }
}

/// Collects progress lines from concurrently running code.
final class LineCollector: Sendable {
    private let lines = Mutex<[String]>([])

    func append(_ line: String) {
        lines.withLock { $0.append(line) }
    }

    var text: String {
        lines.withLock { $0.joined(separator: "\n") }
    }
}

@Suite struct SnapshotLineTests {
    @Test func theBinaryExitsWith0Then3ForTheGuardAnd64ForBadUsage() async throws {
        try await SnapshotFixture.run { f in
            var environment = f.options.environment
            environment["CI"] = "true"
            let first = try await runProcessOffPool(ProjectPaths.spotctl, ["snapshot", "--repo", f.repository.root.path], environment: environment)
            #expect(first.status == 0, "\(first.stderr)")
            #expect(first.stdout.hasPrefix("snapshot committed "))
            #expect(first.stderr.isEmpty) // quiet in CI
            await f.cloud.state.mutate { world in world.hosts.removeLast(10) }
            let refused = try await runProcessOffPool(ProjectPaths.spotctl, ["snapshot", "--repo", f.repository.root.path], environment: environment)
            #expect(refused.status == 3)
            #expect(refused.stderr.contains("spotctl snapshot --force"))
            let usage = try await runProcessOffPool(ProjectPaths.spotctl, ["snapshot", "--repo", f.repository.root.path, "--bogus"], environment: environment)
            #expect(usage.status == 64)
            let diff = try await runProcessOffPool(ProjectPaths.spotctl, ["diff", "--repo", f.repository.root.path], environment: environment)
            #expect(diff.status == 1)
            #expect(diff.stderr.contains("only one snapshot"))
            // --timings: one line per phase on standard error, in the order they run; stdout unchanged.
            let timed = try await runProcessOffPool(ProjectPaths.spotctl, ["snapshot", "--force", "--timings", "--repo", f.repository.root.path],
                                                    environment: environment)
            #expect(timed.status == 0, "\(timed.stderr)")
            #expect(timed.stdout.hasPrefix("snapshot committed "))
            let phases = timed.stderr.split(separator: "\n").map { $0.split(separator: " ", omittingEmptySubsequences: true) }
            #expect(phases.map { $0.first.map(String.init) } == Snapshotter.Outcome.phaseNames.map(Optional.some), "\(timed.stderr)")
            #expect(phases.allSatisfy { $0.count == 3 && Double($0[1]).map { $0 >= 0 } == true && $0[2] == "s" }, "\(timed.stderr)")
        }
    }
}

/// A cloud large enough that the first snapshot's host files go into a pack the git store writes
/// itself: git accepts the repository, and later snapshots build on it.
@Suite struct LargeSnapshotRepositoryTests {
    @Test func theFirstSnapshotIsOnePackGitAcceptsAndLaterOnesBuildOnIt() async throws {
        let scenario = ScenarioGenerator(hosts: 150, seed: 21, vmsPerHost: 3).generate()
        try await SnapshotFixture.run(scenario) { f in
            let first = try await f.snapshot()
            guard case .committed = first.result else { Issue.record("expected a commit, got \(first.result)"); return }
            let hostFiles = try f.git("ls-files", "inventory/hosts").split(separator: "\n")
            #expect(hostFiles.count >= 150)
            #expect(try f.git("count-objects", "-v").contains("packs: 1"))
            try expectSound(f)
            #expect(try f.git("status", "--porcelain").isEmpty)
            // What git reads from the pack is what the working tree holds, byte for byte.
            let sample = String(hostFiles[hostFiles.count / 2])
            let onDisk = try Data(contentsOf: f.repository.root.appendingPathComponent(sample))
            #expect(Data(try f.git("show", "HEAD:" + sample).utf8) == onDisk)

            // An unchanged cloud: no commit. A changed one: a small commit on top of the pack.
            #expect(try await f.snapshot { $0.now = $0.now.addingTimeInterval(600) }.result == .unchanged)
            await f.cloud.state.mutate { world in
                world.servers.removeAll { $0.host == scenario.hosts[0].name }
            }
            let third = try await f.snapshot { $0.now = $0.now.addingTimeInterval(1200) }
            guard case .committed = third.result else { Issue.record("expected a commit, got \(third.result)"); return }
            #expect(f.commitCount == 3)
            #expect(try f.git("diff", "--name-only", "HEAD~1", "HEAD").contains("inventory/hosts/"))
            try expectSound(f)
            #expect(try f.git("status", "--porcelain").isEmpty)
        }
    }

    /// `git fsck --strict` finds nothing wrong: exit 0, no output on either stream.
    func expectSound(_ f: SnapshotFixture, sourceLocation: SourceLocation = #_sourceLocation) throws {
        let fsck = try runProcess(SnapshotFixture.git, ["-C", f.repository.root.path, "fsck", "--strict", "--no-progress"])
        #expect(fsck.status == 0 && fsck.stdout.isEmpty && fsck.stderr.isEmpty, "git fsck: \(fsck.stdout)\(fsck.stderr)",
                sourceLocation: sourceLocation)
    }
}
