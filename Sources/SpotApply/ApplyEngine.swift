import Foundation
import GitStore
public import SpotClients
import SpotCore
public import SpotKit
import SpotSupport

/// `spotctl apply` (docs/apply.md): runs the pending change files against the live cloud.
///
/// Lock, finish an interrupted write, plan against the latest snapshot, re-read what the changes
/// touch (aggregates in one request, the servers of the hosts that move), re-plan each entry's
/// pinned request against that live view (a problem now is drift: not run), run each host's steps
/// (add to the target, then remove from the sources; a step whose effect is there is skipped),
/// hosts in parallel up to `apply.concurrency`, verify with one aggregates read, write the command
/// log, move finished files to `changes/applied/` with their outcome, take a snapshot and commit
/// all of it at once.
public enum ApplyEngine {
    public struct Options: Sendable {
        /// Change files (paths relative to the working directory, or `changes/NAME`); empty: all pending.
        public var files: [String] = []
        public var dryRun = false
        public var clientOptions: ClientOptions?
        /// Called after the steps and before the verification read (tests inject a fault there).
        public var afterSteps: (@Sendable () async -> Void)?
        /// How launches poll and wait (tests pass a sleep that moves the simulator's clock).
        public var launchOptions: LaunchRunner.Options?
        public init() {}
    }

    public static func run(repository: OperationsRepository, options: Options, context: RunContext,
                           progress report: @escaping @Sendable (String) -> Void = { _ in }) async throws(SpotError) -> ApplyReport {
        let started = ContinuousClock.now
        let now = context.clock.now()
        let runID = newRunID()
        let configuration = try repository.loadConfiguration(displayedFrom: context.workingDirectory)
        let writer = try SnapshotWriter(repository: repository, configuration: configuration)
        var notes: [String] = []

        // One writer at a time: the snapshot's lock. A dry run writes nothing and takes none.
        var lock: RepositoryLock?
        defer { lock?.release() }
        if !options.dryRun {
            try await writer.checkRepositoryState()
            do {
                lock = try RepositoryLock.acquire(repository, command: "spotctl apply", context: context)
            } catch {
                // Refused, not failed: exit 3, naming the owner.
                throw SpotError(error.message, hint: error.hint, exitCode: 3, at: error.location)
            }
            if let replaced = lock?.replaced {
                notes.append("note: took over the lock left by \(replaced.holder): that process is gone")
            }
            if let finished = try await writer.finishInterruptedWrite() {
                notes.append("note: \(finished)")
            }
        }

        // The pending change files and the snapshot they are planned against.
        let texts = try ChangePlanner.pendingFiles(repository: repository, named: options.files, workingDirectory: context.workingDirectory)
        guard let snapshotFacts = try await writer.previousFacts() else {
            throw SpotError("\(repository.root.path) has no snapshot yet; apply plans against the latest one",
                            hint: "run spotctl snapshot first, then spotctl plan and spotctl apply")
        }
        var result = ApplyReport(dryRun: options.dryRun, files: [], logPath: nil, runID: runID, commit: nil, notes: notes,
                                 verified: nil, runProblems: [], requests: 0, seconds: 0)
        guard !texts.isEmpty else {
            result.seconds = PhaseClock.seconds(ContinuousClock.now - started)
            return result
        }
        let head = try? await writer.reader.store.headCommitID()
        let snapshotView = CloudView(facts: snapshotFacts, configuration: configuration)
        let plan = Planner.plan(texts: texts, cloud: snapshotView, basis: .snapshot(commit: head))

        // The cloud.
        let sources: CloudSources
        do {
            sources = try CloudSources.resolve(configuration: configuration, environment: context.environment,
                                               workingDirectory: context.workingDirectory)
        } catch {
            throw SpotError(error.message, hint: error.hint)
        }
        let reader: CloudReader
        do {
            reader = try CloudReader(configuration: configuration, sources: sources, options: options.clientOptions ?? ClientOptions())
        } catch {
            throw SpotError("cannot set up the HTTP client: \(error)")
        }
        let redactor = Redactor(secrets: sources.secrets)
        let actions = LiveCloudActions(reader: reader, concurrency: configuration.apply.concurrency)
        do {
            result = try await execute(plan: plan, texts: texts, snapshotFacts: snapshotFacts, snapshotView: snapshotView,
                                       configuration: configuration,
                                       actions: actions, reader: reader, writer: writer, sources: sources, redactor: redactor,
                                       options: options, context: context, now: now, result: result, report: report)
        } catch {
            await reader.shutdown()
            throw error
        }
        result.requests = await reader.requestCount
        await reader.shutdown()
        result.seconds = PhaseClock.seconds(ContinuousClock.now - started)
        return result
    }

