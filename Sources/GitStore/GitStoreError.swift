/// Everything that can go wrong in `GitStore`. Every error thrown by the store is one of these.
///
/// The special cases (invalid path, unknown revision, busy repository, not a repository) are the
/// ones a command reports to the operator as "your input or your repository is wrong"; a
/// `libgit2` failure carries everything libgit2 said, so that a bug report is actionable.
public enum GitStoreError: Error, Equatable, Sendable, CustomStringConvertible {
    /// A libgit2 call failed.
    case libgit2(LibGit2Failure)
    /// A repository-relative path was refused before anything was written.
    case invalidPath(String, reason: String)
    /// A revision (`HEAD~3`, a sha, a branch) does not name a commit in the repository.
    case unknownRevision(String)
    /// The repository is in the middle of a merge, rebase, cherry-pick, revert, bisect or `git am`.
    case repositoryBusy(repository: String, state: RepositoryState)
    /// The path is not (inside) a git repository.
    case notARepository(String)
    /// The repository has no working tree, so files cannot be written into it.
    case bareRepository(String)
    /// Writing or removing a file in the working tree failed.
    case fileSystem(operation: String, path: String, message: String)
    /// A write stopped half way: `commit` is where the branch is (or was going), and the journal
    /// in the git directory says what remains; `GitStore.finishInterruptedWrite` finishes it.
    case interruptedWrite(commit: String, reason: String)

    public var description: String {
        switch self {
        case .libgit2(let failure):
            return failure.description
        case .invalidPath(let path, let reason):
            return "invalid repository path '\(path)': \(reason)"
        case .unknownRevision(let revision):
            return "unknown revision '\(revision)': no commit of that name in the repository"
        case .repositoryBusy(let repository, let state):
            return "repository \(repository) is in the middle of \(state.phrase): "
                + "\(state.advice) and run the command again"
        case .notARepository(let path):
            return "not a git repository (or inside one): \(path)"
        case .bareRepository(let path):
            return "repository \(path) is bare: it has no working tree to write files into"
        case .fileSystem(let operation, let path, let message):
            return "\(operation) failed for \(path): \(message)"
        case .interruptedWrite(let commit, let reason):
            return "the working tree and the index were not brought up to commit \(commit.prefix(12)) (\(reason)); "
                + "the next spotctl run in this repository finishes them"
        }
    }
}

/// What libgit2 reported about a failed call, read right after the call on the same thread.
public struct LibGit2Failure: Equatable, Sendable, CustomStringConvertible {
    /// The libgit2 function that failed, e.g. `git_commit_create`.
    public var operation: String
    /// libgit2's return code (`git_error_code`, e.g. -3 for `GIT_ENOTFOUND`).
    public var code: Int32
    /// libgit2's error class (`git_error_t`, e.g. 4 for `GIT_ERROR_REFERENCE`); 0 when libgit2
    /// left no error behind.
    public var errorClass: Int32
    /// libgit2's message, or a note that it gave none.
    public var message: String
    /// The repository-relative (or file-system) path involved, if any.
    public var path: String?
    /// The revision involved, if any.
    public var revision: String?

    public init(
        operation: String, code: Int32, errorClass: Int32, message: String,
        path: String? = nil, revision: String? = nil
    ) {
        self.operation = operation
        self.code = code
        self.errorClass = errorClass
        self.message = message
        self.path = path
        self.revision = revision
    }

    /// A short name for `code`, e.g. `ENOTFOUND`.
    public var codeName: String { LibGit2Names.code(code) }
    /// A short name for `errorClass`, e.g. `reference`.
    public var errorClassName: String { LibGit2Names.errorClass(errorClass) }

    public var description: String {
        var text = "\(operation) failed"
        if let path { text += " for path '\(path)'" }
        if let revision { text += " at revision '\(revision)'" }
        text += ": \(message) (libgit2 class \(errorClass) \(errorClassName), code \(code) \(codeName))"
        return text
    }
}

enum LibGit2Names {
    static func code(_ code: Int32) -> String {
        switch code {
        case 0: return "OK"
        case -1: return "ERROR"
        case -3: return "ENOTFOUND"
        case -4: return "EEXISTS"
        case -5: return "EAMBIGUOUS"
        case -6: return "EBUFS"
        case -7: return "EUSER"
        case -8: return "EBAREREPO"
        case -9: return "EUNBORNBRANCH"
        case -10: return "EUNMERGED"
        case -11: return "ENONFASTFORWARD"
        case -12: return "EINVALIDSPEC"
        case -13: return "ECONFLICT"
        case -14: return "ELOCKED"
        case -15: return "EMODIFIED"
        case -16: return "EAUTH"
        case -17: return "ECERTIFICATE"
        case -18: return "EAPPLIED"
        case -19: return "EPEEL"
        case -20: return "EEOF"
        case -21: return "EINVALID"
        case -22: return "EUNCOMMITTED"
        case -23: return "EDIRECTORY"
        case -24: return "EMERGECONFLICT"
        case -30: return "PASSTHROUGH"
        case -31: return "ITEROVER"
        case -32: return "RETRY"
        case -33: return "EMISMATCH"
        case -34: return "EINDEXDIRTY"
        case -35: return "EAPPLYFAIL"
        case -36: return "EOWNER"
        default: return "unknown"
        }
    }

    static let classes = [
        "none", "nomemory", "os", "invalid", "reference", "zlib", "repository", "config", "regex",
        "odb", "index", "object", "net", "tag", "tree", "indexer", "ssl", "submodule", "thread",
        "stash", "checkout", "fetchhead", "merge", "ssh", "filter", "revert", "callback",
        "cherrypick", "describe", "rebase", "filesystem", "patch", "worktree", "sha", "http",
        "internal",
    ]

    static func errorClass(_ value: Int32) -> String {
        value >= 0 && Int(value) < classes.count ? classes[Int(value)] : "unknown"
    }
}
