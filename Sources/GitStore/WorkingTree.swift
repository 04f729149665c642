import Foundation

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

    /// Removes `removals` (then any directory left empty), then writes the plan's files,
    /// creating parent directories and skipping files whose bytes are already right.
    func apply(_ plan: WritePlan, removals: [String]) throws(GitStoreError) -> WorkingTreeUpdate {
        try apply(plan, removals: removals, each: { _, _, _ in })
    }

    /// `apply`, calling `each` with every planned file's path, whether it was rewritten, and its
    /// `lstat` once it holds the planned bytes (for the index entry).
    func apply(_ plan: WritePlan, removals: [String],
               each: (String, Bool, stat) throws(GitStoreError) -> Void) throws(GitStoreError) -> WorkingTreeUpdate {
        let removed = try remove(removals)
        var written: [String] = []
        var createdDirectories = Set<String>()
        for (path, data) in plan.writes {
            let target = absolute(path)
            var info = stat()
            if lstat(target, &info) == 0, info.st_mode & S_IFMT == S_IFREG, Int(info.st_size) == data.count,
               Self.contents(of: target, equal: data) {
                try each(path, false, info)
                continue
            }
            if let parent = RepositoryPath.ancestors(of: path).last, createdDirectories.insert(parent).inserted {
                var directory = stat()
                if !(lstat(absolute(parent), &directory) == 0 && directory.st_mode & S_IFMT == S_IFDIR) {
                    do {
                        try files.createDirectory(atPath: absolute(parent), withIntermediateDirectories: true)
                    } catch {
                        throw .fileSystem(operation: "create directory", path: absolute(parent), message: Self.message(error))
                    }
                }
            }
            // Not synced: that costs seconds for a few thousand hosts, and the committed bytes are
            // safe in the object database anyway.
            try Self.writeFile(data, to: target)
            guard lstat(target, &info) == 0 else {
                throw .fileSystem(operation: "stat", path: target, message: String(cString: strerror(errno)))
            }
            try each(path, true, info)
            written.append(path)
        }
        return WorkingTreeUpdate(written: written, removed: removed)
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

    /// Creates or truncates `target` (following a symbolic link, as `Data.write` does) and
    /// writes `data` into it.
    private static func writeFile(_ data: Data, to target: String) throws(GitStoreError) {
        let descriptor = open(target, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0o666)
        guard descriptor >= 0 else {
            throw .fileSystem(operation: "write", path: target, message: String(cString: strerror(errno)))
        }
        let failure: Int32? = data.withUnsafeBytes { bytes -> Int32? in
            var offset = 0
            while offset < bytes.count {
                let count = write(descriptor, bytes.baseAddress! + offset, bytes.count - offset)
                if count < 0 {
                    if errno == EINTR { continue }
                    return errno
                }
                offset += count
            }
            return nil
        }
        let closed = close(descriptor)
        if let failure {
            throw .fileSystem(operation: "write", path: target, message: String(cString: strerror(failure)))
        }
        if closed != 0 {
            throw .fileSystem(operation: "write", path: target, message: String(cString: strerror(errno)))
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

/// A file the working tree now holds as planned: whether it was rewritten, and its `lstat`.
struct TouchedFile: Sendable {
    let path: String
    let rewritten: Bool
    let info: stat
}

/// `WorkingTree.apply` run on a thread of its own; `wait` returns what it touched or its error.
final class WorkingTreeJob: @unchecked Sendable {
    private var outcome: Result<[TouchedFile], GitStoreError>?
    private let finished = DispatchSemaphore(value: 0)

    init(work: WorkingTree, plan: WritePlan, removals: [String]) {
        let thread = Thread { [self] in
            do throws(GitStoreError) {
                var touched: [TouchedFile] = []
                touched.reserveCapacity(plan.writes.count)
                _ = try work.apply(plan, removals: removals) { (path: String, rewritten: Bool, info: stat) throws(GitStoreError) in
                    touched.append(TouchedFile(path: path, rewritten: rewritten, info: info))
                }
                outcome = .success(touched)
            } catch {
                outcome = .failure(error)
            }
            finished.signal()
        }
        thread.name = "spotctl working tree"
        thread.start()
    }

    /// Blocks until the thread is done (the semaphore orders its writes before these reads).
    func wait() throws(GitStoreError) -> [TouchedFile] {
        finished.wait()
        defer { finished.signal() }
        guard let outcome else { return [] }
        return try outcome.get()
    }
}