    // MARK: the run

    static func execute(plan: Plan, texts: [(path: String, text: String)], snapshotFacts: Facts, snapshotView: CloudView,
                        configuration: Configuration,
                        actions: some CloudActions, reader: CloudReader, writer: SnapshotWriter, sources: CloudSources,
                        redactor: Redactor, options: Options, context: RunContext, now: Date, result initial: ApplyReport,
                        report: @escaping @Sendable (String) -> Void) async throws(SpotError) -> ApplyReport {
        var result = initial
        var requestMark = await reader.requestCount
        var timeMark = ContinuousClock.now
        func phase(_ name: String) async {
            let count = await reader.requestCount
            result.phaseRequests[name, default: 0] += count - requestMark
            requestMark = count
            let now = ContinuousClock.now
            result.phaseSeconds[name, default: 0] += PhaseClock.seconds(now - timeMark)
            timeMark = now
        }

        // Files invalid against the snapshot do not run.
        let runnable = plan.files.filter(\.isValid)
        for file in plan.files where !file.isValid {
            result.files.append(FileResult(path: file.path, reason: file.reason, status: .invalid, hosts: [], problems: file.allProblems))
        }
        // Nothing to run (every file invalid): no request at all.
        guard !runnable.isEmpty else { return result }
        let moving = runnable.flatMap(\.migrations).filter { $0.outcome == .move }

        // Re-read what the changes touch: every aggregate in one request, and the servers of the
        // hosts that move, by whichever costs fewer requests.
        let liveAggregates: [Aggregate]
        do {
            liveAggregates = try await actions.readAggregates()
        } catch {
            throw SpotError("cannot read the aggregates before applying; nothing was changed: \(error.message)",
                            hint: "check OpenStack (the request named above), then run spotctl apply again")
        }
        // The hosts that must be empty: those leaving spot, and those leaving another pool
        // without `allow_vms: true`. Their VMs are re-read; the others' do not matter.
        let mustBeEmpty = moving.filter { planned in
            let leavesSpot = planned.from.contains { name in
                if case .gpuPool(_, .spot, _)? = snapshotView.aggregate(named: name)?.kind { return true }
                return false
            }
            return leavesSpot || !planned.request.allowVMs
        }
        // A launch's host must run no VM but the launch's own: re-read it too.
        let hosts = Array(Set(mustBeEmpty.map(\.host) + runnable.flatMap(\.launches).map(\.host))).sorted()
        var liveServers: [Server] = []
        if !hosts.isEmpty {
            let pageSize = max(1, actions.serverPageSize)
            // The listing reads from both ends at once: about the pages of the snapshot's servers, plus one.
            let listingRequests = (snapshotFacts.servers.count + pageSize - 1) / pageSize + 1
            do {
                if hosts.count <= listingRequests {
                    result.notes.append("note: servers of \(hosts.count) host\(hosts.count == 1 ? "" : "s") read one query per host")
                    liveServers = try await actions.readServers(onHosts: hosts)
                } else {
                    result.notes.append("note: servers read through the paged listing (about \(listingRequests) requests for \(hosts.count) hosts)")
                    liveServers = try await actions.readAllServers()
                }
            } catch {
                throw SpotError("cannot read the servers of the hosts that move; nothing was changed: \(error.message)",
                                hint: "check OpenStack (the request named above), then run spotctl apply again")
            }
        }
        await phase("reread")
        let checked = Set(hosts)
        var liveFacts = snapshotFacts
        liveFacts.aggregates = liveAggregates
        liveFacts.servers = snapshotFacts.servers.filter { !($0.host.map(checked.contains) ?? false) }
            + liveServers.filter { $0.host.map(checked.contains) ?? false }
        let liveView = CloudView(facts: liveFacts, configuration: configuration)

        // Re-plan each entry's pinned request against the live view: a problem now is drift.
        var files: [FileResult] = []
        var work: [HostWork] = []
        // Launches to run: the file's index, the launch's index in it, its live plan, and the
        // number of the file's steps before it.
        var launchWork: [(file: Int, index: Int, planned: PlannedLaunch, stepsBefore: Int)] = []
        var operationWork: [(file: Int, index: Int, planned: PlannedOperation, stepsBefore: Int)] = []
        let launchContext = try ChangePlanner.launchContext(repository: writer.repository, configuration: configuration, sources: sources,
                                                            needed: runnable.contains { !$0.launches.isEmpty })
        for file in runnable {
            var fileResult = FileResult(path: file.path, reason: file.reason, status: .notRun, hosts: [], problems: [])
            var number = 0
            for planned in file.migrations {
                let live = Planner.migration(planned.pinned, file: file.path, cloud: liveView)
                var host = HostResult(host: planned.host, file: file.path, from: planned.from, to: planned.to,
                                      status: .notRun, steps: [], problems: [])
                if !live.problems.isEmpty {
                    host.status = .drifted
                    host.problems = live.problems.map { $0.message + ($0.hint.map { " (\($0))" } ?? "") }
                } else {
                    host.from = live.from
                    host.to = live.to
                    for step in live.steps {
                        number += 1
                        host.steps.append(HostResult.Step(step: step, number: number, status: nil, skipped: step.skip != nil,
                                                          output: step.skip, logID: nil))
                    }
                    work.append(HostWork(fileIndex: files.count, hostIndex: fileResult.hosts.count, result: host))
                }
                fileResult.hosts.append(host)
            }
            for planned in file.launches {
                let live = LaunchPlanner.plan(planned.request, file: file.path, cloud: liveView, catalog: nil,
                                              cloudInitTemplate: launchContext.cloudInitTemplate, hyperstackURL: launchContext.hyperstackURL,
                                              hyperstackKey: launchContext.hyperstackKey, runpodKey: launchContext.runpodKey)
                var launch = LaunchResult(host: planned.host, vmName: planned.vmName, file: file.path, status: .notRun)
                if !live.problems.isEmpty {
                    launch.status = .drifted
                    launch.problems = live.problems.map { $0.message + ($0.hint.map { " (\($0))" } ?? "") }
                } else {
                    launchWork.append((files.count, fileResult.launches.count, live, number))
                    number += live.steps.count
                }
                fileResult.launches.append(launch)
            }
            for var planned in file.operations {
                // The command as this run's Hyperstack URL and key give it (the key masked).
                planned.command = planned.request.command(hyperstackURL: launchContext.hyperstackURL, hyperstackKey: launchContext.hyperstackKey)
                operationWork.append((files.count, fileResult.operations.count, planned, number))
                if case .attachment = planned.request.kind { number += 2 } else { number += 1 }
                fileResult.operations.append(OperationResult(subject: planned.request.subject, command: planned.command, file: file.path, status: .notRun))
            }
            files.append(fileResult)
        }
        if options.dryRun {
            result.files = files + result.files
            result.files.sort { $0.path < $1.path }
            return result
        }

        // The snapshot's reads that the steps do not change (servers, hypervisors, flavors, NetBox,
        // Hyperstack) run beside the steps; its aggregates are replaced by the verification's read.
        // With launches, the snapshot is read after them, so that it holds their servers.
        let snapshotRead: Task<Result<Facts, CloudReadError>, Never>? = work.isEmpty || !launchWork.isEmpty || !operationWork.isEmpty ? nil : Task {
            do throws(CloudReadError) {
                return .success(try await reader.readAll())
            } catch {
                return .failure(error)
            }
        }

        // The steps, hosts in parallel up to apply.concurrency.
        let aggregates = Dictionary(liveAggregates.map { ($0.name, $0) }, uniquingKeysWith: { first, _ in first })
        let user = context.identity.name
        let clock = context.clock
        let limit = max(1, configuration.apply.concurrency)
        let workItems = work
        var entries: [(order: Int, entry: CommandLogEntry, owner: LogOwner, step: Int)] = []
        let finished: [(Int, HostResult, [PendingEntry])] = await withTaskGroup(of: (Int, HostResult, [PendingEntry]).self) { group in
            var next = 0
            var out: [(Int, HostResult, [PendingEntry])] = []
            func start() {
                let index = next
                let item = workItems[index]
                next += 1
                group.addTask {
                    let (host, pending) = await runHost(item.result, aggregates: aggregates, actions: actions, redactor: redactor, clock: clock)
                    return (index, host, pending)
                }
            }
            while next < min(limit, workItems.count) { start() }
            while let done = await group.next() {
                out.append(done)
                if done.1.status == .failed { report("\(done.1.host): failed: " + done.1.problems.joined(separator: "; ")) }
                if next < workItems.count { start() }
            }
            return out
        }
        var executed = work
        for (index, host, pending) in finished {
            executed[index].result = host
            for each in pending {
                entries.append((order: executed[index].fileIndex * 1_000_000 + each.number, entry: CommandLogEntry(
                    id: "", timestamp: each.timestamp, command: redactor.redact(each.command), status: each.status,
                    executionTime: each.executionTime, user: user, change: host.file, step: each.number,
                    output: each.output.map(redactor.redact), returnCode: each.status == .success ? 0 : 1), owner: .migration(index), step: each.stepIndex))
            }
        }
        await phase("steps")

        // The launches, one at a time, after the migrations (docs/apply.md).
        let formatter = ISO8601DateFormatter()
        for item in launchWork {
            var launch = files[item.file].launches[item.index]
            let planned = item.planned
            let outcome: LaunchRunner.Outcome
            if let key = sources.runPodKey, let hyperstack = reader.hyperstackClient {
                var runnerOptions = options.launchOptions ?? LaunchRunner.Options()
                runnerOptions.waitTimeout = Double(configuration.launch.waitTimeoutSeconds)
                runnerOptions.now = { clock.now() }
                let runner = LaunchRunner(hyperstack: hyperstack, nova: reader.novaClient, neutron: reader.neutronClient, options: runnerOptions)
                let userData = Secret(LaunchPlanner.cloudInit(template: launchContext.cloudInitTemplate, vmName: planned.vmName, key: key.reveal))
                outcome = await runner.run(planned, userData: userData, configuration: configuration)
            } else {
                let missing = reader.hyperstackClient == nil ? "Hyperstack is not configured (HYPERSTACK_API_KEY)" : "RUNPOD_API_KEY is not set"
                outcome = LaunchRunner.Outcome(vmID: nil, serverID: nil, steps: [], failure: "\(missing); the launch needs it, nothing was run")
            }
            launch.vmID = outcome.vmID
            launch.serverID = outcome.serverID
            for (index, record) in outcome.steps.enumerated() {
                launch.steps.append(LaunchResult.Step(record: record, number: item.stepsBefore + index + 1, logID: nil))
                entries.append((order: item.file * 1_000_000 + item.stepsBefore + index + 1, entry: CommandLogEntry(
                    id: "", timestamp: formatter.string(from: record.started), command: redactor.redact(record.command), status: record.status,
                    executionTime: String(format: "%.1fs", record.seconds), user: user, change: launch.file, step: item.stepsBefore + index + 1,
                    output: redactor.redact(record.output), returnCode: record.status == .success ? 0 : 1),
                    owner: .launch(file: item.file, index: item.index), step: index))
            }
            if let failure = outcome.failure {
                launch.status = .failed
                launch.problems.append(redactor.redact(failure))
                report("\(launch.host): launch failed: \(redactor.redact(failure))")
            } else {
                // Skipped: every step that changes something found it done (finding the server is a read).
                launch.status = outcome.steps.filter { $0.kind != .findServer }.allSatisfy(\.skipped) ? .skipped : .done
            }
            files[item.file].launches[item.index] = launch
        }
        await phase("launches")

        // Attachments, ports and firewall attachments, one at a time, after the launches.
        var operationRunner = OperationRunner(hyperstack: reader.hyperstackClient, nova: reader.novaClient, neutron: reader.neutronClient)
        if let launchOptions = options.launchOptions {
            operationRunner.sleep = launchOptions.sleep
            operationRunner.attachPolicy = launchOptions.attachPolicy
        }
        operationRunner.now = { clock.now() }
        for item in operationWork {
            var operation = files[item.file].operations[item.index]
            let (records, failure) = await operationRunner.run(item.planned)
            for (index, record) in records.enumerated() {
                operation.steps.append(LaunchResult.Step(record: record, number: item.stepsBefore + index + 1, logID: nil))
                entries.append((order: item.file * 1_000_000 + item.stepsBefore + index + 1, entry: CommandLogEntry(
                    id: "", timestamp: formatter.string(from: record.started), command: redactor.redact(record.command), status: record.status,
                    executionTime: String(format: "%.1fs", record.seconds), user: user, change: operation.file, step: item.stepsBefore + index + 1,
                    output: redactor.redact(record.output), returnCode: record.status == .success ? 0 : 1),
                    owner: .operation(file: item.file, index: item.index), step: index))
            }
            if let failure {
                operation.status = .failed
                operation.problems.append(redactor.redact(failure))
                report("\(operation.subject): failed: \(redactor.redact(failure))")
            } else {
                operation.status = records.allSatisfy(\.skipped) ? .skipped : .done
            }
            files[item.file].operations[item.index] = operation
        }
        await phase("operations")

        entries.sort { $0.order < $1.order }
        for index in entries.indices {
            let id = "\(result.runID)-\(index + 1)"
            entries[index].entry.id = id
            switch entries[index].owner {
            case .migration(let work):
                executed[work].result.steps[entries[index].step].logID = id
            case .launch(let file, let launch):
                files[file].launches[launch].steps[entries[index].step].logID = id
            case .operation(let file, let operation):
                files[file].operations[operation].steps[entries[index].step].logID = id
            }
        }

        // Verify the end state with one aggregates read.
        if let afterSteps = options.afterSteps { await afterSteps() }
        let ran = executed.filter { $0.result.status == .done || $0.result.status == .skipped }
        var verifiedAggregates: [Aggregate]?
        if !executed.isEmpty {
            do {
                let after = try await actions.readAggregates()
                verifiedAggregates = after
                result.verified = true
                for index in executed.indices where executed[index].result.status == .done || executed[index].result.status == .skipped {
                    let host = executed[index].result.host
                    let holding = Set(after.filter { $0.hosts.contains(host) }.map(\.name))
                    let to = executed[index].result.to ?? ""
                    let stillIn = executed[index].result.from.filter(holding.contains)
                    if !holding.contains(to) || !stillIn.isEmpty {
                        executed[index].result.status = .failed
                        executed[index].result.problems.append(
                            "verification: \(host) is in \(holding.sorted().joined(separator: ", ")), expected \(to) and none of \(executed[index].result.from.joined(separator: ", ")); someone else changed it during the run")
                    }
                }
            } catch {
                result.verified = false
                result.runProblems.append("the end state could not be verified (\(error.message)); \(ran.count) host\(ran.count == 1 ? "" : "s") whose steps succeeded stay pending")
            }
        }
        await phase("verify")
        for item in executed {
            files[item.fileIndex].hosts[item.hostIndex] = item.result
        }

        // Which files are finished.
        let timestamp = ISO8601DateFormatter().string(from: now)
        var changes = FileChanges()
        var appliedNames: [String] = []
        for index in files.indices {
            let hosts = files[index].hosts
            let launches = files[index].launches
            let finishedAll = (!hosts.isEmpty || !launches.isEmpty || !files[index].operations.isEmpty)
                && hosts.allSatisfy { $0.status == .done || $0.status == .skipped } && result.verified != false
                && launches.allSatisfy { $0.status == .done || $0.status == .skipped }
                && files[index].operations.allSatisfy { $0.status == .done || $0.status == .skipped }
            files[index].status = finishedAll ? .applied : .pending
            guard finishedAll, let text = texts.first(where: { $0.path == files[index].path })?.text else { continue }
            let path = files[index].path
            let name = String(path.dropFirst("changes/".count))
            let outcome = AppliedOutcome(change: path, reason: files[index].reason, appliedAt: timestamp, run: result.runID, user: user,
                                         hosts: hosts.map { host in
                AppliedOutcome.Host(host: host.host, from: host.from, to: host.to ?? "", status: host.status == .done ? .done : .skipped,
                                    steps: host.steps.map { step in
                    AppliedOutcome.Step(command: step.step.command, status: step.skipped ? "skipped" : "success", output: step.output, logID: step.logID)
                })
            }, launches: launches.isEmpty ? nil : launches.map { launch in
                AppliedOutcome.Launch(host: launch.host, vm: launch.vmName, vmID: launch.vmID, serverID: launch.serverID,
                                      status: launch.status == .done ? .done : .skipped,
                                      steps: launch.steps.map { step in
                    AppliedOutcome.Step(command: step.record.command, status: step.record.skipped ? "skipped" : "success",
                                        output: redactor.redact(step.record.output), logID: step.logID)
                })
            }, operations: files[index].operations.isEmpty ? nil : files[index].operations.map { operation in
                AppliedOutcome.Operation(command: operation.command, status: operation.status == .done ? .done : .skipped,
                                         steps: operation.steps.map { step in
                    AppliedOutcome.Step(command: step.record.command, status: step.record.skipped ? "skipped" : "success",
                                        output: redactor.redact(step.record.output), logID: step.logID)
                })
            })
            changes.deletions.insert(path)
            changes.writes["changes/applied/" + name] = Data(text.utf8)
            changes.writes["changes/applied/" + name + AppliedOutcome.suffix] = encode(outcome)
            appliedNames.append(name)
        }
        result.files = (files + result.files).sorted { $0.path < $1.path }

        // The command log, one file per run.
        if !entries.isEmpty {
            let stamp = logStamp(now)
            let path = "log/\(stamp)-\(result.runID).jsonl"
            let encoder = JSONEncoder()
            encoder.outputFormatting = [.sortedKeys, .withoutEscapingSlashes]
            var data = Data()
            for item in entries {
                if let line = try? encoder.encode(item.entry) {
                    data.append(line)
                    data.append(0x0A)
                }
            }
            changes.writes[path] = data
            result.logPath = path
        }
        guard !changes.isEmpty else {
            snapshotRead?.cancel()
            return result
        }

        // The snapshot, the log and the moved files: one commit.
        let message = commitMessage(result: result, applied: appliedNames)
        let author = context.identity.author(at: now)
        let endpoints = SourceEndpoints(
            openstack: .init(authURL: sources.openStack.authURL, region: sources.openStack.region),
            netbox: sources.netBox.credentials?.url, hyperstack: sources.hyperstack.credentials?.url)
        var snapshotProblem: String?
        var facts: Facts?
        if let snapshotRead {
            switch await snapshotRead.value {
            case .success(var read):
                if let verifiedAggregates {
                    read.aggregates = verifiedAggregates
                    facts = read
                } else {
                    snapshotProblem = "the aggregates could not be read after the steps"
                }
            case .failure(let error):
                snapshotProblem = redactor.redact(error.description)
            }
        } else {
            do {
                facts = try await reader.readAll()
            } catch {
                snapshotProblem = redactor.redact(error.description)
            }
        }
        await phase("snapshot")
        if let facts {
            do {
                let written = try await writer.write(facts, endpoints: endpoints, sourceNotes: sources.notes, secrets: sources.secrets,
                                                     force: false, commit: true, author: author, extra: changes, message: message,
                                                     previous: snapshotFacts)
                result.commit = written.result
                await phase("commit")
                return result
            } catch {
                if error.message.contains("a configured secret") { throw error }
                snapshotProblem = error.message
            }
        }
        result.notes.append("note: the snapshot after apply was not taken (\(snapshotProblem ?? "unknown")); the command log and the moved change files are committed without it; run spotctl snapshot")
        result.commit = try await writer.commit(changes, message: message, secrets: sources.secrets, author: author)
        return result
    }

