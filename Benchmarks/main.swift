// spotctl benchmarks: snapshots of generated clouds and the git store, each figure printed beside
// its target. Run in a release build:
//
//     swift build -c release && .build/release/spotctl-bench            # everything
//     .build/release/spotctl-bench --quick                              # 200 and 2,000 hosts only
//     .build/release/spotctl-bench --apply                              # a 500-host apply on 2,000 hosts
//
// The simulated cloud runs as a separate `spotctl simulate` process (from the same build folder),
// so the peak memory printed is the snapshot's own.
import Foundation
import GitStore
import SpotClients
import SpotCore
import SpotKit
import SpotSimulator

let arguments = CommandLine.arguments.dropFirst()
let quick = arguments.contains("--quick")
let binDirectory = URL(fileURLWithPath: CommandLine.arguments[0]).deletingLastPathComponent()
let spotctl = binDirectory.appendingPathComponent("spotctl")

/// Folders the runs wrote, removed only when the benchmark ends: on this machine's ext4 (no
/// journal) creating a file right after thousands were deleted costs up to ten times more (the
/// kernel skips recently freed inodes), so removing one run's repository just before the next
/// run would slow the next run down for reasons of the benchmark's own making.
nonisolated(unsafe) var foldersToRemove: [URL] = []

func removeFolders() {
    for folder in foldersToRemove { try? FileManager.default.removeItem(at: folder) }
    foldersToRemove = []
}

func peakMemoryMB() -> Double {
    guard let status = try? String(contentsOfFile: "/proc/self/status", encoding: .utf8),
          let line = status.split(separator: "\n").first(where: { $0.hasPrefix("VmHWM:") }),
          let kb = Double(line.split(separator: " ").dropFirst().first ?? "") else { return -1 }
    return kb / 1024
}

/// Resets the peak-memory mark so that each run reports its own.
func resetPeakMemory() {
    try? "5".write(toFile: "/proc/self/clear_refs", atomically: false, encoding: .utf8)
}

func pad(_ text: String, _ width: Int) -> String {
    text.count >= width ? text : text + String(repeating: " ", count: width - text.count)
}

/// Starts `spotctl simulate` with a generated cloud and returns it with its environment.
func startSimulator(hosts: Int, latency: Int) throws -> (Process, [String: String]) {
    let process = Process()
    process.executableURL = spotctl
    process.arguments = ["simulate", "--hosts", String(hosts), "--seed", "7", "--vms-per-host", "10", "--latency", String(latency)]
    let output = Pipe()
    process.standardOutput = output
    process.standardError = FileHandle.nullDevice
    try process.run()
    var environment: [String: String] = [:]
    var buffer = Data()
    let handle = output.fileHandleForReading
    while !buffer.contains(Data("# control:".utf8)) {
        let chunk = handle.availableData
        if chunk.isEmpty { throw SimulatorError("the simulator exited before it listened (is \(spotctl.path) built?)") }
        buffer.append(chunk)
    }
    for line in String(decoding: buffer, as: UTF8.self).split(separator: "\n") where line.hasPrefix("export ") {
        let assignment = line.dropFirst("export ".count)
        guard let equals = assignment.firstIndex(of: "=") else { continue }
        var value = String(assignment[assignment.index(after: equals)...])
        if value.hasPrefix("'") && value.hasSuffix("'") { value = String(value.dropFirst().dropLast()) }
        environment[String(assignment[..<equals])] = value
    }
    return (process, environment)
}

struct SnapshotFigure {
    let hosts: Int
    let latency: Int
    let seconds: Double
    let requests: Int
    let peakMB: Double
    let phases: [String: Double]
}

func benchmarkSnapshot(hosts: Int, latency: Int) async throws -> SnapshotFigure {
    let (simulator, simulatorEnvironment) = try startSimulator(hosts: hosts, latency: latency)
    defer { simulator.terminate(); simulator.waitUntilExit() }
    let folder = FileManager.default.temporaryDirectory.appendingPathComponent("spotctl-bench-\(UUID().uuidString)")
    foldersToRemove.append(folder)
    let identity = Identity(name: "bench", email: "bench@spotctl.invalid")
    _ = try await RepositoryInitializer.create(directory: folder.path, cwd: folder, identity: identity, now: Date())
    var environment = simulatorEnvironment
    environment["HOME"] = folder.path
    let context = RunContext(environment: environment, workingDirectory: folder, identity: identity, clock: SystemClock())
    resetPeakMemory()
    let started = Date()
    let outcome = try await Snapshotter.run(repository: OperationsRepository(root: folder), options: Snapshotter.Options(), context: context)
    let seconds = Date().timeIntervalSince(started)
    return SnapshotFigure(hosts: hosts, latency: latency, seconds: seconds, requests: outcome.requests, peakMB: peakMemoryMB(),
                          phases: outcome.phaseSeconds)
}

