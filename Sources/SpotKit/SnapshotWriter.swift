public import Foundation
public import GitStore
public import SpotClients
public import SpotCore
import SpotSupport

/// Writes a snapshot into an operations repository: the guard against a cloud that suddenly
/// lost too much, the derived views and the diff, the encoding, the secret scan, and the commit
/// through the git store (only when the facts changed). It reads nothing from the cloud; the
/// `Snapshotter` (and later `apply`) hand it the facts.
public struct SnapshotWriter: Sendable {
    public enum Result: Sendable, Equatable {
        case committed(String)
        case unchanged
        case written
    }

    public struct Written: Sendable {
        public let result: Result
        public let diff: SnapshotDiff
        /// Seconds per phase: `views`, `encode`, `scan`, `git`.
        public let phases: [(name: String, seconds: Double)]
    }

    public let repository: OperationsRepository
    public let reader: RepositoryReader
    public let configuration: Configuration

    public init(repository: OperationsRepository, configuration: Configuration) throws(SpotError) {
        self.repository = repository
        self.configuration = configuration
        reader = try RepositoryReader(repository: repository)
    }

    /// Refuses to work in a repository that git is in the middle of changing.
    public func checkRepositoryState() async throws(SpotError) {
        if let state = try? await reader.store.repositoryState() {
            throw SpotError("\(repository.root.path) is in the middle of a \(state.rawValue); the snapshot changed nothing",
                            hint: "finish or abort it (git \(state.rawValue == "merge" ? "merge" : "rebase") --abort), then run spotctl snapshot again")
        }
    }

    /// Finishes what an interrupted snapshot (or apply) left in the repository (GitStore's
    /// journal): a sentence saying what was done, nil when there was nothing to do.
    public func finishInterruptedWrite() async throws(SpotError) -> String? {
        do {
            return try await reader.store.finishInterruptedWrite()?.description
        } catch {
            throw SpotError("cannot finish the interrupted write in \(repository.root.path): \(error)",
                            hint: "check `git status` there; once the working tree is as you want it, remove .git/spotctl-write.json")
        }
    }

    /// The facts of the latest snapshot, nil before the first.
    public func previousFacts() async throws(SpotError) -> Facts? {
        guard (try? await reader.store.headCommitID()) != nil, !(try await reader.snapshots(limit: 1)).isEmpty else { return nil }
        return try await reader.facts(at: "HEAD")
    }

    /// The endpoints the latest snapshot recorded; nil before the first, or when it recorded none.
    func previousEndpoints() async throws(SpotError) -> SourceEndpoints? {
        guard let data = try? await reader.store.readFile(InventoryFiles.directory + "/snapshot.json") else { return nil }
        do {
            return try InventoryFiles.endpoints(fromSnapshotFile: data)
        } catch {
            throw SpotError(error.description, at: .init(file: error.path))
        }
    }

