import Foundation
import GitStore
import TestSupport
import Testing

/// Six commits over an inventory, each a minute apart:
/// c1 adds a and b, c2 changes a, c3 changes b, c4 adds spotctl.yaml, c5 changes a,
/// c6 drops a by replacing inventory/hosts with b alone.
private func history(_ fixture: Fixture) async throws -> [String] {
    let store = fixture.store
    var ids: [String] = []
    ids.append(try await commitFiles(store, ["inventory/hosts/a.json": "a1\n", "inventory/hosts/b.json": "b1\n"], at: 1_700_000_000, message: "c1"))
    ids.append(try await commitFiles(store, ["inventory/hosts/a.json": "a2\n"], at: 1_700_000_060, message: "c2"))
    ids.append(try await commitFiles(store, ["inventory/hosts/b.json": "b2\n"], at: 1_700_000_120, message: "c3"))
    ids.append(try await commitFiles(store, ["spotctl.yaml": "cloud: x\n"], at: 1_700_000_180, message: "c4"))
    ids.append(try await commitFiles(store, ["inventory/hosts/a.json": "a3\n"], at: 1_700_000_240, message: "c5\n\nbody"))
    ids.append(try await commitFiles(
        store, ["inventory/hosts/b.json": "b2\n"], replacing: ["inventory/hosts"], at: 1_700_000_300, message: "c6"))
    return ids
}

