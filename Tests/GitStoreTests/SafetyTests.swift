import Foundation
import GitStore
import TestSupport
import Testing

@Suite struct SafetyTests {
    @Test func refusesToWriteDuringConflictedMerge() async throws {
        let fixture = try Fixture()
        defer { fixture.remove() }
        _ = try await commitFiles(fixture.store, ["inventory/a.json": "base\n"])
        try fixture.git("checkout", "-q", "-b", "other")
        try fixture.write("inventory/a.json", "other\n")
        try fixture.git("commit", "-q", "-am", "other side")
        try fixture.git("checkout", "-q", "main")
        try fixture.write("inventory/a.json", "main\n")
        try fixture.git("commit", "-q", "-am", "main side")
        #expect(try fixture.gitAllowingFailure("merge", "other").status != 0, "the merge conflicts")
        let head = try fixture.git("rev-parse", "HEAD").text
        let conflicted = try #require(fixture.contents("inventory/a.json"))
        let statusBefore = try fixture.status()

        #expect(try await fixture.store.repositoryState() == .merge)
        let changes = FileChanges(
            writes: ["inventory/a.json": bytes("snapshot\n"), "inventory/b.json": bytes("new\n")],
            replacedDirectories: ["inventory"])
        let error = await #expect(throws: GitStoreError.self) {
            try await fixture.store.commit(changes, author: author(1_700_000_500), message: "snapshot")
        }
        #expect(error == .repositoryBusy(repository: fixture.root, state: .merge))
        let description = try #require(error?.description)
        #expect(description.contains(fixture.root))
        #expect(description.contains("merge"))
        #expect(description.contains("git merge --abort"))

