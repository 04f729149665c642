import Foundation
import GitStore
import TestSupport
import Testing

@Suite struct CommitTests {
    @Test func initializeCreatesUnbornMainBranchAndReopens() async throws {
        let fixture = try Fixture()
        defer { fixture.remove() }
        #expect(try fixture.git("symbolic-ref", "HEAD").text == "refs/heads/main\n")
        #expect(try await fixture.store.headCommitID() == nil)
        #expect(try await fixture.store.log().isEmpty)
        #expect(try await fixture.store.history(of: "inventory").isEmpty)

        let id = try await commitFiles(fixture.store, ["a.txt": "one\n"])
        let reopened = try GitStore.openOrInitialize(at: fixture.directory.url)
        #expect(try await reopened.headCommitID() == id)
        let opened = try GitStore(openingRepositoryAt: fixture.directory.url)
        #expect(try await opened.headCommitID() == id)
        #expect(opened.workTree.path == fixture.root)
    }

    @Test func firstCommitOfEmptyRepositoryHasNoParent() async throws {
        let fixture = try Fixture()
        defer { fixture.remove() }
        let content = "{\n  \"hosts\" : 3\n}\n"
        let result = try await fixture.store.commit(
            FileChanges(writes: ["inventory/summary.json": bytes(content), "README.md": bytes("ops\n")]),
            author: author(), message: "first snapshot")
        let id = try #require(result.commitID)

        #expect(try fixture.git("log", "--format=%H%n%P").text == "\(id)\n\n")
        #expect(try fixture.git("show", "HEAD:inventory/summary.json").stdout == bytes(content))
        #expect(try fixture.git("ls-tree", "-r", "--name-only", "HEAD").lines == ["README.md", "inventory/summary.json"])
        #expect(try await fixture.store.commitInfo("HEAD").parentIDs.isEmpty)
        #expect(fixture.contents("inventory/summary.json") == bytes(content))
        #expect(try fixture.status().isEmpty)
        try fixture.expectSound()
    }

    @Test func identicalContentMakesNoCommit() async throws {
        let fixture = try Fixture()
        defer { fixture.remove() }
        let changes = FileChanges(writes: ["inventory/hosts/gpu-01.json": bytes("{\"gpus\":8}\n")])
        let first = try await fixture.store.commit(changes, author: author(), message: "one")
        #expect(first.commitID != nil)
        let second = try await fixture.store.commit(changes, author: author(1_700_000_100), message: "two")
        #expect(second == .unchanged)
        // A replaced directory whose content is rewritten identically is unchanged too.
        var replacing = changes
        replacing.replacedDirectories = ["inventory/hosts"]
        #expect(try await fixture.store.commit(replacing, author: author(1_700_000_200), message: "three") == .unchanged)
        #expect(try fixture.git("rev-list", "--count", "HEAD").text == "1\n")
        #expect(try await fixture.store.headCommitID() == first.commitID)
        #expect(try fixture.status().isEmpty)
    }

    @Test func changedContentCommitsOnTopOfHead() async throws {
        let fixture = try Fixture()
        defer { fixture.remove() }
        let first = try await commitFiles(fixture.store, ["inventory/a.json": "1\n", "inventory/b.json": "2\n"])
        let second = try await commitFiles(fixture.store, ["inventory/a.json": "10\n"], at: 1_700_000_060)
        #expect(first != second)
        #expect(try fixture.git("rev-parse", "HEAD^").text == "\(first)\n")
        #expect(try fixture.git("rev-parse", "HEAD").text == "\(second)\n")
        #expect(try fixture.git("rev-list", "--count", "HEAD").text == "2\n")
        // Files not mentioned in the changes are kept.
        #expect(try fixture.git("show", "HEAD:inventory/b.json").text == "2\n")
        #expect(try fixture.git("show", "HEAD:inventory/a.json").text == "10\n")
        #expect(try fixture.status().isEmpty)
        try fixture.expectSound()
    }

    @Test func nothingToCommitInUnbornRepository() async throws {
        let fixture = try Fixture()
        defer { fixture.remove() }
        let result = try await fixture.store.commit(
            FileChanges(deletions: ["gone.txt"], replacedDirectories: ["inventory"]), author: author(), message: "empty")
        #expect(result == .unchanged)
        #expect(try await fixture.store.headCommitID() == nil)
        #expect(try fixture.gitAllowingFailure("rev-parse", "--verify", "-q", "HEAD").status != 0)
    }

