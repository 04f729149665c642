import Foundation
import GitStore
import TestSupport
import Testing

/// The output of one `git` command-line run.
struct GitOutput {
    var status: Int32
    var stdout: Data
    var stderr: String
    var text: String { String(decoding: stdout, as: UTF8.self) }
    var lines: [String] { text.split(separator: "\n", omittingEmptySubsequences: true).map(String.init) }
}

/// Runs `/usr/bin/git -C directory …` with no global or system configuration, so the tests
/// do not depend on the machine's git setup.
@discardableResult
func git(_ arguments: [String], in directory: String) throws -> GitOutput {
    let gitArguments = [
        "-C", directory, "-c", "user.name=Command Line", "-c", "user.email=cli@example.com",
        "-c", "init.defaultBranch=main", "-c", "commit.gpgsign=false", "-c", "core.autocrlf=false",
    ] + arguments
    var environment = ProcessInfo.processInfo.environment
    environment["GIT_CONFIG_NOSYSTEM"] = "1"
    environment["GIT_CONFIG_GLOBAL"] = "/dev/null"
    environment["GIT_EDITOR"] = "true"
    environment["GIT_TERMINAL_PROMPT"] = "0"
    environment["LC_ALL"] = "C"
    for key in ["GIT_DIR", "GIT_WORK_TREE", "GIT_INDEX_FILE", "GIT_AUTHOR_DATE", "GIT_COMMITTER_DATE"] {
        environment[key] = nil
    }
    // posix_spawn, not Foundation's Process.run() (see `spawnAndCollect` in TestSupport).
    let (status, stdout, stderr) = try spawnAndCollectData(URL(fileURLWithPath: "/usr/bin/git"), gitArguments, environment: environment)
    return GitOutput(
        status: status, stdout: stdout, stderr: String(decoding: stderr, as: UTF8.self))
}

/// A temporary repository opened (created) by a `GitStore`.
struct Fixture {
    let directory: TemporaryDirectory
    let store: GitStore

    init() throws {
        directory = try TemporaryDirectory(prefix: "gitstore")
        store = try GitStore.openOrInitialize(at: directory.url)
    }

    var root: String { directory.path }

    /// Runs git in the repository; records a test issue when it fails.
    @discardableResult
    func git(_ arguments: String..., sourceLocation: SourceLocation = #_sourceLocation) throws -> GitOutput {
        let output = try GitStoreTests.git(arguments, in: root)
        #expect(output.status == 0, "git \(arguments.joined(separator: " ")): \(output.stderr)", sourceLocation: sourceLocation)
        return output
    }

    /// Runs git and returns its output whatever the exit status.
    func gitAllowingFailure(_ arguments: String...) throws -> GitOutput {
        try GitStoreTests.git(arguments, in: root)
    }

    func contents(_ path: String) -> Data? {
        FileManager.default.contents(atPath: root + "/" + path)
    }

    func exists(_ path: String) -> Bool {
        FileManager.default.fileExists(atPath: root + "/" + path)
    }

    func write(_ path: String, _ text: String) throws {
        let url = URL(fileURLWithPath: root + "/" + path)
        try FileManager.default.createDirectory(at: url.deletingLastPathComponent(), withIntermediateDirectories: true)
        try Data(text.utf8).write(to: url)
    }

    /// `git fsck --strict` finds nothing wrong.
    func expectSound(sourceLocation: SourceLocation = #_sourceLocation) throws {
        let fsck = try GitStoreTests.git(["fsck", "--strict", "--no-progress"], in: root)
        #expect(fsck.status == 0, "git fsck: \(fsck.stderr)", sourceLocation: sourceLocation)
        #expect(fsck.text.isEmpty && fsck.stderr.isEmpty, "git fsck: \(fsck.text)\(fsck.stderr)", sourceLocation: sourceLocation)
    }

    /// `git fsck --strict` finds nothing wrong; objects nothing points at (what an interrupted
    /// write leaves, and `git gc` prunes) are allowed.
    func expectSoundAllowingDangling(sourceLocation: SourceLocation = #_sourceLocation) throws {
        let fsck = try GitStoreTests.git(["fsck", "--strict", "--no-progress"], in: root)
        #expect(fsck.status == 0, "git fsck: \(fsck.stderr)", sourceLocation: sourceLocation)
        let problems = fsck.lines.filter { !$0.hasPrefix("dangling ") }
        #expect(problems.isEmpty && fsck.stderr.isEmpty, "git fsck: \(fsck.text)\(fsck.stderr)", sourceLocation: sourceLocation)
    }

    /// How many loose objects of each type `.git/objects` holds.
    func looseObjectTypes() throws -> [String: Int] {
        var types: [String: Int] = [:]
        let objects = root + "/.git/objects"
        for directory in try FileManager.default.contentsOfDirectory(atPath: objects) where directory.count == 2 {
            for file in try FileManager.default.contentsOfDirectory(atPath: objects + "/" + directory) {
                let type = try git("cat-file", "-t", directory + file).text.trimmingCharacters(in: .whitespacesAndNewlines)
                types[type, default: 0] += 1
            }
        }
        return types
    }

    /// `git status --porcelain` output lines (untracked files included).
    func status() throws -> [String] {
        try git("status", "--porcelain", "--untracked-files=all").lines
    }

    func remove() { directory.remove() }
}

/// A fixed author, so commits do not depend on the clock.
func author(_ seconds: Int = 1_700_000_000, offset: Int = 0) -> CommitAuthor {
    CommitAuthor(
        name: "Spot Bot", email: "bot@example.com", date: Date(timeIntervalSince1970: TimeInterval(seconds)),
        timeZoneOffsetMinutes: offset)
}

func bytes(_ text: String) -> Data { Data(text.utf8) }

/// Commits `writes` and returns the new commit id; records an issue when nothing was committed.
func commitFiles(
    _ store: GitStore, _ writes: [String: String], deleting: Set<String> = [], replacing: [String] = [],
    at seconds: Int = 1_700_000_000, message: String = "snapshot",
    sourceLocation: SourceLocation = #_sourceLocation
) async throws -> String {
    let changes = FileChanges(
        writes: writes.mapValues { Data($0.utf8) }, deletions: deleting, replacedDirectories: replacing)
    let result = try await store.commit(changes, author: author(seconds), message: message)
    let id = try #require(result.commitID, "expected a commit", sourceLocation: sourceLocation)
    return id
}
