public import Foundation
import CLibgit2

/// The one place where the tool does git work: an actor over one libgit2 repository.
///
/// libgit2 objects are not thread-safe and libgit2's last error is kept per thread, so every
/// libgit2 call happens inside this actor, and no method awaits between a failing call and
/// reading its error (no method of the actor awaits at all). Everything it returns is a
/// `Sendable` value; every error it throws is a `GitStoreError`.
///
/// Writes never look at what the user has staged: the new tree is built from HEAD's tree plus
/// the `FileChanges`, and a commit is made only when that tree differs from HEAD's.
public actor GitStore {
    /// The root of the working tree (no trailing slash).
    public nonisolated let workTree: URL
    private let repository: Repository

    private init(repository: Repository, workTree: String) {
        self.repository = repository
        self.workTree = URL(fileURLWithPath: workTree, isDirectory: true)
    }

    /// Opens the repository whose work tree (or `.git` directory) is `url`. Does not search
    /// upward: use `discoverWorkTree(containing:)` for that.
    public init(openingRepositoryAt url: URL) throws(GitStoreError) {
        let repository = try Repository.open(url.path)
        guard let workdir = repository.workdir else { throw GitStoreError.bareRepository(url.path) }
        self.init(repository: repository, workTree: workdir)
    }

    /// Opens the repository at `url`, or creates one there (and the directory) whose HEAD is
    /// the unborn branch `initialBranch`.
    public static func openOrInitialize(at url: URL, initialBranch: String = "main") throws(GitStoreError) -> GitStore {
        let repository: Repository
        do {
            repository = try Repository.open(url.path)
        } catch .notARepository {
            repository = try Repository.initialize(url.path, initialBranch: initialBranch)
        }
        guard let workdir = repository.workdir else { throw GitStoreError.bareRepository(url.path) }
        return GitStore(repository: repository, workTree: workdir)
    }

    /// The work-tree root of the repository containing `url` (searching upward with
    /// `git_repository_discover`). Throws `notARepository` when there is none.
    public static func discoverWorkTree(containing url: URL) throws(GitStoreError) -> URL {
        let gitdir = try Repository.discover(url.path)
        let repository = try Repository.open(gitdir)
        guard let workdir = repository.workdir else { throw GitStoreError.bareRepository(gitdir) }
        return URL(fileURLWithPath: workdir, isDirectory: true)
    }

    // MARK: - State

    /// The operation in progress (merge, rebase, ...), or nil when the repository is idle.
    public func repositoryState() throws(GitStoreError) -> RepositoryState? {
        try repository.state()
    }

    /// The full id of the commit HEAD points at, or nil while HEAD's branch is unborn.
    public func headCommitID() throws(GitStoreError) -> String? {
        try repository.headCommitID()?.hex
    }

    /// The full id of the commit a revision (`HEAD~2`, a short sha, a branch) names.
    public func resolveCommit(_ revision: String) throws(GitStoreError) -> String {
        try repository.resolveCommitID(revision).hex
    }

    // MARK: - Writing

    /// Writes `changes` into the working tree and commits them on HEAD's branch, but only when
    /// the tree they produce (HEAD's tree plus the changes, never the user's staged files)
    /// differs from HEAD's tree. The repository's index is updated for the touched paths, so
    /// `git status` is clean for them afterwards; other staged or modified files are left as
    /// they were. The first commit of an unborn branch has no parent.
    ///
    /// Refuses (`repositoryBusy`) before writing anything while a merge, rebase, cherry-pick,
    /// revert or bisect is in progress, and (`invalidPath`) when a path is not a plain
    /// repository-relative path.
    public func commit(_ changes: FileChanges, author: CommitAuthor, message: String) throws(GitStoreError) -> CommitResult {
        let plan = try prepare(changes)
        let signature = try repository.signature(author)
        let text = try repository.prettify(message)

        let parent = try repository.headCommitID().map { id throws(GitStoreError) in try repository.lookupCommit(id) }
        let headTree = try parent.map { commit throws(GitStoreError) in try repository.tree(of: commit) }

        // The new tree: HEAD's tree plus the changes, in an index of our own.
        let index = try repository.inMemoryIndex()
        if let headTree {
            try LibGit2.check(
                withExtendedLifetime(headTree) { git_index_read_tree(index.pointer, headTree.pointer) },
                "git_index_read_tree")
        }
        let headPaths = repository.paths(of: index)

        // What the working tree loses and the checks on it, before anything is written.
        let diskIndex = try repository.diskIndex()
        let tracked = headPaths.union(repository.paths(of: diskIndex))
        let work = try WorkingTree(root: workTree.path)
        let removals = work.removals(for: plan, tracked: tracked)
        try work.checkNoSymbolicLinks(plan: plan, removals: removals)

        // The working tree is written on a thread of its own while this one stores the objects:
        // for a first snapshot of a large cloud, creating thousands of files is kernel work that
        // would otherwise come on top of hashing and packing them. If storing the objects fails,
        // the files already written stay (nothing is committed; the next run rewrites them).
        let writing = WorkingTreeJob(work: work, plan: plan, removals: removals)
        let treeID: git_oid
        let blobIDs: [String: git_oid]
        do {
            (treeID, blobIDs) = try storeObjects(plan, in: index)
        } catch {
            _ = try? writing.wait()
            throw error
        }
        let touched = try writing.wait()

        let changed: Bool
        if let parent {
            changed = !treeID.same(as: repository.treeID(of: parent))
        } else {
            changed = git_index_entrycount(index.pointer) > 0
        }

        // The repository's index, for the touched paths only. Each written file's entry comes
        // from the blob id already known and the file's stat, as `git_index_add_bypath` would
        // record it, without reading the file back.
        for file in touched {
            guard let wanted = blobIDs[file.path] else { continue }
            // A file left as it was on disk whose index entry already holds its blob needs no
            // refresh: skipping it keeps a large unchanged snapshot cheap.
            if !file.rewritten, let entry = git_index_get_bypath(diskIndex.pointer, file.path, 0), entry.pointee.id.same(as: wanted) {
                continue
            }
            var entry = git_index_entry(stat: file.info, id: wanted)
            let code = file.path.withCString { raw -> Int32 in
                entry.path = raw
                return git_index_add(diskIndex.pointer, &entry)
            }
            try LibGit2.check(code, "git_index_add", path: file.path)
        }
        for path in removals {
            try LibGit2.check(git_index_remove_bypath(diskIndex.pointer, path), "git_index_remove_bypath", path: path)
        }
        try LibGit2.check(git_index_write(diskIndex.pointer), "git_index_write", path: repository.gitdir + "/index")

        guard changed else { return .unchanged }
        let tree = try repository.lookupTree(treeID)
        let commitID = try repository.createCommit(tree: tree, parent: parent, author: signature, message: text)
        return .committed(commitID.hex)
    }

    /// Stores the plan's blobs and the new tree (HEAD's tree in `index` plus the plan); returns
    /// the tree's id and each written path's blob id. Blobs HEAD already holds at their path are
    /// not written again; many new blobs go into one pack of our own (`PackWriter`), a few are
    /// written as loose objects.
    private func storeObjects(_ plan: WritePlan, in index: IndexHandle) throws(GitStoreError) -> (git_oid, [String: git_oid]) {
        let hashed = Repository.hashBlobs(plan.writes.map(\.data))
        // A file whose bytes HEAD already holds at its path needs no blob written (nor freshened).
        let known: [Bool] = zip(plan.writes, hashed).map { write, id in
            guard let id, let entry = git_index_get_bypath(index.pointer, write.path, 0) else { return false }
            return entry.pointee.id.same(as: id)
        }
        for directory in plan.replacedDirectories {
            try LibGit2.check(git_index_remove_directory(index.pointer, directory, 0), "git_index_remove_directory", path: directory)
        }
        for path in plan.deletions {
            let code = git_index_remove(index.pointer, path, 0)
            if code != LibGit2.notFound {
                try LibGit2.check(code, "git_index_remove", path: path)
            }
            try LibGit2.check(git_index_remove_directory(index.pointer, path, 0), "git_index_remove_directory", path: path)
        }
        for (path, _) in plan.writes {
            // A written file replaces a directory at its path, and files where it needs directories.
            try LibGit2.check(git_index_remove_directory(index.pointer, path, 0), "git_index_remove_directory", path: path)
            for ancestor in RepositoryPath.ancestors(of: path) {
                let code = git_index_remove(index.pointer, ancestor, 0)
                if code != LibGit2.notFound {
                    try LibGit2.check(code, "git_index_remove", path: ancestor)
                }
            }
        }

        // New blobs, each id once.
        var fresh: [PackWriter.Object] = []
        var freshIDs = Set<[UInt8]>()
        for (position, write) in plan.writes.enumerated() where !known[position] {
            guard let id = hashed[position] else { continue }
            let bytes = id.bytes
            if freshIDs.insert(bytes).inserted { fresh.append(PackWriter.Object(id: bytes, data: write.data)) }
        }
        var packed = false
        if fresh.count >= Self.packThreshold,
           try PackWriter.writeBlobs(fresh, objectsDirectory: repository.objectsDirectory) != nil {
            try repository.refreshObjectDatabase()
            packed = true
        }

        var blobIDs: [String: git_oid] = [:]
        for (position, (path, data)) in plan.writes.enumerated() {
            var entry = git_index_entry()
            entry.mode = 0o100644
            if let id = hashed[position], known[position] || packed {
                entry.id = id
            } else {
                entry.id = try repository.createBlob(data, path: path)
            }
            blobIDs[path] = entry.id
            entry.file_size = UInt32(truncatingIfNeeded: data.count)
            let code = path.withCString { raw -> Int32 in
                entry.path = raw
                return git_index_add(index.pointer, &entry)
            }
            try LibGit2.check(code, "git_index_add", path: path)
        }
        var treeID = git_oid()
        try LibGit2.check(git_index_write_tree_to(&treeID, index.pointer, repository.pointer), "git_index_write_tree_to")
        return (treeID, blobIDs)
    }

    /// From this many new blobs on, a commit stores them as one pack (git's own
    /// `transfer.unpackLimit` is 100 objects).
    static let packThreshold = 100

    /// Writes `changes` into the working tree only (the `--no-commit` mode): HEAD and the
    /// repository's index are left alone. Same refusals as `commit`.
    public func writeWorkingTree(_ changes: FileChanges) throws(GitStoreError) -> WorkingTreeUpdate {
        let plan = try prepare(changes)
        var tracked = try repository.paths(of: repository.diskIndex())
        if let head = try repository.headCommitID() {
            var files: [TreeFile] = []
            try repository.files(in: repository.tree(of: repository.lookupCommit(head)), prefix: "", into: &files)
            tracked.formUnion(files.map(\.path))
        }
        let work = try WorkingTree(root: workTree.path)
        let removals = work.removals(for: plan, tracked: tracked)
        try work.checkNoSymbolicLinks(plan: plan, removals: removals)
        return try work.apply(plan, removals: removals)
    }

    /// Refuses a busy repository, validates every path, and sorts the changes.
    private func prepare(_ changes: FileChanges) throws(GitStoreError) -> WritePlan {
        if let state = try repository.state() {
            throw .repositoryBusy(repository: workTree.path, state: state)
        }
        return try WritePlan(changes)
    }

    // MARK: - Reading

    /// The bytes of the file at `path` in the commit (or tree) `revision` names, read without a
    /// checkout. Nil when there is no file at that path there (absent, or a directory); throws
    /// `unknownRevision` when the revision does not exist.
    public func readFile(_ path: String, at revision: String = "HEAD") throws(GitStoreError) -> Data? {
        let path = try RepositoryPath.validateFile(path)
        let tree = try repository.tree(at: revision)
        guard let entry = try repository.entry(at: path, in: tree), entry.type == GIT_OBJECT_BLOB else {
            return nil
        }
        return try repository.blobData(entry.id, path: path)
    }

    /// The files (blobs, recursively) under `directory` at `revision`, sorted by path; empty
    /// when the directory does not exist there. "" means the whole tree.
    public func listFiles(under directory: String, at revision: String = "HEAD") throws(GitStoreError) -> [TreeFile] {
        let directory = try RepositoryPath.validateReadDirectory(directory)
        let root = try repository.tree(at: revision)
        var files: [TreeFile] = []
        if directory.isEmpty {
            try repository.files(in: root, prefix: "", into: &files)
        } else if let entry = try repository.entry(at: directory, in: root), entry.type == GIT_OBJECT_TREE {
            try repository.files(in: repository.lookupTree(entry.id, revision: revision), prefix: directory, into: &files)
        }
        return files.sorted { $0.path.utf8.lexicographicallyPrecedes($1.path.utf8) }
    }

    /// The bytes of a blob, by its full hex id (from `listFiles`).
    public func readBlob(_ id: String) throws(GitStoreError) -> Data {
        try repository.blobData(git_oid.parse(id))
    }

    /// The bytes of several blobs in one call, keyed by id.
    public func readBlobs(_ ids: [String]) throws(GitStoreError) -> [String: Data] {
        var result: [String: Data] = [:]
        for id in ids where result[id] == nil {
            result[id] = try repository.blobData(git_oid.parse(id))
        }
        return result
    }

    /// The blob id of the file at `path` in `revision`, nil when there is none.
    public func blobID(of path: String, at revision: String = "HEAD") throws(GitStoreError) -> String? {
        let path = try RepositoryPath.validateFile(path)
        guard let entry = try repository.entry(at: path, in: repository.tree(at: revision)), entry.type == GIT_OBJECT_BLOB else {
            return nil
        }
        return entry.id.hex
    }

    /// The blob ids of many files in one revision (its tree looked up once), keyed by path; a
    /// path with no file is left out.
    public func blobIDs(of paths: [String], at revision: String) throws(GitStoreError) -> [String: String] {
        let tree = try repository.tree(at: revision)
        var result: [String: String] = [:]
        for original in paths {
            let path = try RepositoryPath.validateFile(original)
            if let entry = try repository.entry(at: path, in: tree), entry.type == GIT_OBJECT_BLOB { result[original] = entry.id.hex }
        }
        return result
    }

    /// Every file under `directory` at `revision` with its bytes, keyed by path.
    public func readFiles(under directory: String, at revision: String = "HEAD") throws(GitStoreError) -> [String: Data] {
        var result: [String: Data] = [:]
        for file in try listFiles(under: directory, at: revision) {
            result[file.path] = try readBlob(file.blobID)
        }
        return result
    }

    /// The commit a revision names.
    public func commitInfo(_ revision: String) throws(GitStoreError) -> CommitInfo {
        try repository.info(of: repository.lookupCommit(repository.resolveCommitID(revision)))
    }

    /// The commits reachable from `revision`, newest first, at most `limit` of them. Empty for
    /// `HEAD` while HEAD's branch is unborn.
    public func log(from revision: String = "HEAD", limit: Int? = nil) throws(GitStoreError) -> [CommitInfo] {
        guard let start = try startOfWalk(revision) else { return [] }
        let walk = try repository.revwalk(from: start)
        var result: [CommitInfo] = []
        while limit.map({ result.count < $0 }) ?? true, let id = try repository.next(walk) {
            result.append(repository.info(of: try repository.lookupCommit(id)))
        }
        return result
    }

    /// The commits reachable from `revision` that touched `path` (a file, or a directory and
    /// everything under it), newest first, at most `limit`. A commit touched the path when the
    /// tree entry at the path (blob or subtree id) differs from its first parent's, or exists
    /// in a root commit.
    public func history(of path: String, from revision: String = "HEAD", limit: Int? = nil) throws(GitStoreError) -> [CommitInfo] {
        let path = try RepositoryPath.validateDirectory(path)
        guard let start = try startOfWalk(revision) else { return [] }
        let walk = try repository.revwalk(from: start)
        var entries: [String: String] = [:]  // commit id -> "type:entry id", "" when absent
        func entryKey(_ commit: CommitHandle) throws(GitStoreError) -> String {
            let id = withExtendedLifetime(commit) { git_commit_id(commit.pointer).pointee.hex }
            if let known = entries[id] { return known }
            let entry = try repository.entry(at: path, in: repository.tree(of: commit))
            let key = entry.map { "\($0.type.rawValue):\($0.id.hex)" } ?? ""
            entries[id] = key
            return key
        }
        var result: [CommitInfo] = []
        while limit.map({ result.count < $0 }) ?? true, let id = try repository.next(walk) {
            let commit = try repository.lookupCommit(id)
            let mine = try entryKey(commit)
            let parentID = withExtendedLifetime(commit) {
                git_commit_parentcount(commit.pointer) > 0 ? git_commit_parent_id(commit.pointer, 0)?.pointee : nil
            }
            let parents = try parentID.map { id throws(GitStoreError) in try entryKey(repository.lookupCommit(id)) } ?? ""
            if mine != parents {
                result.append(repository.info(of: commit))
            }
        }
        return result
    }

    /// The paths that differ between the trees of two revisions (`git diff --name-status
    /// --no-renames FROM TO`), sorted by path. A nil `from` is the empty tree, so the first
    /// commit can be compared too.
    public func changedPaths(from: String?, to: String) throws(GitStoreError) -> [ChangedPath] {
        let old = try from.map { revision throws(GitStoreError) in try repository.tree(at: revision) }
        let new = try repository.tree(at: to)
        return try repository.changedPaths(from: old, to: new)
    }

    /// `changedPaths`, with the blob ids on either side of each change.
    public func changedFiles(from: String?, to: String) throws(GitStoreError) -> [ChangedFile] {
        let old = try from.map { revision throws(GitStoreError) in try repository.tree(at: revision) }
        let new = try repository.tree(at: to)
        return try repository.changedFiles(from: old, to: new)
    }

    /// Where a walk starts; nil for `HEAD` on an unborn branch.
    private func startOfWalk(_ revision: String) throws(GitStoreError) -> git_oid? {
        if revision == "HEAD" {
            return try repository.headCommitID()
        }
        return try repository.resolveCommitID(revision)
    }
}
