import Foundation
import Testing
import TestSupport
import GitStore
import SpotCore
@testable import SpotKit

/// `spotctl render` of a repository with change files, an applied change with its outcome
/// record, and a command log with an archive: the pages and the static API show the current log
/// only, pending plans and applied outcomes.
@Suite struct RenderChangesAndLogTests {
    static let date = Date(timeIntervalSince1970: 1_800_000_000)

    static func line(_ id: String, _ command: String) -> String {
        let entry = CommandLogEntry(id: id, timestamp: "2026-12-02T10:00:00Z", command: command, status: .success, executionTime: "0.2s",
                                    user: "ada", change: "changes/z.yaml", step: 1, output: "added", returnCode: 0)
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys]
        return String(decoding: try! encoder.encode(entry), as: UTF8.self) + "\n"
    }

    @Test func theSiteShowsTheCurrentLogPendingPlansAndAppliedOutcomes() async throws {
        let dir = try TemporaryDirectory()
        defer { dir.remove() }
        _ = try await RepositoryInitializer.create(directory: "ops", cwd: dir.url, identity: Identity(name: "t", email: "t@spotctl.invalid"), now: Self.date)
        let repository = OperationsRepository(root: dir.appending("ops"))
        var cloud = CloudBuilder()
        cloud.gpuHost("gpu-1", tag: "NVIDIA L40", aggregate: "L40-n3")
        cloud.gpuHost("gpu-2", tag: "NVIDIA L40", aggregate: "L40-n3-spot")
        let facts = cloud.facts
        let view = CloudView(facts: facts, configuration: try repository.loadConfiguration())
        let outcome = AppliedOutcome(change: "changes/z.yaml", reason: nil, appliedAt: "2026-12-02T10:00:01Z", run: "r1", user: "ada", hosts: [
            .init(host: "gpu-2", from: ["L40-n3"], to: "L40-n3-spot", status: .done,
                  steps: [.init(command: "openstack aggregate add host L40-n3-spot gpu-2", status: "success", output: "added", logID: "r1-1")]),
        ])
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.prettyPrinted, .sortedKeys]
        var writes = InventoryFiles.encode(facts, summary: SnapshotSummary(view))
        writes["changes/a.yaml"] = Data("migrations:\n  - host: \"gpu-1\"\n    to: \"spot\"\n".utf8)
        writes["changes/applied/z.yaml"] = Data("migrations:\n  - host: \"gpu-2\"\n    to: \"spot\"\n".utf8)
        writes["changes/applied/z.yaml.outcome.json"] = try encoder.encode(outcome)
        writes["log/20261202T100000Z-r1.jsonl"] = Data(Self.line("r1-1", "openstack aggregate add host L40-n3-spot gpu-2").utf8)
        writes["log/archive/20261101T100000Z-r0.jsonl"] = Data(Self.line("r0-1", "openstack aggregate add host L40-n3 archived-host").utf8)
        let store = try GitStore(openingRepositoryAt: repository.root)
        _ = try await store.commit(FileChanges(writes: writes), author: CommitAuthor(name: "t", email: "t@spotctl.invalid", date: Self.date),
                                   message: "snapshot, applied z, a pending\n")

        let context = RunContext(environment: [:], workingDirectory: dir.url, identity: Identity(name: "t", email: "t@spotctl.invalid"),
                                 clock: FixedClock(Self.date))
        _ = try await SiteBuilder.run(repository: repository, options: SiteBuilder.Options(), context: context)
        func page(_ path: String) throws -> String {
            try String(contentsOf: repository.siteDirectory.appendingPathComponent(path), encoding: .utf8)
        }
        let api = try #require(try JSONSerialization.jsonObject(with: Data(page("api/command-log.json").utf8)) as? [String: Any])
        #expect((api["data"] as? [[String: Any]])?.compactMap { $0["id"] as? String } == ["r1-1"], "log/archive/ is not in the API")
        let log = try page("log.html")
        #expect(log.contains("data-id=\"r1-1\"") && !log.contains("archived-host"))
        let changes = try page("changes.html")
        #expect(changes.contains("<strong>1 host to move: 1 to spot; 0 problems</strong>"), "\(changes)")
        #expect(changes.contains("<code>openstack aggregate add host L40-n3-spot gpu-1</code>"))
        #expect(changes.contains("Applied 2026-12-02T10:00:01Z by ada (run <code>r1</code>)"))
        #expect(!changes.contains("outcome.json"), "an outcome record is not a change file of its own")

        // A `log clear` commits no snapshot; the next render shows the cleared log all the same
        // (change files and the log are read at HEAD), and --at the snapshot shows it as it was.
        let cleared = try await CommandLogArchiver.clear(repository: repository, context: context)
        #expect(cleared.files == ["log/20261202T100000Z-r1.jsonl"])
        _ = try await SiteBuilder.run(repository: repository, options: SiteBuilder.Options(), context: context)
        #expect(try page("log.html").contains("No command has run yet"))
        #expect(!(try page("api/command-log.json").contains("r1-1")))
        var earlier = SiteBuilder.Options()
        earlier.revision = "HEAD~1"
        _ = try await SiteBuilder.run(repository: repository, options: earlier, context: context)
        #expect(try page("log.html").contains("data-id=\"r1-1\""))
    }
}
