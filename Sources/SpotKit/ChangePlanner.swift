public import Foundation
public import SpotClients
public import SpotCore
import SpotSupport
import GitStore

/// `plan`, `recommend` and `new migration`: the change files of an operations repository read
/// against the latest snapshot (or the live cloud), through the core's `Planner`. Nothing here
/// writes to the cloud; only `newMigration` writes a file, and only when the entry is valid.
public enum ChangePlanner {
    /// The latest committed snapshot as views, with its commit.
    public struct Basis: Sendable {
        public let cloud: CloudView
        public let plan: Plan.Basis
        /// Hyperstack's flavors, environments and key pairs, read live with `--refresh` (nil
        /// otherwise, or without Hyperstack).
        public var catalog: HyperstackCatalog? = nil
    }

    /// The view of the latest snapshot (HEAD), or of the live cloud with `refresh`.
    public static func basis(repository: OperationsRepository, configuration: Configuration, refresh: Bool, context: RunContext,
                             clientOptions: ClientOptions? = nil,
                             report: @escaping @Sendable (String) -> Void = { _ in }) async throws(SpotError) -> Basis {
        if refresh {
            let sources: CloudSources
            do {
                sources = try CloudSources.resolve(configuration: configuration, environment: context.environment,
                                                   workingDirectory: context.workingDirectory)
            } catch {
                throw SpotError(error.message, hint: error.hint)
            }
            for note in sources.notes { report("note: \(note)") }
            let reader: CloudReader
            do {
                reader = try CloudReader(configuration: configuration, sources: sources, options: clientOptions ?? ClientOptions())
            } catch {
                throw SpotError("cannot set up the HTTP client: \(error)")
            }
            let facts: Facts
            let catalog: HyperstackCatalog?
            do throws(CloudReadError) {
                facts = try await reader.readAll()
                do {
                    catalog = try await reader.hyperstackCatalog()
                } catch {
                    throw CloudReadError(source: "Hyperstack", underlying: error)
                }
            } catch {
                await reader.shutdown()
                throw SpotError("cannot read the live cloud: \(Redactor(secrets: sources.secrets).redact(error.description))",
                                hint: "check the service named above, or plan against the latest snapshot without --refresh")
            }
            await reader.shutdown()
            let cloud = await offCooperativePool { CloudView(facts: facts, configuration: configuration) }
            return Basis(cloud: cloud, plan: .live, catalog: catalog)
        }
        let reader = try RepositoryReader(repository: repository)
        guard let head = try await reader.snapshots(limit: 1).first?.id else {
            throw SpotError("there is no snapshot in \(repository.root.path) to plan against",
                            hint: "take one with `spotctl snapshot`, or plan against the live cloud with --refresh")
        }
        let facts = try await reader.facts(at: head)
        let cloud = await offCooperativePool { CloudView(facts: facts, configuration: configuration) }
        return Basis(cloud: cloud, plan: .snapshot(commit: head))
    }

    /// The pending change files: the ones named (each must be a change file under `changes/`, not
    /// `changes/applied/`), or every `changes/*.yaml|yml|json`, in name order, with their text.
    /// `plan` and `apply` both read them here.
    public static func pendingFiles(repository: OperationsRepository, named: [String], workingDirectory: URL) throws(SpotError) -> [(path: String, text: String)] {
        let root = repository.root.standardizedFileURL.path
        var paths: [String] = []
        if named.isEmpty {
            let directory = repository.changesDirectory
            let names = (try? FileManager.default.contentsOfDirectory(atPath: directory.path)) ?? []
            paths = names.map { "changes/\($0)" }.filter(RepositoryReader.isChangeFile).filter { !$0.hasPrefix("changes/applied/") }
        } else {
            for name in named {
                let url = name.hasPrefix("/") ? URL(fileURLWithPath: name) : workingDirectory.appendingPathComponent(name)
                var absolute = url.standardizedFileURL.path
                // `changes/NAME` also names the repository's file from anywhere in it.
                if !FileManager.default.fileExists(atPath: absolute), name.hasPrefix("changes/") {
                    absolute = repository.root.appendingPathComponent(name).standardizedFileURL.path
                }
                guard absolute.hasPrefix(root + "/") else {
                    throw SpotError("\(name) is not in the operations repository \(root)",
                                    hint: "change files live in its changes/ folder")
                }
                let relative = String(absolute.dropFirst(root.count + 1))
                guard RepositoryReader.isChangeFile(relative), !relative.dropFirst("changes/".count).contains("/") else {
                    throw SpotError("\(relative) is not a pending change file",
                                    hint: "name a .yaml, .yml or .json file directly in changes/ (applied ones are in changes/applied/)")
                }
                paths.append(relative)
            }
        }
        var files: [(path: String, text: String)] = []
        for path in Set(paths).sorted() {
            let url = repository.root.appendingPathComponent(path)
            if SafeFile.kind(at: url.path) == .symbolicLink {
                throw SpotError("\(path) is a symbolic link; change files must be plain files in the repository", at: .init(file: path))
            }
            guard let data = FileManager.default.contents(atPath: url.path) else {
                throw SpotError("cannot read \(path)", hint: "check that it exists and is readable", at: .init(file: path))
            }
            guard let text = String(data: data, encoding: .utf8) else {
                throw SpotError("\(path) is not UTF-8 text", at: .init(file: path))
            }
            files.append((path, text))
        }
        return files
    }

