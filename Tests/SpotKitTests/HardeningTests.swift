import Foundation
import Testing
import TestSupport
import GitStore
import SpotCore
import SpotClients
@testable import SpotKit
@testable import SpotSimulator

/// The repository is as before: HEAD, `git status` clean (untracked files included), `git fsck
/// --strict` silent.
func expectUnchanged(_ f: SnapshotFixture, head: String, sourceLocation: SourceLocation = #_sourceLocation) throws {
    #expect(try f.git("rev-parse", "HEAD") == head, sourceLocation: sourceLocation)
    try expectClean(f, sourceLocation: sourceLocation)
}

func expectClean(_ f: SnapshotFixture, sourceLocation: SourceLocation = #_sourceLocation) throws {
    let status = try f.git("status", "--porcelain", "--untracked-files=all")
    #expect(status.isEmpty, "git status: \(status)", sourceLocation: sourceLocation)
    let fsck = try runProcess(SnapshotFixture.git, ["-C", f.repository.root.path, "fsck", "--strict", "--no-progress"])
    #expect(fsck.status == 0 && fsck.stderr.isEmpty, "git fsck: \(fsck.stdout)\(fsck.stderr)", sourceLocation: sourceLocation)
}

/// The guard sees sources that went missing or empty, endpoints that changed and hosts lost by
/// name, and refuses with exit status 3, a message naming the cause and nothing written.
@Suite struct SourceGuardTests {
    @Test func aMissingNetBoxKeyIsRefused() async throws {
        try await SnapshotFixture.run { f in
            _ = try await f.snapshot()
            let head = try f.git("rev-parse", "HEAD")
            let error = await #expect(throws: SpotError.self) { _ = try await f.snapshot { $0.environment["NETBOX_API_KEY"] = nil } }
            #expect(error?.exitCode == 3)
            #expect(error?.message.contains("NetBox was a source of the previous snapshot") == true, "\(String(describing: error))")
            #expect(error?.message.contains("NETBOX_API_KEY is not set") == true)
            try expectUnchanged(f, head: head)
        }
    }

    @Test func netBoxAnsweringNoDevicesIsRefused() async throws {
        try await SnapshotFixture.run { f in
            _ = try await f.snapshot()
            let head = try f.git("rev-parse", "HEAD")
            await f.cloud.state.mutate { $0.devices = [] }
            let error = await #expect(throws: SpotError.self) { _ = try await f.snapshot() }
            #expect(error?.exitCode == 3)
            #expect(error?.message.contains("NetBox answered no devices") == true, "\(String(describing: error))")
            try expectUnchanged(f, head: head)
        }
    }

    @Test func novaAnsweringNoAggregatesIsRefused() async throws {
        try await SnapshotFixture.run { f in
            _ = try await f.snapshot()
            let head = try f.git("rev-parse", "HEAD")
            await f.cloud.state.mutate { $0.aggregates = [] }
            let error = await #expect(throws: SpotError.self) { _ = try await f.snapshot() }
            #expect(error?.exitCode == 3)
            #expect(error?.message.contains("Nova answered no host aggregates") == true, "\(String(describing: error))")
            try expectUnchanged(f, head: head)
        }
    }

