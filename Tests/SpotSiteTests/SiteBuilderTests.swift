import Foundation
import Testing
import TestSupport
import GitStore
import SpotCore
@testable import SpotKit

/// `spotctl render` on repositories built by hand: what it refuses and what it leaves alone.
@Suite struct SiteBuilderTests {
    static let identity = Identity(name: "Render Test", email: "test@spotctl.invalid")

    static func context(_ directory: URL, _ environment: [String: String]) -> RunContext {
        RunContext(environment: environment, workingDirectory: directory, identity: identity,
                   clock: FixedClock(Date(timeIntervalSince1970: 1_800_000_000)))
    }

    /// An operations repository with one committed snapshot of `facts`.
    func repository(_ facts: Facts, in dir: TemporaryDirectory) async throws -> OperationsRepository {
        _ = try await RepositoryInitializer.create(directory: "ops", cwd: dir.url, identity: Self.identity, now: Date(timeIntervalSince1970: 1_800_000_000))
        let repository = OperationsRepository(root: dir.appending("ops"))
        let inventory = CloudView(facts: facts, configuration: try repository.loadConfiguration())
        let store = try GitStore(openingRepositoryAt: repository.root)
        _ = try await store.commit(FileChanges(writes: InventoryFiles.encode(facts, summary: SnapshotSummary(inventory))),
                                   author: CommitAuthor(name: "t", email: "t@spotctl.invalid", date: Date(timeIntervalSince1970: 1_800_000_600)),
                                   message: "snapshot\n")
        return repository
    }

    @Test func aSecretThatReachedThePagesStopsTheRenderAndWritesNothing() async throws {
        let dir = try TemporaryDirectory()
        defer { dir.remove() }
        let key = "rp-key-0123456789abcdef0123456789"
        var cloud = CloudBuilder()
        cloud.gpuHost("gpu-1", tag: "NVIDIA L40", aggregate: "L40-n3")
        cloud.server(on: "gpu-1", flavor: "n3-L40x8", name: "leaked \(key)")
        let repository = try await repository(cloud.facts, in: dir)
        let options = SiteBuilder.Options()
        var environment: [String: String] = [:]
        environment = ["RUNPOD_API_KEY": key]
        let error = await #expect(throws: SpotError.self) { try await SiteBuilder.run(repository: repository, options: options, context: Self.context(dir.url, environment)) }
        #expect(error?.message.contains("secret") == true)
        #expect(error?.message.contains(key) == false, "the error itself must not show the key")
        #expect(!FileManager.default.fileExists(atPath: repository.siteDirectory.path))
        // Without that key configured here, the same repository renders.
        environment = [:]
        let outcome = try await SiteBuilder.run(repository: repository, options: options, context: Self.context(dir.url, environment))
        #expect(outcome.pages == 8)
        #expect(FileManager.default.fileExists(atPath: repository.siteDirectory.appendingPathComponent(".spotctl-site").path))
    }

    @Test func aFolderSpotctlDidNotWriteIsLeftAlone() async throws {
        let dir = try TemporaryDirectory()
        defer { dir.remove() }
        var cloud = CloudBuilder()
        cloud.gpuHost("gpu-1", tag: "NVIDIA L40", aggregate: "L40-n3")
        let repository = try await repository(cloud.facts, in: dir)
        let mine = dir.appending("mine")
        try FileManager.default.createDirectory(at: mine, withIntermediateDirectories: true)
        try "keep".write(to: mine.appendingPathComponent("notes.txt"), atomically: true, encoding: .utf8)
        var options = SiteBuilder.Options()
        var environment: [String: String] = [:]
        environment = [:]
        options.output = mine.path
        let error = await #expect(throws: SpotError.self) { try await SiteBuilder.run(repository: repository, options: options, context: Self.context(dir.url, environment)) }
        #expect(error?.message.contains("was not written by spotctl render") == true)
        #expect(try String(contentsOf: mine.appendingPathComponent("notes.txt"), encoding: .utf8) == "keep")
        #expect(try FileManager.default.contentsOfDirectory(atPath: mine.path) == ["notes.txt"])
        // A site spotctl wrote is replaced whole: a file left from the previous render goes.
        options.output = nil
        _ = try await SiteBuilder.run(repository: repository, options: options, context: Self.context(dir.url, environment))
        let stale = repository.siteDirectory.appendingPathComponent("hosts/gone.html")
        try "old".write(to: stale, atomically: true, encoding: .utf8)
        _ = try await SiteBuilder.run(repository: repository, options: options, context: Self.context(dir.url, environment))
        #expect(!FileManager.default.fileExists(atPath: stale.path))
        #expect(FileManager.default.fileExists(atPath: repository.siteDirectory.appendingPathComponent("hosts/gpu-1.html").path))
    }

    @Test func anUnknownRevisionIsAClearError() async throws {
        let dir = try TemporaryDirectory()
        defer { dir.remove() }
        var cloud = CloudBuilder()
        cloud.gpuHost("gpu-1", tag: "NVIDIA L40", aggregate: "L40-n3")
        let repository = try await repository(cloud.facts, in: dir)
        var options = SiteBuilder.Options()
        var environment: [String: String] = [:]
        environment = [:]
        options.revision = "no-such-commit"
        let error = await #expect(throws: SpotError.self) { try await SiteBuilder.run(repository: repository, options: options, context: Self.context(dir.url, environment)) }
        #expect(error?.message.contains("--at no-such-commit") == true)
        #expect(!FileManager.default.fileExists(atPath: repository.siteDirectory.path))
    }
}
