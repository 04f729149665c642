import Foundation
import SpotApply
import SpotClients
import SpotCore
import SpotKit
import SpotSite
import SpotSupport

/// Previews run the planner on a change held in memory; executes write the same change as a
/// change file (`changes/<day>-serve-<what>.json`) and run it through the apply engine, which
/// takes the lock, logs every command and commits the log, the outcome and a snapshot.
extension ServeApp {
    // MARK: recommendation

    func targetAggregate(_ body: RequestBody) async throws(ServeFailure) -> ServeResponse {
        let name = try body.string("hostname")
        let typeName = try body.optionalString("gpu_type")
        let poolText = try body.optionalString("pool") ?? "spot"
        let cloud = try await currentSite().rendered.cloud
        let host = try host(name, in: cloud)
        if let typeName {
            guard cloud.type(named: typeName) != nil else {
                throw ServeFailure(404, "unknown GPU type \(typeName)", details: ["gpu_types": cloud.types.map(\.name)])
            }
            guard host.gpuType == typeName else {
                throw ServeFailure(400, "host \(host.name) is \(host.gpuType ?? "of no known GPU type"), not \(typeName)",
                                   details: ["field": "gpu_type"])
            }
        }
        let pool: Pool
        let contract: String?
        do {
            (pool, contract) = try ChangePlanner.parsePool(poolText)
        } catch {
            throw ServeFailure(400, "field pool: \(error.message)", details: ["field": "pool", "hint": error.hint ?? ""])
        }
        let recommendation = cloud.recommendTarget(hostname: host.name, pool: pool, contract: contract)
        return .success(["hostname": host.name, "gpu_type": recommendation.gpuType as Any? ?? NSNull(),
                         "pool": recommendation.pool?.apiKey as Any? ?? NSNull(),
                         "recommended_aggregate": recommendation.aggregate as Any? ?? NSNull(),
                         "reasoning": recommendation.reasoning],
                        message: recommendation.aggregate.map { "\(host.name) → \($0)" } ?? "no aggregate for \(host.name)")
    }

    // MARK: migrations

    struct MigrationInput {
        let host: String
        let source: String
        let target: String
        let allowVMs: Bool
        let validation: [String: Bool]
    }

    /// The body's migration, checked against the latest snapshot: unknown host or aggregate is a 404.
    func migrationInput(_ body: RequestBody, cloud: CloudView) throws(ServeFailure) -> MigrationInput {
        let name = try body.string("host")
        let source = try body.string("source_aggregate")
        let target = try body.string("target_aggregate")
        let allowVMs = try body.bool("allow_vms", default: false)
        let host = try host(name, in: cloud)
        let aggregates = Dictionary(cloud.facts.aggregates.map { ($0.name, $0) }, uniquingKeysWith: { first, _ in first })
        for (field, aggregate) in [("source_aggregate", source), ("target_aggregate", target)] where aggregates[aggregate] == nil {
            let near = aggregates.keys.filter { $0.lowercased().contains(aggregate.lowercased()) || aggregate.lowercased().contains($0.lowercased()) }.sorted().prefix(5)
            throw ServeFailure(404, "unknown aggregate \(aggregate) (\(field))", details: ["field": field, "similar": Array(near)])
        }
        let validation = ["source_exists": true, "target_exists": true,
                          "host_in_source": aggregates[source]?.hosts.contains(host.name) ?? false]
        return MigrationInput(host: host.name, source: source, target: target, allowVMs: allowVMs, validation: validation)
    }

    func planMigration(_ input: MigrationInput, current: ServedSite.Current, path: String) -> (Plan, PlannedMigration?) {
        let request = MigrationRequest(host: input.host, from: input.source, to: input.target, allowVMs: input.allowVMs)
        let plan = Planner.plan(files: [ChangeFile(path: path, migrations: [request])], cloud: current.rendered.cloud,
                                basis: .snapshot(commit: current.rendered.snapshot.commit))
        return (plan, plan.files.first?.migrations.first)
    }

    static func problems(_ list: [ChangeProblem]) -> [[String: Any]] {
        list.map { problem in
            var entry: [String: Any] = ["message": problem.message, "severity": problem.severity.rawValue]
            if let hint = problem.hint { entry["hint"] = hint }
            if let host = problem.host { entry["host"] = host }
            return entry
        }
    }

