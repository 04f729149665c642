import Foundation
import SpotSupport
import Synchronization

/// Validated, sorted `FileChanges`.
struct WritePlan: Sendable {
    /// Files to write, sorted by path.
    var writes: [(path: String, data: Data)]
    var writtenPaths: Set<String>
    var deletions: [String]
    var replacedDirectories: [String]

    init(_ changes: FileChanges) throws(GitStoreError) {
        var writes: [(path: String, data: Data)] = []
        for (path, data) in changes.writes {
            writes.append((try RepositoryPath.validateFile(path), data))
        }
        writes.sort { $0.path.utf8.lexicographicallyPrecedes($1.path.utf8) }
        let written = Set(writes.map(\.path))
        for (path, _) in writes {
            if let ancestor = RepositoryPath.ancestors(of: path).first(where: written.contains) {
                throw .invalidPath(path, reason: "'\(ancestor)' is written as a file too, so it cannot also be a directory")
            }
        }
        var deletions: [String] = []
        for path in changes.deletions.sorted() {
            let path = try RepositoryPath.validateDirectory(path)
            if written.contains(path) {
                throw .invalidPath(path, reason: "the path is both written and deleted")
            }
            deletions.append(path)
        }
        var replaced: [String] = []
        for path in changes.replacedDirectories {
            replaced.append(try RepositoryPath.validateDirectory(path))
        }
        self.writes = writes
        self.writtenPaths = written
        self.deletions = deletions
        self.replacedDirectories = Array(Set(replaced)).sorted()
    }
}

/// File operations in the working tree of a repository.
struct WorkingTree: Sendable {
    let root: String
    private var files: FileManager { FileManager.default }

    init(root: String) throws(GitStoreError) {
        self.root = root
    }

    func absolute(_ path: String) -> String {
        root + "/" + path
    }

    /// The kind of thing at a repository-relative path, without following a final symlink.
    func kind(of path: String) -> FileAttributeType? {
        var info = stat()
        guard lstat(absolute(path), &info) == 0 else { return nil }
        switch info.st_mode & S_IFMT {
        case S_IFREG: return .typeRegular
        case S_IFDIR: return .typeDirectory
        case S_IFLNK: return .typeSymbolicLink
        default: return .typeUnknown
        }
    }

    /// The tracked files the plan removes from the working tree: deleted files (and tracked
    /// files under a deleted directory), tracked files under a replaced directory that are not
    /// rewritten, and tracked files in the way of a written file (a file where a written file
    /// needs a directory, or files under a path that becomes a file). A deleted path that is
    /// not tracked but is a file on disk is removed too.
    func removals(for plan: WritePlan, tracked: Set<String>) -> [String] {
        var writeAncestors = Set<String>()
        for (path, _) in plan.writes {
            writeAncestors.formUnion(RepositoryPath.ancestors(of: path))
        }
        var result = Set<String>()
        for path in tracked where !plan.writtenPaths.contains(path) {
            if plan.deletions.contains(where: { RepositoryPath.path(path, isInside: $0) })
                || plan.replacedDirectories.contains(where: { RepositoryPath.path(path, isInside: $0) })
                || writeAncestors.contains(path)
                || RepositoryPath.ancestors(of: path).contains(where: plan.writtenPaths.contains)
            {
                result.insert(path)
            }
        }
        for path in plan.deletions where !result.contains(path) {
            if let kind = kind(of: path), kind == .typeRegular || kind == .typeSymbolicLink {
                result.insert(path)
            }
        }
        return result.sorted { $0.utf8.lexicographicallyPrecedes($1.utf8) }
    }

    /// Refuses paths that go through a symbolic link in the working tree (writing through one
    /// could land outside the repository). Checked before anything is written.
    func checkNoSymbolicLinks(plan: WritePlan, removals: [String]) throws(GitStoreError) {
        var checked = Set<String>()
        for path in plan.writes.map(\.path) + removals {
            for ancestor in RepositoryPath.ancestors(of: path) where checked.insert(ancestor).inserted {
                if kind(of: ancestor) == .typeSymbolicLink {
                    throw .invalidPath(path, reason: "'\(ancestor)' is a symbolic link in the working tree")
                }
            }
        }
    }

