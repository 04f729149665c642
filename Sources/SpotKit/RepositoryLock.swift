public import Foundation
import SpotSupport
#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// The process a run belongs to, for the repository lock: the machine's name and the process id.
/// The executable passes its own; the default is this process (tests run in it).
public struct ProcessIdentity: Sendable, Hashable {
    public var hostName: String
    public var processID: Int32

    public init(hostName: String, processID: Int32) {
        self.hostName = hostName
        self.processID = processID
    }

    /// This process on this machine.
    public static var current: ProcessIdentity {
        var buffer = [CChar](repeating: 0, count: 256)
        let name = gethostname(&buffer, buffer.count) == 0 ? String(cString: buffer) : "localhost"
        return ProcessIdentity(hostName: name, processID: getpid())
    }
}

/// `.spotctl/` in the operations repository: local state (the lock, the last run), git-ignored.
/// spotctl never follows a link there: a `.spotctl` that is a link (or not a folder) is refused.
enum StateDirectory {
    static func ensure(_ repository: OperationsRepository) throws(SpotError) -> String {
        let path = repository.stateDirectory.path
        switch SafeFile.kind(at: path) {
        case .directory?:
            return path
        case nil:
            do {
                try SafeFile.makeDirectory(path)
            } catch {
                throw SpotError("cannot create \(path): \(error.message)", hint: "check that the repository folder is writable")
            }
            return path
        case .symbolicLink?:
            throw SpotError("\(path) is a symbolic link; spotctl keeps its lock and last run there and never writes through a link",
                            hint: "remove the link (rm \(path)); spotctl creates the folder again")
        default:
            throw SpotError("\(path) is not a folder; spotctl keeps its lock and last run there",
                            hint: "remove it (rm \(path)); spotctl creates the folder again")
        }
    }
}

/// The exclusive lock of an operations repository, `.spotctl/lock`: one writer at a time (a slow
/// scheduled snapshot and a manual one, later `apply`). The file says who holds it: an id, the
/// owner, the machine, the process, the command and when it started.
///
/// A lock is taken over without asking only when it was taken on this machine and its process
/// is gone (a run that was killed). Any other lock is reported with its owner, and
/// `spotctl unlock ID` removes it: the id must be given, so that nobody removes a lock by
/// accident or removes another lock than the one they looked at.
public final class RepositoryLock: Sendable {
    public struct Record: Codable, Sendable, Hashable {
        public var id: String
        public var owner: String
        public var host: String
        public var pid: Int32
        public var command: String
        public var startedAt: String

        enum CodingKeys: String, CodingKey {
            case id, owner, host, pid, command
            case startedAt = "started_at"
        }

        /// "Ada <ada@example.org> on ops-1 (pid 4242, `spotctl snapshot`, since 2026-12-02T10:00:00Z)".
        public var holder: String {
            "\(owner) on \(host) (pid \(pid), `\(command)`, since \(startedAt))"
        }
    }

    public let record: Record
    /// Set when the lock replaced one left by a process of this machine that is gone.
    public let replaced: Record?
    let path: String

    private init(record: Record, replaced: Record?, path: String) {
        self.record = record
        self.replaced = replaced
        self.path = path
    }

    static func lockPath(_ repository: OperationsRepository) -> String {
        repository.stateDirectory.appendingPathComponent("lock").path
    }

