/// What launches are checked and previewed with: Hyperstack's catalogue (nil: not read), the
/// cloud-init template's text (nil: the built-in one), the API's base URL, and the keys, only to be
/// masked in the preview.
public struct LaunchContext: Sendable {
    public var catalog: HyperstackCatalog?
    public var cloudInitTemplate: String?
    public var hyperstackURL: String
    public var hyperstackKey: String?
    public var runpodKey: String?

    public init(catalog: HyperstackCatalog? = nil, cloudInitTemplate: String? = nil,
                hyperstackURL: String = "https://infrahub-api.nexgencloud.com/v1", hyperstackKey: String? = nil, runpodKey: String? = nil) {
        self.catalog = catalog
        self.cloudInitTemplate = cloudInitTemplate
        self.hyperstackURL = hyperstackURL
        self.hyperstackKey = hyperstackKey
        self.runpodKey = runpodKey
    }
}

/// Resolves change files against a `CloudView` (the latest snapshot, or the live cloud read for
/// `--refresh` and for `apply`'s re-validation): every entry's target, its steps (add to the target,
/// then remove from the source, so a host is never in no GPU aggregate), and every problem of every
/// file in one run. Pure: it reads the view and writes nothing.
public enum Planner {
    /// Parses and plans files given as (path, text), in the order given (callers pass name order).
    public static func plan(texts: [(path: String, text: String)], cloud: CloudView, basis: Plan.Basis,
                            launch: LaunchContext = LaunchContext()) -> Plan {
        var parsed: [FilePlan] = []
        var files: [ChangeFile] = []
        for (path, text) in texts {
            let (file, problems) = ChangeFileParser.parse(path: path, text: text)
            if let file {
                files.append(file)
            } else {
                parsed.append(FilePlan(path: path, problems: problems))
            }
        }
        var plan = self.plan(files: files, cloud: cloud, basis: basis, launch: launch)
        plan.files = (plan.files + parsed).sorted { order(texts, $0.path) < order(texts, $1.path) }
        return plan
    }

    private static func order(_ texts: [(path: String, text: String)], _ path: String) -> Int {
        texts.firstIndex { $0.path == path } ?? Int.max
    }

    /// Plans parsed files. A host named twice (in one file or across files) is a problem at its
    /// second entry.
    public static func plan(files: [ChangeFile], cloud: CloudView, basis: Plan.Basis, launch: LaunchContext = LaunchContext()) -> Plan {
        var seen: [String: (file: String, line: Int)] = [:]
        var launched: [String: (file: String, line: Int)] = [:]
        var plans: [FilePlan] = []
        for file in files {
            var filePlan = FilePlan(path: file.path, reason: file.reason)
            for request in file.migrations {
                var planned = migration(request, file: file.path, cloud: cloud)
                let key = planned.host.lowercased()
                if let first = seen[key] {
                    let place = first.file == file.path ? "line \(first.line)" : "\(first.file):\(first.line)"
                    planned.problems.append(problem(file.path, request.hostPosition, planned.host,
                                                    "the host is named twice (first at \(place))",
                                                    "keep one entry per host across all pending change files"))
                } else {
                    seen[key] = (file.path, request.hostPosition.line)
                }
                filePlan.migrations.append(planned)
            }
            for request in file.launches {
                var planned = LaunchPlanner.plan(request, file: file.path, cloud: cloud, catalog: launch.catalog,
                                                 cloudInitTemplate: launch.cloudInitTemplate, hyperstackURL: launch.hyperstackURL,
                                                 hyperstackKey: launch.hyperstackKey, runpodKey: launch.runpodKey)
                let key = planned.host.lowercased()
                if let first = launched[key] {
                    let place = first.file == file.path ? "line \(first.line)" : "\(first.file):\(first.line)"
                    planned.problems.append(problem(file.path, request.hostPosition, planned.host,
                                                    "the host is launched twice (first at \(place))",
                                                    "a RunPod host runs one VM; keep one launch per host"))
                } else {
                    launched[key] = (file.path, request.hostPosition.line)
                }
                filePlan.launches.append(planned)
            }
            for request in file.operations {
                filePlan.operations.append(PlannedOperation.plan(request, file: file.path, cloud: cloud, launch: launch))
            }
            plans.append(filePlan)
        }
        // A host moved and launched in the same run: the launch was checked against where the
        // host is now, and the move runs first. Refused: move it, then launch in a later change.
        for fileIndex in plans.indices {
            for launchIndex in plans[fileIndex].launches.indices {
                let launch = plans[fileIndex].launches[launchIndex]
                guard let moved = seen[launch.host.lowercased()] else { continue }
                plans[fileIndex].launches[launchIndex].problems.append(
                    problem(launch.file, launch.request.hostPosition, launch.host,
                            "the host is also moved by \(moved.file):\(moved.line) in this run; a launch is checked against where the host is now",
                            "apply the migration first, then launch in a later change"))
            }
        }
        return Plan(basis: basis, files: plans)
    }