    @Test func authorTimeAndMessageAreRecorded() async throws {
        let fixture = try Fixture()
        defer { fixture.remove() }
        let message = "L40: 2 hosts moved to spot\n\nGPU use 48.8% -> 52.5%\n"
        let changes = FileChanges(writes: ["inventory/summary.json": bytes("{}\n")])
        let who = CommitAuthor(
            name: "Ops Team", email: "ops@example.com", date: Date(timeIntervalSince1970: 1_712_345_678.9),
            timeZoneOffsetMinutes: 120)
        _ = try await fixture.store.commit(changes, author: who, message: message)

        #expect(try fixture.git("log", "-1", "--format=%an|%ae|%at|%B").text == "Ops Team|ops@example.com|1712345678|\(message)\n")
        #expect(try fixture.git("log", "-1", "--format=%cn|%ce|%ct|%ad", "--date=raw").text
            == "Ops Team|ops@example.com|1712345678|1712345678 +0200\n")
        let info = try await fixture.store.commitInfo("HEAD")
        #expect(info.authorName == "Ops Team")
        #expect(info.authorEmail == "ops@example.com")
        #expect(info.date == Date(timeIntervalSince1970: 1_712_345_678))
        #expect(info.message == message)
        #expect(info.summary == "L40: 2 hosts moved to spot")
        #expect(info.id == (try fixture.git("rev-parse", "HEAD").text.trimmingCharacters(in: .whitespacesAndNewlines)))
        try fixture.expectSound()
    }

    @Test func replacedDirectoryDropsFilesNotRewritten() async throws {
        let fixture = try Fixture()
        defer { fixture.remove() }
        _ = try await commitFiles(fixture.store, [
            "inventory/hosts/gpu-01.json": "1\n", "inventory/hosts/gpu-02.json": "2\n",
            "inventory/hosts/old/gpu-09.json": "9\n", "inventory/flavors.json": "[]\n", "spotctl.yaml": "x: 1\n",
        ])
        let result = try await fixture.store.commit(
            FileChanges(
                writes: ["inventory/hosts/gpu-01.json": bytes("1\n"), "inventory/hosts/gpu-03.json": bytes("3\n")],
                replacedDirectories: ["inventory/hosts/"]),
            author: author(1_700_000_060), message: "gpu-02 and gpu-09 gone")
        #expect(result.commitID != nil)
        #expect(try fixture.git("ls-tree", "-r", "--name-only", "HEAD").lines == [
            "inventory/flavors.json", "inventory/hosts/gpu-01.json", "inventory/hosts/gpu-03.json", "spotctl.yaml",
        ])
        #expect(!fixture.exists("inventory/hosts/gpu-02.json"))
        #expect(!fixture.exists("inventory/hosts/old"), "a directory left empty is removed")
        #expect(fixture.contents("inventory/hosts/gpu-03.json") == bytes("3\n"))
        #expect(fixture.contents("inventory/flavors.json") == bytes("[]\n"), "files outside the directory stay")
        #expect(try fixture.status().isEmpty)
        try fixture.expectSound()
    }

    @Test func deletionsRemoveFilesAndEmptyDirectories() async throws {
        let fixture = try Fixture()
        defer { fixture.remove() }
        _ = try await commitFiles(fixture.store, [
            "changes/move-1.yaml": "a\n", "changes/sub/move-2.yaml": "b\n", "changes/keep.yaml": "c\n",
        ])
        let result = try await fixture.store.commit(
            FileChanges(
                writes: ["changes/applied/move-1.yaml": bytes("a\noutcome: success\n")],
                deletions: ["changes/move-1.yaml", "changes/sub", "changes/never-existed.yaml"]),
            author: author(1_700_000_060), message: "apply move-1")
        #expect(result.commitID != nil)
        #expect(try fixture.git("ls-tree", "-r", "--name-only", "HEAD").lines == [
            "changes/applied/move-1.yaml", "changes/keep.yaml",
        ])
        #expect(try fixture.git("diff", "--name-status", "--no-renames", "HEAD^", "HEAD").lines == [
            "A\tchanges/applied/move-1.yaml", "D\tchanges/move-1.yaml", "D\tchanges/sub/move-2.yaml",
        ])
        #expect(!fixture.exists("changes/move-1.yaml"))
        #expect(!fixture.exists("changes/sub"))
        #expect(try fixture.status().isEmpty)
        try fixture.expectSound()
    }

    @Test func fileAndDirectoryCanTradePlaces() async throws {
        let fixture = try Fixture()
        defer { fixture.remove() }
        _ = try await commitFiles(fixture.store, ["inventory/hosts": "was a file\n", "log/2024/jan.jsonl": "{}\n"])
        _ = try await commitFiles(
            fixture.store, ["inventory/hosts/a.json": "1\n", "log/2024": "now a file\n"], at: 1_700_000_060)
        let tree = try fixture.git("ls-tree", "-r", "--name-only", "HEAD").lines
        #expect(tree == ["inventory/hosts/a.json", "log/2024"], "\(tree)")
        #expect(fixture.contents("inventory/hosts/a.json") == bytes("1\n"))
        #expect(fixture.contents("log/2024") == bytes("now a file\n"))
        let status = try fixture.status()
        #expect(status.isEmpty, "\(status)")
        try fixture.expectSound()
    }

    @Test func unrelatedLocalChangesAreNotCommitted() async throws {
        let fixture = try Fixture()
        defer { fixture.remove() }
        _ = try await commitFiles(fixture.store, ["README.md": "ops\n", "inventory/a.json": "1\n"])
        // The user edits a tracked file, stages a new one and stages a change to a file the
        // store is about to rewrite.
        try fixture.write("README.md", "local edit\n")
        try fixture.write("notes.txt", "staged notes\n")
        try fixture.git("add", "notes.txt")
        try fixture.write("inventory/b.json", "user version\n")
        try fixture.git("add", "inventory/b.json")

        let id = try await commitFiles(fixture.store, ["inventory/a.json": "2\n"], at: 1_700_000_060)
        #expect(try fixture.git("show", "--name-only", "--format=", id).lines == ["inventory/a.json"])
        #expect(try fixture.git("ls-tree", "-r", "--name-only", "HEAD").lines == ["README.md", "inventory/a.json"])
        #expect(try fixture.git("show", "HEAD:README.md").text == "ops\n")
        // The user's work is still where they left it.
        #expect(try fixture.status() == [" M README.md", "A  inventory/b.json", "A  notes.txt"])
        #expect(fixture.contents("README.md") == bytes("local edit\n"))
        try fixture.expectSound()
    }

    @Test func writeWorkingTreeWithoutCommitLeavesHeadAlone() async throws {
        let fixture = try Fixture()
        defer { fixture.remove() }
        let head = try await commitFiles(fixture.store, ["inventory/hosts/a.json": "1\n", "inventory/hosts/b.json": "2\n"])
        let update = try await fixture.store.writeWorkingTree(
            FileChanges(
                writes: ["inventory/hosts/a.json": bytes("1\n"), "inventory/hosts/c.json": bytes("3\n")],
                replacedDirectories: ["inventory/hosts"]))
        #expect(update == WorkingTreeUpdate(written: ["inventory/hosts/c.json"], removed: ["inventory/hosts/b.json"]))
        #expect(try await fixture.store.headCommitID() == head)
        #expect(try fixture.git("rev-list", "--count", "HEAD").text == "1\n")
        #expect(fixture.contents("inventory/hosts/c.json") == bytes("3\n"))
        #expect(!fixture.exists("inventory/hosts/b.json"))
        #expect(try fixture.status() == [" D inventory/hosts/b.json", "?? inventory/hosts/c.json"])
    }

    @Test func writeWorkingTreeInUnbornRepository() async throws {
        let fixture = try Fixture()
        defer { fixture.remove() }
        let update = try await fixture.store.writeWorkingTree(FileChanges(writes: ["inventory/a.json": bytes("1\n")]))
        #expect(update.written == ["inventory/a.json"])
        #expect(fixture.contents("inventory/a.json") == bytes("1\n"))
        #expect(try await fixture.store.headCommitID() == nil)
        // A later commit of the same content records it and leaves the tree clean.
        let id = try await commitFiles(fixture.store, ["inventory/a.json": "1\n"])
        #expect(try fixture.git("rev-parse", "HEAD").text == "\(id)\n")
        #expect(try fixture.status().isEmpty)
    }

    @Test func concurrentCommitsAreSerialized() async throws {
        let fixture = try Fixture()
        defer { fixture.remove() }
        let store = fixture.store
        let ids = try await withThrowingTaskGroup(of: String.self) { group in
            for number in 0..<8 {
                group.addTask {
                    try await commitFiles(store, ["inventory/hosts/h\(number).json": "\(number)\n"], at: 1_700_000_000 + number)
                }
            }
            var ids: [String] = []
            for try await id in group { ids.append(id) }
            return ids
        }
        #expect(Set(ids).count == 8)
        #expect(try fixture.git("rev-list", "--count", "HEAD").text == "8\n")
        // A single line of history: one root, every other commit has exactly one parent.
        let parentCounts = try fixture.git("log", "--format=%P").lines.map { $0.split(separator: " ").count }
        #expect(parentCounts == Array(repeating: 1, count: 7))
        #expect(try fixture.git("ls-tree", "-r", "--name-only", "HEAD").lines.count == 8)
        #expect(try fixture.status().isEmpty)
        try fixture.expectSound()
    }

    @Test func seesCommitsMadeByTheCommandLine() async throws {
        let fixture = try Fixture()
        defer { fixture.remove() }
        _ = try await commitFiles(fixture.store, ["inventory/a.json": "1\n"])
        try fixture.write("spotctl.yaml", "cloud: x\n")
        try fixture.git("add", "spotctl.yaml")
        try fixture.git("commit", "-q", "-m", "configure")
        let cliHead = try fixture.git("rev-parse", "HEAD").text.trimmingCharacters(in: .whitespacesAndNewlines)
        #expect(try await fixture.store.headCommitID() == cliHead)

        let id = try await commitFiles(fixture.store, ["inventory/a.json": "2\n"], at: 1_700_000_060)
        #expect(try await fixture.store.commitInfo(id).parentIDs == [cliHead])
        #expect(try fixture.git("show", "HEAD:spotctl.yaml").text == "cloud: x\n")
        #expect(try fixture.status().isEmpty)
    }
}

