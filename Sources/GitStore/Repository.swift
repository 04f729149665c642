import CLibgit2
import Foundation
import SpotSupport

/// A libgit2 repository and the operations the store performs on it. Not thread-safe: only the
/// `GitStore` actor (or a function that owns a fresh instance) uses one.
final class Repository {
    let handle: RepositoryHandle
    var pointer: OpaquePointer { handle.pointer }

    private init(_ handle: RepositoryHandle) {
        self.handle = handle
    }

    // MARK: Opening

    /// Opens the repository at `path` (its work tree or its `.git`), without searching upward.
    static func open(_ path: String) throws(GitStoreError) -> Repository {
        LibGit2.ensureInitialized()
        var out: OpaquePointer?
        let code = git_repository_open(&out, path)
        if code == LibGit2.notFound { throw .notARepository(path) }
        try LibGit2.check(code, "git_repository_open", path: path)
        guard let out else { throw .notARepository(path) }
        return Repository(RepositoryHandle(out))
    }

    /// Creates a repository at `path` (creating the directory) whose HEAD points at the unborn
    /// branch `initialBranch`.
    static func initialize(_ path: String, initialBranch: String) throws(GitStoreError) -> Repository {
        LibGit2.ensureInitialized()
        var options = git_repository_init_options()
        try LibGit2.check(
            git_repository_init_options_init(&options, UInt32(GIT_REPOSITORY_INIT_OPTIONS_VERSION)),
            "git_repository_init_options_init", path: path)
        options.flags = GIT_REPOSITORY_INIT_MKPATH.rawValue | GIT_REPOSITORY_INIT_MKDIR.rawValue
        var out: OpaquePointer?
        let code = initialBranch.withCString { branch -> Int32 in
            options.initial_head = branch
            return git_repository_init_ext(&out, path, &options)
        }
        try LibGit2.check(code, "git_repository_init_ext", path: path)
        guard let out else { throw .notARepository(path) }
        return Repository(RepositoryHandle(out))
    }

    /// The `.git` directory of the repository containing `path` (searching upward).
    static func discover(_ path: String) throws(GitStoreError) -> String {
        LibGit2.ensureInitialized()
        return try withGitBuf { buffer throws(GitStoreError) in
            let code = git_repository_discover(&buffer, path, 0, nil)
            if code == LibGit2.notFound { throw .notARepository(path) }
            try LibGit2.check(code, "git_repository_discover", path: path)
            return buffer.string
        }
    }

    /// The work-tree root without a trailing slash, or nil for a bare repository.
    var workdir: String? {
        guard let raw = git_repository_workdir(pointer) else { return nil }
        var path = String(cString: raw)
        while path.count > 1 && path.hasSuffix("/") { path.removeLast() }
        return path
    }

    /// The `.git` directory, without a trailing slash.
    var gitdir: String {
        var path = String(cString: git_repository_path(pointer))
        while path.count > 1 && path.hasSuffix("/") { path.removeLast() }
        return path
    }

    /// The operation in progress, or nil when there is none.
    func state() throws(GitStoreError) -> RepositoryState? {
        let value = git_repository_state(pointer)
        try LibGit2.check(value, "git_repository_state", path: workdir ?? gitdir)
        switch git_repository_state_t(rawValue: UInt32(value)) {
        case GIT_REPOSITORY_STATE_NONE: return nil
        case GIT_REPOSITORY_STATE_MERGE: return .merge
        case GIT_REPOSITORY_STATE_REVERT: return .revert
        case GIT_REPOSITORY_STATE_REVERT_SEQUENCE: return .revertSequence
        case GIT_REPOSITORY_STATE_CHERRYPICK: return .cherryPick
        case GIT_REPOSITORY_STATE_CHERRYPICK_SEQUENCE: return .cherryPickSequence
        case GIT_REPOSITORY_STATE_BISECT: return .bisect
        case GIT_REPOSITORY_STATE_REBASE: return .rebase
        case GIT_REPOSITORY_STATE_REBASE_INTERACTIVE: return .rebaseInteractive
        case GIT_REPOSITORY_STATE_REBASE_MERGE: return .rebaseMerge
        case GIT_REPOSITORY_STATE_APPLY_MAILBOX: return .applyMailbox
        case GIT_REPOSITORY_STATE_APPLY_MAILBOX_OR_REBASE: return .applyMailboxOrRebase
        default: return .unknown
        }
    }

