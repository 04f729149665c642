import Foundation
import Testing
import TestSupport
import GitStore
import SpotCore
@testable import SpotKit

/// `spotctl log` and `spotctl log clear` against a real operations repository.
@Suite struct CommandLogTests {
    static let git = URL(fileURLWithPath: "/usr/bin/git")
    static let identity = Identity(name: "Ops Bot", email: "ops@example.net")
    static let now = Date(timeIntervalSince1970: 1_800_000_000)

    static func entry(_ id: String, host: String, status: CommandLogEntry.Status = .success, change: String = "changes/a.yaml",
                      step: Int = 1) -> String {
        let entry = CommandLogEntry(id: id, timestamp: "2026-12-02T10:00:0\(step)Z", command: "openstack aggregate add host L40-n3-spot \(host)",
                                    status: status, executionTime: "0.3s", user: "Ops Bot", change: change, step: step,
                                    output: status == .success ? "added" : "Conflict (HTTP 409)", returnCode: status == .success ? 0 : 1)
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys]
        return String(decoding: try! encoder.encode(entry), as: UTF8.self)
    }

    /// A repository made by `init`, with `files` committed on top.
    static func repository(_ dir: TemporaryDirectory, files: [String: String]) async throws -> OperationsRepository {
        let report = try await RepositoryInitializer.create(directory: "ops", cwd: dir.url, identity: identity, now: now)
        let store = try GitStore(openingRepositoryAt: report.root)
        _ = try await store.commit(FileChanges(writes: files.mapValues { Data($0.utf8) }),
                                   author: identity.author(at: now), message: "apply: two runs\n")
        return OperationsRepository(root: report.root)
    }

    static func context(_ dir: TemporaryDirectory) -> RunContext {
        RunContext(environment: [:], workingDirectory: dir.url, identity: identity, clock: FixedClock(now))
    }

    static let twoRuns: [String: String] = [
        "log/20261202T100000Z-r1.jsonl": entry("r1-1", host: "gpu-1") + "\n" + entry("r1-2", host: "gpu-2", status: .error, step: 2) + "\n",
        "log/20261202T110000Z-r2.jsonl": entry("r2-1", host: "gpu-2", change: "changes/b.yaml") + "\n\n",
        "log/archive/20261101T100000Z-r0.jsonl": entry("r0-1", host: "gpu-9") + "\n",
    ]

    @Test func theLogIsTheCurrentFilesOnlyFilteredAndInOrder() async throws {
        let dir = try TemporaryDirectory()
        defer { dir.remove() }
        let repository = try await Self.repository(dir, files: Self.twoRuns)
        let all = try await CommandLogListing.read(repository: repository, filter: CommandLogFilter())
        #expect(all.entries.map(\.id) == ["r1-1", "r1-2", "r2-1"], "log/archive/ is not part of the log")
        #expect(all.total == 3)
        let gpu2 = try await CommandLogListing.read(repository: repository, filter: CommandLogFilter(host: "gpu-2"))
        #expect(gpu2.entries.map(\.id) == ["r1-2", "r2-1"])
        let errors = try await CommandLogListing.read(repository: repository, filter: CommandLogFilter(status: .error))
        #expect(errors.entries.map(\.id) == ["r1-2"])
        let change = try await CommandLogListing.read(repository: repository, filter: CommandLogFilter(change: "b.yaml"))
        #expect(change.entries.map(\.id) == ["r2-1"])
        #expect(RepositoryReader.isCurrentLogFile("log/a.jsonl"))
        #expect(!RepositoryReader.isCurrentLogFile("log/archive/a.jsonl"))
        #expect(!RepositoryReader.isCurrentLogFile("log/.gitkeep"))
    }

    @Test func aMalformedLineIsAnErrorWithItsFileAndLine() async throws {
        let dir = try TemporaryDirectory()
        defer { dir.remove() }
        let repository = try await Self.repository(dir, files: [
            "log/20261202T100000Z-r1.jsonl": Self.entry("r1-1", host: "gpu-1") + "\n\n{\"id\": \"r1-2\"}\n",
        ])
        let error = await #expect(throws: SpotError.self) {
            _ = try await CommandLogListing.read(repository: repository, filter: CommandLogFilter())
        }
        #expect(error?.location.description == "log/20261202T100000Z-r1.jsonl:3")
        #expect(error?.message.contains("not a command log entry") == true, "\(String(describing: error))")
        #expect(error?.description.contains("error: log/20261202T100000Z-r1.jsonl:3: not a command log entry") == true)
        // An archived file is never read, even a broken one.
        let files = ["log/archive/x.jsonl": Data("not json\n".utf8)]
        #expect(try RepositoryReader.commandLog(files).isEmpty)
    }

    @Test func clearMovesTheCurrentFilesToTheArchiveInOneCommit() async throws {
        let dir = try TemporaryDirectory()
        defer { dir.remove() }
        let repository = try await Self.repository(dir, files: Self.twoRuns)
        let root = repository.root.path
        let before = try runProcess(Self.git, ["-C", root, "rev-parse", "HEAD"]).stdout.trimmingCharacters(in: .whitespacesAndNewlines)
        let outcome = try await CommandLogArchiver.clear(repository: repository, context: Self.context(dir))
        #expect(outcome.files == ["log/20261202T100000Z-r1.jsonl", "log/20261202T110000Z-r2.jsonl"])
        #expect(outcome.entries == 3)
        let commit = try #require(outcome.commit)
        #expect(outcome.summaryLine == "log clear: 2 files archived (3 entries) in log/archive/, committed \(commit.prefix(12))")

        let log = try runProcess(Self.git, ["-C", root, "log", "--format=%H %P|%an|%s", "-1"]).stdout
        #expect(log == "\(commit) \(before)|Ops Bot|log clear: 2 files archived (3 entries)\n")
        let names = try runProcess(Self.git, ["-C", root, "show", "--name-status", "--format=", "-M", "HEAD"]).stdout
        #expect(names.split(separator: "\n").map { $0.split(separator: "\t").dropFirst().joined(separator: " ") }.sorted() == [
            "log/20261202T100000Z-r1.jsonl log/archive/20261202T100000Z-r1.jsonl",
            "log/20261202T110000Z-r2.jsonl log/archive/20261202T110000Z-r2.jsonl",
        ], "\(names)")
        // Moved byte for byte; the working tree follows; nothing is left uncommitted.
        #expect(try String(contentsOf: repository.root.appendingPathComponent("log/archive/20261202T110000Z-r2.jsonl"), encoding: .utf8)
                == Self.twoRuns["log/20261202T110000Z-r2.jsonl"])
        #expect(!FileManager.default.fileExists(atPath: repository.root.appendingPathComponent("log/20261202T100000Z-r1.jsonl").path))
        #expect(try runProcess(Self.git, ["-C", root, "status", "--porcelain"]).stdout.isEmpty)
        #expect(try await CommandLogListing.read(repository: repository, filter: CommandLogFilter()).entries.isEmpty)

        // Nothing left: says so, no commit.
        let again = try await CommandLogArchiver.clear(repository: repository, context: Self.context(dir))
        #expect(again.commit == nil && again.files.isEmpty)
        #expect(again.summaryLine == "the command log is empty: nothing to clear, no commit")
        #expect(try runProcess(Self.git, ["-C", root, "rev-parse", "HEAD"]).stdout.hasPrefix(commit))
        #expect(try RepositoryLock.current(repository) == nil, "the lock is released")
    }

    @Test func clearRefusesWhileTheRepositoryIsLockedAndNeverOverwritesTheArchive() async throws {
        let dir = try TemporaryDirectory()
        defer { dir.remove() }
        var files = Self.twoRuns
        files["log/archive/20261202T110000Z-r2.jsonl"] = Self.entry("other", host: "gpu-7") + "\n"
        let repository = try await Self.repository(dir, files: files)
        let head = try runProcess(Self.git, ["-C", repository.root.path, "rev-parse", "HEAD"]).stdout

        var elsewhere = ProcessIdentity.current
        elsewhere.hostName = "ci-runner-7"
        elsewhere.processID = 1
        var other = Self.context(dir)
        other.process = elsewhere
        let lock = try RepositoryLock.acquire(repository, command: "spotctl apply", context: other)
        let locked = await #expect(throws: SpotError.self) { _ = try await CommandLogArchiver.clear(repository: repository, context: Self.context(dir)) }
        #expect(locked?.message.contains("is locked by") == true, "\(String(describing: locked))")
        lock.release()

        let refused = await #expect(throws: SpotError.self) { _ = try await CommandLogArchiver.clear(repository: repository, context: Self.context(dir)) }
        #expect(refused?.message.contains("log/archive/20261202T110000Z-r2.jsonl already exists with other entries") == true,
                "\(String(describing: refused))")
        #expect(try runProcess(Self.git, ["-C", repository.root.path, "rev-parse", "HEAD"]).stdout == head, "nothing was committed")
    }

    @Test func clearOnAFreshRepositoryHasNothingToDo() async throws {
        let dir = try TemporaryDirectory()
        defer { dir.remove() }
        let repository = try await Self.repository(dir, files: ["log/archive/old.jsonl": Self.entry("r0", host: "gpu-1") + "\n"])
        let outcome = try await CommandLogArchiver.clear(repository: repository, context: Self.context(dir))
        #expect(outcome.commit == nil && outcome.entries == 0)
    }

    /// The binary: the text and JSON forms on standard output, notes on standard error, a bad
    /// status a usage error (64), a malformed line exit 1 with its file:line, `log clear` exit 0.
    @Test func theBinaryPrintsFiltersAndClears() async throws {
        let dir = try TemporaryDirectory()
        defer { dir.remove() }
        let repository = try await Self.repository(dir, files: Self.twoRuns)
        let repo = ["--repo", repository.root.path]
        let environment = ["GIT_AUTHOR_NAME": "Ops Bot", "GIT_AUTHOR_EMAIL": "ops@example.net", "PATH": "/usr/bin:/bin"]
        let text = try await runProcessOffPool(ProjectPaths.spotctl, ["log"] + repo, environment: environment)
        #expect(text.status == 0, "\(text.stderr)")
        #expect(text.stdout.split(separator: "\n").count == 3)
        #expect(text.stdout.hasPrefix("2026-12-02T10:00:01Z  success  0.3s  Ops Bot  changes/a.yaml step 1  openstack aggregate add host L40-n3-spot gpu-1  => 0: added\n"))
        let json = try await runProcessOffPool(ProjectPaths.spotctl, ["log", "--status", "error", "--json"] + repo, environment: environment)
        #expect(json.status == 0 && json.stderr.isEmpty, "\(json.stderr)")
        let decoded = try JSONDecoder().decode([CommandLogEntry].self, from: Data(json.stdout.utf8))
        #expect(decoded.map(\.id) == ["r1-2"])
        let none = try await runProcessOffPool(ProjectPaths.spotctl, ["log", "--host", "gpu-7"] + repo, environment: environment)
        #expect(none.status == 0 && none.stdout.isEmpty)
        #expect(none.stderr == "no entry of the 3 in the command log matches --host gpu-7\n")
        let bad = try await runProcessOffPool(ProjectPaths.spotctl, ["log", "--status", "failed"] + repo, environment: environment)
        #expect(bad.status == 64)
        let clear = try await runProcessOffPool(ProjectPaths.spotctl, ["log", "clear"] + repo, environment: environment)
        #expect(clear.status == 0, "\(clear.stderr)")
        #expect(clear.stdout.hasPrefix("log clear: 2 files archived (3 entries) in log/archive/, committed "))
        let empty = try await runProcessOffPool(ProjectPaths.spotctl, ["log"] + repo, environment: environment)
        #expect(empty.status == 0 && empty.stdout.isEmpty && empty.stderr == "the command log is empty (spotctl apply writes it)\n")
        let author = try runProcess(Self.git, ["-C", repository.root.path, "log", "-1", "--format=%an"]).stdout
        #expect(author == "Ops Bot\n")

        let broken = try TemporaryDirectory()
        defer { broken.remove() }
        let brokenRepository = try await Self.repository(broken, files: ["log/x.jsonl": "{}\n"])
        let malformed = try await runProcessOffPool(ProjectPaths.spotctl, ["log", "--repo", brokenRepository.root.path], environment: environment)
        #expect(malformed.status == 1)
        #expect(malformed.stderr.hasPrefix("error: log/x.jsonl:1: not a command log entry: "), "\(malformed.stderr)")
    }
}