/// Writes `count` snapshots of a 200-host inventory (each changing a few host files) through the
/// git store, then walks the history and reads every snapshot's summary back.
func benchmarkGitStore(count: Int) async throws -> (write: Double, read: Double, commits: Int) {
    let folder = FileManager.default.temporaryDirectory.appendingPathComponent("spotctl-bench-git-\(UUID().uuidString)")
    foldersToRemove.append(folder)
    let store = try GitStore.openOrInitialize(at: folder)
    let scenario = ScenarioGenerator(hosts: 200, seed: 3, vmsPerHost: 5).generate()
    var facts = Facts()
    facts.aggregates = scenario.aggregates.map { Aggregate(id: $0.id, name: $0.name, hosts: $0.hosts) }
    facts.services = scenario.hosts.map { ComputeService(id: $0.serviceID, host: $0.name) }
    facts.servers = scenario.servers.map { Server(id: $0.id, name: $0.name, status: $0.status, host: $0.host, flavorName: $0.flavor) }
    var date = Date(timeIntervalSince1970: 1_800_000_000)
    let started = Date()
    for index in 0..<count {
        // Each snapshot moves one server to another host: a few files change.
        let server = index % facts.servers.count
        facts.servers[server].host = facts.services[(index * 7) % facts.services.count].host
        let inventory = CloudView(facts: facts, configuration: .defaults)
        let files = InventoryFiles.encode(facts, summary: SnapshotSummary(inventory))
        date = date.addingTimeInterval(900)
        _ = try await store.commit(FileChanges(writes: files, replacedDirectories: ["inventory"]),
                                   author: CommitAuthor(name: "bench", email: "bench@spotctl.invalid", date: date),
                                   message: "snapshot \(index)\n")
    }
    let written = Date().timeIntervalSince(started)
    let readStarted = Date()
    let history = try await store.history(of: "inventory/summary.json")
    var total = 0
    for commit in history {
        if let data = try await store.readFile("inventory/summary.json", at: commit.id),
           let summary = try? JSONDecoder().decode(SnapshotSummary.self, from: data) {
            total += summary.total.gpuUsed >= 0 ? 1 : 0
        }
    }
    let read = Date().timeIntervalSince(readStarted)
    return (written, read, total)
}

#if DEBUG
print("note: a debug build; the targets are for a release build (swift build -c release)")
#endif
if arguments.contains("--apply") {
    // --apply: the apply benchmark alone (--apply-concurrency N overrides apply.concurrency).
    func applyOption(_ name: String) -> Int? {
        guard let index = arguments.firstIndex(of: name), arguments.index(after: index) < arguments.endIndex else { return nil }
        return Int(arguments[arguments.index(after: index)])
    }
    try await benchmarkApply(hosts: applyOption("--hosts") ?? 2000, moves: applyOption("--moves") ?? 500,
                             latency: applyOption("--latency") ?? 20, concurrency: applyOption("--apply-concurrency"))
    removeFolders()
    exit(0)
}
if arguments.contains("--serve") {
    // --serve: the serve load benchmark alone (--hosts N, --connections N, --seconds N).
    func serveOption(_ name: String) -> Int? {
        guard let index = arguments.firstIndex(of: name), arguments.index(after: index) < arguments.endIndex else { return nil }
        return Int(arguments[arguments.index(after: index)])
    }
    // Both ways: as a browser or python-requests asks (gzip), and as plain curl asks.
    for gzip in [true, false] {
        try await benchmarkServe(hosts: serveOption("--hosts") ?? 2000, connections: serveOption("--connections") ?? 64,
                                 seconds: serveOption("--seconds") ?? 10, gzip: gzip)
    }
    removeFolders()
    exit(0)
}
print("Snapshot of a generated cloud (10 VMs per host), simulated latency per request:")
print(String(format: "(disk probe: creating 2,000 files of 4 KB took %.2f s here; this ext4 slows down for a minute after mass deletes)",
             try diskProbe(count: 2000)))