    /// One entry against the cloud.
    public static func migration(_ request: MigrationRequest, file: String, cloud: CloudView) -> PlannedMigration {
        var planned = PlannedMigration(request: request, file: file, host: request.host, gpuType: nil, from: [], to: nil,
                                       pool: nil, reasoning: nil, steps: [], problems: [], warnings: [])
        func fail(_ position: SourcePosition, _ message: String, _ hint: String? = nil) {
            planned.problems.append(problem(file, position, planned.host, message, hint))
        }
        func warn(_ position: SourcePosition, _ message: String, _ hint: String? = nil) {
            planned.warnings.append(ChangeProblem(.warning, file: file, line: position.line, column: position.column,
                                                  host: planned.host, message: message, hint: hint))
        }

        guard let host = cloud.host(named: request.host) else {
            if cloud.cpuOnlyHosts.contains(where: { $0.lowercased() == request.host.lowercased() }) {
                fail(request.hostPosition, "\(request.host) is a compute host without GPUs; only GPU hosts move between GPU pools")
            } else {
                let near = nearestHosts(request.host, cloud)
                fail(request.hostPosition, "unknown host \(request.host)",
                     near.isEmpty ? "check the name against the latest snapshot; spotctl snapshot refreshes it"
                                  : "did you mean \(near.joined(separator: " or "))?")
            }
            return planned
        }
        planned.host = host.name
        planned.gpuType = host.gpuType
        if !host.inNova {
            fail(request.hostPosition, "\(host.name) is in NetBox but has no compute service in OpenStack",
                 "only compute hosts can join aggregates")
            return planned
        }
        for warning in cloud.warnings where warning.subject == host.name
            && [.typeConflict, .poolConflict].contains(warning.kind) {
            warn(request.hostPosition, warning.message)
        }

        // The target.
        guard let (target, targetPool, reasoning) = resolveTarget(request, host: host, cloud: cloud, fail: fail) else {
            return planned
        }
        planned.to = target
        planned.pool = targetPool
        planned.reasoning = reasoning
        let targetView = cloud.aggregate(named: target)

        // The source: pinned (apply), written (`from:`), or the host's GPU-pool aggregates.
        let memberOf = Set(host.aggregates)
        if let pinned = request.pinnedFrom {
            planned.from = pinned
            let stillIn = pinned.filter(memberOf.contains)
            if stillIn.isEmpty, !memberOf.contains(target) {
                fail(request.position, "\(host.name) is no longer in \(list(pinned)): it is in \(list(host.aggregates, empty: "no aggregate"))",
                     "someone moved it since the plan was reviewed; fix the change file's from: (or remove the entry) and run spotctl apply again")
                return planned
            }
        } else if let from = request.from {
            let position = request.fromPosition ?? request.position
            guard let fromView = cloud.aggregate(named: from) else {
                fail(position, "unknown aggregate \(from) in from:", "name one of the host's aggregates: \(list(host.aggregates, empty: "none"))")
                return planned
            }
            guard case .gpuPool = fromView.kind else {
                fail(position, "\(from) is not a GPU-pool aggregate", "from: names the GPU-pool aggregate the host leaves")
                return planned
            }
            if from == target {
                fail(position, "from: and to: name the same aggregate, \(from)")
                return planned
            }
            if !memberOf.contains(from) {
                if memberOf.contains(target) {
                    // Already moved: the entry is done.
                } else {
                    fail(position, "\(host.name) is not in \(from): it is in \(list(host.aggregates, empty: "no aggregate"))",
                         "correct from: to where the host is now, or refresh the snapshot (spotctl snapshot) if it moved")
                    return planned
                }
            }
            planned.from = [from]
        } else {
            planned.from = host.aggregates.filter { name in
                guard name != target, let view = cloud.aggregate(named: name), case .gpuPool = view.kind else { return false }
                return true
            }
        }
        let leaving = planned.from.filter(memberOf.contains)

        // Leaving a pool with VMs.
        if host.hasVMs, !leaving.isEmpty {
            let vms = "\(host.vmCount) VM\(host.vmCount == 1 ? "" : "s")"
            let leavingPools = leaving.compactMap { name -> Pool? in
                if case .gpuPool(_, let pool, _)? = cloud.aggregate(named: name)?.kind { return pool }
                return nil
            }
            if leavingPools.contains(.spot) {
                fail(request.hostPosition, "\(host.name) has \(vms) and is leaving spot: refused",
                     "spot hosts are emptied before they move; wait for the VMs to end or migrate them, then plan again")
                return planned
            } else if request.allowVMs {
                warn(request.hostPosition, "\(host.name) has \(vms) and leaves \(list(leaving)); allowed by allow_vms: true")
            } else {
                fail(request.hostPosition, "\(host.name) has \(vms) and is leaving \(list(leaving)): refused",
                     "the VMs stay on the host; if that is intended, add allow_vms: true to the entry")
                return planned
            }
        }

        // Availability zones: Nova refuses (409) to add a host to an aggregate whose zone differs
        // from a zone the host already has, and add comes before remove.
        if let zone = targetView?.aggregate.availabilityZone, !memberOf.contains(target) {
            let others = host.aggregates.compactMap { name -> (String, String)? in
                guard let other = cloud.aggregate(named: name)?.aggregate.availabilityZone, other != zone else { return nil }
                return (name, other)
            }
            if let (name, other) = others.first {
                fail(request.toPosition,
                     "\(target) is in availability zone \(zone) but \(host.name) is in \(other) (through \(name)); Nova refuses (409) to add it before it leaves, and spotctl never leaves a host in no aggregate",
                     "give both aggregates the same availability zone, or move the host in two reviewed steps through an aggregate without a zone")
                return planned
            }
        }

        if host.pool == .outofstock, let reason = host.outOfStockReason {
            warn(request.hostPosition, "\(host.name) is out of stock (\(reason)); it moves, and stays out of stock until that is fixed")
        }

        // The steps: add before remove.
        if memberOf.contains(target) {
            planned.steps.append(PlanStep(action: .addHost, aggregate: target, host: host.name, skip: "already in \(target)"))
        } else {
            planned.steps.append(PlanStep(action: .addHost, aggregate: target, host: host.name))
        }
        for source in planned.from {
            planned.steps.append(PlanStep(action: .removeHost, aggregate: source, host: host.name,
                                          skip: memberOf.contains(source) ? nil : "not in \(source)"))
        }
        return planned
    }