    // MARK: Revisions

    /// The commit HEAD points at, or nil while HEAD's branch is unborn.
    func headCommitID() throws(GitStoreError) -> git_oid? {
        var oid = git_oid()
        let code = git_reference_name_to_id(&oid, pointer, "HEAD")
        if code == LibGit2.notFound || code == LibGit2.unbornBranch { return nil }
        try LibGit2.check(code, "git_reference_name_to_id", revision: "HEAD")
        return oid
    }

    /// The object a revspec names, peeled to `type`.
    private func peel(_ revision: String, to type: git_object_t, operation: String) throws(GitStoreError) -> ObjectHandle {
        var raw: OpaquePointer?
        let code = git_revparse_single(&raw, pointer, revision)
        if code == LibGit2.notFound || code == LibGit2.invalidSpec || code == LibGit2.unbornBranch {
            throw .unknownRevision(revision)
        }
        try LibGit2.check(code, "git_revparse_single", revision: revision)
        guard let raw else { throw .unknownRevision(revision) }
        let object = ObjectHandle(raw)
        var peeled: OpaquePointer?
        let peelCode = git_object_peel(&peeled, object.pointer, type)
        if peelCode == LibGit2.invalidSpec || peelCode == GIT_EPEEL.rawValue {
            throw .unknownRevision(revision)
        }
        try LibGit2.check(peelCode, "git_object_peel", revision: revision)
        guard let peeled else { throw .unknownRevision(revision) }
        return ObjectHandle(peeled)
    }

    /// The id of the commit a revspec names.
    func resolveCommitID(_ revision: String) throws(GitStoreError) -> git_oid {
        let object = try peel(revision, to: GIT_OBJECT_COMMIT, operation: "git_object_peel")
        return withExtendedLifetime(object) { git_object_id(object.pointer).pointee }
    }

    /// The tree of the commit (or tree) a revspec names.
    func tree(at revision: String) throws(GitStoreError) -> TreeHandle {
        let object = try peel(revision, to: GIT_OBJECT_TREE, operation: "git_object_peel")
        let oid = withExtendedLifetime(object) { git_object_id(object.pointer).pointee }
        return try lookupTree(oid, revision: revision)
    }

    func lookupTree(_ oid: git_oid, revision: String? = nil) throws(GitStoreError) -> TreeHandle {
        var id = oid
        var out: OpaquePointer?
        try LibGit2.check(git_tree_lookup(&out, pointer, &id), "git_tree_lookup", revision: revision ?? oid.hex)
        guard let out else { throw .unknownRevision(revision ?? oid.hex) }
        return TreeHandle(out)
    }

    func lookupCommit(_ oid: git_oid) throws(GitStoreError) -> CommitHandle {
        var id = oid
        var out: OpaquePointer?
        try LibGit2.check(git_commit_lookup(&out, pointer, &id), "git_commit_lookup", revision: oid.hex)
        guard let out else { throw .unknownRevision(oid.hex) }
        return CommitHandle(out)
    }

    func tree(of commit: CommitHandle) throws(GitStoreError) -> TreeHandle {
        var out: OpaquePointer?
        let code = withExtendedLifetime(commit) { git_commit_tree(&out, commit.pointer) }
        try LibGit2.check(code, "git_commit_tree")
        guard let out else { throw .libgit2(LibGit2.failure(-1, "git_commit_tree")) }
        return TreeHandle(out)
    }

    /// The id of the commit's tree, without loading the tree.
    func treeID(of commit: CommitHandle) -> git_oid {
        withExtendedLifetime(commit) { git_commit_tree_id(commit.pointer).pointee }
    }

    // MARK: Trees and blobs

