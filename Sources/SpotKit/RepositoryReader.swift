public import Foundation
import SpotSupport
public import GitStore
public import SpotCore

/// Reads an operations repository through the git store, without a checkout: the snapshots
/// (facts at a revision), the change files and the command log. Every reader of the repository
/// (diff, render, plan, apply, serve) goes through it.
public struct RepositoryReader: Sendable {
    public let repository: OperationsRepository
    public let store: GitStore

    public init(repository: OperationsRepository) throws(SpotError) {
        self.repository = repository
        do {
            store = try GitStore(openingRepositoryAt: repository.root)
        } catch {
            throw SpotError("\(repository.root.path) is not a git repository: \(error)",
                            hint: "create operations repositories with `spotctl init`")
        }
    }

    /// The commits that changed the inventory, newest first.
    public func snapshots(limit: Int? = nil) async throws(SpotError) -> [CommitInfo] {
        do {
            return try await store.history(of: InventoryFiles.directory, limit: limit)
        } catch {
            throw SpotError("cannot read the history of \(InventoryFiles.directory)/ in \(repository.root.path): \(error)")
        }
    }

    /// The facts of the snapshot at a revision, read without a checkout.
    public func facts(at revision: String) async throws(SpotError) -> Facts {
        let files: [String: Data]
        do {
            files = try await store.readFiles(under: InventoryFiles.directory, at: revision)
        } catch {
            throw SpotError("cannot read \(InventoryFiles.directory)/ at \(revision): \(error)",
                            hint: "name a commit that exists (git log -- inventory)")
        }
        guard !files.isEmpty else {
            throw SpotError("there is no snapshot at \(revision) in \(repository.root.path)", hint: "take one with `spotctl snapshot`")
        }
        do {
            return try await offCooperativePool { () throws(InventoryError) -> Facts in try InventoryFiles.decode(files) }
        } catch {
            throw SpotError("the snapshot at \(revision) cannot be read: \(error.message)", at: .init(file: error.path))
        }
    }

    /// The facts of the inventory in the working tree (a `--no-commit` snapshot), nil when there is none.
    public func workingTreeFacts() throws(SpotError) -> Facts? {
        let directory = repository.inventoryDirectory
        guard FileManager.default.fileExists(atPath: directory.appendingPathComponent("snapshot.json").path) else { return nil }
        var files: [String: Data] = [:]
        let enumerator = FileManager.default.enumerator(at: directory, includingPropertiesForKeys: nil)
        while let url = enumerator?.nextObject() as? URL {
            guard url.pathExtension == "json" else { continue }
            let relative = url.path.dropFirst(repository.root.path.count).drop { $0 == "/" }
            files[String(relative)] = try? Data(contentsOf: url)
        }
        do {
            return try InventoryFiles.decode(files)
        } catch {
            throw SpotError("the inventory in the working tree cannot be read: \(error.message)", at: .init(file: error.path))
        }
    }
}


// MARK: change files and the command log

extension RepositoryReader {
    /// A change file's path and text.
    public static func isChangeFile(_ path: String) -> Bool {
        path.hasPrefix("changes/") && !AppliedOutcome.isOutcome(path)
            && (path.hasSuffix(".yaml") || path.hasSuffix(".yml") || path.hasSuffix(".json"))
    }

    /// The files under `changes/` and `log/` at a revision, or in the working tree without one.
    public func changesAndLog(at revision: String?) async throws(SpotError) -> [String: Data] {
        var files: [String: Data] = [:]
        for directory in ["changes", "log"] {
            if let revision {
                do {
                    files.merge(try await store.readFiles(under: directory, at: revision)) { $1 }
                } catch {
                    throw SpotError("cannot read \(directory)/ at \(revision.prefix(12)): \(error)")
                }
            } else {
                let base = repository.root.appendingPathComponent(directory)
                guard let enumerator = FileManager.default.enumerator(atPath: base.path) else { continue }
                while let relative = enumerator.nextObject() as? String {
                    if let data = FileManager.default.contents(atPath: base.appendingPathComponent(relative).path) {
                        files["\(directory)/\(relative)"] = data
                    }
                }
            }
        }
        return files
    }

    /// Whether a path is one of the current command-log files: `log/<name>.jsonl`, directly in
    /// `log/`. Files under `log/archive/` (moved there by `spotctl log clear`) are not.
    public static func isCurrentLogFile(_ path: String) -> Bool {
        guard path.hasPrefix("log/"), path.hasSuffix(".jsonl") else { return false }
        return !path.dropFirst("log/".count).contains("/")
    }

    /// Every entry of the current command-log files (`log/*.jsonl`, not `log/archive/`) among
    /// `files`, oldest first (files in name order, lines in order). A line that is not an entry is
    /// an error naming its file and line.
    public static func commandLog(_ files: [String: Data]) throws(SpotError) -> [CommandLogEntry] {
        var entries: [CommandLogEntry] = []
        let decoder = JSONDecoder()
        for path in files.keys.sorted() where isCurrentLogFile(path) {
            for (number, line) in String(decoding: files[path]!, as: UTF8.self).split(separator: "\n", omittingEmptySubsequences: false).enumerated() {
                guard !line.trimmingCharacters(in: .whitespaces).isEmpty else { continue }
                do {
                    entries.append(try decoder.decode(CommandLogEntry.self, from: Data(line.utf8)))
                } catch {
                    throw SpotError("not a command log entry: \(describe(error))",
                                    hint: "the log is written by spotctl apply; restore the line from git history",
                                    at: .init(file: path, line: number + 1))
                }
            }
        }
        return entries
    }

    /// The outcome record of an applied change file (`<path>.outcome.json` among `files`), or why
    /// there is none to show.
    public static func appliedOutcome(of path: String, in files: [String: Data]) -> (outcome: AppliedOutcome?, problem: String?) {
        let recordPath = path + AppliedOutcome.suffix
        guard let data = files[recordPath] else { return (nil, "no outcome record (\(recordPath))") }
        do {
            return (try JSONDecoder().decode(AppliedOutcome.self, from: data), nil)
        } catch {
            return (nil, "\(recordPath) cannot be read: \(describe(error))")
        }
    }

    /// The change files among `files`, pending (under `changes/`) or applied (`changes/applied/`),
    /// in path order.
    public static func changeFiles(_ files: [String: Data], applied: Bool) -> [(path: String, text: String)] {
        files.filter { isChangeFile($0.key) && $0.key.hasPrefix("changes/applied/") == applied }
            .map { (path: $0.key, text: String(decoding: $0.value, as: UTF8.self)) }
            .sorted { $0.path < $1.path }
    }
}

/// A short account of why a JSON line is not a command-log entry.
private func describe(_ error: any Error) -> String {
    guard let error = error as? DecodingError else { return "\(error)" }
    func path(_ context: DecodingError.Context) -> String {
        let keys = context.codingPath.map(\.stringValue).joined(separator: ".")
        return keys.isEmpty ? "" : " at \(keys)"
    }
    switch error {
    case .keyNotFound(let key, _): return "the key \"\(key.stringValue)\" is missing"
    case .valueNotFound(_, let context): return "a value is missing\(path(context))"
    case .typeMismatch(_, let context): return "a value has the wrong type\(path(context)): \(context.debugDescription)"
    case .dataCorrupted(let context): return "\(context.debugDescription)\(path(context))"
    @unknown default: return "\(error)"
    }
}