/// A commit with many new files stores its objects as one pack; git reads it like any other.
@Suite struct PackedCommitTests {
    @Test func manyNewFilesGoIntoOnePackThatGitReads() async throws {
        let fixture = try Fixture()
        defer { fixture.remove() }
        var files: [String: Data] = [:]
        for index in 0..<120 {  // more than the 100 new blobs from which a commit packs
            files["inventory/hosts/\(index % 7)/host-\(index).json"] = bytes("{\"host\": \(index)}\n")
        }
        let first = try await fixture.store.commit(FileChanges(writes: files, replacedDirectories: ["inventory"]),
                                                   author: author(), message: "first snapshot")
        let id = try #require(first.commitID)
        let counts = try fixture.git("count-objects", "-v").lines
        #expect(counts.contains("packs: 1"), "\(counts)")
        // Every blob is in the pack; only the commit and its trees are loose objects.
        #expect(try fixture.looseObjectTypes() == ["commit": 1, "tree": 10], "\(counts)")
        #expect(try fixture.git("rev-parse", "HEAD").text == id + "\n")
        #expect(try fixture.git("show", "HEAD:inventory/hosts/3/host-3.json").stdout == bytes("{\"host\": 3}\n"))
        #expect(try fixture.git("ls-tree", "-r", "--name-only", "HEAD").lines.count == files.count)
        #expect(try fixture.status().isEmpty)
        try fixture.expectSound()

        // A few changed files afterwards are written as loose objects, on top of the packed commit.
        files["inventory/hosts/0/host-0.json"] = bytes("{\"host\": \"zero\"}\n")
        let second = try await fixture.store.commit(FileChanges(writes: files, replacedDirectories: ["inventory"]),
                                                    author: author(1_700_000_100), message: "second")
        #expect(second.commitID != nil)
        #expect(try fixture.git("rev-list", "--count", "HEAD").text == "2\n")
        #expect(try fixture.git("count-objects", "-v").lines.contains("packs: 1"))
        #expect(try fixture.status().isEmpty)
        #expect(try await fixture.store.readFile("inventory/hosts/0/host-0.json") == bytes("{\"host\": \"zero\"}\n"))
        try fixture.expectSound()
    }
}