    func previewMigration(_ body: RequestBody) async throws(ServeFailure) -> ServeResponse {
        let current = try await currentSite()
        let input = try migrationInput(body, cloud: current.rendered.cloud)
        let (plan, planned) = planMigration(input, current: current, path: "preview-migration")
        let steps = planned?.steps ?? []
        let problems = plan.files.flatMap(\.allProblems)
        let data: [String: Any] = [
            "host": input.host, "source_aggregate": input.source, "target_aggregate": input.target,
            "commands": steps.filter { $0.skip == nil }.map(\.command),
            "steps": steps.map { step -> [String: Any] in ["command": step.command, "skipped": step.skip as Any? ?? NSNull()] },
            "validation": input.validation,
            "problems": Self.problems(problems), "warnings": Self.problems(plan.files.flatMap(\.allWarnings)),
            "snapshot": current.rendered.snapshot.commit as Any? ?? NSNull(),
        ]
        let message = problems.isEmpty
            ? "\(steps.filter { $0.skip == nil }.count) commands to move \(input.host) (add before remove)"
            : "the plan refuses this migration: \(problems.map(\.message).joined(separator: "; "))"
        return .success(data, message: message)
    }

    func executeMigration(_ body: RequestBody) async throws(ServeFailure) -> ServeResponse {
        let current = try await currentSite()
        let input = try migrationInput(body, cloud: current.rendered.cloud)
        let (plan, planned) = planMigration(input, current: current, path: "execute-migration")
        let problems = plan.files.flatMap(\.allProblems)
        guard problems.isEmpty else {
            throw ServeFailure(400, "the plan refuses this migration: \(problems.map(\.message).joined(separator: "; "))",
                               details: ["problems": Self.problems(problems), "validation": input.validation])
        }
        if let planned, planned.steps.allSatisfy({ $0.skip != nil }) {
            // Already done in the latest snapshot: nothing runs, nothing is committed.
            return .success(["host": input.host, "source_aggregate": input.source, "target_aggregate": input.target,
                             "commands_executed": [String](), "execution_time": "0.0s", "result": "in place",
                             "skipped": planned.steps.compactMap(\.skip)],
                            message: "\(input.host) is already in \(input.target): nothing to do")
        }
        var entry: [String: Any] = ["host": input.host, "from": input.source, "to": input.target]
        if input.allowVMs { entry["allow_vms"] = true }
        let report = try await apply(["reason": "requested through spotctl serve (POST /api/execute-migration)", "migrations": [entry]],
                                     slug: "migrate-\(input.host)")
        let host = report.report.hosts.first
        let executed = (host?.steps ?? []).filter { !$0.skipped && $0.status == .success }.map(\.step.command)
        var data: [String: Any] = [
            "host": input.host, "source_aggregate": input.source, "target_aggregate": input.target,
            "commands_executed": executed,
            "execution_time": String(format: "%.1fs", report.report.seconds),
            "result": host?.status.rawValue ?? "not run",
        ]
        Self.addRun(report, to: &data)
        let status = report.report.exitCode == 0 ? 200 : (report.report.exitCode == 3 ? 409 : 500)
        if status != 200 {
            return .error(status, "the migration of \(input.host) did not finish: \((host?.problems ?? report.report.runProblems).joined(separator: "; "))",
                          details: data)
        }
        return .success(data, message: "moved \(input.host) to \(input.target)")
    }

    // MARK: launches

    func launchPlan(_ body: RequestBody, path: String) async throws(ServeFailure) -> (PlannedLaunch, HostView, Plan) {
        let name = try body.string("hostname")
        let image = try body.string("image_name")
        _ = try body.optionalString("image_id")
        let flavor = try body.optionalString("flavor")
        let current = try await currentSite()
        let cloud = current.rendered.cloud
        let host = try host(name, in: cloud)
        let launch: LaunchContext
        do {
            let configuration = try repository.loadConfiguration(displayedFrom: context.workingDirectory)
            let sources = try? CloudSources.resolve(configuration: configuration, environment: context.environment,
                                                    workingDirectory: context.workingDirectory)
            launch = try ChangePlanner.launchContext(repository: repository, configuration: configuration, sources: sources, needed: true)
        } catch {
            throw ServeFailure(500, error.message, details: ["hint": error.hint ?? ""])
        }
        let request = LaunchRequest(host: host.name, image: image, flavor: flavor)
        let plan = Planner.plan(files: [ChangeFile(path: path, launches: [request])], cloud: cloud,
                                basis: .snapshot(commit: current.rendered.snapshot.commit), launch: launch)
        guard let planned = plan.files.first?.launches.first else {
            throw ServeFailure(500, "the planner gave no launch for \(host.name)")
        }
        return (planned, host, plan)
    }

