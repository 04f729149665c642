public import Foundation

/// A set of changes to the files of a repository, all paths relative to the work-tree root and
/// separated by `/`.
public struct FileChanges: Sendable, Equatable {
    /// Files to create or overwrite, with their exact bytes.
    public var writes: [String: Data]
    /// Files to remove. A path naming a tracked directory removes every tracked file under it.
    public var deletions: Set<String>
    /// Directories replaced wholesale: every tracked file under one of them that is not in
    /// `writes` is removed (so a snapshot can rewrite `inventory/` and drop what vanished).
    public var replacedDirectories: [String]

    public init(
        writes: [String: Data] = [:], deletions: Set<String> = [], replacedDirectories: [String] = []
    ) {
        self.writes = writes
        self.deletions = deletions
        self.replacedDirectories = replacedDirectories
    }

    public var isEmpty: Bool { writes.isEmpty && deletions.isEmpty && replacedDirectories.isEmpty }
}

/// Who makes a commit, and when. The store uses it as both author and committer, so a commit
/// depends only on what the caller passes, never on the clock or on git configuration.
public struct CommitAuthor: Sendable, Equatable {
    public var name: String
    public var email: String
    /// The commit time; fractions of a second are dropped (git stores whole seconds).
    public var date: Date
    /// The time-zone offset recorded with the time, in minutes east of UTC.
    public var timeZoneOffsetMinutes: Int

    public init(name: String, email: String, date: Date, timeZoneOffsetMinutes: Int = 0) {
        self.name = name
        self.email = email
        self.date = date
        self.timeZoneOffsetMinutes = timeZoneOffsetMinutes
    }
}

/// The outcome of `GitStore.commit`.
public enum CommitResult: Sendable, Equatable {
    /// A new commit was created; its full hex id.
    case committed(String)
    /// The resulting tree equals HEAD's tree (or is empty in an unborn repository): no commit.
    case unchanged

    /// The new commit's id, or nil when nothing was committed.
    public var commitID: String? {
        if case .committed(let id) = self { return id }
        return nil
    }
}

/// What writing changes into the working tree did, paths sorted.
public struct WorkingTreeUpdate: Sendable, Equatable {
    /// Files whose bytes changed on disk (identical files are not rewritten).
    public var written: [String]
    /// Files removed from disk.
    public var removed: [String]

    public init(written: [String], removed: [String]) {
        self.written = written
        self.removed = removed
    }
}

/// One commit, as read from the repository.
public struct CommitInfo: Sendable, Equatable, Hashable {
    /// Full hex id (40 characters).
    public var id: String
    /// Parent ids in order; empty for a root commit.
    public var parentIDs: [String]
    public var authorName: String
    public var authorEmail: String
    /// The author time.
    public var date: Date
    /// The full message, as stored.
    public var message: String
    /// The first line of the message.
    public var summary: String

    public init(
        id: String, parentIDs: [String], authorName: String, authorEmail: String, date: Date,
        message: String, summary: String
    ) {
        self.id = id
        self.parentIDs = parentIDs
        self.authorName = authorName
        self.authorEmail = authorEmail
        self.date = date
        self.message = message
        self.summary = summary
    }
}

/// A path that differs between two trees.
public struct ChangedPath: Sendable, Equatable, Hashable, CustomStringConvertible {
    public enum Kind: String, Sendable, Equatable, Hashable {
        case added, modified, deleted
    }

    public var path: String
    public var kind: Kind

    public init(path: String, kind: Kind) {
        self.path = path
        self.kind = kind
    }

    public var description: String {
        switch kind {
        case .added: return "A\t\(path)"
        case .modified: return "M\t\(path)"
        case .deleted: return "D\t\(path)"
        }
    }
}

/// A path that differs between two trees, with the blob ids on either side, so that both versions
/// can be read with `GitStore.readBlob(_:)` without walking the trees again.
public struct ChangedFile: Sendable, Equatable, Hashable {
    public var path: String
    public var kind: ChangedPath.Kind
    /// The blob before (nil when added).
    public var oldBlobID: String?
    /// The blob after (nil when deleted).
    public var newBlobID: String?

    public init(path: String, kind: ChangedPath.Kind, oldBlobID: String?, newBlobID: String?) {
        self.path = path
        self.kind = kind
        self.oldBlobID = oldBlobID
        self.newBlobID = newBlobID
    }
}

/// A file (blob) in a tree at some revision. Read its bytes with `GitStore.readBlob(_:)`.
public struct TreeFile: Sendable, Equatable, Hashable {
    /// Repository-relative path.
    public var path: String
    /// Hex id of the blob holding the file's bytes.
    public var blobID: String

    public init(path: String, blobID: String) {
        self.path = path
        self.blobID = blobID
    }
}

/// An operation in progress that makes the store refuse to write (`git_repository_state`).
public enum RepositoryState: String, Sendable, Equatable, CaseIterable {
    case merge
    case revert
    case revertSequence = "revert-sequence"
    case cherryPick = "cherry-pick"
    case cherryPickSequence = "cherry-pick-sequence"
    case bisect
    case rebase
    case rebaseInteractive = "rebase-interactive"
    case rebaseMerge = "rebase-merge"
    case applyMailbox = "apply-mailbox"
    case applyMailboxOrRebase = "apply-mailbox-or-rebase"
    /// A state this version of the store does not know.
    case unknown

    /// "a merge", "a rebase", ...
    public var phrase: String {
        switch self {
        case .merge: return "a merge"
        case .revert, .revertSequence: return "a revert"
        case .cherryPick, .cherryPickSequence: return "a cherry-pick"
        case .bisect: return "a bisect"
        case .rebase, .rebaseInteractive, .rebaseMerge: return "a rebase"
        case .applyMailbox: return "a git am"
        case .applyMailboxOrRebase: return "a git am or rebase"
        case .unknown: return "an unfinished git operation"
        }
    }

    /// What the operator should do, e.g. "finish or abort the merge (git merge --abort)".
    public var advice: String {
        switch self {
        case .merge: return "finish or abort the merge (git merge --abort)"
        case .revert, .revertSequence:
            return "finish or abort the revert (git revert --continue or git revert --abort)"
        case .cherryPick, .cherryPickSequence:
            return "finish or abort the cherry-pick (git cherry-pick --continue or git cherry-pick --abort)"
        case .bisect: return "end the bisect (git bisect reset)"
        case .rebase, .rebaseInteractive, .rebaseMerge:
            return "finish or abort the rebase (git rebase --continue or git rebase --abort)"
        case .applyMailbox: return "finish or abort git am (git am --continue or git am --abort)"
        case .applyMailboxOrRebase:
            return "finish or abort git am or the rebase (git am --abort or git rebase --abort)"
        case .unknown: return "finish or abort the operation in progress (see git status)"
        }
    }
}
