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

/// A link planted at any path spotctl writes never changes a file outside the repository: the
/// link is replaced, or the write is refused with a message saying so.
@Suite struct PlantedLinkTests {
    static func plant(_ path: URL, to target: URL) throws {
        try? FileManager.default.removeItem(at: path)
        try FileManager.default.createDirectory(at: path.deletingLastPathComponent(), withIntermediateDirectories: true)
        try FileManager.default.createSymbolicLink(atPath: path.path, withDestinationPath: target.path)
    }

    static func isRegularFile(_ url: URL) -> Bool {
        var info = stat()
        return lstat(url.path, &info) == 0 && info.st_mode & S_IFMT == S_IFREG
    }

    @Test func theSnapshotAndItsLastRunFileReplaceLinks() async throws {
        try await SnapshotFixture.run { f in
            let outside = try TemporaryDirectory(prefix: "outside")
            defer { outside.remove() }
            let targets = ["summary", "host", "last-run"].map { outside.appending($0) }
            for target in targets { try "outside\n".write(to: target, atomically: true, encoding: .utf8) }
            _ = try await f.snapshot()
            // A link committed at inventory/summary.json (a merged pull request), one left at a
            // host file, and one at the last-run file.
            let summary = f.repository.inventoryDirectory.appendingPathComponent("summary.json")
            try Self.plant(summary, to: targets[0])
            _ = try f.git("commit", "-q", "-a", "-m", "a link")
            let host = f.repository.inventoryDirectory.appendingPathComponent("hosts/CA1-ESC812-101.json")
            try Self.plant(host, to: targets[1])
            let lastRun = f.repository.stateDirectory.appendingPathComponent("last-snapshot.json")
            try Self.plant(lastRun, to: targets[2])

            let outcome = try await f.snapshot { $0.now = $0.now.addingTimeInterval(600) }
            guard case .committed = outcome.result else { Issue.record("expected a commit restoring the file, got \(outcome.result)"); return }
            for target in targets { #expect(try String(contentsOf: target, encoding: .utf8) == "outside\n", "\(target.path) was written") }
            for file in [summary, host, lastRun] { #expect(Self.isRegularFile(file), "\(file.path)") }
            #expect(try f.git("show", "HEAD:inventory/summary.json").contains("format_version"))
            try expectClean(f)
        }
    }

    @Test func aStateFolderThatIsALinkIsRefused() async throws {
        try await SnapshotFixture.run { f in
            let outside = try TemporaryDirectory(prefix: "outside")
            defer { outside.remove() }
            try Self.plant(f.repository.stateDirectory, to: outside.url)
            let error = await #expect(throws: SpotError.self) { _ = try await f.snapshot() }
            #expect(error?.message.contains(".spotctl is a symbolic link") == true, "\(String(describing: error))")
            #expect(try FileManager.default.contentsOfDirectory(atPath: outside.path).isEmpty)
        }
    }

    @Test func initReplacesALinkAtAFileItWrites() async throws {
        let dir = try TemporaryDirectory()
        defer { dir.remove() }
        let outside = try TemporaryDirectory(prefix: "outside")
        defer { outside.remove() }
        let target = outside.appending("readme")
        try "outside\n".write(to: target, atomically: true, encoding: .utf8)
        try Self.plant(dir.appending("ops/README.md"), to: target)
        _ = try await RepositoryInitializer.create(directory: "ops", cwd: dir.url, identity: Identity(name: "T", email: "t@spotctl.invalid"),
                                                   now: Date(timeIntervalSince1970: 1_800_000_000))
        #expect(try String(contentsOf: target, encoding: .utf8) == "outside\n")
        #expect(Self.isRegularFile(dir.appending("ops/README.md")))
    }
}

/// `render --out` replaces only a folder it wrote or an empty folder.
@Suite struct RenderOutputTests {
    func render(_ f: SnapshotFixture, to output: String?) async throws -> SiteBuilder.Outcome {
        var options = SiteBuilder.Options()
        options.output = output
        let context = RunContext(environment: f.options.environment, workingDirectory: f.dir.url, identity: f.options.identity,
                                 clock: FixedClock(f.options.now))
        return try await SiteBuilder.run(repository: f.repository, options: options, context: context)
    }

    @Test func aFileALinkOrAForeignFolderIsRefusedAndLeftAlone() async throws {
        try await SnapshotFixture.run { f in
            _ = try await f.snapshot()
            let outside = try TemporaryDirectory(prefix: "outside")
            defer { outside.remove() }
            let file = f.dir.appending("notes.txt")
            try "mine\n".write(to: file, atomically: true, encoding: .utf8)
            let linkToFile = f.dir.appending("to-file")
            try PlantedLinkTests.plant(linkToFile, to: file)
            let linkToFolder = f.dir.appending("to-folder")
            try PlantedLinkTests.plant(linkToFolder, to: outside.url)
            let foreign = f.dir.appending("foreign")
            try FileManager.default.createDirectory(at: foreign, withIntermediateDirectories: true)
            try "keep\n".write(to: foreign.appendingPathComponent("keep.txt"), atomically: true, encoding: .utf8)

            for (output, expected) in [(file, "is a file, not a folder"), (linkToFile, "is a symbolic link"), (linkToFolder, "is a symbolic link"),
                                       (foreign, "was not written by spotctl render")] {
                let error = await #expect(throws: SpotError.self) { _ = try await render(f, to: output.path) }
                #expect(error?.message.contains(expected) == true, "\(output.path): \(String(describing: error))")
            }
            #expect(try String(contentsOf: file, encoding: .utf8) == "mine\n")
            #expect(PlantedLinkTests.isRegularFile(file))
            #expect(try FileManager.default.contentsOfDirectory(atPath: outside.path).isEmpty)
            #expect(try FileManager.default.contentsOfDirectory(atPath: foreign.path) == ["keep.txt"])

            // An empty folder is taken; a folder render wrote is replaced, a link inside it with it.
            let empty = f.dir.appending("empty")
            try FileManager.default.createDirectory(at: empty, withIntermediateDirectories: true)
            _ = try await render(f, to: empty.path)
            #expect(FileManager.default.fileExists(atPath: empty.appendingPathComponent("index.html").path))
            let target = outside.appending("page")
            try "outside\n".write(to: target, atomically: true, encoding: .utf8)
            try PlantedLinkTests.plant(empty.appendingPathComponent("index.html"), to: target)
            _ = try await render(f, to: empty.path)
            #expect(try String(contentsOf: target, encoding: .utf8) == "outside\n")
            #expect(PlantedLinkTests.isRegularFile(empty.appendingPathComponent("index.html")))
        }
    }
}

/// The real binary, observed from outside: what reaches the disk before the branch moves, and
/// runs killed at any moment.
@Suite struct DurabilityTests {
    /// Under strace: the pack and its index are synced before their rename, the pack folder after
    /// it, and the branch's new value is synced and renamed into place only after all that.
    /// strace is installed by `make test` (Makefile APT_PACKAGES); a sandbox that forbids ptrace
    /// altogether cannot run this test.
    static let strace = URL(fileURLWithPath: "/usr/bin/strace")
    static let straceWorks: Bool = {
        guard FileManager.default.isExecutableFile(atPath: strace.path) else { return true }  // the test then fails, naming it
        guard let probe = try? runProcess(strace, ["-o", "/dev/null", "/bin/true"]) else { return false }
        return probe.status == 0 || !probe.stderr.contains("Operation not permitted")
    }()

    @Test(.enabled(if: straceWorks, "ptrace is not permitted here"))
    func thePackIsOnDiskBeforeTheBranchMoves() async throws {
        let strace = Self.strace
        try #require(FileManager.default.isExecutableFile(atPath: strace.path), "strace is installed by make test (Makefile APT_PACKAGES)")
        let scenario = ScenarioGenerator(hosts: 150, seed: 5, vmsPerHost: 2).generate()
        try await SnapshotFixture.run(scenario) { f in
            let trace = f.dir.appending("trace").path
            let run = try await runProcessOffPool(strace, ["-f", "-qq", "-o", trace, "-e", "trace=openat,fsync,fdatasync,rename,renameat,renameat2",
                                                           ProjectPaths.spotctl.path, "snapshot", "--repo", f.repository.root.path],
                                                  environment: f.options.environment)
            #expect(run.status == 0, "\(run.stderr)")
            let lines = try String(contentsOfFile: trace, encoding: .utf8).split(separator: "\n").map(String.init)
            func index(_ predicate: (String) -> Bool) -> Int? { lines.firstIndex(where: predicate) }
            /// Where a call's result is: its own line, or the "resumed" line of its thread when
            /// another thread interrupted it in the trace.
            func result(of at: Int, _ call: String) -> Int? {
                guard lines[at].hasSuffix("<unfinished ...>") else { return at }
                let pid = String(lines[at].split(separator: " ")[0])
                return lines[at...].firstIndex { $0.hasPrefix(pid + " ") && $0.contains("<... \(call)") && $0.contains(" resumed>") }
            }
            func renamed(to suffix: String) -> Int? {
                for at in lines.indices where lines[at].contains("rename") && lines[at].contains(suffix + "\"") {
                    let call = lines[at].split(separator: " ", omittingEmptySubsequences: true)[1].prefix { $0 != "(" }
                    if let end = result(of: at, String(call)), lines[end].hasSuffix("= 0") { return end }
                }
                return nil
            }
            /// The descriptor an `openat` of a path containing `fragment` returned, and where (a
            /// call another thread interrupted in the trace ends on a "resumed" line of its own).
            func opened(_ fragment: String) -> (line: Int, pid: String, fd: String)? {
                guard let at = index({ $0.contains("openat(") && $0.contains(fragment) }) else { return nil }
                let pid = String(lines[at].split(separator: " ")[0])
                var end = at
                if lines[at].hasSuffix("<unfinished ...>") {
                    guard let resumed = lines[at...].firstIndex(where: { $0.hasPrefix(pid + " ") && $0.contains("<... openat resumed>") }) else { return nil }
                    end = resumed
                }
                let fd = lines[end].split(separator: "=").last!.trimmingCharacters(in: .whitespaces)
                guard Int(fd).map({ $0 >= 0 }) == true else { return nil }
                return (end, pid, fd)
            }
            func synced(_ file: (line: Int, pid: String, fd: String), before end: Int) -> Bool {
                lines[file.line..<end].contains { line in
                    line.hasPrefix(file.pid + " ") && ["fsync(", "fdatasync("].contains { call in
                        line.contains(call + file.fd + ")") || line.contains(call + file.fd + " ")
                    }
                }
            }
            let packRename = try #require(renamed(to: ".pack"), "no pack was renamed into place")
            let indexRename = try #require(renamed(to: ".idx"))
            let pack = try #require(opened(".pack.spotctl-tmp-"))
            let packIndex = try #require(opened(".idx.spotctl-tmp-"))
            #expect(synced(pack, before: packRename), "the pack is not synced before its rename")
            #expect(synced(packIndex, before: indexRename), "the pack index is not synced before its rename")
            let branch = try #require(renamed(to: "refs/heads/main"), "the branch was not written")
            #expect(branch > indexRename)
            let lock = try #require(opened("refs/heads/main.lock"))
            #expect(synced(lock, before: branch), "the branch's new value is not synced before its rename")
            try expectClean(f)
        }
    }

    /// Killed at moments spread over a snapshot of a changed cloud: whatever the moment, the next
    /// run leaves the repository clean and sound, at the new snapshot.
    @Test func aSnapshotKilledAtAnyMomentIsFinishedByTheNextRun() async throws {
        let scenario = ScenarioGenerator(hosts: 150, seed: 8, vmsPerHost: 2).generate()
        try await SnapshotFixture.run(scenario) { f in
            _ = try await f.snapshot()
            for (round, delay) in [0.05, 0.15, 0.3, 0.5, 0.8].enumerated() {
                await f.cloud.state.mutate { world in
                    world.servers.removeAll { $0.host == scenario.hosts[round].name }
                }
                let process = Process()
                process.executableURL = ProjectPaths.spotctl
                process.arguments = ["snapshot", "--repo", f.repository.root.path, "--no-progress"]
                process.environment = f.options.environment
                process.standardOutput = FileHandle.nullDevice
                process.standardError = FileHandle.nullDevice
                try launchSerially(process)
                try await Task.sleep(for: .seconds(delay))
                kill(process.processIdentifier, SIGKILL)
                process.waitUntilExit()
                let next = try await f.snapshot { $0.now = $0.now.addingTimeInterval(Double(round + 1) * 600) }
                #expect(next.result != .written, "round \(round)")
                try expectClean(f)
                let servers = try f.git("show", "HEAD:inventory/hosts/\(scenario.hosts[round].name).json")
                #expect(!servers.contains("\"flavor\""), "round \(round): HEAD is not the new snapshot")
            }
        }
    }
}