    /// Another cloud of the same size, answering at the same address: every host is lost by name
    /// though the counts agree.
    @Test func aDifferentCloudAtTheSameAddressIsRefused() async throws {
        let first = DemoScenario.load()
        var other = ScenarioGenerator(hosts: first.hosts.count, seed: 99, vmsPerHost: 1).generate()
        other.credentials = first.credentials
        other.region = first.region
        let dir = try TemporaryDirectory()
        defer { dir.remove() }
        var f = try await SnapshotFixture.start(first)
        _ = try await f.snapshot()
        let head = try f.git("rev-parse", "HEAD")
        let port = f.cloud.port
        await f.cloud.stop()
        var options = SimulatorOptions()
        options.port = port
        let cloud = try await SimulatedCloud.start(scenario: other, options: options)
        f = SnapshotFixture(dir: f.dir, cloud: cloud, repository: f.repository, options: f.options)
        let environment = Dictionary(await cloud.environment(), uniquingKeysWith: { _, last in last })
        #expect(environment["OS_AUTH_URL"] == f.options.environment["OS_AUTH_URL"], "the same address")
        do {
            let error = await #expect(throws: SpotError.self) { _ = try await f.snapshot() }
            #expect(error?.exitCode == 3)
            #expect(error?.message.contains(" of \(first.hosts.count) compute hosts") == true,
                    "\(String(describing: error))")
            try expectUnchanged(f, head: head)
        }
        await f.stop()
    }

    @Test func aChangedEndpointIsRefusedAndTakenWithForce() async throws {
        try await SnapshotFixture.run { f in
            _ = try await f.snapshot()
            let head = try f.git("rev-parse", "HEAD")
            // The same cloud under another name is still another endpoint as far as the guard knows.
            let error = await #expect(throws: SpotError.self) {
                _ = try await f.snapshot { $0.environment["OS_AUTH_URL"] = $0.environment["OS_AUTH_URL"]!.replacingOccurrences(of: "127.0.0.1", with: "localhost") }
            }
            #expect(error?.exitCode == 3)
            #expect(error?.message.contains("the OpenStack endpoint changed from http://127.0.0.1:") == true, "\(String(describing: error))")
            try expectUnchanged(f, head: head)
            // A trailing slash or a default port is the same endpoint.
            let same = try await f.snapshot { $0.environment["OS_AUTH_URL"] = $0.environment["OS_AUTH_URL"]! + "/" }
            #expect(same.result == .unchanged)
            let forced = try await f.snapshot {
                $0.force = true
                $0.environment["OS_AUTH_URL"] = $0.environment["OS_AUTH_URL"]!.replacingOccurrences(of: "127.0.0.1", with: "localhost")
            }
            guard case .committed = forced.result else { Issue.record("expected a commit"); return }
            #expect(try f.git("show", "HEAD:inventory/snapshot.json").contains("\"auth_url\" : \"http://localhost:"))
        }
    }

    /// A snapshot taken before endpoints were recorded is upgraded: recorded, not refused.
    @Test func aSnapshotWithoutEndpointsIsUpgraded() async throws {
        try await SnapshotFixture.run { f in
            _ = try await f.snapshot()
            let file = f.repository.inventoryDirectory.appendingPathComponent("snapshot.json")
            var document = try JSONSerialization.jsonObject(with: Data(contentsOf: file)) as! [String: Any]
            document["endpoints"] = nil
            try JSONSerialization.data(withJSONObject: document, options: [.prettyPrinted, .sortedKeys]).write(to: file)
            _ = try f.git("commit", "-q", "-a", "-m", "an older snapshot")
            let moved = { (run: inout SnapshotRun) in
                run.environment["OS_AUTH_URL"] = run.environment["OS_AUTH_URL"]!.replacingOccurrences(of: "127.0.0.1", with: "localhost")
            }
            let upgraded = try await f.snapshot(moved)
            guard case .committed = upgraded.result else { Issue.record("expected a commit, got \(upgraded.result)"); return }
            #expect(try f.git("show", "HEAD:inventory/snapshot.json").contains("\"auth_url\" : \"http://localhost:"))
            // From now on, the recorded endpoint is compared.
            await #expect(throws: SpotError.self) { _ = try await f.snapshot() }
        }
    }

    @Test func endpointsAreComparedNormalised() {
        #expect(SourceEndpoints.normalized("HTTPS://Keystone.Example:443/v3/") == "https://keystone.example/v3")
        #expect(SourceEndpoints.normalized("http://a:80/x?y#z") == "http://a/x")
        #expect(SourceEndpoints.normalized("http://a:8080/") == "http://a:8080")
        #expect(SourceEndpoints.normalized("https://a/v3") != SourceEndpoints.normalized("https://b/v3"))
    }
}

/// One writer at a time: `.spotctl/lock`.
@Suite struct LockTests {
    func context(_ f: SnapshotFixture, host: String? = nil, pid: Int32? = nil) -> RunContext {
        var process = ProcessIdentity.current
        if let host { process.hostName = host }
        if let pid { process.processID = pid }
        return RunContext(environment: f.options.environment, workingDirectory: f.dir.url, identity: f.options.identity,
                          clock: FixedClock(f.options.now), process: process)
    }