    /// The entry at `path` in `tree` (blob or subtree): its id and type, or nil when absent.
    func entry(at path: String, in tree: TreeHandle) throws(GitStoreError) -> (id: git_oid, type: git_object_t)? {
        var out: OpaquePointer?
        let code = withExtendedLifetime(tree) { git_tree_entry_bypath(&out, tree.pointer, path) }
        if code == LibGit2.notFound { return nil }
        try LibGit2.check(code, "git_tree_entry_bypath", path: path)
        guard let out else { return nil }
        let entry = TreeEntryHandle(out)
        return withExtendedLifetime(entry) {
            (git_tree_entry_id(entry.pointer).pointee, git_tree_entry_type(entry.pointer))
        }
    }

    /// The bytes of a blob.
    func blobData(_ oid: git_oid, path: String? = nil) throws(GitStoreError) -> Data {
        var id = oid
        var out: OpaquePointer?
        try LibGit2.check(git_blob_lookup(&out, pointer, &id), "git_blob_lookup", path: path, revision: oid.hex)
        guard let out else { throw .unknownRevision(oid.hex) }
        let blob = BlobHandle(out)
        return withExtendedLifetime(blob) {
            let size = Int(git_blob_rawsize(blob.pointer))
            guard size > 0, let raw = git_blob_rawcontent(blob.pointer) else { return Data() }
            return Data(bytes: raw, count: size)
        }
    }

    /// Every blob under `tree` (recursively), with paths prefixed by `prefix`.
    func files(in tree: TreeHandle, prefix: String, into result: inout [TreeFile]) throws(GitStoreError) {
        var subtrees: [(String, git_oid)] = []
        withExtendedLifetime(tree) {
            let count = git_tree_entrycount(tree.pointer)
            for index in 0..<count {
                guard let entry = git_tree_entry_byindex(tree.pointer, index) else { continue }
                let name = String(cString: git_tree_entry_name(entry))
                let path = prefix.isEmpty ? name : prefix + "/" + name
                let id = git_tree_entry_id(entry).pointee
                switch git_tree_entry_type(entry) {
                case GIT_OBJECT_BLOB: result.append(TreeFile(path: path, blobID: id.hex))
                case GIT_OBJECT_TREE: subtrees.append((path, id))
                default: break  // submodule commits are not files
                }
            }
        }
        for (path, id) in subtrees {
            try files(in: try lookupTree(id), prefix: path, into: &result)
        }
    }

    // MARK: Packed writes

    /// The object directory (shared by linked work trees), without a trailing slash.
    var objectsDirectory: String {
        var path = String(cString: git_repository_commondir(pointer))
        while path.count > 1 && path.hasSuffix("/") { path.removeLast() }
        return path + "/objects"
    }

    /// Makes the object database look for packs written behind libgit2's back (`PackWriter`).
    func refreshObjectDatabase() throws(GitStoreError) {
        var odb: OpaquePointer?
        try LibGit2.check(git_repository_odb(&odb, pointer), "git_repository_odb", path: gitdir)
        defer { git_odb_free(odb) }
        try LibGit2.check(git_odb_refresh(odb), "git_odb_refresh", path: objectsDirectory)
    }

    /// The blob ids of many byte strings, hashed on every core (`git_odb_hash` keeps no state
    /// between calls); nil where hashing failed.
    static func hashBlobs(_ contents: [Data]) -> [git_oid?] {
        parallelMap(contents, minimumPerWorker: 64) { content -> git_oid? in
            var oid = git_oid()
            let code = content.withUnsafeBytes { bytes in
                git_odb_hash(&oid, bytes.baseAddress, bytes.count, GIT_OBJECT_BLOB)
            }
            return code == 0 ? oid : nil
        }
    }

    func createBlob(_ data: Data, path: String) throws(GitStoreError) -> git_oid {
        var oid = git_oid()
        let code = data.withUnsafeBytes { bytes in
            git_blob_create_from_buffer(&oid, pointer, bytes.baseAddress, bytes.count)
        }
        try LibGit2.check(code, "git_blob_create_from_buffer", path: path)
        return oid
    }

    // MARK: Indexes

    /// A fresh in-memory index, not connected to the repository's index file.
    func inMemoryIndex() throws(GitStoreError) -> IndexHandle {
        var out: OpaquePointer?
        try LibGit2.check(git_index_new(&out), "git_index_new")
        guard let out else { throw .libgit2(LibGit2.failure(-1, "git_index_new")) }
        return IndexHandle(out)
    }