@Suite struct ReadTests {
    @Test func readFileAtPastRevisions() async throws {
        let fixture = try Fixture()
        defer { fixture.remove() }
        let ids = try await history(fixture)
        let store = fixture.store
        #expect(try await store.readFile("inventory/hosts/a.json", at: "HEAD~1") == bytes("a3\n"))
        #expect(try await store.readFile("inventory/hosts/a.json", at: "HEAD~4") == bytes("a2\n"))
        #expect(try await store.readFile("inventory/hosts/a.json", at: ids[0]) == bytes("a1\n"))
        #expect(try await store.readFile("inventory/hosts/a.json", at: String(ids[1].prefix(8))) == bytes("a2\n"))
        #expect(try await store.readFile("inventory/hosts/b.json", at: "main") == bytes("b2\n"))
        #expect(try await store.readFile("inventory/hosts/b.json") == bytes("b2\n"))
        // The same bytes as git itself shows.
        #expect(try await store.readFile("inventory/hosts/a.json", at: "HEAD~3")
            == (try fixture.git("show", "HEAD~3:inventory/hosts/a.json").stdout))
        // Missing at that revision: nil (deleted later, added later, never existed, a directory).
        #expect(try await store.readFile("inventory/hosts/a.json", at: "HEAD") == nil)
        #expect(try await store.readFile("spotctl.yaml", at: ids[2]) == nil)
        #expect(try await store.readFile("nothing/here.json") == nil)
        #expect(try await store.readFile("inventory/hosts") == nil)
        // Unknown revisions are errors.
        for revision in ["nope", "HEAD~6", "0123456789012345678901234567890123456789", "main:spotctl.yaml"] {
            let error = await #expect(throws: GitStoreError.self) {
                try await store.readFile("spotctl.yaml", at: revision)
            }
            #expect(error == .unknownRevision(revision))
        }
    }

    @Test func readingAnUnbornHeadIsAnUnknownRevision() async throws {
        let fixture = try Fixture()
        defer { fixture.remove() }
        let error = await #expect(throws: GitStoreError.self) {
            try await fixture.store.readFile("a.json")
        }
        #expect(error == .unknownRevision("HEAD"))
    }

    @Test func listFilesUnderDirectoryAtRevision() async throws {
        let fixture = try Fixture()
        defer { fixture.remove() }
        let ids = try await history(fixture)
        let store = fixture.store
        for revision in [ids[1], "HEAD"] {
            let files = try await store.listFiles(under: "inventory/hosts", at: revision)
            let expected = try fixture.git("ls-tree", "-r", "--format=%(path) %(objectname)", revision, "--", "inventory/hosts").lines
            #expect(files.map { "\($0.path) \($0.blobID)" } == expected)
        }
        let old = try await store.readFiles(under: "inventory/hosts/", at: ids[1])
        #expect(old == ["inventory/hosts/a.json": bytes("a2\n"), "inventory/hosts/b.json": bytes("b1\n")])
        #expect(try await store.readFiles(under: "inventory", at: "HEAD") == ["inventory/hosts/b.json": bytes("b2\n")])
        #expect(try await store.listFiles(under: "", at: "HEAD").map(\.path) == ["inventory/hosts/b.json", "spotctl.yaml"])
        #expect(try await store.listFiles(under: "missing", at: "HEAD").isEmpty)
        #expect(try await store.listFiles(under: "spotctl.yaml", at: "HEAD").isEmpty)
        let blob = try #require(try await store.listFiles(under: "inventory", at: ids[0]).first)
        #expect(try await store.readBlob(blob.blobID) == bytes("a1\n"))
    }

    @Test func historyOfPathMatchesGitLog() async throws {
        let fixture = try Fixture()
        defer { fixture.remove() }
        let ids = try await history(fixture)
        let store = fixture.store

        let fileHistory = try await store.history(of: "inventory/hosts/a.json").map(\.id)
        #expect(fileHistory == [ids[5], ids[4], ids[1], ids[0]])
        #expect(fileHistory == (try fixture.git("log", "--format=%H", "--", "inventory/hosts/a.json").lines))

        let directoryHistory = try await store.history(of: "inventory/hosts").map(\.id)
        #expect(directoryHistory == [ids[5], ids[4], ids[2], ids[1], ids[0]])
        #expect(directoryHistory == (try fixture.git("log", "--format=%H", "--", "inventory/hosts").lines))

        #expect(try await store.history(of: "spotctl.yaml").map(\.id) == [ids[3]])
        #expect(try await store.history(of: "inventory/hosts/a.json", limit: 2).map(\.id) == [ids[5], ids[4]])
        #expect(try await store.history(of: "inventory/hosts/a.json", from: ids[3]).map(\.id) == [ids[1], ids[0]])
        #expect(try await store.history(of: "never/there.json").isEmpty)
        let summaries = try await store.history(of: "inventory/hosts/a.json", limit: 2).map(\.summary)
        #expect(summaries == ["c6", "c5"])
    }

    @Test func logOfHeadIsNewestFirstWithLimit() async throws {
        let fixture = try Fixture()
        defer { fixture.remove() }
        let ids = try await history(fixture)
        let store = fixture.store
        let all = try await store.log()
        #expect(all.map(\.id) == ids.reversed())
        #expect(all.map(\.id) == (try fixture.git("log", "--format=%H").lines))
        #expect(try await store.log(limit: 3).map(\.id) == Array(ids.reversed().prefix(3)))
        #expect(try await store.log(from: ids[2], limit: 10).map(\.id) == [ids[2], ids[1], ids[0]])
        #expect(all.first?.parentIDs == [ids[4]])
        #expect(all.last?.parentIDs == [])
        #expect(all[1].message == "c5\n\nbody\n")
        #expect(all[1].summary == "c5")
        #expect(all.map(\.date.timeIntervalSince1970) == [1_700_000_300, 1_700_000_240, 1_700_000_180, 1_700_000_120, 1_700_000_060, 1_700_000_000])
        #expect(try await store.resolveCommit("HEAD~2") == ids[3])
    }

    @Test func changedPathsMatchGitDiffNameStatus() async throws {
        let fixture = try Fixture()
        defer { fixture.remove() }
        let ids = try await history(fixture)
        _ = try await fixture.store.commit(
            FileChanges(writes: ["changes/x.yaml": bytes("x\n")], deletions: ["spotctl.yaml"]),
            author: author(1_700_000_400), message: "c7")
        let store = fixture.store
        for (from, to) in [(ids[0], "HEAD"), (ids[1], ids[4]), ("HEAD~1", "HEAD"), (ids[5], ids[0]), ("HEAD", "HEAD")] {
            let ours = try await store.changedPaths(from: from, to: to).map(\.description)
            let theirs = try fixture.git("diff", "--name-status", "--no-renames", from, to).lines
            #expect(ours == theirs, "\(from)..\(to)")
        }
        let last = try await store.changedPaths(from: "HEAD~1", to: "HEAD")
        #expect(last == [ChangedPath(path: "changes/x.yaml", kind: .added), ChangedPath(path: "spotctl.yaml", kind: .deleted)])
        // From the empty tree: everything in the first commit is added.
        #expect(try await store.changedPaths(from: nil, to: ids[0]) == [
            ChangedPath(path: "inventory/hosts/a.json", kind: .added), ChangedPath(path: "inventory/hosts/b.json", kind: .added),
        ])
        #expect(try await store.changedPaths(from: ids[1], to: ids[2]) == [ChangedPath(path: "inventory/hosts/b.json", kind: .modified)])
        let error = await #expect(throws: GitStoreError.self) { try await store.changedPaths(from: "nope", to: "HEAD") }
        #expect(error == .unknownRevision("nope"))
    }

    @Test func changedFilesCarryTheBlobIdsOnEitherSide() async throws {
        let fixture = try Fixture()
        defer { fixture.remove() }
        let ids = try await history(fixture)
        let store = fixture.store
        let changes = try await store.changedFiles(from: ids[1], to: ids[2])
        #expect(changes.map(\.path) == ["inventory/hosts/b.json"])
        let change = try #require(changes.first)
        // The ids are git's own: `git rev-parse REV:PATH` names the same blobs.
        #expect(change.oldBlobID == (try fixture.git("rev-parse", "\(ids[1]):inventory/hosts/b.json").lines.first))
        #expect(change.newBlobID == (try fixture.git("rev-parse", "\(ids[2]):inventory/hosts/b.json").lines.first))
        #expect(try await store.blobID(of: "inventory/hosts/b.json", at: ids[2]) == change.newBlobID)
        #expect(try await store.blobID(of: "inventory/hosts/none.json", at: ids[2]) == nil)
        let blobs = try await store.readBlobs([change.oldBlobID!, change.newBlobID!])
        #expect(blobs[change.newBlobID!] == (try await store.readFile("inventory/hosts/b.json", at: ids[2])))
        #expect(blobs[change.oldBlobID!] == (try await store.readFile("inventory/hosts/b.json", at: ids[1])))
        let added = try await store.changedFiles(from: nil, to: ids[0])
        #expect(added.allSatisfy { $0.kind == .added && $0.oldBlobID == nil && $0.newBlobID != nil })
    }
}