    // MARK: one host

    /// Whose step a command log entry is, to give the step its entry's id.
    enum LogOwner {
        case migration(Int)
        case launch(file: Int, index: Int)
        case operation(file: Int, index: Int)
    }

    struct HostWork: Sendable {
        var fileIndex: Int
        var hostIndex: Int
        var result: HostResult
    }

    struct PendingEntry: Sendable {
        var stepIndex: Int
        var number: Int
        var timestamp: String
        var command: String
        var status: CommandLogEntry.Status
        var executionTime: String
        var output: String?
    }

    /// Runs one host's steps in order: a step whose effect is there is logged as success with the
    /// reason; a failed step stops the host; a remove runs only after the add was confirmed.
    static func runHost(_ initial: HostResult, aggregates: [String: Aggregate], actions: some CloudActions, redactor: Redactor,
                        clock: any WallClock) async -> (HostResult, [PendingEntry]) {
        var host = initial
        var entries: [PendingEntry] = []
        let formatter = ISO8601DateFormatter()
        var ranAny = false
        for index in host.steps.indices {
            let step = host.steps[index].step
            let timestamp = formatter.string(from: clock.now())
            if let skip = step.skip {
                host.steps[index].status = .success
                entries.append(PendingEntry(stepIndex: index, number: host.steps[index].number, timestamp: timestamp, command: step.command,
                                            status: .success, executionTime: "0.0s", output: skip))
                continue
            }
            let started = ContinuousClock.now
            var failure: ActionFailure?
            var output = ""
            if let aggregate = aggregates[step.aggregate] {
                do throws(ActionFailure) {
                    switch step.action {
                    case .addHost:
                        let answered = try await actions.addHost(step.host, to: aggregate)
                        if answered.hosts.contains(step.host) {
                            output = "\(step.host) added to \(step.aggregate)"
                        } else {
                            failure = ActionFailure(message: "Nova answered the add without \(step.host) in \(step.aggregate); the host's removals do not run")
                        }
                    case .removeHost:
                        let answered = try await actions.removeHost(step.host, from: aggregate)
                        if !answered.hosts.contains(step.host) {
                            output = "\(step.host) removed from \(step.aggregate)"
                        } else {
                            failure = ActionFailure(message: "Nova answered the removal with \(step.host) still in \(step.aggregate)")
                        }
                    }
                } catch {
                    failure = error
                }
            } else {
                failure = ActionFailure(message: "aggregate \(step.aggregate) is not in the cloud any more")
            }
            let seconds = PhaseClock.seconds(ContinuousClock.now - started)
            let time = String(format: "%.1fs", seconds)
            if let failure {
                host.steps[index].status = failure.timedOut ? .timeout : .error
                host.steps[index].output = redactor.redact(failure.message)
                entries.append(PendingEntry(stepIndex: index, number: host.steps[index].number, timestamp: timestamp, command: step.command,
                                            status: failure.timedOut ? .timeout : .error, executionTime: time, output: failure.message))
                host.status = .failed
                host.problems.append("\(step.command) failed: \(redactor.redact(failure.message)); the host's later steps did not run")
                return (host, entries)
            }
            ranAny = true
            host.steps[index].status = .success
            host.steps[index].output = output
            entries.append(PendingEntry(stepIndex: index, number: host.steps[index].number, timestamp: timestamp, command: step.command,
                                        status: .success, executionTime: time, output: output))
        }
        host.status = ranAny ? .done : .skipped
        return (host, entries)
    }

