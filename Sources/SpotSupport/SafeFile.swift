import Synchronization
#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// File writes that never follow a symbolic link at the written path and never leave a file half
/// written: the bytes go to a new file beside the target (created with `O_EXCL | O_NOFOLLOW`),
/// which is then renamed over the target. `rename(2)` replaces a link at the target instead of
/// writing through it, so a link planted at a path spotctl writes cannot redirect the write
/// outside the folder. The folders above the target are the caller's to check.
public enum SafeFile {
    /// A failed step: the system call, the path and `strerror`'s text.
    public struct Failure: Error, Sendable, Hashable, CustomStringConvertible {
        public let operation: String
        public let path: String
        public let code: Int32

        public init(operation: String, path: String, code: Int32) {
            self.operation = operation
            self.path = path
            self.code = code
        }

        public var message: String { String(cString: strerror(code)) }
        public var description: String { "\(operation) failed for \(path): \(message)" }
    }

    /// Writes `bytes` to `path` through a temporary file beside it and a rename. With `sync`, the
    /// file is flushed to disk before the rename and the folder after it, so that the new name
    /// survives a power loss with its bytes.
    public static func write(_ bytes: UnsafeRawBufferPointer, to path: String, mode: UInt32 = 0o644, sync: Bool = false) throws(Failure) {
        let temporary = temporaryName(for: path)
        let descriptor = open(temporary, O_WRONLY | O_CREAT | O_EXCL | O_NOFOLLOW | O_CLOEXEC, mode_t(mode))
        guard descriptor >= 0 else { throw Failure(operation: "create", path: temporary, code: errno) }
        var failure: Failure?
        if let code = writeAll(descriptor, bytes) {
            failure = Failure(operation: "write", path: temporary, code: code)
        } else if sync, fsync(descriptor) != 0 {
            failure = Failure(operation: "fsync", path: temporary, code: errno)
        }
        if close(descriptor) != 0, failure == nil {
            failure = Failure(operation: "close", path: temporary, code: errno)
        }
        if let failure {
            unlink(temporary)
            throw failure
        }
        if rename(temporary, path) != 0 {
            let code = errno
            unlink(temporary)
            throw Failure(operation: "rename", path: path, code: code)
        }
        if sync { try syncDirectory(containing: path) }
    }

    /// `write(_:to:mode:sync:)` for an array of bytes.
    public static func write(_ bytes: [UInt8], to path: String, mode: UInt32 = 0o644, sync: Bool = false) throws(Failure) {
        let failure: Failure? = bytes.withUnsafeBytes { raw in
            do throws(Failure) {
                try write(raw, to: path, mode: mode, sync: sync)
                return nil
            } catch {
                return error
            }
        }
        if let failure { throw failure }
    }

    /// `write(_:to:mode:sync:)` for text.
    public static func write(_ text: String, to path: String, mode: UInt32 = 0o644, sync: Bool = false) throws(Failure) {
        try write(Array(text.utf8), to: path, mode: mode, sync: sync)
    }

    /// Creates `path` with `bytes` only when nothing (not even a dangling link) is there; false
    /// when something is. The file is complete when it appears (written under a temporary name
    /// and linked into place with `link(2)`, which never replaces anything).
    public static func create(_ bytes: [UInt8], at path: String, mode: UInt32 = 0o644, sync: Bool = false) throws(Failure) -> Bool {
        let temporary = temporaryName(for: path)
        let descriptor = open(temporary, O_WRONLY | O_CREAT | O_EXCL | O_NOFOLLOW | O_CLOEXEC, mode_t(mode))
        guard descriptor >= 0 else { throw Failure(operation: "create", path: temporary, code: errno) }
        defer { unlink(temporary) }
        var failure: Failure?
        if let code = bytes.withUnsafeBytes({ writeAll(descriptor, $0) }) {
            failure = Failure(operation: "write", path: temporary, code: code)
        } else if sync, fsync(descriptor) != 0 {
            failure = Failure(operation: "fsync", path: temporary, code: errno)
        }
        if close(descriptor) != 0, failure == nil {
            failure = Failure(operation: "close", path: temporary, code: errno)
        }
        if let failure { throw failure }
        if link(temporary, path) != 0 {
            if errno == EEXIST { return false }
            throw Failure(operation: "link", path: path, code: errno)
        }
        if sync { try syncDirectory(containing: path) }
        return true
    }

    /// Writes every byte to an open descriptor; the `errno` of a failure, nil on success.
    public static func writeAll(_ descriptor: Int32, _ bytes: UnsafeRawBufferPointer) -> Int32? {
        var offset = 0
        while offset < bytes.count {
            let count = systemWrite(descriptor, bytes.baseAddress! + offset, bytes.count - offset)
            if count < 0 {
                if errno == EINTR { continue }
                return errno
            }
            offset += count
        }
        return nil
    }

    /// Flushes a folder's entries (new names, renames) to disk.
    public static func syncDirectory(_ path: String) throws(Failure) {
        let descriptor = open(path, O_RDONLY | O_DIRECTORY | O_CLOEXEC)
        guard descriptor >= 0 else { throw Failure(operation: "open", path: path, code: errno) }
        defer { close(descriptor) }
        if fsync(descriptor) != 0 { throw Failure(operation: "fsync", path: path, code: errno) }
    }

    /// Flushes the folder that holds `path`.
    public static func syncDirectory(containing path: String) throws(Failure) {
        guard let slash = path.lastIndex(of: "/") else { return try syncDirectory(".") }
        try syncDirectory(slash == path.startIndex ? "/" : String(path[..<slash]))
    }

    /// What is at `path`, without following a link there.
    public enum Kind: Sendable, Hashable {
        case regular, directory, symbolicLink, other
    }

    /// The kind of thing at `path` (`lstat`), nil when nothing is there.
    public static func kind(at path: String) -> Kind? {
        var info = stat()
        guard lstat(path, &info) == 0 else { return nil }
        switch info.st_mode & S_IFMT {
        case S_IFREG: return .regular
        case S_IFDIR: return .directory
        case S_IFLNK: return .symbolicLink
        default: return .other
        }
    }

    /// Creates the folder `path` (not its parents) unless a folder is there; refuses a link.
    public static func makeDirectory(_ path: String, mode: UInt32 = 0o755) throws(Failure) {
        if mkdir(path, mode_t(mode)) == 0 { return }
        let code = errno
        if code == EEXIST, kind(at: path) == .directory { return }
        throw Failure(operation: "create directory", path: path, code: code == EEXIST ? EEXIST : code)
    }

    /// A name beside `path` that no other writer uses: the process id and a counter.
    static func temporaryName(for path: String) -> String {
        let serial = counter.add(1, ordering: .relaxed).newValue
        let slash = path.lastIndex(of: "/")
        let folder = slash.map { String(path[...$0]) } ?? ""
        let name = slash.map { String(path[path.index(after: $0)...]) } ?? path
        return folder + "." + name.prefix(64) + ".spotctl-tmp-\(getpid())-\(serial)"
    }

    private static let counter = Atomic<Int>(0)
}

/// `write(2)`, from the C library of the platform.
private func systemWrite(_ descriptor: Int32, _ buffer: UnsafeRawPointer, _ count: Int) -> Int {
    #if canImport(Glibc)
    Glibc.write(descriptor, buffer, count)
    #else
    Darwin.write(descriptor, buffer, count)
    #endif
}