    /// The repository's index (`.git/index`), freshly read from disk.
    func diskIndex() throws(GitStoreError) -> IndexHandle {
        var out: OpaquePointer?
        try LibGit2.check(git_repository_index(&out, pointer), "git_repository_index", path: gitdir)
        guard let out else { throw .libgit2(LibGit2.failure(-1, "git_repository_index")) }
        let index = IndexHandle(out)
        try LibGit2.check(git_index_read(index.pointer, 1), "git_index_read", path: gitdir + "/index")
        return index
    }

    /// The paths of all entries of an index.
    func paths(of index: IndexHandle) -> Set<String> {
        withExtendedLifetime(index) {
            var result = Set<String>()
            let count = git_index_entrycount(index.pointer)
            for position in 0..<count {
                if let entry = git_index_get_byindex(index.pointer, position), let path = entry.pointee.path {
                    result.insert(String(cString: path))
                }
            }
            return result
        }
    }

    // MARK: Commits

    func signature(_ author: CommitAuthor) throws(GitStoreError) -> SignatureHandle {
        var out: UnsafeMutablePointer<git_signature>?
        let seconds = git_time_t(author.date.timeIntervalSince1970.rounded(.down))
        let code = git_signature_new(&out, author.name, author.email, seconds, Int32(author.timeZoneOffsetMinutes))
        try LibGit2.check(code, "git_signature_new")
        guard let out else { throw .libgit2(LibGit2.failure(-1, "git_signature_new")) }
        return SignatureHandle(out)
    }

    /// A message cleaned the way `git commit` does by default for whitespace: trailing spaces
    /// and blank lines removed, exactly one final newline.
    func prettify(_ message: String) throws(GitStoreError) -> String {
        try withGitBuf { buffer throws(GitStoreError) in
            try LibGit2.check(git_message_prettify(&buffer, message, 0, CChar(UInt8(ascii: "#"))), "git_message_prettify")
            return buffer.string
        }
    }

    /// Creates a commit object of `tree` on top of `parent` (none for a root commit), without
    /// moving any branch: `moveHead` does that once the caller is ready.
    func createCommitObject(
        tree: TreeHandle, parent: CommitHandle?, author: SignatureHandle, message: String
    ) throws(GitStoreError) -> git_oid {
        var oid = git_oid()
        var parents: [OpaquePointer?] = parent.map { [$0.pointer] } ?? []
        let code = withExtendedLifetime((tree, parent, author)) {
            parents.withUnsafeMutableBufferPointer { buffer in
                git_commit_create(
                    &oid, pointer, nil, author.pointer, author.pointer, nil, message, tree.pointer,
                    buffer.count, buffer.baseAddress)
            }
        }
        try LibGit2.check(code, "git_commit_create")
        return oid
    }

    /// Moves HEAD's branch (or a detached HEAD) from `expected` (nil: the branch is unborn) to
    /// `target`, with a reflog entry as `git commit` writes one. libgit2 refuses (EMODIFIED, or
    /// EEXISTS for an unborn branch) when the branch moved meanwhile.
    func moveHead(to target: git_oid, from expected: git_oid?, reflog message: String) throws(GitStoreError) {
        var head: OpaquePointer?
        try LibGit2.check(git_reference_lookup(&head, pointer, "HEAD"), "git_reference_lookup", revision: "HEAD")
        defer { git_reference_free(head) }
        let name: String
        if git_reference_type(head) == GIT_REFERENCE_SYMBOLIC, let symbolic = git_reference_symbolic_target(head) {
            name = String(cString: symbolic)
        } else {
            name = "HEAD"
        }
        var out: OpaquePointer?
        var id = target
        let code: Int32
        if var expected {
            code = git_reference_create_matching(&out, pointer, name, &id, 1, &expected, message)
        } else {
            code = git_reference_create(&out, pointer, name, &id, 0, message)
        }
        try LibGit2.check(code, "git_reference_create", revision: name)
        git_reference_free(out)
    }