    // MARK: helpers

    /// `apply 2026-12-02-spot.yaml: 3 hosts moved to L40-n3-spot`, then a line per host.
    static func commitMessage(result: ApplyReport, applied: [String]) -> String {
        let hosts = result.hosts
        let done = hosts.filter { $0.status == .done }
        var counts: [String: Int] = [:]
        for host in done { counts[host.to ?? "?", default: 0] += 1 }
        let parts = counts.sorted { ($0.value, $1.key) > ($1.value, $0.key) }.map { "\($0.value) to \($0.key)" }
        let names = applied.isEmpty ? result.files.filter { $0.status == .pending }.map { String($0.path.dropFirst("changes/".count)) } : applied
        var subject = "apply \(names.joined(separator: ", ")): "
        let launched = result.launches.filter { $0.status == .done }.count
        if done.isEmpty {
            subject += launched > 0 ? "\(launched) RunPod VM\(launched == 1 ? "" : "s") launched" : "no host moved"
        } else {
            let moved = "\(done.count) host\(done.count == 1 ? "" : "s") moved"
            subject += counts.count == 1 ? "\(moved) to \(counts.keys.first!)" : "\(moved): " + parts.joined(separator: ", ")
        }
        if !done.isEmpty, launched > 0 { subject += "; \(launched) RunPod VM\(launched == 1 ? "" : "s") launched" }
        let operations = result.operations.filter { $0.status == .done }.count
        if operations > 0 {
            let text = "\(operations) network or firewall operation\(operations == 1 ? "" : "s")"
            if subject.hasSuffix("no host moved") {
                subject = String(subject.dropLast("no host moved".count)) + text
            } else {
                subject += "; " + text
            }
        }
        let failed = hosts.filter { $0.status == .failed }.count + result.launches.filter { $0.status == .failed }.count
            + result.operations.filter { $0.status == .failed }.count
        let drifted = hosts.filter { $0.status == .drifted }.count + result.launches.filter { $0.status == .drifted }.count
        if failed > 0 { subject += "; \(failed) failed" }
        if drifted > 0 { subject += "; \(drifted) drifted" }
        var body: [String] = []
        for host in hosts where host.status != .notRun {
            body.append("\(host.host): \(host.status.rawValue)" + (host.to.map { ", to \($0)" } ?? ""))
        }
        for launch in result.launches where launch.status != .notRun {
            body.append("\(launch.host): RunPod VM \(launch.vmName) \(launch.status.rawValue)" + (launch.vmID.map { " (VM \($0))" } ?? ""))
        }
        for operation in result.operations where operation.status != .notRun {
            body.append("\(operation.command): \(operation.status.rawValue)")
        }
        if let log = result.logPath { body.append("command log: \(log)") }
        return subject + "\n\n" + body.joined(separator: "\n") + "\n"
    }

    static func encode(_ outcome: AppliedOutcome) -> Data {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.prettyPrinted, .sortedKeys, .withoutEscapingSlashes]
        var data = (try? encoder.encode(outcome)) ?? Data()
        data.append(0x0A)
        return data
    }

    /// `20261202T134500Z`.
    static func logStamp(_ date: Date) -> String {
        let formatter = DateFormatter()
        formatter.locale = Locale(identifier: "en_US_POSIX")
        formatter.timeZone = TimeZone(identifier: "UTC")
        formatter.dateFormat = "yyyyMMdd'T'HHmmss'Z'"
        return formatter.string(from: date)
    }

    /// 12 hex digits from the system's random source.
    static func newRunID() -> String {
        var generator = SystemRandomNumberGenerator()
        return (0..<6).map { _ in String(format: "%02x", UInt8.random(in: 0...255, using: &generator)) }.joined()
    }
}

enum PhaseClock {
    static func seconds(_ duration: Duration) -> Double {
        Double(duration.components.seconds) + Double(duration.components.attoseconds) / 1e18
    }
}
