import Foundation
public import SpotCore
public import SpotKit

/// What `apply` did with one host of a change file.
public struct HostResult: Sendable, Hashable {
    public enum Status: String, Sendable, Hashable {
        /// Every step ran (or its effect was already there) and the verification agreed.
        case done
        /// Nothing needed doing: the host was already in its target.
        case skipped
        /// A step failed (or the verification disagreed); the host's later steps did not run.
        case failed
        /// The plan no longer holds against the live cloud: not executed.
        case drifted
        /// Not run: the whole run stopped before it (dry run, a read that failed).
        case notRun = "not run"
    }

    /// One step: what ran (or would run) and how it ended.
    public struct Step: Sendable, Hashable {
        public var step: PlanStep
        /// The step's number in its change file, from 1.
        public var number: Int
        /// nil: not run; else the log status (`success` also for a skipped step).
        public var status: CommandLogEntry.Status?
        public var skipped: Bool
        public var output: String?
        public var logID: String?
    }

    public var host: String
    public var file: String
    public var from: [String]
    public var to: String?
    public var status: Status
    public var steps: [Step]
    /// Why it drifted or failed.
    public var problems: [String]
}

/// What `apply` did with one RunPod launch of a change file.
public struct LaunchResult: Sendable, Hashable {
    public var host: String
    public var vmName: String
    public var file: String
    public var status: HostResult.Status
    public var vmID: Int?
    public var serverID: String?
    /// One step as it went, with its number in the change file and its log entry's id.
    public struct Step: Sendable, Hashable {
        public var record: LaunchRunner.StepRecord
        public var number: Int
        public var logID: String?
    }

    public var steps: [Step] = []
    /// Why it drifted or failed.
    public var problems: [String]

    public init(host: String, vmName: String, file: String, status: HostResult.Status, problems: [String] = []) {
        self.host = host
        self.vmName = vmName
        self.file = file
        self.status = status
        self.problems = problems
    }
}

/// What `apply` did with one attachment, port or firewall attachment of a change file.
public struct OperationResult: Sendable, Hashable {
    public var subject: String
    public var command: String
    public var file: String
    /// `done`, `skipped` (all there already), `failed` or `notRun`.
    public var status: HostResult.Status
    public var steps: [LaunchResult.Step] = []
    public var problems: [String] = []

    public init(subject: String, command: String, file: String, status: HostResult.Status) {
        self.subject = subject
        self.command = command
        self.file = file
        self.status = status
    }
}

/// What `apply` did with one change file.
public struct FileResult: Sendable, Hashable {
    public enum Status: String, Sendable, Hashable {
        /// Every entry done or skipped: moved to `changes/applied/` with its outcome.
        case applied
        /// A failed or drifted entry: stays pending; `spotctl apply` continues it.
        case pending
        /// Problems against the snapshot: nothing of it ran.
        case invalid
        /// A dry run, or a run stopped before the steps: nothing of it ran.
        case notRun = "not run"
    }

    public var path: String
    public var reason: String?
    public var status: Status
    public var hosts: [HostResult]
    /// The file's problems against the snapshot (`invalid`).
    public var problems: [ChangeProblem]
    public var launches: [LaunchResult] = []
    public var operations: [OperationResult] = []
}

/// The outcome of one `spotctl apply`.
public struct ApplyReport: Sendable {
    public var dryRun: Bool
    public var files: [FileResult]
    /// `log/<time>-<run>.jsonl`, nil when nothing ran.
    public var logPath: String?
    public var runID: String
    /// The commit, nil when nothing was committed (a dry run, nothing to do).
    public var commit: SnapshotWriter.Result?
    /// Notes for standard error (a lock taken over, how the servers were read, a snapshot that failed).
    public var notes: [String]
    /// Whether the end state was verified against the live cloud (nil: no verification needed).
    public var verified: Bool?
    /// A failure of the whole run after the steps (the verification read, the snapshot).
    public var runProblems: [String]
    public var requests: Int
    public var seconds: Double
    /// Requests per phase (`reread`, `steps`, `verify`, `snapshot`), for the benchmark.
    public var phaseRequests: [String: Int] = [:]
    /// Seconds per phase: `plan` (lock, snapshot facts, plan), `reread`, `steps`, `verify`, `snapshot`
    /// (waiting for its reads), `commit` (encoding, secret scan, git).
    public var phaseSeconds: [String: Double] = [:]

    public var hosts: [HostResult] { files.flatMap(\.hosts) }
    public var launches: [LaunchResult] { files.flatMap(\.launches) }
    public var operations: [OperationResult] { files.flatMap(\.operations) }

    /// 0 all done; 1 something failed (a step, a file invalid against the snapshot, the
    /// verification); 3 nothing failed but something was refused (drift).
    public var exitCode: Int32 {
        if !runProblems.isEmpty || files.contains(where: { $0.status == .invalid }) || hosts.contains(where: { $0.status == .failed })
            || launches.contains(where: { $0.status == .failed }) || operations.contains(where: { $0.status == .failed }) {
            return 1
        }
        if hosts.contains(where: { $0.status == .drifted }) || launches.contains(where: { $0.status == .drifted }) { return 3 }
        return 0
    }