    func previewLaunch(_ body: RequestBody) async throws(ServeFailure) -> ServeResponse {
        let (planned, host, plan) = try await launchPlan(body, path: "preview-runpod-launch")
        let problems = plan.files.flatMap(\.allProblems)
        let data: [String: Any] = [
            "hostname": host.name, "vm_name": planned.vmName,
            // The seed's `command` carried the key in clear; here both are masked.
            "command": planned.preview ?? "", "masked_command": planned.preview ?? "",
            "estimated_resources": ["flavor": planned.flavor as Any? ?? NSNull(), "gpu_count": host.capacity,
                                    "gpu_type": host.gpuType as Any? ?? NSNull()],
            "region": planned.region as Any? ?? NSNull(), "environment": planned.environment as Any? ?? NSNull(),
            "firewall": planned.firewall as Any? ?? NSNull(), "storage_network": planned.storageNetwork as Any? ?? NSNull(),
            "steps": planned.steps.map { ["step": "\($0.kind)", "summary": $0.summary, "command": $0.command] },
            "problems": Self.problems(problems), "warnings": Self.problems(plan.files.flatMap(\.allWarnings)),
        ]
        let message = problems.isEmpty ? "launch \(planned.vmName) on \(host.name) with \(planned.flavor ?? "?")"
                                       : "the plan refuses this launch: \(problems.map(\.message).joined(separator: "; "))"
        return .success(data, message: message)
    }

    func executeLaunch(_ body: RequestBody) async throws(ServeFailure) -> ServeResponse {
        let (planned, host, plan) = try await launchPlan(body, path: "execute-runpod-launch")
        let problems = plan.files.flatMap(\.allProblems)
        guard problems.isEmpty else {
            throw ServeFailure(400, "the plan refuses this launch: \(problems.map(\.message).joined(separator: "; "))",
                               details: ["problems": Self.problems(problems)])
        }
        var entry: [String: Any] = ["host": host.name, "image": planned.request.image]
        if let flavor = planned.request.flavor { entry["flavor"] = flavor }
        let path = try writeChangeFile(["reason": "requested through spotctl serve (POST /api/execute-runpod-launch)", "launches": [entry]],
                                       slug: "launch-\(host.name)")
        await background.start { [self] in
            do throws(SpotError) {
                _ = try await runEngine(path)
            } catch {
                removePending(path)
                FileHandle.standardError.write(Data("serve: the launch on \(host.name) (\(path)) did not run: \(error.message)\n".utf8))
            }
            _ = try? await site.refresh()
        }
        return .success([
            "vm_id": NSNull(), "vm_name": planned.vmName, "hostname": host.name, "image_name": planned.request.image,
            "status": "BUILDING", "flavor": planned.flavor as Any? ?? NSNull(),
            "network_setup": planned.storageNetwork != nil, "firewall_configured": planned.firewall != nil,
            "change": path, "progress": "GET /api/command-log",
        ], message: "launching \(planned.vmName): the launch continues in the background, its steps in the command log")
    }

    // MARK: operations

    func portCreate(_ body: RequestBody) async throws(ServeFailure) -> ServeResponse {
        let network = try body.string("network_id")
        let name = try body.string("port_name")
        let run = try await apply(["reason": "requested through spotctl serve (POST /api/openstack/port/create)",
                                   "ports": [["network": network, "name": name]]], slug: "port-\(name)")
        return operationResponse(run, message: "port \(name) on \(network)")
    }

    func addNetwork(_ body: RequestBody) async throws(ServeFailure) -> ServeResponse {
        let server = try body.string("server_uuid")
        let port = try body.string("port_id")
        let run = try await apply(["reason": "requested through spotctl serve (POST /api/openstack/server/add-network)",
                                   "attachments": [["server": server, "port": port]]], slug: "attach-\(port)")
        return operationResponse(run, message: "port \(port) on \(server)")
    }

    func firewallUpdate(_ body: RequestBody) async throws(ServeFailure) -> ServeResponse {
        let id = try body.integer("firewall_id")
        let vms = try body.integers("vm_ids")
        let replace = try body.bool("replace", default: false)
        guard !vms.isEmpty else { throw ServeFailure(400, "field vm_ids is empty", details: ["field": "vm_ids"]) }
        let attached = try await withReader { (reader: CloudReader) async throws(ServeFailure) -> [Int] in
            let client = try Self.hyperstack(reader)
            do throws(ClientError) { return try await client.firewallAttachments(id: id) } catch { throw Self.failure(error) }
        }
        let dropped = attached.filter { !vms.contains($0) }
        if !dropped.isEmpty {
            guard replace else {
                throw ServeFailure(409, "the list would detach \(dropped.count) VMs attached to firewall \(id): \(dropped.map(String.init).joined(separator: ", "))",
                                   details: ["attached": attached, "dropped": dropped,
                                             "hint": "send every VM to keep (the list replaces the firewall's), or \"replace\": true to detach them"])
            }
            throw ServeFailure(501, "detaching VMs from a firewall is not supported: spotctl only adds to firewalls",
                               details: ["dropped": dropped, "hint": "detach them in Hyperstack's console"])
        }
        let run = try await apply(["reason": "requested through spotctl serve (POST /api/hyperstack/firewall/update-attachments)",
                                   "firewall_attachments": [["firewall": id, "vms": vms]]], slug: "firewall-\(id)")
        return operationResponse(run, message: "firewall \(id)")
    }