    /// `spotctl plan`.
    public static func plan(repository: OperationsRepository, files named: [String], refresh: Bool, context: RunContext,
                            clientOptions: ClientOptions? = nil,
                            report: @escaping @Sendable (String) -> Void = { _ in }) async throws(SpotError) -> Plan {
        let configuration = try repository.loadConfiguration(displayedFrom: context.workingDirectory)
        let files = try pendingFiles(repository: repository, named: named, workingDirectory: context.workingDirectory)
        let basis = try await self.basis(repository: repository, configuration: configuration, refresh: refresh, context: context,
                                         clientOptions: clientOptions, report: report)
        let sources = try? CloudSources.resolve(configuration: configuration, environment: context.environment,
                                                workingDirectory: context.workingDirectory)
        var launch = try launchContext(repository: repository, configuration: configuration, sources: sources,
                                       needed: files.contains { $0.text.contains("launches") })
        launch.catalog = basis.catalog
        let plan = Planner.plan(texts: files, cloud: basis.cloud, basis: basis.plan, launch: launch)
        // The snapshot's scan over every form of the plan, with the secrets this environment holds
        // (CI gives plan read-only credentials): a PR comment must never carry one.
        if let sources {
            let forms = Dictionary(uniqueKeysWithValues: PlanFormat.allCases.map { ("plan.\($0.rawValue)", Data(plan.rendered($0).utf8)) })
            try SecretScan(secrets: sources.secrets).check(forms, output: "the plan")
        }
        return plan
    }

    /// What launches are previewed with: the cloud-init template (`launch.cloud_init_template`, a
    /// file in the repository; nil for the built-in one), Hyperstack's URL, and the keys, which the
    /// preview only masks. Hyperstack's flavors, environments and key pairs come with `--refresh`
    /// (`Basis.catalog`); against the snapshot they are not checked, and the plan says so.
    public static func launchContext(repository: OperationsRepository, configuration: Configuration, sources: CloudSources?,
                                     needed: Bool) throws(SpotError) -> LaunchContext {
        var context = LaunchContext()
        if let url = sources?.hyperstack.credentials?.url { context.hyperstackURL = url }
        context.hyperstackKey = sources?.hyperstack.credentials?.key.reveal
        context.runpodKey = sources?.runPodKey?.reveal
        if needed, let template = configuration.launch.cloudInitTemplate {
            let url = repository.root.appendingPathComponent(template).standardizedFileURL
            let root = repository.root.standardizedFileURL.path
            guard !template.hasPrefix("/"), url.path.hasPrefix(root + "/") else {
                throw SpotError("the cloud-init template \(template) (launch.cloud_init_template) is outside the repository",
                                hint: "name a file in the repository, relative to its root",
                                at: .init(file: OperationsRepository.configurationFileName))
            }
            guard SafeFile.kind(at: url.path) == .regular, let data = FileManager.default.contents(atPath: url.path),
                  let text = String(data: data, encoding: .utf8) else {
                throw SpotError("cannot read the cloud-init template \(template) (launch.cloud_init_template)",
                                hint: "commit the file at that path in the repository, or remove the key to use the built-in template",
                                at: .init(file: OperationsRepository.configurationFileName))
            }
            context.cloudInitTemplate = text
        }
        return context
    }

    /// `spotctl recommend`: `spot`, `ondemand`, `runpod` or `contract:NAME` (or `contract`).
    public static func recommend(repository: OperationsRepository, host: String, pool text: String,
                                 context: RunContext) async throws(SpotError) -> Recommendation {
        let (pool, contract) = try parsePool(text)
        let configuration = try repository.loadConfiguration(displayedFrom: context.workingDirectory)
        let basis = try await self.basis(repository: repository, configuration: configuration, refresh: false, context: context)
        guard basis.cloud.host(named: host) != nil else {
            throw SpotError("unknown host \(host): not a GPU host in the latest snapshot", hint: "check the name, or run spotctl snapshot",
                            at: .init(host: host))
        }
        return basis.cloud.recommendTarget(hostname: host, pool: pool, contract: contract)
    }

    public static func parsePool(_ text: String) throws(SpotError) -> (Pool, String?) {
        switch text {
        case "spot": return (.spot, nil)
        case "ondemand", "on-demand": return (.ondemand, nil)
        case "runpod": return (.runpod, nil)
        case "contract": return (.contract, nil)
        default:
            if text.hasPrefix("contract:"), text.count > "contract:".count {
                return (.contract, String(text.dropFirst("contract:".count)))
            }
            throw SpotError("unknown pool \(text)", hint: "name spot, ondemand, runpod or contract:<aggregate>")
        }
    }