    /// Writes every planned file whose bytes the working tree does not already hold to a new
    /// file in `staging` (a folder of the store's, on the same file system), and returns each
    /// planned file with its staged copy. Nothing in the working tree changes: a full disk here
    /// leaves it as it was. `fault` makes a test's failure happen after that many staged files.
    func stage(_ plan: WritePlan, in staging: String, fault: WriteFault?) throws(GitStoreError) -> [StagedFile] {
        var staged: [StagedFile] = []
        staged.reserveCapacity(plan.writes.count)
        var stagedFolders = Set<String>()
        var count = 0
        for (position, (path, data)) in plan.writes.enumerated() {
            let target = absolute(path)
            var info = stat()
            if lstat(target, &info) == 0, info.st_mode & S_IFMT == S_IFREG, Int(info.st_size) == data.count,
               Self.contents(of: target, equal: data) {
                staged.append(StagedFile(position: position, path: path, temporary: nil))
                continue
            }
            try fault?.trip(.staging, after: count)
            // The staging folder mirrors the paths, so that a folder the working tree lacks (all of
            // `inventory/` in a first snapshot) is moved into place with one rename.
            for ancestor in RepositoryPath.ancestors(of: path) where stagedFolders.insert(ancestor).inserted {
                let folder = staging + "/" + ancestor
                if mkdir(folder, 0o755) != 0 && errno != EEXIST {
                    throw .fileSystem(operation: "create directory", path: folder, message: String(cString: strerror(errno)))
                }
            }
            let temporary = staging + "/" + path
            let descriptor = open(temporary, O_WRONLY | O_CREAT | O_EXCL | O_NOFOLLOW | O_CLOEXEC, 0o666)
            guard descriptor >= 0 else {
                throw .fileSystem(operation: "write", path: temporary, message: String(cString: strerror(errno)))
            }
            let failure = data.withUnsafeBytes { SafeFile.writeAll(descriptor, $0) }
            let closed = close(descriptor) == 0 ? nil : errno
            if let problem = failure ?? closed {
                throw .fileSystem(operation: "write", path: temporary, message: String(cString: strerror(problem)))
            }
            staged.append(StagedFile(position: position, path: path, temporary: temporary))
            count += 1
        }
        return staged
    }

    /// Removes `removals` (then any directory left empty), then renames the staged files into
    /// place, creating parent directories. A rename replaces whatever is at the path, a symbolic
    /// link included, and never writes through it. Only a staging folder on another file system
    /// than the working tree makes this copy the bytes (through a temporary file beside the
    /// target, renamed in turn).
    func install(_ staged: [StagedFile], plan: WritePlan, removals: [String], fault: WriteFault?) throws(GitStoreError) -> WorkingTreeUpdate {
        let removed = try remove(removals)
        var written: [String] = []
        var present: [String: Bool] = [:]  // folders of the working tree, looked up once
        var moved = Set<String>()          // folders renamed into place whole
        func exists(_ folder: String) -> Bool {
            if let known = present[folder] { return known }
            let found = kind(of: folder) != nil
            present[folder] = found
            return found
        }
        for file in staged {
            guard let temporary = file.temporary else { continue }
            let ancestors = RepositoryPath.ancestors(of: file.path)
            if ancestors.contains(where: moved.contains) {
                written.append(file.path)
                continue
            }
            try fault?.trip(.install, after: written.count)
            // The first folder the working tree lacks holds only new files, all staged: it moves in
            // with one rename (its parent exists).
            if let missing = ancestors.first(where: { !exists($0) }) {
                let source = String(decoding: temporary.utf8.dropLast(file.path.utf8.count), as: UTF8.self) + missing
                if rename(source, absolute(missing)) == 0 {
                    moved.insert(missing)
                    written.append(file.path)
                    continue
                }
                guard errno == EXDEV else {
                    throw .fileSystem(operation: "rename", path: absolute(missing), message: String(cString: strerror(errno)))
                }
                do {
                    try files.createDirectory(atPath: absolute(ancestors.last!), withIntermediateDirectories: true)
                } catch {
                    throw .fileSystem(operation: "create directory", path: absolute(ancestors.last!), message: Self.message(error))
                }
                for folder in ancestors { present[folder] = true }
            }
            let target = absolute(file.path)
            if rename(temporary, target) != 0 {
                let problem = errno
                guard problem == EXDEV else {
                    throw .fileSystem(operation: "rename", path: target, message: String(cString: strerror(problem)))
                }
                do {
                    try SafeFile.write(Array(plan.writes[file.position].data), to: target, mode: 0o666)
                } catch {
                    throw .fileSystem(operation: error.operation, path: error.path, message: error.message)
                }
                unlink(temporary)
            }
            written.append(file.path)
        }
        return WorkingTreeUpdate(written: written, removed: removed)
    }

