import Foundation
@testable import GitStore
import TestSupport
import Testing

/// Links at written paths, interrupted commits and reused packs: a write stays inside the
/// repository and leaves it as before, as after, or in a state the next run finishes.
@Suite struct InterruptionTests {
    /// The changes of a second snapshot: one file changed, one added, one removed.
    static let second = FileChanges(
        writes: ["inventory/a.json": bytes("a2\n"), "inventory/c.json": bytes("c\n"), "inventory/hosts/h.json": bytes("h2\n")],
        replacedDirectories: ["inventory"])

    static func base(_ fixture: Fixture) async throws -> String {
        try await commitFiles(fixture.store, ["inventory/a.json": "a1\n", "inventory/b.json": "b\n", "inventory/hosts/h.json": "h1\n"],
                              replacing: ["inventory"])
    }

    @Test func aLinkAtAWrittenFileIsReplacedAndItsTargetOutsideIsUntouched() async throws {
        let fixture = try Fixture()
        defer { fixture.remove() }
        let outside = try TemporaryDirectory(prefix: "outside")
        defer { outside.remove() }
        _ = try await Self.base(fixture)
        // A link committed in the repository (as a merged pull request would), a link left in the
        // working tree at a tracked file, and one at a path the commit creates.
        let targets = ["committed", "tracked", "new"].map { outside.path + "/" + $0 }
        for target in targets { try Data("outside\n".utf8).write(to: URL(fileURLWithPath: target)) }
        try FileManager.default.createSymbolicLink(atPath: fixture.root + "/inventory/summary.json", withDestinationPath: targets[0])
        try fixture.git("add", "inventory/summary.json")
        try fixture.git("commit", "-q", "-m", "a link")
        try FileManager.default.removeItem(atPath: fixture.root + "/inventory/a.json")
        try FileManager.default.createSymbolicLink(atPath: fixture.root + "/inventory/a.json", withDestinationPath: targets[1])
        try FileManager.default.createSymbolicLink(atPath: fixture.root + "/inventory/c.json", withDestinationPath: targets[2])

        var changes = Self.second
        changes.writes["inventory/summary.json"] = bytes("summary\n")
        _ = try await fixture.store.commit(changes, author: author(1_700_000_100), message: "second")

        for target in targets {
            #expect(FileManager.default.contents(atPath: target) == Data("outside\n".utf8), "\(target) was written through a link")
        }
        for (path, text) in ["inventory/summary.json": "summary\n", "inventory/a.json": "a2\n", "inventory/c.json": "c\n"] {
            var info = stat()
            #expect(lstat(fixture.root + "/" + path, &info) == 0 && info.st_mode & S_IFMT == S_IFREG, "\(path) is not a regular file")
            #expect(fixture.contents(path) == bytes(text))
        }
        #expect(try fixture.status().isEmpty)
        #expect(try fixture.git("ls-files", "-s", "inventory/summary.json").text.hasPrefix("100644 "))
        try fixture.expectSound()
    }

    @Test func writingTheWorkingTreeOnlyAlsoReplacesALink() async throws {
        let fixture = try Fixture()
        defer { fixture.remove() }
        let outside = try TemporaryDirectory(prefix: "outside")
        defer { outside.remove() }
        _ = try await Self.base(fixture)
        let target = outside.path + "/target"
        try Data("outside\n".utf8).write(to: URL(fileURLWithPath: target))
        try FileManager.default.removeItem(atPath: fixture.root + "/inventory/b.json")
        try FileManager.default.createSymbolicLink(atPath: fixture.root + "/inventory/b.json", withDestinationPath: target)
        _ = try await fixture.store.writeWorkingTree(FileChanges(writes: ["inventory/b.json": bytes("b2\n")]))
        #expect(FileManager.default.contents(atPath: target) == Data("outside\n".utf8))
        #expect(fixture.contents("inventory/b.json") == bytes("b2\n"))
        #expect(SafeFileKind.of(fixture.root + "/inventory/b.json") == S_IFREG)
    }