    func info(of commit: CommitHandle) -> CommitInfo {
        withExtendedLifetime(commit) {
            let id = git_commit_id(commit.pointer).pointee.hex
            var parents: [String] = []
            let count = git_commit_parentcount(commit.pointer)
            for index in 0..<count {
                if let parent = git_commit_parent_id(commit.pointer, index) {
                    parents.append(parent.pointee.hex)
                }
            }
            var name = ""
            var email = ""
            var date = Date(timeIntervalSince1970: 0)
            if let author = git_commit_author(commit.pointer) {
                if let raw = author.pointee.name { name = String(cString: raw) }
                if let raw = author.pointee.email { email = String(cString: raw) }
                date = Date(timeIntervalSince1970: TimeInterval(author.pointee.when.time))
            }
            let message = git_commit_message(commit.pointer).map { String(cString: $0) } ?? ""
            let summary = message.split(separator: "\n", maxSplits: 1, omittingEmptySubsequences: false)
                .first.map(String.init) ?? ""
            return CommitInfo(
                id: id, parentIDs: parents, authorName: name, authorEmail: email, date: date,
                message: message, summary: summary)
        }
    }

    /// A walker over the commits reachable from `start`, newest first (topological, then time).
    func revwalk(from start: git_oid) throws(GitStoreError) -> RevWalkHandle {
        var out: OpaquePointer?
        try LibGit2.check(git_revwalk_new(&out, pointer), "git_revwalk_new")
        guard let out else { throw .libgit2(LibGit2.failure(-1, "git_revwalk_new")) }
        let walk = RevWalkHandle(out)
        try LibGit2.check(
            git_revwalk_sorting(walk.pointer, GIT_SORT_TOPOLOGICAL.rawValue | GIT_SORT_TIME.rawValue),
            "git_revwalk_sorting")
        var id = start
        try LibGit2.check(git_revwalk_push(walk.pointer, &id), "git_revwalk_push", revision: start.hex)
        return walk
    }

    /// The next commit id of a walk, or nil at the end.
    func next(_ walk: RevWalkHandle) throws(GitStoreError) -> git_oid? {
        var oid = git_oid()
        let code = git_revwalk_next(&oid, walk.pointer)
        if code == LibGit2.iterationOver { return nil }
        try LibGit2.check(code, "git_revwalk_next")
        return oid
    }

    // MARK: Diffs

    /// The paths that differ between two trees (nil is the empty tree).
    func changedPaths(from old: TreeHandle?, to new: TreeHandle?) throws(GitStoreError) -> [ChangedPath] {
        try changedFiles(from: old, to: new).map { ChangedPath(path: $0.path, kind: $0.kind) }
    }

    func changedFiles(from old: TreeHandle?, to new: TreeHandle?) throws(GitStoreError) -> [ChangedFile] {
        var out: OpaquePointer?
        let code = withExtendedLifetime((old, new)) {
            git_diff_tree_to_tree(&out, pointer, old?.pointer, new?.pointer, nil)
        }
        try LibGit2.check(code, "git_diff_tree_to_tree")
        guard let out else { return [] }
        let diff = DiffHandle(out)
        var result: [ChangedFile] = []
        withExtendedLifetime(diff) {
            let count = git_diff_num_deltas(diff.pointer)
            for index in 0..<count {
                guard let delta = git_diff_get_delta(diff.pointer, index)?.pointee else { continue }
                let kind: ChangedPath.Kind
                let rawPath: UnsafePointer<CChar>?
                switch delta.status {
                case GIT_DELTA_ADDED:
                    kind = .added
                    rawPath = delta.new_file.path
                case GIT_DELTA_DELETED:
                    kind = .deleted
                    rawPath = delta.old_file.path
                default:
                    kind = .modified
                    rawPath = delta.new_file.path ?? delta.old_file.path
                }
                if let rawPath {
                    result.append(ChangedFile(path: String(cString: rawPath), kind: kind,
                                              oldBlobID: kind == .added ? nil : delta.old_file.id.hex,
                                              newBlobID: kind == .deleted ? nil : delta.new_file.id.hex))
                }
            }
        }
        return result.sorted { $0.path.utf8.lexicographicallyPrecedes($1.path.utf8) }
    }
}
