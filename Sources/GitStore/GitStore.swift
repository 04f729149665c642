public import Foundation
import CLibgit2
import SpotSupport

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

    /// Whether the repository whose work tree is `workTree` ignores `path` (a file or folder
    /// inside it), by its `.gitignore` files, `info/exclude` and the global excludes.
    public static func ignores(_ path: URL, workTree: URL) throws(GitStoreError) -> Bool {
        let repository = try Repository.open(workTree.path)
        let root = workTree.standardizedFileURL.path
        let full = path.standardizedFileURL.path
        guard full.hasPrefix(root.hasSuffix("/") ? root : root + "/") else { return false }
        let relative = String(full.dropFirst(root.count).drop { $0 == "/" }) + "/"
        var ignored: Int32 = 0
        try LibGit2.check(git_ignore_path_is_ignored(&ignored, repository.pointer, relative), "git_ignore_path_is_ignored", path: relative)
        return ignored == 1
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
    /// The order makes an interruption at any point harmless: the objects are stored (and
    /// synced) and the new files' bytes are written to a staging folder in the git directory
    /// first, so a full disk fails before anything visible changed; then a journal is synced,
    /// the branch moves, the staged files are renamed into place (a rename replaces a symbolic
    /// link at the path instead of writing through it), and the index is written last. A run
    /// stopped after the branch moved leaves the journal, and `finishInterruptedWrite` brings the
    /// working tree and the index up to the commit.
    ///
    /// Refuses (`repositoryBusy`) before writing anything while a merge, rebase, cherry-pick,
    /// revert or bisect is in progress, (`invalidPath`) when a path is not a plain
    /// repository-relative path or goes through a link, and (`interruptedWrite`) while an
    /// earlier write's journal is there.
    public func commit(_ changes: FileChanges, author: CommitAuthor, message: String) throws(GitStoreError) -> CommitResult {
        try refuseInterruptedWrite()
        let plan = try prepare(changes)
        let signature = try repository.signature(author)
        let text = try repository.prettify(message)

        let parent = try repository.headCommitID().map { id throws(GitStoreError) in try repository.lookupCommit(id) }
        let parentID = try repository.headCommitID()
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

        // The new files' bytes go to the staging folder on a thread of their own while this one
        // stores the objects. Until the branch moves, a failure removes the staging folder and
        // leaves the repository as it was (objects nothing points at are harmless).
        let staging = try makeStagingFolder()
        let fault = self.fault
        let stagingJob = StagingJob(work: work, plan: plan, staging: staging.path, fault: fault)
        let treeID: git_oid
        let blobIDs: [String: git_oid]
        let staged: [StagedFile]
        var target = parentID
        let changed: Bool
        do {
            try fault?.trip(.objects)
            (treeID, blobIDs) = try storeObjects(plan, in: index)
            staged = try stagingJob.wait()
            if let parent {
                changed = !treeID.same(as: repository.treeID(of: parent))
            } else {
                changed = git_index_entrycount(index.pointer) > 0
            }
            if changed {
                let tree = try repository.lookupTree(treeID)
                target = try repository.createCommitObject(tree: tree, parent: parent, author: signature, message: text)
            }
            if let target {
                try WriteJournal(commit: target.hex, staging: staging.name, writes: plan.writes.map(\.path), removals: removals)
                    .save(in: repository.gitdir)
            }
            if changed, let target {
                try fault?.trip(.reference)
                let subject = text.prefix { $0 != "\n" }
                try repository.moveHead(to: target, from: parentID,
                                        reflog: (parentID == nil ? "commit (initial): " : "commit: ") + subject)
            }
        } catch {
            _ = try? stagingJob.wait()
            if !WriteFault.isCrash(error) {
                WriteJournal.remove(from: repository.gitdir)
                staging.remove()
            }
            throw error
        }

        // From here on the branch holds the new commit: a failure leaves the journal, and the
        // next run finishes the working tree and the index.
        do {
            _ = try work.install(staged, plan: plan, removals: removals, fault: fault)
            try fault?.trip(.index)
            try updateIndex(diskIndex, files: staged, blobIDs: blobIDs, removals: removals, work: work)
        } catch {
            if WriteFault.isCrash(error) { throw error }
            throw .interruptedWrite(commit: target?.hex ?? "", reason: error.description)
        }
        WriteJournal.remove(from: repository.gitdir)
        staging.remove()
        guard changed, let target else { return .unchanged }
        return .committed(target.hex)
    }

    /// The repository's index for the touched paths only. Each written file's entry comes from
    /// the blob id already known and the file's stat, as `git_index_add_bypath` would record it,
    /// without reading the file back. A file left as it was whose entry already holds its blob
    /// needs no refresh: skipping it keeps a large unchanged snapshot cheap.
    private func updateIndex(_ diskIndex: IndexHandle, files: [StagedFile], blobIDs: [String: git_oid], removals: [String],
                             work: WorkingTree) throws(GitStoreError) {
        for file in files {
            guard let wanted = blobIDs[file.path] else { continue }
            if !file.rewritten, let entry = git_index_get_bypath(diskIndex.pointer, file.path, 0), entry.pointee.id.same(as: wanted) {
                continue
            }
            var entry = git_index_entry(stat: try work.status(of: file.path), id: wanted)
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
    }

    // MARK: - Interrupted writes

    /// A failure to inject into the next commits (tests of interrupted writes); nil for none.
    private var fault: WriteFault?

    /// Makes the commits of this store fail at `fault`'s step, as a full disk or a crash would.
    public func injectFault(_ fault: WriteFault?) {
        self.fault = fault
    }

    /// Finishes what an interrupted commit left: when its branch had moved, the working tree
    /// and the index are brought up to the commit (the journal's files are rewritten from the
    /// commit and its removals removed); when it had not, the leftovers are removed. Staging
    /// folders of processes that are gone are removed too. Nil when there was nothing to do.
    public func finishInterruptedWrite() throws(GitStoreError) -> InterruptedWrite? {
        removeAbandonedStagingFolders()
        guard let journal = try WriteJournal.load(from: repository.gitdir) else { return nil }
        let head = try repository.headCommitID()
        guard let head, head.hex == journal.commit else {
            removeStagingFolder(named: journal.staging)
            WriteJournal.remove(from: repository.gitdir)
            return InterruptedWrite(commit: journal.commit, completed: false, restoredFiles: 0)
        }
        let tree = try repository.tree(of: repository.lookupCommit(head))
        var writes: [String: Data] = [:]
        var blobIDs: [String: git_oid] = [:]
        for path in journal.writes {
            guard let entry = try repository.entry(at: path, in: tree), entry.type == GIT_OBJECT_BLOB else { continue }
            writes[path] = try repository.blobData(entry.id, path: path)
            blobIDs[path] = entry.id
        }
        let plan = try WritePlan(FileChanges(writes: writes))
        let work = try WorkingTree(root: workTree.path)
        // What the commit does not hold: removed from disk where still there, and from the index.
        let removals = journal.removals.filter { path in (try? repository.entry(at: path, in: tree)) == nil }
        try work.checkNoSymbolicLinks(plan: plan, removals: removals)
        removeStagingFolder(named: journal.staging)
        let staging = try makeStagingFolder()
        let staged = try work.stage(plan, in: staging.path, fault: nil)
        let update = try work.install(staged, plan: plan, removals: removals, fault: nil)
        let diskIndex = try repository.diskIndex()
        // Every journal file's entry is rewritten: the index may still hold the old blob.
        let all = staged.map { StagedFile(position: $0.position, path: $0.path, temporary: $0.temporary ?? "") }
        try updateIndex(diskIndex, files: all, blobIDs: blobIDs, removals: removals, work: work)
        staging.remove()
        WriteJournal.remove(from: repository.gitdir)
        return InterruptedWrite(commit: journal.commit, completed: true, restoredFiles: update.written.count + update.removed.count)
    }

    /// Refuses to start a write while an earlier one's journal is there.
    private func refuseInterruptedWrite() throws(GitStoreError) {
        if let journal = try WriteJournal.load(from: repository.gitdir) {
            throw .interruptedWrite(commit: journal.commit, reason: "an earlier write stopped half way and has not been finished")
        }
    }

    /// A new, empty staging folder in the git directory (on the same file system as the work
    /// tree in every ordinary layout, so its files can be renamed into place).
    private func makeStagingFolder() throws(GitStoreError) -> StagingFolder {
        let name = WriteJournal.stagingPrefix + "\(getpid())"
        let folder = StagingFolder(gitdir: repository.gitdir, name: name)
        folder.remove()
        do {
            try SafeFile.makeDirectory(folder.path, mode: 0o700)
        } catch {
            throw .fileSystem(operation: error.operation, path: error.path, message: error.message)
        }
        return folder
    }

    private func removeStagingFolder(named name: String) {
        guard name.hasPrefix(WriteJournal.stagingPrefix), !name.contains("/") else { return }
        StagingFolder(gitdir: repository.gitdir, name: name).remove()
    }

    /// Staging folders whose process is gone (a crash before the journal was written).
    private func removeAbandonedStagingFolders() {
        guard let names = try? FileManager.default.contentsOfDirectory(atPath: repository.gitdir) else { return }
        for name in names where name.hasPrefix(WriteJournal.stagingPrefix) {
            guard let pid = Int32(name.dropFirst(WriteJournal.stagingPrefix.count)) else { continue }
            if pid != getpid(), kill(pid, 0) != 0, errno == ESRCH {
                removeStagingFolder(named: name)
            }
        }
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
    /// repository's index are left alone. Same refusals as `commit`; each file is written whole
    /// (staged, then renamed into place).
    public func writeWorkingTree(_ changes: FileChanges) throws(GitStoreError) -> WorkingTreeUpdate {
        try refuseInterruptedWrite()
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
        let staging = try makeStagingFolder()
        defer { staging.remove() }
        let staged = try work.stage(plan, in: staging.path, fault: nil)
        return try work.install(staged, plan: plan, removals: removals, fault: nil)
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

/// A staging folder in the git directory, removed with everything in it.
struct StagingFolder: Sendable {
    let gitdir: String
    let name: String
    var path: String { gitdir + "/" + name }

    func remove() {
        guard SafeFile.kind(at: path) == .directory else { return }
        try? FileManager.default.removeItem(atPath: path)
    }
}