    /// Writes `facts` (and commits them when `commit`), after the guard (unless `force`) and the
    /// secret scan. Nothing is written when either refuses. `endpoints` (where the facts came
    /// from) are recorded in `snapshot.json`; `sourceNotes` (why a source is not configured) go
    /// into a refusal's message.
    public func write(_ facts: Facts, endpoints: SourceEndpoints? = nil, sourceNotes: [String] = [], secrets: [Secret],
                      force: Bool, commit: Bool, author: CommitAuthor,
                      extra: FileChanges = FileChanges(), message: String? = nil,
                      previous known: Facts? = nil) async throws(SpotError) -> Written {
        var timer = PhaseTimer()
        // `apply` passes the HEAD facts it has already read.
        let previous = known != nil ? known : try await previousFacts()
        if let previous, !force {
            let violations = SnapshotGuard.check(previous: previous, next: facts, previousEndpoints: try await previousEndpoints(),
                                                 nextEndpoints: endpoints, settings: configuration.snapshot)
            if !violations.isEmpty {
                let notes = sourceNotes.isEmpty ? "" : " (" + sourceNotes.joined(separator: "; ") + ")"
                throw SpotError("refused: " + violations.map(\.description).joined(separator: "; ") + notes + "; nothing was written",
                                hint: "an outage, a missing key or another cloud must not replace this cloud's facts: check the credentials and endpoints; "
                                    + "if the change is real (an endpoint moved, hosts were decommissioned), run spotctl snapshot --force",
                                exitCode: 3)
            }
        }
        let configuration = self.configuration
        let after = CloudView(facts: facts, configuration: configuration)
        let before = previous.map { CloudView(facts: $0, configuration: configuration) }
        let diff = SnapshotDiff(before: before, after: after)
        timer.end("views")
        let summary = SnapshotSummary(after)
        let files = await offCooperativePool { InventoryFiles.encode(facts, summary: summary, endpoints: endpoints) }
        timer.end("encode")

        // The last line of defence: no configured secret may reach the inventory or the commit
        // message, in any form our encoders give it (`SecretScan`).
        // `apply` adds its command log, moved change files and outcomes, and its own message: one commit.
        let message = message ?? diff.message
        let writes = files.merging(extra.writes) { _, added in added }
        try SecretScan(secrets: secrets).check(writes, commitMessage: commit ? message : nil, output: "the snapshot")
        timer.end("scan")
        let changes = FileChanges(writes: writes, deletions: extra.deletions,
                                  replacedDirectories: [InventoryFiles.directory] + extra.replacedDirectories)
        let result: Result
        do {
            if commit {
                let committed = try await reader.store.commit(changes, author: author, message: message)
                result = committed.commitID.map(Result.committed) ?? .unchanged
            } else {
                _ = try await reader.store.writeWorkingTree(changes)
                result = .written
            }
        } catch {
            if case .interruptedWrite = error {
                throw SpotError("the snapshot stopped half way: \(error)",
                                hint: "run spotctl snapshot again: it finishes the working tree first")
            }
            throw SpotError("cannot write the snapshot into \(repository.root.path): \(error); the repository is as it was",
                            hint: "fix the cause named above (a full disk, permissions), then run spotctl snapshot again")
        }
        timer.end("git")
        return Written(result: result, diff: diff, phases: timer.phases)
    }
}

extension SnapshotWriter {
    /// Commits `changes` alone (no inventory), after the secret scan: `apply`'s command log and
    /// moved change files when the snapshot after it could not be taken.
    public func commit(_ changes: FileChanges, message: String, secrets: [Secret], author: CommitAuthor) async throws(SpotError) -> Result {
        try SecretScan(secrets: secrets).check(changes.writes, commitMessage: message, output: "the command log")
        do {
            let committed = try await reader.store.commit(changes, author: author, message: message)
            return committed.commitID.map(Result.committed) ?? .unchanged
        } catch {
            throw SpotError("cannot commit into \(repository.root.path): \(error)",
                            hint: "fix the cause named above (a full disk, permissions), then run spotctl apply again")
        }
    }
}

/// The time and outcome of the last snapshot, kept in `.spotctl/` (git-ignored) so that an
/// unchanged cloud produces no commit.
enum LastRun {
    static func write(repository: OperationsRepository, outcome: Snapshotter.Outcome, at date: Date) {
        let result: String
        switch outcome.result {
        case .committed(let id): result = "committed \(id)"
        case .unchanged: result = "unchanged"
        case .written: result = "written without committing"
        }
        let formatter = ISO8601DateFormatter()
        let document: [String: Any] = [
            "finished_at": formatter.string(from: date), "duration_seconds": (outcome.seconds * 1000).rounded() / 1000,
            "requests": outcome.requests, "result": result, "summary": outcome.summaryLine,
        ]
        guard let data = try? JSONSerialization.data(withJSONObject: document, options: [.prettyPrinted, .sortedKeys]),
              let directory = try? StateDirectory.ensure(repository) else { return }
        // A new file renamed into place: a link planted at the name is replaced, not followed.
        try? SafeFile.write(Array(data), to: directory + "/last-snapshot.json")
    }
}
