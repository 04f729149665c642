import Foundation
import GitStore
import SpotCore
import SpotKit
import SpotSimulator

/// The facts of a generated scenario, built directly (no HTTP), NetBox devices included, so that
/// types, tenants and owner groups are as a snapshot would store them.
func renderBenchFacts(_ scenario: Scenario) -> Facts {
    var facts = Facts(devices: [])
    facts.aggregates = scenario.aggregates.map { Aggregate(id: $0.id, name: $0.name, hosts: $0.hosts.sorted(), metadata: $0.metadata) }
    facts.services = scenario.hosts.map {
        ComputeService(id: $0.serviceID, host: $0.name, status: $0.status, state: $0.state, disabledReason: $0.disabledReason)
    }
    facts.hypervisors = scenario.hosts.map { Hypervisor(id: $0.hypervisorID, hypervisorHostname: $0.hypervisorHostname, serviceHost: $0.name) }
    facts.flavors = scenario.flavors.map { Flavor(id: $0.id, name: $0.name, vcpus: $0.vcpus, extraSpecs: $0.extraSpecs) }
    let flavorSpecs = Dictionary(scenario.flavors.map { ($0.name, $0.extraSpecs) }, uniquingKeysWith: { first, _ in first })
    facts.projects = scenario.projects.map { Project(id: $0.id, name: $0.name) }
    facts.servers = scenario.servers.map {
        Server(id: $0.id, name: $0.name, status: $0.status, host: $0.host, projectID: $0.projectID, flavorName: $0.flavor,
               flavorExtraSpecs: flavorSpecs[$0.flavor], created: $0.created)
    }
    facts.devices = scenario.devices.map { device in
        NetBoxDevice(id: device.id, name: device.name, webURL: "https://netbox.example.net/dcim/devices/\(device.id)/",
                     status: device.status, tenant: device.tenant.map { NetBoxRef(slug: $0.slug, name: $0.name) },
                     role: NetBoxRef(slug: device.role.slug, name: device.role.name),
                     site: NetBoxRef(slug: device.site.slug, name: device.site.name), rack: device.rack,
                     tags: device.tags.map { NetBoxRef(slug: Slug.make($0), name: $0) })
    }
    return facts
}

/// An operations repository with `snapshots` snapshots of a `hosts`-host cloud: between two
/// snapshots three hosts move between pools and a few VMs start and stop, as in a working day.
/// Returns the repository and how long building it took.
func makeRenderBenchRepository(hosts: Int, snapshots: Int) async throws -> (OperationsRepository, Double) {
    let started = Date()
    let folder = FileManager.default.temporaryDirectory.appendingPathComponent("spotctl-bench-render-\(UUID().uuidString)")
    let identity = Identity(name: "bench", email: "bench@spotctl.invalid")
    _ = try await RepositoryInitializer.create(directory: folder.path, cwd: folder, identity: identity, now: Date())
    let repository = OperationsRepository(root: folder)
    let configuration = try repository.loadConfiguration()
    let store = try GitStore(openingRepositoryAt: folder)
    let scenario = ScenarioGenerator(hosts: hosts, seed: 5, vmsPerHost: 10).generate()
    var facts = renderBenchFacts(scenario)
    let pools = facts.aggregates.indices.filter { facts.aggregates[$0].name.contains("-n3") }
    var previous: [String: Data] = [:]
    var date = Date(timeIntervalSince1970: 1_800_000_000)
    var serial = 0
    for index in 0..<snapshots {
        if index > 0 {
            // Three hosts move from one GPU-pool aggregate to another of the same type.
            for step in 0..<3 {
                let from = pools[(index * 3 + step) % pools.count]
                guard !facts.aggregates[from].hosts.isEmpty else { continue }
                let type = facts.aggregates[from].name.split(separator: "-n3").first.map(String.init) ?? ""
                guard let to = pools.first(where: { $0 != from && facts.aggregates[$0].name.hasPrefix(type + "-n3") }) else { continue }
                let host = facts.aggregates[from].hosts.removeFirst()
                facts.aggregates[to].hosts.append(host)
                facts.aggregates[to].hosts.sort()
            }
            // Five VMs stop, five start.
            let placed = facts.servers.indices.filter { facts.servers[$0].host != nil }
            for offset in 0..<5 { facts.servers[placed[(index * 37 + offset * 101) % placed.count]].status = "DELETED" }
            facts.servers.removeAll { $0.status == "DELETED" }
            for offset in 0..<5 {
                serial += 1
                let host = facts.services[(index * 13 + offset * 7) % facts.services.count].host
                facts.servers.append(Server(id: String(format: "bench-%08d", serial), name: "bench-vm-\(serial)", host: host,
                                            projectID: facts.projects[serial % facts.projects.count].id, flavorName: facts.flavors[serial % facts.flavors.count].name,
                                            created: "2026-11-29T00:00:00Z"))
            }
        }
        let files = InventoryFiles.encode(facts, summary: SnapshotSummary(CloudView(facts: facts, configuration: configuration)))
        var writes: [String: Data] = [:]
        for (path, data) in files where previous[path] != data { writes[path] = data }
        let deletions = Set(previous.keys).subtracting(files.keys)
        previous = files
        date = date.addingTimeInterval(3600)
        _ = try await store.commit(FileChanges(writes: writes, deletions: deletions),
                                   author: CommitAuthor(name: "bench", email: "bench@spotctl.invalid", date: date),
                                   message: "snapshot \(index + 1)\n")
    }
    return (repository, Date().timeIntervalSince(started))
}

