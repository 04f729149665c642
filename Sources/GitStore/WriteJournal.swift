import Foundation
import SpotSupport

/// A failure the store makes happen on purpose, so that tests can interrupt a commit at each of
/// its steps: as a full disk (an error, cleaned up like any error) or as a crash (the work stops
/// where it is and nothing is cleaned up, as when the process is killed).
public struct WriteFault: Sendable, Hashable {
    /// The steps of `GitStore.commit`, in order.
    public enum Step: String, Sendable, Hashable, CaseIterable {
        /// Storing blobs, the tree and the commit object.
        case objects
        /// Writing the new files' bytes into the staging folder.
        case staging
        /// Moving the branch to the new commit (the journal is written just before).
        case reference
        /// Removing files and renaming the staged ones into the working tree.
        case install
        /// Writing the repository's index.
        case index
    }

    public enum Kind: Sendable, Hashable {
        case diskFull
        case crash
    }

    public var step: Step
    public var kind: Kind
    /// For `staging` and `install`: how many files are done before the failure.
    public var afterFiles: Int

    public init(_ step: Step, _ kind: Kind, afterFiles: Int = 0) {
        self.step = step
        self.kind = kind
        self.afterFiles = afterFiles
    }

    /// The operation named by the error of an injected crash: the store skips its clean-up.
    static let crashOperation = "injected crash"

    /// Throws the injected failure when this is its step (and, for the steps that count files,
    /// `count` files are done).
    func trip(_ step: Step, after count: Int? = nil) throws(GitStoreError) {
        guard step == self.step, count.map({ $0 >= afterFiles }) ?? true else { return }
        switch kind {
        case .diskFull:
            throw .fileSystem(operation: "write (\(step.rawValue))", path: "the repository",
                              message: "No space left on device (injected by a test)")
        case .crash:
            throw .fileSystem(operation: Self.crashOperation, path: step.rawValue, message: "the process stopped here (injected by a test)")
        }
    }

    static func isCrash(_ error: GitStoreError) -> Bool {
        if case .fileSystem(let operation, _, _) = error { return operation == crashOperation }
        return false
    }
}

/// What `GitStore.finishInterruptedWrite` found and did.
public struct InterruptedWrite: Sendable, Equatable, CustomStringConvertible {
    /// The commit the interrupted write was making HEAD's (full id).
    public let commit: String
    /// True when the branch had moved, so the working tree and index were brought up to it;
    /// false when it had not, so nothing visible had changed and the leftovers were removed.
    public let completed: Bool
    /// Files written or removed in the working tree to finish it.
    public let restoredFiles: Int

    public var description: String {
        if completed {
            return "an interrupted write had moved the branch to \(commit.prefix(12)) but not finished the working tree; "
                + "restored \(restoredFiles) file\(restoredFiles == 1 ? "" : "s") and the index"
        }
        return "an interrupted write had not moved the branch (\(commit.prefix(12)) was never committed); removed what it left behind"
    }
}

/// The journal of a write in progress, `spotctl-write.json` in the git directory: written (and
/// synced) before the branch moves, removed once the working tree and the index match the new
/// commit. Its presence at the next run says that a write stopped half way.
struct WriteJournal: Codable, Sendable, Equatable {
    /// The commit HEAD is being moved to (or is already at, when nothing changed).
    var commit: String
    /// The staging folder's name in the git directory.
    var staging: String
    /// The files the write puts in the working tree, and the files it removes.
    var writes: [String]
    var removals: [String]

    static let fileName = "spotctl-write.json"
    static let stagingPrefix = "spotctl-staging-"

    static func path(in gitdir: String) -> String { gitdir + "/" + fileName }

    func save(in gitdir: String) throws(GitStoreError) {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys]
        let data: Data
        do {
            data = try encoder.encode(self)
        } catch {
            throw .fileSystem(operation: "encode", path: Self.path(in: gitdir), message: "\(error)")
        }
        do {
            try SafeFile.write(Array(data), to: Self.path(in: gitdir), sync: true)
        } catch {
            throw .fileSystem(operation: error.operation, path: error.path, message: error.message)
        }
    }

    /// The journal left in `gitdir`, nil when there is none. A journal that cannot be read is
    /// an error that names the file.
    static func load(from gitdir: String) throws(GitStoreError) -> WriteJournal? {
        let path = path(in: gitdir)
        guard SafeFile.kind(at: path) != nil else { return nil }
        guard let data = FileManager.default.contents(atPath: path), let journal = try? JSONDecoder().decode(WriteJournal.self, from: data) else {
            throw .fileSystem(operation: "read", path: path,
                              message: "the journal of an interrupted write cannot be read; check `git status`, then remove the file")
        }
        return journal
    }

    static func remove(from gitdir: String) {
        unlink(path(in: gitdir))
    }
}
