import CLibgit2
import Foundation

/// libgit2's global state, set up once for the life of the process (never shut down).
enum LibGit2 {
    /// `git_libgit2_init` runs exactly once, the first time this is read. Trees up to 1 MiB are
    /// kept in libgit2's object cache (the default is 4 KiB): the `inventory/hosts` tree of a large
    /// cloud is read again for every comparison of two snapshots. Objects, refs and the index
    /// are synced to disk before they are renamed into place, so that a power loss cannot leave
    /// a branch pointing at an object that was never written.
    static let initialized: Int32 = {
        let code = git_libgit2_init()
        _ = spotctl_git_set_cache_object_limit(GIT_OBJECT_TREE, 1 << 20)
        _ = spotctl_git_enable_fsync(1)
        return code
    }()

    static func ensureInitialized() {
        _ = initialized
    }

    /// Throws a `GitStoreError.libgit2` when `code` is negative, reading libgit2's per-thread
    /// last error right away. Call it directly around the libgit2 call (`try check(git_x(...),
    /// "git_x")`) so that nothing runs between the failing call and the read.
    static func check(
        _ code: Int32, _ operation: String, path: String? = nil, revision: String? = nil
    ) throws(GitStoreError) {
        guard code < 0 else { return }
        throw GitStoreError.libgit2(failure(code, operation, path: path, revision: revision))
    }

    /// The failure libgit2 reports for `code`, read from `git_error_last()` (which may be NULL).
    static func failure(
        _ code: Int32, _ operation: String, path: String? = nil, revision: String? = nil
    ) -> LibGit2Failure {
        var message = "libgit2 gave no error message"
        var errorClass: Int32 = 0
        if let last = git_error_last() {
            errorClass = last.pointee.klass
            if let text = last.pointee.message {
                message = String(cString: text)
            }
        }
        return LibGit2Failure(
            operation: operation, code: code, errorClass: errorClass, message: message,
            path: path, revision: revision)
    }

    /// Forgets libgit2's last error on this thread.
    static func clearLastError() {
        git_error_clear()
    }

    static let notFound = GIT_ENOTFOUND.rawValue
    static let invalidSpec = GIT_EINVALIDSPEC.rawValue
    static let unbornBranch = GIT_EUNBORNBRANCH.rawValue
    static let iterationOver = GIT_ITEROVER.rawValue
}

// MARK: - Object ids

extension git_oid {
    /// The 40-character lower-case hex form.
    var hex: String {
        var copy = self
        return withUnsafeBytes(of: &copy.id) { bytes in
            let digits: [UInt8] = Array("0123456789abcdef".utf8)
            var out = [UInt8]()
            out.reserveCapacity(bytes.count * 2)
            for byte in bytes {
                out.append(digits[Int(byte >> 4)])
                out.append(digits[Int(byte & 0x0f)])
            }
            return String(decoding: out, as: UTF8.self)
        }
    }

    /// The 20 bytes of the id.
    var bytes: [UInt8] {
        var copy = self
        return withUnsafeBytes(of: &copy.id) { Array($0) }
    }

    /// Whether two ids are the same object.
    func same(as other: git_oid) -> Bool {
        var a = self
        var b = other
        return git_oid_equal(&a, &b) != 0
    }

    /// Parses a full 40-character hex id.
    static func parse(_ hex: String) throws(GitStoreError) -> git_oid {
        var oid = git_oid()
        let code = git_oid_fromstr(&oid, hex)
        if code < 0 || hex.utf8.count != 40 {
            throw GitStoreError.unknownRevision(hex)
        }
        return oid
    }
}

// MARK: - Index entries

