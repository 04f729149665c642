import Foundation
import Testing
import TestSupport
import SpotCore
@testable import SpotKit
import SpotDemo

@Suite struct InitTests {
    static let git = URL(fileURLWithPath: "/usr/bin/git")
    static let identity = Identity(name: "Ops Bot", email: "ops@example.net")

    @Test func initCreatesAndCommitsTheLayout() async throws {
        let dir = try TemporaryDirectory()
        defer { dir.remove() }
        let report = try await RepositoryInitializer.create(directory: "ops", cwd: dir.url, identity: Self.identity,
                                               now: Date(timeIntervalSince1970: 1_800_000_000))
        let root = dir.appending("ops")
        #expect(report.root.path == root.standardizedFileURL.path)
        #expect(report.files.contains("spotctl.yaml"))
        #expect(report.files.contains(".github/workflows/spotctl-snapshot.yml"))
        let log = try runProcess(Self.git, ["-C", root.path, "log", "--format=%H|%an|%ae|%at|%s"])
        let fields = log.stdout.trimmingCharacters(in: .whitespacesAndNewlines).split(separator: "|").map(String.init)
        #expect(fields.count == 5)
        #expect(fields[0] == report.commitID)
        #expect(fields[1...] == ["Ops Bot", "ops@example.net", "1800000000", "Create the operations repository with spotctl init"])
        let status = try runProcess(Self.git, ["-C", root.path, "status", "--porcelain"])
        #expect(status.stdout.isEmpty)
        let ignore = try String(contentsOf: root.appendingPathComponent(".gitignore"), encoding: .utf8)
        #expect(ignore.contains("/site/") && ignore.contains("/.spotctl/"))
        // The written configuration is the defaults, spelt out.
        let configuration = try OperationsRepository(root: root).loadConfiguration()
        #expect(configuration == .defaults)
        let workflow = try String(contentsOf: root.appendingPathComponent(".github/workflows/spotctl-snapshot.yml"), encoding: .utf8)
        #expect(workflow.contains("group: spotctl-operations"))
        #expect(workflow.contains("git rebase"))
        #expect(workflow.contains("run: spotctl render"))
        #expect(workflow.contains("path: site/"))
        #expect(workflow.contains("fetch-depth: 0"), "the history pages need the whole history")
        #expect(!workflow.contains("API_KEY: sk") && !workflow.contains("password"))
    }

    @Test func initRefusesAnExistingRepositoryAndANestedOne() async throws {
        let dir = try TemporaryDirectory()
        defer { dir.remove() }
        _ = try await RepositoryInitializer.create(directory: nil, cwd: dir.url, identity: Self.identity, now: Date(timeIntervalSince1970: 1_800_000_000))
        let again = await #expect(throws: SpotError.self) {
            _ = try await RepositoryInitializer.create(directory: nil, cwd: dir.url, identity: Self.identity, now: Date(timeIntervalSince1970: 1_800_000_000))
        }
        #expect(again?.message.contains("already holds spotctl.yaml") == true)
        let nested = await #expect(throws: SpotError.self) {
            _ = try await RepositoryInitializer.create(directory: "inner/ops", cwd: dir.url, identity: Self.identity, now: Date(timeIntervalSince1970: 1_800_000_000))
        }
        #expect(nested?.message.contains("is inside the git repository") == true)
        #expect(!FileManager.default.fileExists(atPath: dir.appending("inner/ops/spotctl.yaml").path))
    }

    @Test func initAddsToAnEmptyClonedRepository() async throws {
        let dir = try TemporaryDirectory()
        defer { dir.remove() }
        _ = try runProcess(Self.git, ["init", "-q", "-b", "main", dir.path])
        let report = try await RepositoryInitializer.create(directory: nil, cwd: dir.url, identity: Self.identity, now: Date(timeIntervalSince1970: 1_800_000_000))
        #expect(report.commitID != nil)
        let count = try runProcess(Self.git, ["-C", dir.path, "rev-list", "--count", "HEAD"])
        #expect(count.stdout.trimmingCharacters(in: .whitespacesAndNewlines) == "1")
    }
}

@Suite struct DemoTests {
    static func context(_ directory: URL) -> RunContext {
        RunContext(environment: [:], workingDirectory: directory, identity: Identity(name: "Demo Test", email: "demo@spotctl.invalid"),
                   clock: FixedClock(Date(timeIntervalSince1970: 1_800_000_000)))
    }