    /// Takes the lock for `command`, or throws who holds it.
    public static func acquire(_ repository: OperationsRepository, command: String, context: RunContext) throws(SpotError) -> RepositoryLock {
        let directory = try StateDirectory.ensure(repository)
        let path = directory + "/lock"
        let formatter = ISO8601DateFormatter()
        let record = Record(id: newID(), owner: "\(context.identity.name) <\(context.identity.email)>", host: context.process.hostName,
                            pid: context.process.processID, command: command, startedAt: formatter.string(from: context.clock.now()))
        if try create(record, at: path) {
            return RepositoryLock(record: record, replaced: nil, path: path)
        }
        let held = try read(path)
        guard held.host == context.process.hostName, !isRunning(held.pid) else {
            throw busy(held, path: path)
        }
        // Taken over: the stale lock is moved aside under a name of our own first, and removed only
        // when it is still the one that was read (another run may have taken it over meanwhile).
        let aside = path + ".stale-" + record.id
        guard rename(path, aside) == 0 else { throw busy(held, path: path) }
        let moved = try? read(aside)
        guard moved?.id == held.id else {
            _ = link(aside, path)
            unlink(aside)
            throw busy(moved ?? held, path: path)
        }
        unlink(aside)
        guard try create(record, at: path) else { throw busy(try read(path), path: path) }
        return RepositoryLock(record: record, replaced: held, path: path)
    }

    /// Removes the lock, when it is still this one.
    public func release() {
        if let current = try? Self.read(path), current.id == record.id {
            unlink(path)
        }
    }

    /// The lock currently held, nil when there is none.
    public static func current(_ repository: OperationsRepository) throws(SpotError) -> Record? {
        let path = lockPath(repository)
        guard SafeFile.kind(at: path) != nil else { return nil }
        return try read(path)
    }

    /// `spotctl unlock ID`: removes the lock when its id is `id`; returns what it removed.
    public static func unlock(_ repository: OperationsRepository, id: String) throws(SpotError) -> Record {
        let path = lockPath(repository)
        guard let held = try current(repository) else {
            throw SpotError("\(repository.root.path) is not locked; there is nothing to unlock")
        }
        guard held.id == id else {
            throw SpotError("the lock of \(repository.root.path) has the id \(held.id), not \(id); it is held by \(held.holder)",
                            hint: "check that this is the lock you mean, then run spotctl unlock \(held.id)")
        }
        guard unlink(path) == 0 else {
            throw SpotError("cannot remove \(path): \(String(cString: strerror(errno)))")
        }
        return held
    }

    private static func busy(_ held: Record, path: String) -> SpotError {
        SpotError("the operations repository is locked by \(held.holder); nothing was changed",
                  hint: "wait for that run to finish; if it is gone and left its lock behind, remove it with `spotctl unlock \(held.id)`",
                  at: .init(file: path))
    }

    private static func create(_ record: Record, at path: String) throws(SpotError) -> Bool {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.prettyPrinted, .sortedKeys]
        guard var data = try? encoder.encode(record) else { throw SpotError.bug("the lock record cannot be encoded") }
        data.append(0x0A)
        do {
            return try SafeFile.create(Array(data), at: path)
        } catch {
            throw SpotError("cannot create the lock \(path): \(error.message)", hint: "check that \(repository(of: path)) is writable")
        }
    }

    private static func read(_ path: String) throws(SpotError) -> Record {
        guard SafeFile.kind(at: path) == .regular else {
            throw SpotError("\(path) is not a regular file; spotctl does not follow links there",
                            hint: "remove it (rm \(path)) once no spotctl runs in this repository")
        }
        guard let data = FileManager.default.contents(atPath: path), let record = try? JSONDecoder().decode(Record.self, from: data) else {
            throw SpotError("the lock \(path) cannot be read",
                            hint: "if no spotctl runs in this repository, remove it (rm \(path))", at: .init(file: path))
        }
        return record
    }

    private static func repository(of path: String) -> String {
        URL(fileURLWithPath: path).deletingLastPathComponent().path
    }

    /// Whether a process with this id exists on this machine (one of another user counts).
    private static func isRunning(_ pid: Int32) -> Bool {
        pid > 0 && (kill(pid, 0) == 0 || errno == EPERM)
    }

    /// 12 hex digits from the system's random source.
    private static func newID() -> String {
        var generator = SystemRandomNumberGenerator()
        return (0..<6).map { _ in String(format: "%02x", UInt8.random(in: 0...255, using: &generator)) }.joined()
    }
}