extension git_index_entry {
    /// An entry for a file with this stat holding the blob `id`, filled in as libgit2 fills
    /// one from the working tree (`git_index_entry__init_from_stat`); libgit2 normalises the
    /// mode (0644 or 0755 for a regular file) when the entry is added.
    init(stat info: stat, id: git_oid) {
        self.init()
        ctime.seconds = Int32(truncatingIfNeeded: info.st_ctim.tv_sec)
        ctime.nanoseconds = UInt32(truncatingIfNeeded: info.st_ctim.tv_nsec)
        mtime.seconds = Int32(truncatingIfNeeded: info.st_mtim.tv_sec)
        mtime.nanoseconds = UInt32(truncatingIfNeeded: info.st_mtim.tv_nsec)
        dev = UInt32(truncatingIfNeeded: info.st_rdev)
        ino = UInt32(truncatingIfNeeded: info.st_ino)
        mode = UInt32(truncatingIfNeeded: info.st_mode)
        uid = UInt32(truncatingIfNeeded: info.st_uid)
        gid = UInt32(truncatingIfNeeded: info.st_gid)
        file_size = UInt32(truncatingIfNeeded: info.st_size)
        self.id = id
    }
}

// MARK: - Owners: one type per libgit2 handle kind, each frees its handle exactly once.

/// Owns a `git_repository`.
final class RepositoryHandle {
    let pointer: OpaquePointer
    init(_ pointer: OpaquePointer) { self.pointer = pointer }
    deinit { git_repository_free(pointer) }
}

/// Owns a `git_index` (in-memory or the repository's own).
final class IndexHandle {
    let pointer: OpaquePointer
    init(_ pointer: OpaquePointer) { self.pointer = pointer }
    deinit { git_index_free(pointer) }
}

/// Owns a `git_tree`.
final class TreeHandle {
    let pointer: OpaquePointer
    init(_ pointer: OpaquePointer) { self.pointer = pointer }
    deinit { git_tree_free(pointer) }
}

/// Owns a `git_tree_entry` obtained with `git_tree_entry_bypath` (entries obtained by index
/// belong to their tree and are never wrapped).
final class TreeEntryHandle {
    let pointer: OpaquePointer
    init(_ pointer: OpaquePointer) { self.pointer = pointer }
    deinit { git_tree_entry_free(pointer) }
}

/// Owns a `git_commit`.
final class CommitHandle {
    let pointer: OpaquePointer
    init(_ pointer: OpaquePointer) { self.pointer = pointer }
    deinit { git_commit_free(pointer) }
}

/// Owns a `git_object` (from `git_revparse_single` or `git_object_peel`).
final class ObjectHandle {
    let pointer: OpaquePointer
    init(_ pointer: OpaquePointer) { self.pointer = pointer }
    deinit { git_object_free(pointer) }
}

/// Owns a `git_blob`.
final class BlobHandle {
    let pointer: OpaquePointer
    init(_ pointer: OpaquePointer) { self.pointer = pointer }
    deinit { git_blob_free(pointer) }
}

/// Owns a `git_revwalk`.
final class RevWalkHandle {
    let pointer: OpaquePointer
    init(_ pointer: OpaquePointer) { self.pointer = pointer }
    deinit { git_revwalk_free(pointer) }
}

/// Owns a `git_diff`.
final class DiffHandle {
    let pointer: OpaquePointer
    init(_ pointer: OpaquePointer) { self.pointer = pointer }
    deinit { git_diff_free(pointer) }
}

/// Owns a `git_signature`.
final class SignatureHandle {
    let pointer: UnsafeMutablePointer<git_signature>
    init(_ pointer: UnsafeMutablePointer<git_signature>) { self.pointer = pointer }
    deinit { git_signature_free(pointer) }
}

/// Runs `body` with a fresh `git_buf` and disposes of it afterwards (`git_buf_dispose`).
func withGitBuf<T>(_ body: (inout git_buf) throws(GitStoreError) -> T) throws(GitStoreError) -> T {
    var buffer = git_buf()
    defer { git_buf_dispose(&buffer) }
    return try body(&buffer)
}

extension git_buf {
    /// The buffer's bytes as a string (empty when unset).
    var string: String {
        guard let ptr else { return "" }
        return String(cString: ptr)
    }
}