    /// The report, one line each: every file, every host that did not simply succeed, what to do.
    public var lines: [String] {
        var lines: [String] = []
        if files.isEmpty { return ["no pending change files in changes/; nothing to apply"] }
        for file in files {
            let name = file.path
            switch file.status {
            case .invalid:
                lines.append("\(name): not run, \(file.problems.count) problem\(file.problems.count == 1 ? "" : "s") against the snapshot:")
                lines += file.problems.map { "  \($0)" }
                continue
            case .applied: lines.append("\(name): applied, moved to changes/applied/")
            case .pending: lines.append("\(name): stays pending")
            case .notRun: lines.append("\(name):" + (dryRun ? " would run" : " not run"))
            }
            for host in file.hosts {
                let target = host.to ?? "?"
                switch host.status {
                case .done: lines.append("  \(host.host): done, in \(target)")
                case .skipped: lines.append("  \(host.host): already in \(target), nothing to do")
                case .failed:
                    lines.append("  \(host.host): FAILED on its way to \(target)")
                case .drifted:
                    lines.append("  \(host.host): drifted, not run: " + host.problems.joined(separator: "; "))
                case .notRun:
                    if dryRun {
                        let pending = host.steps.filter { !$0.skipped }
                        lines.append("  \(host.host): " + (pending.isEmpty ? "already in \(target), nothing to do" : "would run:"))
                        lines += pending.map { "    \($0.step.command)" }
                    } else {
                        lines.append("  \(host.host): not run")
                    }
                }
                if host.status == .failed {
                    for step in host.steps {
                        let state: String
                        switch (step.status, step.skipped) {
                        case (nil, _): state = "not run"
                        case (.success?, true): state = "skipped (\(step.output ?? ""))"
                        case (.success?, false): state = "done"
                        case (let status?, _): state = "\(status.rawValue): \(step.output ?? "")"
                        }
                        lines.append("    \(step.step.command): \(state)")
                    }
                    lines += host.problems.map { "    \($0)" }
                }
            }
            for operation in file.operations {
                switch operation.status {
                case .done: lines.append("  done: \(operation.command)")
                case .skipped: lines.append("  already done: \(operation.command)")
                case .failed: lines.append("  FAILED: \(operation.command): " + operation.problems.joined(separator: "; "))
                case .drifted, .notRun: lines.append("  \(dryRun ? "would run" : "not run"): \(operation.command)")
                }
            }
            for launch in file.launches {
                switch launch.status {
                case .done: lines.append("  \(launch.host): RunPod VM \(launch.vmName) launched (VM \(launch.vmID.map(String.init) ?? "?"))")
                case .skipped: lines.append("  \(launch.host): RunPod VM \(launch.vmName) already complete, nothing to do")
                case .drifted: lines.append("  \(launch.host): launch drifted, not run: " + launch.problems.joined(separator: "; "))
                case .notRun: lines.append("  \(launch.host): launch of \(launch.vmName)" + (dryRun ? " would run" : " not run"))
                case .failed:
                    lines.append("  \(launch.host): launch of \(launch.vmName) FAILED")
                    for step in launch.steps {
                        lines.append("    \(step.record.kind.rawValue): \(step.record.status.rawValue): \(step.record.output)")
                    }
                    lines += launch.problems.map { "    \($0)" }
                }
            }
        }
        lines += runProblems
        let operationsFailed = operations.filter { $0.status == .failed }.count
        let launched = launches.filter { $0.status == .done || $0.status == .skipped }.count
        let launchFailed = launches.filter { $0.status == .failed }.count
        let launchDrifted = launches.filter { $0.status == .drifted }.count
        let done = hosts.filter { $0.status == .done }.count
        let failed = hosts.filter { $0.status == .failed }.count
        let drifted = hosts.filter { $0.status == .drifted }.count
        if dryRun {
            lines.append("dry run: nothing was changed or written [\(requests) requests, \(String(format: "%.2f", seconds)) s]")
            return lines
        }
        var summary = "apply: \(done) host\(done == 1 ? "" : "s") moved, \(failed) failed, \(drifted) drifted"
        if !launches.isEmpty {
            summary += "; \(launched) RunPod launch\(launched == 1 ? "" : "es") done, \(launchFailed) failed, \(launchDrifted) drifted"
        }
        switch commit {
        case .committed(let id)?: summary += "; committed \(id.prefix(12))"
        case .unchanged?: summary += "; nothing to commit"
        case .written?: summary += "; written without committing"
        case nil: break
        }
        if let logPath { summary += "; log \(logPath)" }
        lines.append(summary + " [\(requests) requests, \(String(format: "%.2f", seconds)) s]")
        if !operations.isEmpty {
            let operationsDone = operations.filter { $0.status == .done || $0.status == .skipped }.count
            summary += "; \(operationsDone) network or firewall operation\(operationsDone == 1 ? "" : "s") done, \(operationsFailed) failed"
        }
        if failed > 0 || launchFailed > 0 || operationsFailed > 0 || !runProblems.isEmpty {
            lines.append("to finish: run spotctl apply again (steps already done are skipped)")
        }
        if drifted > 0 || launchDrifted > 0 {
            lines.append("drifted entries: fix their change file (or spotctl snapshot, then review) and run spotctl apply again")
        }
        if files.contains(where: { $0.status == .invalid }) {
            lines.append("invalid change files: fix the problems above (spotctl plan lists them) and run spotctl apply again")
        }
        return lines
    }
}