    func operationResponse(_ run: EngineRun, message: String) -> ServeResponse {
        let operation = run.report.operations.first
        var data: [String: Any] = [
            "command": operation?.command ?? "", "result": operation?.status.rawValue ?? "not run",
            "steps": (operation?.steps ?? []).map { step -> [String: Any] in
                ["command": step.record.command, "status": step.record.status.rawValue, "output": step.record.output, "skipped": step.record.skipped]
            },
            "execution_time": String(format: "%.1fs", run.report.seconds),
        ]
        Self.addRun(run, to: &data)
        guard run.report.exitCode == 0 else {
            return .error(run.report.exitCode == 3 ? 409 : 500,
                          "\(message) did not finish: \((operation?.problems ?? run.report.runProblems).joined(separator: "; "))", details: data)
        }
        return .success(data, message: "\(message): \(operation?.status.rawValue ?? "done")")
    }

    // MARK: the command log

    func clearLog() async throws(ServeFailure) -> ServeResponse {
        let outcome: CommandLogArchiver.Outcome
        do {
            outcome = try await CommandLogArchiver.clear(repository: repository, context: context)
        } catch {
            throw ServeFailure(error.message.contains("lock") ? 409 : 500, error.message, details: ["hint": error.hint ?? ""])
        }
        _ = try? await site.refresh()
        return .success(["archived": outcome.files, "entries": outcome.entries, "commit": outcome.commit as Any? ?? NSNull()],
                        message: outcome.files.isEmpty ? "Command log is already empty" : "Command log cleared successfully")
    }

    // MARK: running the engine

    struct EngineRun: Sendable {
        let path: String
        let report: ApplyReport
    }

    static func addRun(_ run: EngineRun, to data: inout [String: Any]) {
        data["change"] = run.path
        if case .committed(let commit)? = run.report.commit { data["commit"] = commit } else { data["commit"] = NSNull() }
        data["log"] = run.report.logPath as Any? ?? NSNull()
        if run.report.files.first?.status == .pending {
            data["pending"] = "\(run.path) stays pending: `spotctl apply \(run.path)` continues it; delete the file to drop it"
        }
    }

    /// Writes the change file and runs it; a run that throws (the lock held, the snapshot
    /// unreadable) leaves nothing behind.
    func apply(_ document: [String: Any], slug: String) async throws(ServeFailure) -> EngineRun {
        let path = try writeChangeFile(document, slug: slug)
        do {
            let report = try await runEngine(path)
            _ = try? await site.refresh()
            return EngineRun(path: path, report: report)
        } catch {
            removePending(path)
            let held = error.message.lowercased().contains("lock")
            throw ServeFailure(held ? 409 : 500, error.message, details: ["hint": error.hint ?? ""])
        }
    }

    func runEngine(_ path: String) async throws(SpotError) -> ApplyReport {
        var engine = ApplyEngine.Options()
        engine.files = [path]
        engine.clientOptions = options.clientOptions
        engine.launchOptions = options.launchOptions
        return try await ApplyEngine.run(repository: repository, options: engine, context: context)
    }

    func removePending(_ path: String) {
        let url = repository.root.appendingPathComponent(path)
        if FileManager.default.fileExists(atPath: url.path) { try? FileManager.default.removeItem(at: url) }
    }

    /// `changes/<day>-serve-<slug>.json` (`-2`, `-3` when taken), pretty JSON with sorted keys.
    func writeChangeFile(_ document: [String: Any], slug: String) throws(ServeFailure) -> String {
        let day = ChangePlanner.day(context.clock.now())
        let clean = String(slug.lowercased().map { $0.isLetter || $0.isNumber ? $0 : "-" }).split(separator: "-").joined(separator: "-")
        let base = "\(day)-serve-\(clean.prefix(60))"
        let directory = repository.changesDirectory
        var name = base + ".json"
        var counter = 2
        while FileManager.default.fileExists(atPath: directory.appendingPathComponent(name).path)
            || FileManager.default.fileExists(atPath: directory.appendingPathComponent("applied/" + name).path) {
            name = "\(base)-\(counter).json"
            counter += 1
        }
        do {
            try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
            var data = try JSONSerialization.data(withJSONObject: document, options: [.prettyPrinted, .sortedKeys, .withoutEscapingSlashes])
            data.append(0x0A)
            try data.write(to: directory.appendingPathComponent(name), options: .withoutOverwriting)
        } catch {
            throw ServeFailure(500, "cannot write changes/\(name): \(error.localizedDescription)")
        }
        return "changes/" + name
    }
}