print(pad("hosts", 8) + pad("latency", 10) + pad("wall time", 12) + pad("requests", 10) + pad("peak memory", 14) + "targets")
// --hosts N and --latency MS pick one case, --runs N sets the runs per case (default 3 up to 2,000
// hosts, else 1; the median is printed); --git-only, --no-git, --no-render and --render-only pick
// the parts, --phases prints where each snapshot's time went, --render-hosts N and
// --render-snapshots N size the render case and --keep keeps its repository (for profiling).
func option(_ name: String) -> Int? {
    guard let index = arguments.firstIndex(of: name), arguments.index(after: index) < arguments.endIndex else { return nil }
    return Int(arguments[arguments.index(after: index)])
}
let sizes = option("--hosts").map { [$0] } ?? (quick ? [200, 2000] : [200, 2000, 10_000])
let latencies = option("--latency").map { [$0] } ?? [0, 20]
/// Seconds to create `count` files of 4 KB in a new folder: how fast this disk creates files
/// right now (a first snapshot creates one working-tree file per host).
func diskProbe(count: Int) throws -> Double {
    let folder = FileManager.default.temporaryDirectory.appendingPathComponent("spotctl-bench-disk-\(UUID().uuidString)")
    foldersToRemove.append(folder)
    try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
    let bytes = Data(repeating: 0x20, count: 4096)
    let started = Date()
    for index in 0..<count {
        guard FileManager.default.createFile(atPath: folder.appendingPathComponent("file-\(index).json").path, contents: bytes) else {
            throw SimulatorError("cannot create files in \(folder.path)")
        }
    }
    return Date().timeIntervalSince(started)
}

let runsOption = option("--runs")
for hosts in sizes where !arguments.contains("--git-only") && !arguments.contains("--render-only") {
    for latency in latencies {
        // Small clouds run three times and report the median run; the 10,000-host cloud once.
        let runs = max(1, runsOption ?? (hosts <= 2000 ? 3 : 1))
        var figures: [SnapshotFigure] = []
        for _ in 0..<runs { figures.append(try await benchmarkSnapshot(hosts: hosts, latency: latency)) }
        let figure = figures.sorted { $0.seconds < $1.seconds }[runs / 2]
        let others = runs > 1 ? " (median of \(runs): " + figures.map { String(format: "%.2f", $0.seconds) }.joined(separator: ", ") + " s)" : ""
        var targets: [String] = []
        if hosts == 2000 {
            targets.append("requests ≤ 50: \(figure.requests <= 50 ? "met" : "MISSED")")
            if latency == 20 { targets.append("< 2 s at 20 ms: \(figure.seconds < 2 ? "met" : "MISSED")") }
        }
        if hosts == 10_000 { targets.append("peak < 500 MB: \(figure.peakMB < 500 ? "met" : "MISSED")") }
        print(pad("\(hosts)", 8) + pad("\(latency) ms", 10) + pad(String(format: "%.2f s", figure.seconds), 12)
              + pad("\(figure.requests)", 10) + pad(String(format: "%.0f MB", figure.peakMB), 14) + targets.joined(separator: "; ") + others)
        if arguments.contains("--phases") {
            print("        " + Snapshotter.Outcome.phaseNames.map { String(format: "%@ %.2f s", $0, figure.phases[$0] ?? 0) }
                .joined(separator: ", "))
        }
    }
}
if !arguments.contains("--git-only") && !arguments.contains("--no-render") {
    // The dashboard: render a 2,000-host inventory with 200 snapshots of history.
    let renderHosts = option("--render-hosts") ?? 2000
    let renderSnapshots = option("--render-snapshots") ?? 200
    let render = try await benchmarkRender(hosts: renderHosts, snapshots: renderSnapshots, keep: arguments.contains("--keep"))
    print("")
    print("Render (spotctl render) of a \(renderHosts)-host inventory with \(render.snapshots) snapshots of history"
          + String(format: " (building the repository took %.1f s):", render.setupSeconds))
    let target = renderHosts == 2000 && renderSnapshots >= 200 ? "  target < 2 s: \(render.seconds < 2 ? "met" : "MISSED")" : ""
    print(String(format: "  %.2f s (median of 3 runs of spotctl render: ", render.seconds)
          + render.allSeconds.map { String(format: "%.2f", $0) }.joined(separator: ", ")
          + String(format: " s) for %d pages and %d API files", render.pages, render.apiFiles) + target)
    print("  " + render.phases.map { $0.name + String(format: " %.2f s", $0.seconds) }.joined(separator: ", "))
}
if arguments.contains("--no-git") || arguments.contains("--render-only") {
    removeFolders()
    exit(0)
}
print("")
let snapshots = option("--snapshots") ?? (quick ? 200 : 1000)
let git = try await benchmarkGitStore(count: snapshots)
print("Git store, \(snapshots) snapshots of a 200-host inventory:")
print(String(format: "  write and commit: %.2f s (%.1f ms per snapshot)", git.write, git.write * 1000 / Double(snapshots)))
print(String(format: "  walk the history and read every summary: %.2f s (%d snapshots read)", git.read, git.commits))
removeFolders()