struct RenderFigure {
    let seconds: Double
    let pages: Int
    let apiFiles: Int
    let snapshots: Int
    let setupSeconds: Double
    let phases: [(name: String, seconds: Double)]
    /// Every run's wall time, in order.
    let allSeconds: [Double]
}

/// Renders the repository with `spotctl render` (a separate process, as operators and CI run it)
/// three times, each into a new folder, and reports the median run with its phases.
func benchmarkRender(hosts: Int, snapshots: Int, keep: Bool = false) async throws -> RenderFigure {
    let (repository, setup) = try await makeRenderBenchRepository(hosts: hosts, snapshots: snapshots)
    defer { if keep { print("  kept the repository: \(repository.root.path)") } else { try? FileManager.default.removeItem(at: repository.root) } }
    // Building the repository leaves thousands of dirty pages; flush them so that the render is
    // measured, not the setup's write-back.
    sync()
    var runs: [(seconds: Double, pages: Int, apiFiles: Int, snapshots: Int, phases: [(name: String, seconds: Double)])] = []
    for run in 1...3 {
        let process = Process()
        process.executableURL = spotctl
        process.arguments = ["render", "--repo", repository.root.path, "--out", repository.root.appendingPathComponent("site-\(run)").path, "--timings"]
        process.environment = ["PATH": ProcessInfo.processInfo.environment["PATH"] ?? "/usr/bin:/bin", "HOME": repository.root.path]
        let output = Pipe(), errors = Pipe()
        process.standardOutput = output
        process.standardError = errors
        let started = Date()
        try process.run()
        let stdout = output.fileHandleForReading.readDataToEndOfFile()
        let stderr = errors.fileHandleForReading.readDataToEndOfFile()
        process.waitUntilExit()
        let seconds = Date().timeIntervalSince(started)
        let summary = String(decoding: stdout, as: UTF8.self)
        guard process.terminationStatus == 0 else {
            throw SimulatorError("spotctl render failed: \(summary) \(String(decoding: stderr, as: UTF8.self))")
        }
        // "rendered 1995 pages and 2046 API files from snapshot … with 200 snapshots of history in …"
        let words = summary.split(separator: " ")
        func number(before word: String) -> Int {
            guard let index = words.firstIndex(where: { $0 == word }), index > 0 else { return -1 }
            return Int(words[index - 1]) ?? -1
        }
        let phases = String(decoding: stderr, as: UTF8.self).split(separator: "\n").compactMap { line -> (String, Double)? in
            let parts = line.split(separator: " ", omittingEmptySubsequences: true)
            guard parts.count >= 3, parts.last == "s", let value = Double(parts[parts.count - 2]) else { return nil }
            return (parts.dropLast(2).joined(separator: " "), value)
        }
        runs.append((seconds, number(before: "pages"), number(before: "API"), number(before: "snapshots"), phases))
    }
    let median = runs.sorted { $0.seconds < $1.seconds }[1]
    return RenderFigure(seconds: median.seconds, pages: median.pages, apiFiles: median.apiFiles, snapshots: median.snapshots,
                        setupSeconds: setup, phases: median.phases, allSeconds: runs.map(\.seconds))
}