    @Test func theDemoRunsInsideAProjectAndReplacesOnlyItsOwnFolder() async throws {
        let dir = try TemporaryDirectory()
        defer { dir.remove() }
        _ = try runProcess(URL(fileURLWithPath: "/usr/bin/git"), ["init", "-q", "-b", "main", dir.path])
        // Inside a project, only a folder the project ignores (as this project's .gitignore lists
        // spotctl-demo/ for `make demo`), as `init` refuses a nested repository.
        let nested = await #expect(throws: SpotError.self) { _ = try await DemoRunner.run(directory: nil, context: Self.context(dir.url)) { _ in } }
        #expect(nested?.message.contains("which does not ignore it") == true, "\(String(describing: nested))")
        #expect(!FileManager.default.fileExists(atPath: dir.appending("spotctl-demo").path))
        try "/spotctl-demo/\n/mine/\n".write(to: dir.appending(".gitignore"), atomically: true, encoding: .utf8)
        let lines = LineCollector()
        let root = try await DemoRunner.run(directory: nil, context: Self.context(dir.url)) { lines.append($0) }
        #expect(root.lastPathComponent == "spotctl-demo")
        let log = try runProcess(URL(fileURLWithPath: "/usr/bin/git"), ["-C", root.path, "log", "--format=%s"]).stdout
        let subjects = log.split(separator: "\n")
        // init, first snapshot, the change (the unchanged third makes none), then the apply of the
        // two change files the demo wrote: one commit with the log, the applied files and a snapshot.
        // Then the RunPod host's move and its launch.
        #expect(subjects.count == 6, "\(log)")
        #expect(subjects[0] == "apply 2027-01-15-runpod-vm-on-ca1-esc812-102.yaml: 1 RunPod VM launched")
        #expect(subjects[1] == "apply 2027-01-15-ca1-esc812-102-to-runpod.yaml: 1 host moved to L40-n3-runpod")
        #expect(subjects[2] == "apply 2027-01-15-h100-spot-host-back-to-on-demand.yaml, 2027-01-15-idle-h100-host-to-spot.yaml: 2 hosts moved: 1 to H100-SXM5-n3, 1 to H100-SXM5-n3-spot")
        #expect(subjects[3].hasPrefix("L40: 1 host moved to spot"))
        #expect(lines.text.contains("CA1-ESC812-102: RunPod VM CA1-ESC812-102 launched"))
        #expect(lines.text.contains("**2 hosts to move: 1 to ondemand, 1 to spot; 0 problems, 1 warning**"))
        let applied = try FileManager.default.contentsOfDirectory(atPath: root.appendingPathComponent("changes/applied").path).filter { !$0.hasPrefix(".") }
        #expect(applied.count == 8, "\(applied)") // four change files and their outcomes
        #expect(try String(contentsOf: root.appendingPathComponent("site/log.html"), encoding: .utf8).contains("openstack aggregate add host H100-SXM5-n3-spot US1-HGXH100-201"))
        #expect(lines.text.contains("unchanged, no commit"))
        #expect(lines.text.contains("CA1-ESC812-102 (L40): On-Demand -> Spot"))
        // The demo renders the site and prints where its index page is.
        let index = root.appendingPathComponent("site/index.html")
        #expect(FileManager.default.fileExists(atPath: index.path))
        #expect(FileManager.default.fileExists(atPath: root.appendingPathComponent("site/api/gpu-types.json").path))
        #expect(lines.text.contains("file://\(index.path)"))
        #expect(try runProcess(URL(fileURLWithPath: "/usr/bin/git"), ["-C", root.path, "status", "--porcelain"]).stdout.isEmpty,
                "the rendered site is not committed and leaves the repository clean")
        // A second run replaces the demo folder; a folder the demo did not make is left alone.
        _ = try await DemoRunner.run(directory: nil, context: Self.context(dir.url)) { _ in }
        let other = dir.appending("mine")
        try FileManager.default.createDirectory(at: other, withIntermediateDirectories: true)
        try "keep".write(to: other.appendingPathComponent("notes.txt"), atomically: true, encoding: .utf8)
        let refused = await #expect(throws: SpotError.self) { _ = try await DemoRunner.run(directory: "mine", context: Self.context(dir.url)) { _ in } }
        #expect(refused?.message.contains("was not made by spotctl demo") == true)
        #expect(try String(contentsOf: other.appendingPathComponent("notes.txt"), encoding: .utf8) == "keep")

        // A copy of a demo with a later commit of somebody else's: the marker survives (git ignores
        // it), the history says the folder is not the demo's any more.
        _ = try runProcess(URL(fileURLWithPath: "/usr/bin/git"), ["-C", root.path, "-c", "user.name=Ada", "-c", "user.email=ada@example.org",
                                                                   "commit", "-q", "--allow-empty", "-m", "real work"])
        let kept = await #expect(throws: SpotError.self) { _ = try await DemoRunner.run(directory: nil, context: Self.context(dir.url)) { _ in } }
        #expect(kept?.message.contains("holds 1 later commit of its own") == true, "\(String(describing: kept))")
        let count = try runProcess(URL(fileURLWithPath: "/usr/bin/git"), ["-C", root.path, "rev-list", "--count", "HEAD"]).stdout
        #expect(count.trimmingCharacters(in: .whitespacesAndNewlines) == "7") // the demo's six and Ada's
    }

    /// A link planted where the demo writes is refused or replaced, never followed.
    @Test func theDemoNeverWritesThroughALink() async throws {
        let dir = try TemporaryDirectory()
        defer { dir.remove() }
        let outside = try TemporaryDirectory(prefix: "outside")
        defer { outside.remove() }
        try "outside".write(to: outside.appending("file"), atomically: true, encoding: .utf8)
        try FileManager.default.createSymbolicLink(atPath: dir.appending("linked").path, withDestinationPath: outside.path)
        let refused = await #expect(throws: SpotError.self) { _ = try await DemoRunner.run(directory: "linked", context: Self.context(dir.url)) { _ in } }
        #expect(refused?.message.contains("is not a folder (a file or a link)") == true, "\(String(describing: refused))")
        #expect(try FileManager.default.contentsOfDirectory(atPath: outside.path) == ["file"])
    }
}
