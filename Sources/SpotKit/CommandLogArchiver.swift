public import Foundation
import GitStore
public import SpotCore

/// `spotctl log`: the current command log (`log/*.jsonl`, not `log/archive/`) at HEAD, filtered.
public enum CommandLogListing {
    public struct Result: Sendable {
        /// The entries that match, oldest first.
        public let entries: [CommandLogEntry]
        /// Entries in the current log before filtering.
        public let total: Int
        /// The commit read; nil when the repository has no commit yet (the working tree is read).
        public let commit: String?
    }

    public static func read(repository: OperationsRepository, filter: CommandLogFilter) async throws(SpotError) -> Result {
        let reader = try RepositoryReader(repository: repository)
        let head = try? await reader.store.headCommitID()
        let files: [String: Data]
        if let head {
            do {
                files = try await reader.store.readFiles(under: "log", at: head)
            } catch {
                throw SpotError("cannot read log/ at \(head.prefix(12)) in \(repository.root.path): \(error)",
                                hint: "check the repository with `git status` and `git log -- log`")
            }
        } else {
            files = try await reader.changesAndLog(at: nil).filter { $0.key.hasPrefix("log/") }
        }
        let all = try RepositoryReader.commandLog(files)
        return Result(entries: filter.isEmpty ? all : all.filter(filter.matches), total: all.count, commit: head)
    }
}

/// `spotctl log clear`, the seed's clear-log done without losing anything: the current log files
/// (`log/*.jsonl`) move to `log/archive/` under the same names in one commit through the git
/// store, under the repository lock. The site, the static API and `spotctl log` show the current
/// files only; the archive stays in the repository and in its history.
public enum CommandLogArchiver {
    public static let archiveDirectory = "log/archive"

    public struct Outcome: Sendable, Equatable {
        /// The files moved, as paths before the move, in name order.
        public let files: [String]
        /// The entries (non-empty lines) they hold.
        public let entries: Int
        /// The commit; nil when there was nothing to clear.
        public let commit: String?
        /// Things to tell the operator (a lock taken over, an interrupted write finished).
        public let notes: [String]

        /// "log clear: 3 files archived (42 entries)", or that there was nothing to clear.
        public var summaryLine: String {
            guard let commit, !files.isEmpty else { return "the command log is empty: nothing to clear, no commit" }
            return "\(CommandLogArchiver.subject(files: files.count, entries: entries)) in log/archive/, committed \(commit.prefix(12))"
        }
    }

    /// The commit's subject: `log clear: 3 files archived (42 entries)`.
    static func subject(files: Int, entries: Int) -> String {
        "log clear: \(files) file\(files == 1 ? "" : "s") archived (\(entries) entr\(entries == 1 ? "y" : "ies"))"
    }

    /// Where a current log file goes: `log/a.jsonl` → `log/archive/a.jsonl`.
    public static func archivePath(of path: String) -> String {
        archiveDirectory + "/" + path.dropFirst("log/".count)
    }

    public static func clear(repository: OperationsRepository, context: RunContext) async throws(SpotError) -> Outcome {
        let reader = try RepositoryReader(repository: repository)
        let store = reader.store
        if let state = try? await store.repositoryState() {
            throw SpotError("\(repository.root.path) is in the middle of \(state.phrase); the log was not cleared",
                            hint: "\(state.advice), then run spotctl log clear again")
        }
        // One writer at a time, as for a snapshot and apply.
        let lock = try RepositoryLock.acquire(repository, command: "spotctl log clear", context: context)
        defer { lock.release() }
        var notes: [String] = []
        if let replaced = lock.replaced {
            notes.append("took over the lock left by \(replaced.holder): that process is gone")
        }
        do {
            if let finished = try await store.finishInterruptedWrite() { notes.append(finished.description) }
        } catch {
            throw SpotError("cannot finish the interrupted write in \(repository.root.path): \(error)",
                            hint: "check `git status` there; once the working tree is as you want it, remove .git/spotctl-write.json")
        }

        guard let head = try? await store.headCommitID() else {
            return Outcome(files: [], entries: 0, commit: nil, notes: notes)
        }
        let files: [String: Data]
        do {
            files = try await store.readFiles(under: "log", at: head)
        } catch {
            throw SpotError("cannot read log/ at \(head.prefix(12)) in \(repository.root.path): \(error); nothing was changed")
        }
        let current = files.keys.filter(RepositoryReader.isCurrentLogFile).sorted()
        guard !current.isEmpty else { return Outcome(files: [], entries: 0, commit: nil, notes: notes) }

        var writes: [String: Data] = [:]
        var entries = 0
        for path in current {
            let data = files[path]!
            let archived = archivePath(of: path)
            if let existing = files[archived], existing != data {
                throw SpotError("\(archived) already exists with other entries; moving \(path) there would replace them, so nothing was changed",
                                hint: "rename \(path) (keep the .jsonl suffix) with git mv, commit, then run spotctl log clear again",
                                at: .init(file: path))
            }
            writes[archived] = data
            entries += String(decoding: data, as: UTF8.self).split(separator: "\n")
                .filter { !$0.trimmingCharacters(in: .whitespaces).isEmpty }.count
        }
        let message = subject(files: current.count, entries: entries) + "\n\n"
            + current.map { "\($0) -> \(archivePath(of: $0))\n" }.joined()
        let result: CommitResult
        do {
            result = try await store.commit(FileChanges(writes: writes, deletions: Set(current)),
                                            author: context.identity.author(at: context.clock.now()), message: message)
        } catch {
            if case .interruptedWrite = error {
                throw SpotError("log clear stopped half way: \(error)",
                                hint: "run spotctl log clear again: it finishes the working tree first")
            }
            throw SpotError("cannot commit the cleared log in \(repository.root.path): \(error); the repository is as it was",
                            hint: "fix the cause named above (a full disk, permissions), then run spotctl log clear again")
        }
        return Outcome(files: current, entries: entries, commit: result.commitID, notes: notes)
    }
}