    /// A full disk at any step before the branch moves: an error naming it, and the repository
    /// exactly as before (HEAD, index, working tree), with nothing left behind.
    @Test(arguments: [WriteFault.Step.objects, .staging, .reference])
    func aFullDiskBeforeTheBranchMovesLeavesTheRepositoryAsBefore(step: WriteFault.Step) async throws {
        let fixture = try Fixture()
        defer { fixture.remove() }
        let head = try await Self.base(fixture)
        await fixture.store.injectFault(WriteFault(step, .diskFull, afterFiles: 1))
        let error = await #expect(throws: GitStoreError.self) {
            try await fixture.store.commit(Self.second, author: author(1_700_000_100), message: "second")
        }
        #expect(error?.description.contains("No space left on device") == true)
        #expect(try await fixture.store.headCommitID() == head)
        #expect(try fixture.status().isEmpty)
        #expect(fixture.contents("inventory/a.json") == bytes("a1\n"))
        try fixture.expectSoundAllowingDangling()
        let leftovers = try FileManager.default.contentsOfDirectory(atPath: fixture.root + "/.git").filter { $0.hasPrefix("spotctl") }
        #expect(leftovers.isEmpty, "\(leftovers)")
        #expect(try await fixture.store.finishInterruptedWrite() == nil)
    }

    /// A full disk after the branch moved: the error says the next run finishes the write, and it
    /// does: working tree and index at the new commit.
    @Test(arguments: [WriteFault.Step.install, .index])
    func aFailureAfterTheBranchMovedIsFinishedByTheNextRun(step: WriteFault.Step) async throws {
        let fixture = try Fixture()
        defer { fixture.remove() }
        _ = try await Self.base(fixture)
        await fixture.store.injectFault(WriteFault(step, .diskFull, afterFiles: 1))
        let error = await #expect(throws: GitStoreError.self) {
            try await fixture.store.commit(Self.second, author: author(1_700_000_100), message: "second")
        }
        guard case .interruptedWrite(let commit, _)? = error else { Issue.record("expected interruptedWrite, got \(String(describing: error))"); return }
        #expect(try await fixture.store.headCommitID() == commit)
        // A new write is refused until the interrupted one is finished.
        await fixture.store.injectFault(nil)
        await #expect(throws: GitStoreError.self) {
            try await fixture.store.commit(Self.second, author: author(1_700_000_200), message: "third")
        }
        let finished = try #require(try await fixture.store.finishInterruptedWrite())
        #expect(finished.completed && finished.commit == commit)
        try Self.expectAtSecond(fixture)
    }

    /// A crash (nothing cleaned up) at every step: `finishInterruptedWrite` leaves the repository
    /// either as before or as after, clean and sound.
    @Test(arguments: WriteFault.Step.allCases)
    func aCrashAtAnyStepIsFinishedOrUndoneByTheNextRun(step: WriteFault.Step) async throws {
        let fixture = try Fixture()
        defer { fixture.remove() }
        let head = try await Self.base(fixture)
        await fixture.store.injectFault(WriteFault(step, .crash, afterFiles: 1))
        await #expect(throws: GitStoreError.self) {
            try await fixture.store.commit(Self.second, author: author(1_700_000_100), message: "second")
        }
        await fixture.store.injectFault(nil)
        let finished = try await fixture.store.finishInterruptedWrite()
        let now = try await fixture.store.headCommitID()
        switch step {
        case .objects, .staging:
            #expect(finished == nil)  // nothing was journaled: the staging folder is ours and removed on the next write
            #expect(now == head)
        case .reference:
            #expect(finished?.completed == false)
            #expect(now == head)
        case .install, .index:
            #expect(finished?.completed == true)
            #expect(now != head)
        }
        if now == head {
            #expect(fixture.contents("inventory/a.json") == bytes("a1\n"))
            #expect(try fixture.status().isEmpty)
        } else {
            try Self.expectAtSecond(fixture)
        }
        try fixture.expectSoundAllowingDangling()
        // The next write works.
        _ = try await fixture.store.commit(FileChanges(writes: ["inventory/d.json": bytes("d\n")]), author: author(1_700_000_300), message: "next")
        #expect(try fixture.status().isEmpty)
        let leftovers = try FileManager.default.contentsOfDirectory(atPath: fixture.root + "/.git").filter { $0.hasPrefix("spotctl") }
        #expect(leftovers.isEmpty, "\(leftovers)")
    }

    /// A folder the working tree lacks moves in whole, whatever its name's bytes.
    @Test func newFoldersWithMultibyteNamesMoveInWhole() async throws {
        let fixture = try Fixture()
        defer { fixture.remove() }
        _ = try await Self.base(fixture)
        let files = ["inventory/ホスト/東京-01.json": "一\n", "inventory/ホスト/深い/大阪.json": "二\n", "新しい/b.json": "三\n"]
        _ = try await commitFiles(fixture.store, files, at: 1_700_000_200)
        for (path, text) in files { #expect(fixture.contents(path) == bytes(text), "\(path)") }
        #expect(try fixture.status().isEmpty)
        try fixture.expectSound()
    }

    static func expectAtSecond(_ fixture: Fixture, sourceLocation: SourceLocation = #_sourceLocation) throws {
        #expect(fixture.contents("inventory/a.json") == bytes("a2\n"), sourceLocation: sourceLocation)
        #expect(fixture.contents("inventory/c.json") == bytes("c\n"), sourceLocation: sourceLocation)
        #expect(!fixture.exists("inventory/b.json"), sourceLocation: sourceLocation)
        let status = try fixture.status()
        #expect(status.isEmpty, "\(status)", sourceLocation: sourceLocation)
        try fixture.expectSoundAllowingDangling(sourceLocation: sourceLocation)
    }

    /// A pack whose name already exists is reused only when its bytes are the ones expected: a
    /// truncated one (a power loss) is replaced, and git reads every object again.
    @Test func aDamagedPackOfTheSameNameIsReplaced() throws {
        let directory = try TemporaryDirectory(prefix: "packs")
        defer { directory.remove() }
        _ = try git(["init", "-q", directory.path], in: "/")
        let objects = (0..<120).map { index -> PackWriter.Object in
            let data = Data("blob \(index)\n".utf8)
            return PackWriter.Object(id: Repository.hashBlobs([data])[0]!.bytes, data: data)
        }
        let objectsDirectory = directory.path + "/.git/objects"
        let name = try #require(try PackWriter.writeBlobs(objects, objectsDirectory: objectsDirectory))
        let pack = objectsDirectory + "/pack/" + name + ".pack"
        let whole = try #require(FileManager.default.contents(atPath: pack))
        chmod(pack, 0o644)
        #expect(truncate(pack, off_t(whole.count / 2)) == 0)
        #expect(try PackWriter.writeBlobs(objects, objectsDirectory: objectsDirectory) == name)
        #expect(FileManager.default.contents(atPath: pack) == whole)
        let verify = try git(["verify-pack", pack.replacingOccurrences(of: ".pack", with: ".idx")], in: directory.path)
        #expect(verify.status == 0, "\(verify.stderr)")
    }
}

enum SafeFileKind {
    static func of(_ path: String) -> mode_t? {
        var info = stat()
        return lstat(path, &info) == 0 ? info.st_mode & S_IFMT : nil
    }
}