    /// What `new migration` wrote.
    public struct NewMigration: Sendable {
        /// The path in the repository.
        public let path: String
        public let plan: Plan
    }

    /// `spotctl new migration HOST... --to TARGET [--reason TEXT]`: plans the entries against the
    /// latest snapshot, and writes `changes/<date>-<slug>.yaml` only when every entry is valid
    /// (each host's `from` filled with its GPU-pool aggregate when it has exactly one). Throws a
    /// `SpotError`, or `SpotErrors` with every problem of the entries.
    public static func newMigration(repository: OperationsRepository, hosts: [String], to target: String, reason: String?,
                                    allowVMs: Bool = false, context: RunContext) async throws -> NewMigration {
        let configuration = try repository.loadConfiguration(displayedFrom: context.workingDirectory)
        let basis = try await self.basis(repository: repository, configuration: configuration, refresh: false, context: context)
        let cloud = basis.cloud
        var requests: [MigrationRequest] = []
        for host in hosts {
            var request = MigrationRequest(host: cloud.host(named: host)?.name ?? host, to: target, allowVMs: allowVMs)
            if let view = cloud.host(named: host) {
                // Pin the source when the host has one GPU-pool aggregate that is not the target.
                let resolved = Planner.migration(request, file: "", cloud: cloud).to
                let gpuPool = view.aggregates.filter { name in
                    if case .gpuPool? = cloud.aggregate(named: name)?.kind { return true }
                    return false
                }
                if gpuPool.count == 1, gpuPool[0] != resolved { request.from = gpuPool[0] }
            }
            requests.append(request)
        }
        let date = day(context.clock.now())
        let slug = Slug.make(reason ?? "move \(hosts.count == 1 ? hosts[0] : "\(hosts.count) hosts") to \(target.replacingOccurrences(of: "contract:", with: ""))")
        let bounded = String(slug.prefix(60)).trimmingCharacters(in: CharacterSet(charactersIn: "-"))
        let base = "changes/\(date)-\(bounded.isEmpty ? "migration" : bounded)"
        var path = base + ".yaml"
        var counter = 2
        while FileManager.default.fileExists(atPath: repository.root.appendingPathComponent(path).path)
            || FileManager.default.fileExists(atPath: repository.root.appendingPathComponent("changes/applied/" + path.dropFirst("changes/".count)).path) {
            path = "\(base)-\(counter).yaml"
            counter += 1
        }
        let text = migrationYAML(requests, reason: reason, date: date)
        // Plan the very text that would be written, so its positions are the file's.
        let plan = Planner.plan(texts: [(path, text)], cloud: cloud, basis: basis.plan)
        guard plan.problems.isEmpty else {
            throw SpotErrors(plan.problems.map { SpotError($0) } + [
                SpotError("nothing was written", hint: "fix the hosts or the target, then run spotctl new migration again")])
        }
        let url = repository.root.appendingPathComponent(path)
        do {
            try SafeFile.makeDirectory(repository.changesDirectory.path)
            guard try SafeFile.create(Array(text.utf8), at: url.path) else {
                throw SpotError("\(path) appeared while it was being written", hint: "run spotctl new migration again", at: .init(file: path))
            }
        } catch let error as SpotError {
            throw error
        } catch {
            throw SpotError("cannot write \(path): \(error)", at: .init(file: path))
        }
        return NewMigration(path: path, plan: plan)
    }

    /// A migration file in the format of docs/change-files.md: every value a JSON string, so that
    /// names with spaces, quotes or non-ASCII letters cannot break it.
    public static func migrationYAML(_ requests: [MigrationRequest], reason: String?, date: String) -> String {
        var text = "# Written by spotctl new migration on \(date). Review it in a pull request; spotctl apply runs it after the merge.\n"
        if let reason { text += "reason: \(jsonString(reason))\n" }
        text += "migrations:\n"
        for request in requests {
            text += "  - host: \(jsonString(request.host))\n"
            if let from = request.from { text += "    from: \(jsonString(from))\n" }
            text += "    to: \(jsonString(request.to))\n"
            if request.allowVMs { text += "    allow_vms: true\n" }
        }
        return text
    }

    static func jsonString(_ value: String) -> String {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.withoutEscapingSlashes]
        return (try? encoder.encode(value)).map { String(decoding: $0, as: UTF8.self) } ?? "\"\""
    }

    /// `2026-12-02`, in UTC: the date of a change file's name.
    public static func day(_ date: Date) -> String {
        var calendar = Calendar(identifier: .gregorian)
        calendar.timeZone = TimeZone(identifier: "UTC")!
        let parts = calendar.dateComponents([.year, .month, .day], from: date)
        return String(format: "%04d-%02d-%02d", parts.year ?? 0, parts.month ?? 0, parts.day ?? 0)
    }
}

extension SpotError {
    /// A change file's problem as an error for people: its place, host, message and hint.
    public init(_ problem: ChangeProblem) {
        self.init(problem.message, hint: problem.hint,
                  at: .init(file: problem.file, line: problem.line, column: problem.column, host: problem.host))
    }
}