        let noCommit = await #expect(throws: GitStoreError.self) {
            try await fixture.store.writeWorkingTree(changes)
        }
        #expect(noCommit == .repositoryBusy(repository: fixture.root, state: .merge))

        #expect(try fixture.git("rev-parse", "HEAD").text == head)
        #expect(fixture.contents("inventory/a.json") == conflicted)
        #expect(!fixture.exists("inventory/b.json"))
        #expect(try fixture.status() == statusBefore)
    }

    static let states: [(file: String, state: RepositoryState)] = [
        ("MERGE_HEAD", .merge), ("CHERRY_PICK_HEAD", .cherryPick), ("REVERT_HEAD", .revert),
        ("BISECT_LOG", .bisect), ("rebase-merge/", .rebaseMerge), ("rebase-apply/rebasing", .rebase),
    ]

    @Test(arguments: states)
    func refusesInEveryUnfinishedOperation(file: String, state: RepositoryState) async throws {
        let fixture = try Fixture()
        defer { fixture.remove() }
        let head = try await commitFiles(fixture.store, ["inventory/a.json": "1\n"])
        let marker = fixture.root + "/.git/" + file
        if file.hasSuffix("/") {
            try FileManager.default.createDirectory(atPath: marker, withIntermediateDirectories: true)
        } else {
            try FileManager.default.createDirectory(
                atPath: (marker as NSString).deletingLastPathComponent, withIntermediateDirectories: true)
            try Data((head + "\n").utf8).write(to: URL(fileURLWithPath: marker))
        }
        let error = await #expect(throws: GitStoreError.self) {
            try await commitFiles(fixture.store, ["inventory/a.json": "2\n"], at: 1_700_000_060)
        }
        #expect(error == .repositoryBusy(repository: fixture.root, state: state))
        #expect(error?.description.contains(state.advice) == true)
        #expect(try await fixture.store.headCommitID() == head)
        #expect(fixture.contents("inventory/a.json") == bytes("1\n"))
    }

    static let invalidPaths = [
        "../x", "/abs/x.json", ".git/config", "inventory/../../x", "a//b", "a/./b", "", "inventory/.GIT/x", "a/",
    ]

    @Test(arguments: invalidPaths)
    func invalidPathsAreRejectedBeforeWriting(path: String) async throws {
        let fixture = try Fixture()
        defer { fixture.remove() }
        let changes = FileChanges(writes: ["inventory/ok.json": bytes("1\n"), path: bytes("bad\n")])
        let error = await #expect(throws: GitStoreError.self) {
            try await fixture.store.commit(changes, author: author(), message: "bad")
        }
        guard case .invalidPath(let reported, let reason) = error else {
            Issue.record("expected invalidPath, got \(String(describing: error))")
            return
        }
        #expect(reported == path)
        #expect(!reason.isEmpty)
        #expect(error?.description.contains("invalid repository path") == true)
        let noCommit = await #expect(throws: GitStoreError.self) { try await fixture.store.writeWorkingTree(changes) }
        #expect(noCommit == error)
        #expect(try await fixture.store.headCommitID() == nil)
        #expect(!fixture.exists("inventory"))
        #expect(try fixture.git("config", "--local", "--get", "core.bare").text == "false\n", ".git/config untouched")
        let config = try String(contentsOfFile: fixture.root + "/.git/config", encoding: .utf8)
        #expect(!config.contains("bad"))
    }

    @Test func invalidDeletionsAndReplacementsAreRejected() async throws {
        let fixture = try Fixture()
        defer { fixture.remove() }
        let store = fixture.store
        for changes in [
            FileChanges(deletions: [".git"]), FileChanges(replacedDirectories: ["/"]),
            FileChanges(replacedDirectories: ["../inventory"]),
            FileChanges(writes: ["a.json": bytes("1")], deletions: ["a.json"]),
            FileChanges(writes: ["a": bytes("1"), "a/b": bytes("2")]),
        ] {
            let error = await #expect(throws: GitStoreError.self) {
                try await store.commit(changes, author: author(), message: "bad")
            }
            guard case .invalidPath = error else {
                Issue.record("expected invalidPath for \(changes), got \(String(describing: error))")
                continue
            }
        }
        #expect(try await store.headCommitID() == nil)
    }

    @Test func refusesToWriteThroughSymbolicLinks() async throws {
        let fixture = try Fixture()
        defer { fixture.remove() }
        let outside = try TemporaryDirectory(prefix: "gitstore-outside")
        defer { outside.remove() }
        try FileManager.default.createSymbolicLink(atPath: fixture.root + "/inventory", withDestinationPath: outside.path)
        let error = await #expect(throws: GitStoreError.self) {
            try await commitFiles(fixture.store, ["inventory/a.json": "1\n"])
        }
        guard case .invalidPath("inventory/a.json", _) = error else {
            Issue.record("expected invalidPath, got \(String(describing: error))")
            return
        }
        #expect(try FileManager.default.contentsOfDirectory(atPath: outside.path).isEmpty)
        #expect(try await fixture.store.headCommitID() == nil)
    }

    @Test func discoverFindsTheWorkTreeRoot() async throws {
        let fixture = try Fixture()
        defer { fixture.remove() }
        let nested = fixture.root + "/inventory/hosts"
        try FileManager.default.createDirectory(atPath: nested, withIntermediateDirectories: true)
        let root = try GitStore.discoverWorkTree(containing: URL(fileURLWithPath: nested))
        #expect(root.path == fixture.root)
        #expect(try GitStore.discoverWorkTree(containing: fixture.directory.url).path == fixture.root)

        let plain = try TemporaryDirectory(prefix: "gitstore-plain")
        defer { plain.remove() }
        // Only meaningful when the temporary folder is not itself inside a repository.
        if try git(["rev-parse", "--git-dir"], in: plain.path).status != 0 {
            #expect(throws: GitStoreError.notARepository(plain.path)) {
                try GitStore.discoverWorkTree(containing: plain.url)
            }
        }
        #expect(throws: GitStoreError.notARepository(plain.path)) {
            try GitStore(openingRepositoryAt: plain.url)
        }
        #expect(!FileManager.default.fileExists(atPath: plain.path + "/.git"), "opening does not create")
    }

    @Test func libgit2FailuresCarryOperationClassCodeAndMessage() async throws {
        let fixture = try Fixture()
        defer { fixture.remove() }
        let bad = CommitAuthor(name: "Bad <Name>", email: "bot@example.com", date: Date(timeIntervalSince1970: 0))
        let error = await #expect(throws: GitStoreError.self) {
            try await fixture.store.commit(FileChanges(writes: ["a.json": bytes("1\n")]), author: bad, message: "x")
        }
        guard case .libgit2(let failure) = error else {
            Issue.record("expected a libgit2 failure, got \(String(describing: error))")
            return
        }
        #expect(failure.operation == "git_signature_new")
        #expect(failure.code == -1)
        #expect(failure.errorClass == 3)
        #expect(failure.errorClassName == "invalid")
        #expect(failure.message.contains("angle brackets"), "\(failure.message)")
        let description = failure.description
        #expect(description.hasPrefix("git_signature_new failed"))
        #expect(description.contains("class 3 invalid, code -1 ERROR"))
        #expect(!fixture.exists("a.json"), "nothing is written when the author is refused")
    }
}
