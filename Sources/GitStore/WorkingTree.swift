import Foundation

/// Validated, sorted `FileChanges`.
struct WritePlan {
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
struct WorkingTree {
    let root: String
    private let files = FileManager.default

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
        var written: [String] = []
        var createdDirectories = Set<String>()
        for (path, data) in plan.writes {
            let target = absolute(path)
            if kind(of: path) == .typeRegular, files.contents(atPath: target) == data {
                continue
            }
            if let parent = RepositoryPath.ancestors(of: path).last, createdDirectories.insert(parent).inserted {
                do {
                    try files.createDirectory(atPath: absolute(parent), withIntermediateDirectories: true)
                } catch {
                    throw .fileSystem(operation: "create directory", path: absolute(parent), message: Self.message(error))
                }
            }
            // Not `.atomic`: that fsyncs every file, which costs seconds for a few thousand hosts,
            // and the committed bytes are safe in the object database anyway.
            do {
                try data.write(to: URL(fileURLWithPath: target))
            } catch {
                throw .fileSystem(operation: "write", path: target, message: Self.message(error))
            }
            written.append(path)
        }
        return WorkingTreeUpdate(written: written, removed: removed)
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