    /// The target aggregate of an entry, with its pool and the reasoning; nil after reporting why not.
    static func resolveTarget(_ request: MigrationRequest, host: HostView, cloud: CloudView,
                              fail: (SourcePosition, String, String?) -> Void) -> (String, Pool, String)? {
        let position = request.toPosition
        let to = request.to
        let wanted: (Pool, String?)?
        switch to {
        case "spot": wanted = (.spot, nil)
        case "ondemand", "on-demand": wanted = (.ondemand, nil)
        case "runpod": wanted = (.runpod, nil)
        case "outofstock":
            fail(position, "out of stock is not an aggregate", "disable the compute service or set the NetBox status instead")
            return nil
        default:
            if to.hasPrefix("contract:") {
                let name = String(to.dropFirst("contract:".count))
                wanted = (.contract, name.isEmpty ? nil : name)
            } else {
                wanted = nil
            }
        }
        guard let hostType = host.gpuType else {
            fail(request.hostPosition, "the GPU type of \(host.name) is unknown", "tag its NetBox device with a GPU type, or put it in a GPU-pool aggregate")
            return nil
        }
        if let (pool, contract) = wanted {
            if let contract, let view = cloud.aggregate(named: contract) {
                guard case .gpuPool(let type, .contract, _) = view.kind else {
                    fail(position, "\(contract) is not a contract aggregate", nil)
                    return nil
                }
                if type != hostType {
                    fail(position, "\(contract) is a \(type) aggregate but \(host.name) is a \(hostType) host", nil)
                    return nil
                }
            } else if let contract {
                fail(position, "unknown aggregate \(contract)", suggestion(contract, cloud))
                return nil
            }
            let recommendation = cloud.recommendTarget(hostname: host.name, pool: pool, contract: contract)
            guard let aggregate = recommendation.aggregate else {
                fail(position, "no \(pool.label) aggregate for \(host.name): \(recommendation.reasoning)",
                     "create the aggregate, or name an existing one in to:")
                return nil
            }
            return (aggregate, pool, recommendation.reasoning)
        }
        guard let view = cloud.aggregate(named: to) else {
            fail(position, "unknown aggregate or pool \(to)",
                 suggestion(to, cloud) ?? "name an aggregate, or one of spot, ondemand, runpod, contract:<aggregate>")
            return nil
        }
        guard case .gpuPool(let type, let pool, _) = view.kind else {
            fail(position, "\(to) is not a GPU-pool aggregate", "name an aggregate of a GPU pool, or one of spot, ondemand, runpod, contract:<aggregate>")
            return nil
        }
        if type != hostType {
            fail(position, "\(to) is a \(type) aggregate but \(host.name) is a \(hostType) host", nil)
            return nil
        }
        return (to, pool, "\(to) is named in the change file")
    }

    static func problem(_ file: String, _ position: SourcePosition, _ host: String?, _ message: String, _ hint: String? = nil) -> ChangeProblem {
        ChangeProblem(.error, file: file, line: position.line, column: position.column, host: host, message: message, hint: hint)
    }

    static func list(_ names: [String], empty: String = "none") -> String {
        names.isEmpty ? empty : names.joined(separator: ", ")
    }

    /// The nearest aggregate names, for "did you mean".
    static func suggestion(_ name: String, _ cloud: CloudView) -> String? {
        let lowered = name.lowercased()
        let close = cloud.aggregates.map(\.aggregate.name).filter {
            $0.lowercased() == lowered || editDistance($0.lowercased(), lowered) <= 2
        }.prefix(3)
        return close.isEmpty ? nil : "did you mean \(close.joined(separator: " or "))?"
    }

    static func nearestHosts(_ name: String, _ cloud: CloudView) -> [String] {
        let lowered = name.lowercased()
        guard lowered.count >= 4 else { return [] }
        return Array(cloud.hosts.lazy.map(\.name).filter { editDistance($0.lowercased(), lowered) <= 2 }.prefix(3))
    }
}