    @Test func aHeldLockRefusesASecondSnapshotBeforeFetching() async throws {
        try await SnapshotFixture.run { f in
            _ = try await f.snapshot()
            let head = try f.git("rev-parse", "HEAD")
            let lock = try RepositoryLock.acquire(f.repository, command: "spotctl snapshot", context: context(f))
            await f.cloud.state.resetStatistics()
            let error = await #expect(throws: SpotError.self) { _ = try await f.snapshot() }
            #expect(error?.message.contains("locked by Snapshot Test <test@spotctl.invalid> on \(ProcessIdentity.current.hostName) (pid \(getpid())") == true,
                    "\(String(describing: error))")
            #expect(error?.hint?.contains("spotctl unlock \(lock.record.id)") == true)
            #expect(await f.cloud.state.statistics().total == 0)
            try expectUnchanged(f, head: head)
            lock.release()
            #expect(try RepositoryLock.current(f.repository) == nil)
            _ = try await f.snapshot()
        }
    }

    @Test func aLockOfAProcessThatIsGoneOnThisMachineIsTakenOver() async throws {
        try await SnapshotFixture.run { f in
            // A process id that is not running: a child that has exited.
            let exited = try runProcess(URL(fileURLWithPath: "/bin/sh"), ["-c", "echo $$"]).stdout
            let pid = try #require(Int32(exited.trimmingCharacters(in: .whitespacesAndNewlines)))
            let stale = try RepositoryLock.acquire(f.repository, command: "spotctl snapshot", context: context(f, pid: pid))
            let lines = LineCollector()
            _ = try await f.options.run(f.repository) { lines.append($0) }
            #expect(lines.text.contains("note: took over the lock left by Snapshot Test <test@spotctl.invalid> on \(ProcessIdentity.current.hostName) (pid \(pid)"),
                    "\(lines.text)")
            #expect(try RepositoryLock.current(f.repository) == nil)
            _ = stale
        }
    }

    @Test func aLockFromAnotherMachineNeedsUnlockWithItsID() async throws {
        try await SnapshotFixture.run { f in
            let other = try RepositoryLock.acquire(f.repository, command: "spotctl snapshot", context: context(f, host: "ci-runner-7", pid: 1))
            await #expect(throws: SpotError.self) { _ = try await f.snapshot() }
            let wrong = #expect(throws: SpotError.self) { _ = try RepositoryLock.unlock(f.repository, id: "000000000000") }
            #expect(wrong?.message.contains("has the id \(other.record.id)") == true)
            #expect(try RepositoryLock.current(f.repository)?.id == other.record.id)
            let removed = try RepositoryLock.unlock(f.repository, id: other.record.id)
            #expect(removed.host == "ci-runner-7")
            _ = try await f.snapshot()
        }
    }

    @Test func theBinaryUnlocksOnlyWithTheID() async throws {
        try await SnapshotFixture.run { f in
            let held = try RepositoryLock.acquire(f.repository, command: "spotctl snapshot", context: context(f, host: "elsewhere", pid: 1))
            let refused = try await runProcessOffPool(ProjectPaths.spotctl, ["snapshot", "--repo", f.repository.root.path], environment: f.options.environment)
            #expect(refused.status == 1)
            #expect(refused.stderr.contains("spotctl unlock \(held.record.id)"), "\(refused.stderr)")
            let asked = try await runProcessOffPool(ProjectPaths.spotctl, ["unlock", "--repo", f.repository.root.path], environment: f.options.environment)
            #expect(asked.status == 1 && asked.stderr.contains(held.record.id))
            let unlocked = try await runProcessOffPool(ProjectPaths.spotctl, ["unlock", "--repo", f.repository.root.path, held.record.id],
                                                       environment: f.options.environment)
            #expect(unlocked.status == 0, "\(unlocked.stderr)")
            #expect(try RepositoryLock.current(f.repository) == nil)
        }
    }
}

/// A snapshot interrupted by a full disk or a crash leaves the repository as before, or as
/// something the next run finishes and says so.
@Suite struct InterruptedSnapshotTests {
    func changeTheCloud(_ f: SnapshotFixture) async {
        await f.cloud.state.mutate { world in
            world.servers.removeAll { $0.name == "notebook" }
        }
    }

    @Test(arguments: [WriteFault.Step.objects, .staging, .reference])
    func aFullDiskLeavesTheRepositoryAsBefore(step: WriteFault.Step) async throws {
        try await SnapshotFixture.run { f in
            _ = try await f.snapshot()
            let head = try f.git("rev-parse", "HEAD")
            await changeTheCloud(f)
            let error = await #expect(throws: SpotError.self) {
                var options = f.options
                options.storeFault = WriteFault(step, .diskFull, afterFiles: 1)
                _ = try await options.run(f.repository)
            }
            #expect(error?.exitCode == 1)
            #expect(error?.message.contains("No space left on device") == true, "\(String(describing: error))")
            #expect(error?.message.contains("the repository is as it was") == true)
            try expectUnchanged(f, head: head)
            #expect(try RepositoryLock.current(f.repository) == nil)
            guard case .committed = try await f.snapshot().result else { Issue.record("expected a commit"); return }
            try expectClean(f)
        }
    }

    @Test(arguments: [WriteFault.Step.reference, .install, .index])
    func aCrashIsFinishedByTheNextSnapshotWhichSaysSo(step: WriteFault.Step) async throws {
        try await SnapshotFixture.run { f in
            _ = try await f.snapshot()
            let head = try f.git("rev-parse", "HEAD")
            await changeTheCloud(f)
            await #expect(throws: SpotError.self) {
                var options = f.options
                options.storeFault = WriteFault(step, .crash, afterFiles: 2)
                _ = try await options.run(f.repository)
            }
            let lines = LineCollector()
            let next = try await f.options.run(f.repository) { lines.append($0) }
            if step == .reference {
                #expect(lines.text.contains("note: an interrupted write had not moved the branch"), "\(lines.text)")
                guard case .committed = next.result else { Issue.record("expected a commit, got \(next.result)"); return }
            } else {
                #expect(lines.text.contains("note: an interrupted write had moved the branch"), "\(lines.text)")
                #expect(next.result == .unchanged)
                #expect(try f.git("rev-parse", "HEAD~1") == head)
            }
            try expectClean(f)
        }
    }
}