    /// The `lstat` of a file the working tree now holds, for its index entry.
    func status(of path: String) throws(GitStoreError) -> stat {
        var info = stat()
        guard lstat(absolute(path), &info) == 0 else {
            throw .fileSystem(operation: "stat", path: absolute(path), message: String(cString: strerror(errno)))
        }
        return info
    }

    /// Whether the file at `target` holds exactly `data` (its size is known to match).
    private static func contents(of target: String, equal data: Data) -> Bool {
        let descriptor = open(target, O_RDONLY | O_CLOEXEC)
        guard descriptor >= 0 else { return false }
        defer { close(descriptor) }
        return data.withUnsafeBytes { expected -> Bool in
            var buffer = [UInt8](repeating: 0, count: expected.count + 1)
            var total = 0
            while true {
                let count = buffer.withUnsafeMutableBytes { raw in
                    read(descriptor, raw.baseAddress! + total, raw.count - total)
                }
                if count < 0, errno == EINTR { continue }
                guard count >= 0 else { return false }
                if count == 0 { break }
                total += count
                if total > expected.count { return false }
            }
            guard total == expected.count else { return false }
            if total == 0 { return true }
            return buffer.withUnsafeBytes { memcmp($0.baseAddress!, expected.baseAddress!, total) == 0 }
        }
    }

    /// Removes `removals` (then any directory left empty); returns the files removed.
    private func remove(_ removals: [String]) throws(GitStoreError) -> [String] {
        var removed: [String] = []
        for path in removals {
            guard let kind = kind(of: path), kind != .typeDirectory else { continue }
            do {
                try files.removeItem(atPath: absolute(path))
            } catch {
                throw .fileSystem(operation: "remove", path: absolute(path), message: Self.message(error))
            }
            removed.append(path)
            removeEmptyAncestors(of: path)
        }
        return removed
    }

    /// Removes the directories above `path` that are now empty, stopping at the root.
    private func removeEmptyAncestors(of path: String) {
        for ancestor in RepositoryPath.ancestors(of: path).reversed() {
            let directory = absolute(ancestor)
            guard let contents = try? files.contentsOfDirectory(atPath: directory), contents.isEmpty else {
                return
            }
            guard (try? files.removeItem(atPath: directory)) != nil else { return }
        }
    }

    static func message(_ error: any Error) -> String {
        let nsError = error as NSError
        if let underlying = nsError.userInfo[NSUnderlyingErrorKey] as? NSError {
            return "\(nsError.localizedDescription) (\(underlying.localizedDescription))"
        }
        return nsError.localizedDescription
    }
}

/// A planned file and, when the working tree does not already hold its bytes, the staged copy
/// that `install` renames into place.
struct StagedFile: Sendable {
    /// Its position in the plan's `writes`.
    let position: Int
    let path: String
    let temporary: String?
    var rewritten: Bool { temporary != nil }
}

/// `WorkingTree.stage` run on a thread of its own while the store hashes and packs the objects
/// (for a first snapshot of a large cloud, creating thousands of files is kernel work that would
/// otherwise come on top of that); `wait` returns the staged files or the error.
final class StagingJob: Sendable {
    private let outcome = Mutex<Result<[StagedFile], GitStoreError>?>(nil)
    private let finished = DispatchSemaphore(value: 0)

    init(work: WorkingTree, plan: WritePlan, staging: String, fault: WriteFault?) {
        let thread = Thread { [self] in
            let result: Result<[StagedFile], GitStoreError>
            do throws(GitStoreError) {
                result = .success(try work.stage(plan, in: staging, fault: fault))
            } catch {
                result = .failure(error)
            }
            outcome.withLock { $0 = result }
            finished.signal()
        }
        thread.name = "spotctl staging"
        thread.start()
    }

    /// Blocks until the thread is done.
    func wait() throws(GitStoreError) -> [StagedFile] {
        finished.wait()
        defer { finished.signal() }
        guard let result = outcome.withLock({ $0 }) else { return [] }
        return try result.get()
    }
}
