import Foundation
import Testing
import TestSupport
import SpotCore
@testable import SpotKit

@Suite struct InitTests {
    static let git = URL(fileURLWithPath: "/usr/bin/git")
    static let identity = Identity(name: "Ops Bot", email: "ops@example.net")

    @Test func initCreatesAndCommitsTheLayout() async throws {
        let dir = try TemporaryDirectory()
        defer { dir.remove() }
        let report = try await InitCommand.run(directory: "ops", cwd: dir.url, identity: Self.identity,
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
        #expect(!workflow.contains("API_KEY: sk") && !workflow.contains("password"))
    }

    @Test func initRefusesAnExistingRepositoryAndANestedOne() async throws {
        let dir = try TemporaryDirectory()
        defer { dir.remove() }
        _ = try await InitCommand.run(directory: nil, cwd: dir.url, identity: Self.identity)
        let again = await #expect(throws: SpotError.self) {
            _ = try await InitCommand.run(directory: nil, cwd: dir.url, identity: Self.identity)
        }
        #expect(again?.message.contains("already holds spotctl.yaml") == true)
        let nested = await #expect(throws: SpotError.self) {
            _ = try await InitCommand.run(directory: "inner/ops", cwd: dir.url, identity: Self.identity)
        }
        #expect(nested?.message.contains("is inside the git repository") == true)
        #expect(!FileManager.default.fileExists(atPath: dir.appending("inner/ops/spotctl.yaml").path))
    }

    @Test func initAddsToAnEmptyClonedRepository() async throws {
        let dir = try TemporaryDirectory()
        defer { dir.remove() }
        _ = try runProcess(Self.git, ["init", "-q", "-b", "main", dir.path])
        let report = try await InitCommand.run(directory: nil, cwd: dir.url, identity: Self.identity)
        #expect(report.commitID != nil)
        let count = try runProcess(Self.git, ["-C", dir.path, "rev-list", "--count", "HEAD"])
        #expect(count.stdout.trimmingCharacters(in: .whitespacesAndNewlines) == "1")
    }
}
