import SpotSupport

/// One command against the cloud: add a host to an aggregate, or remove it from one.
public struct PlanStep: Sendable, Hashable {
    public enum Action: String, Sendable, Hashable, Codable {
        case addHost = "add_host"
        case removeHost = "remove_host"
    }

    public var action: Action
    public var aggregate: String
    public var host: String
    /// Why the step does not need to run ("already in L40-n3-spot"); nil when it must run.
    public var skip: String?

    public init(action: Action, aggregate: String, host: String, skip: String? = nil) {
        self.action = action
        self.aggregate = aggregate
        self.host = host
        self.skip = skip
    }

    /// The `openstack` command with the same effect, shell-quoted so that it can be pasted:
    /// `openstack aggregate add host L40-n3-spot CA1-ESC812-101`.
    public var command: String {
        let verb = action == .addHost ? "add" : "remove"
        return "openstack aggregate \(verb) host \(shellQuote(aggregate)) \(shellQuote(host))"
    }
}

/// One migration entry, resolved against a cloud: where the host goes, what it leaves, the steps,
/// and every problem and warning.
public struct PlannedMigration: Sendable, Hashable {
    public enum Outcome: String, Sendable, Hashable, Codable {
        /// Steps to run.
        case move
        /// The host is already where it should be.
        case noop
        /// A problem stops the entry.
        case invalid
    }

    public var request: MigrationRequest
    /// The change file (a path in the repository).
    public var file: String
    /// The host's name as the cloud spells it (the request may differ in case); the request's
    /// name for an unknown host.
    public var host: String
    public var gpuType: String?
    /// The aggregates the host leaves (its GPU-pool aggregates other than the target, or the
    /// entry's `from`).
    public var from: [String]
    /// The aggregate the host goes to; nil when it could not be resolved.
    public var to: String?
    /// The pool of the target.
    public var pool: Pool?
    /// How the target was chosen (the recommendation's reasoning for a pool).
    public var reasoning: String?
    public var steps: [PlanStep]
    public var problems: [ChangeProblem]
    public var warnings: [ChangeProblem]

    public var outcome: Outcome {
        if !problems.isEmpty { return .invalid }
        return steps.contains { $0.skip == nil } ? .move : .noop
    }

    /// The steps that must run.
    public var pendingSteps: [PlanStep] { steps.filter { $0.skip == nil } }

    /// What the summary line says the host goes to: the pool for a pool target (`spot`), the
    /// aggregate otherwise (`Contract-L40-Customer1`).
    public var destinationLabel: String {
        switch request.to {
        case "spot", "ondemand", "runpod": return request.to
        default: return to ?? request.to
        }
    }

    /// The request with its `from` pinned to what this plan resolved, for re-validation against
    /// the live cloud: a host moved since is then drift, not moved again.
    public var pinned: MigrationRequest {
        var request = self.request
        request.pinnedFrom = from
        if let to { request.to = to }
        return request
    }
}

/// The plan of one change file.
public struct FilePlan: Sendable, Hashable {
    public var path: String
    public var reason: String?
    public var migrations: [PlannedMigration]
    public var launches: [PlannedLaunch]
    /// Attachments, ports and firewall attachments.
    public var operations: [PlannedOperation]
    /// Problems of the file itself (bad YAML, unknown keys, an empty file).
    public var problems: [ChangeProblem]

    public init(path: String, reason: String? = nil, migrations: [PlannedMigration] = [], launches: [PlannedLaunch] = [],
                operations: [PlannedOperation] = [], problems: [ChangeProblem] = []) {
        self.path = path
        self.reason = reason
        self.migrations = migrations
        self.launches = launches
        self.operations = operations
        self.problems = problems
    }

    public var isValid: Bool { allProblems.isEmpty }

    /// Every problem of the file: its own, then its entries' in file order.
    public var allProblems: [ChangeProblem] {
        problems + migrations.flatMap(\.problems) + launches.flatMap(\.problems) + operations.flatMap(\.problems)
    }

    /// Every warning of the file's entries.
    public var allWarnings: [ChangeProblem] {
        migrations.flatMap(\.warnings) + launches.flatMap(\.warnings) + operations.flatMap(\.warnings)
    }
}

/// What `plan` found for every pending change file, against one state of the cloud.
public struct Plan: Sendable, Hashable {
    public enum Basis: Sendable, Hashable {
        /// The latest snapshot, at this commit (nil when it was never committed).
        case snapshot(commit: String?)
        /// The live cloud (`--refresh`).
        case live
    }

    public var basis: Basis
    public var files: [FilePlan]

    public init(basis: Basis, files: [FilePlan]) {
        self.basis = basis
        self.files = files
    }

    public var migrations: [PlannedMigration] { files.flatMap(\.migrations) }
    public var launches: [PlannedLaunch] { files.flatMap(\.launches) }

    /// Every error, file problems first, in file order.
    public var problems: [ChangeProblem] { files.flatMap(\.allProblems) }

    public var warnings: [ChangeProblem] { files.flatMap(\.allWarnings) }
    public var operations: [PlannedOperation] { files.flatMap(\.operations) }

    /// Hosts with steps to run.
    public var moves: [PlannedMigration] { migrations.filter { $0.outcome == .move } }

    /// `plan`'s exit status: 1 invalid, 2 changes to apply, 0 nothing to do.
    public var exitCode: Int32 {
        if !problems.isEmpty { return 1 }
        return moves.isEmpty && launches.isEmpty && operations.isEmpty ? 0 : 2
    }

    /// `3 hosts to move: 2 to spot, 1 to Contract-L40-Customer1; 0 problems`.
    public var summaryLine: String {
        let moves = self.moves
        var counts: [String: Int] = [:]
        for move in moves { counts[move.destinationLabel, default: 0] += 1 }
        let parts = counts.sorted { ($0.value, $1.key) > ($1.value, $0.key) }.map { "\($0.value) to \($0.key)" }
        var text = moves.count == 1 ? "1 host to move" : "\(moves.count) hosts to move"
        if !parts.isEmpty { text += ": " + parts.joined(separator: ", ") }
        let noops = migrations.filter { $0.outcome == .noop }.count
        if noops > 0 { text += "; \(noops) already in place" }
        let launches = self.launches.filter(\.isValid).count
        if launches > 0 { text += "; \(launches) RunPod launch\(launches == 1 ? "" : "es")" }
        let operations = self.operations.filter(\.isValid).count
        if operations > 0 { text += "; \(operations) network or firewall operation\(operations == 1 ? "" : "s")" }
        let problems = self.problems.count
        text += "; \(problems) problem\(problems == 1 ? "" : "s")"
        let warnings = self.warnings.count
        if warnings > 0 { text += ", \(warnings) warning\(warnings == 1 ? "" : "s")" }
        return text
    }
}
