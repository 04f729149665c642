import AsyncHTTPClient
import Foundation
import NIOCore
import NIOHTTP1
import SpotCore
import SpotKit
import SpotSimulator

/// `--serve`: `spotctl serve` (its own process, the release binary) over a 2,000-host snapshot,
/// loaded with GET /api/aggregates/<type> from `connections` concurrent connections for
/// `seconds`: requests per second, p50 and p99 latency, and the server's resident memory at the
/// start, the middle and the end of the run.
func benchmarkServe(hosts: Int, connections: Int, seconds: Int, gzip: Bool) async throws {
    let (simulator, simulatorEnvironment) = try startSimulator(hosts: hosts, latency: 0)
    defer { simulator.terminate(); simulator.waitUntilExit() }
    let folder = FileManager.default.temporaryDirectory.appendingPathComponent("spotctl-bench-serve-\(UUID().uuidString)")
    foldersToRemove.append(folder)
    let identity = Identity(name: "bench", email: "bench@spotctl.invalid")
    _ = try await RepositoryInitializer.create(directory: folder.path, cwd: folder, identity: identity, now: Date())
    let repository = OperationsRepository(root: folder)
    var environment = simulatorEnvironment
    environment["HOME"] = folder.path
    let context = RunContext(environment: environment, workingDirectory: folder, identity: identity, clock: SystemClock())
    _ = try await Snapshotter.run(repository: repository, options: Snapshotter.Options(), context: context)
    let facts = try await RepositoryReader(repository: repository).facts(at: "HEAD")
    let view = CloudView(facts: facts, configuration: try repository.loadConfiguration())
    guard let type = view.types.max(by: { $0.hosts.count < $1.hosts.count }) else { throw SimulatorError("the generated cloud has no GPU type") }

    // The server, in its own process.
    let server = Process()
    server.executableURL = spotctl
    server.arguments = ["serve", "--repo", folder.path, "--port", "0"]
    server.environment = environment
    let errors = Pipe()
    server.standardError = errors
    server.standardOutput = FileHandle.nullDevice
    try server.run()
    defer { server.terminate(); server.waitUntilExit() }
    var banner = Data()
    while !banner.contains(0x0A) {
        let chunk = errors.fileHandleForReading.availableData
        if chunk.isEmpty { throw SimulatorError("spotctl serve exited before it listened: \(String(decoding: banner, as: UTF8.self))") }
        banner.append(chunk)
    }
    let line = String(decoding: banner, as: UTF8.self)
    guard let range = line.range(of: #"http://[^ /]+:[0-9]+/"#, options: .regularExpression) else {
        throw SimulatorError("spotctl serve said: \(line)")
    }
    let base = String(line[range].dropLast())
    let path = "/api/aggregates/" + (type.name.addingPercentEncoding(withAllowedCharacters: .urlPathAllowed) ?? type.name)

    var configuration = HTTPClient.Configuration()
    configuration.connectionPool = .init(idleTimeout: .seconds(60), concurrentHTTP1ConnectionsPerHostSoftLimit: connections)
    let client = HTTPClient(eventLoopGroupProvider: .singleton, configuration: configuration)

    @Sendable func fetch() async throws -> (Int, Int) {
        var request = HTTPClientRequest(url: base + path)
        if gzip { request.headers.add(name: "Accept-Encoding", value: "gzip") }
        let response = try await client.execute(request, timeout: .seconds(30))
        var bytes = 0
        for try await chunk in response.body { bytes += chunk.readableBytes }
        return (Int(response.status.code), bytes)
    }
    let (status, size) = try await fetch()
    guard status == 200 else { throw SimulatorError("GET \(path) answered \(status)") }
    // Warm-up: open the connections.
    try await withThrowingTaskGroup(of: Void.self) { group in
        for _ in 0..<connections { group.addTask { _ = try await fetch() } }
        try await group.waitForAll()
    }

    let memoryStart = residentMB(server.processIdentifier)
    let cpuStart = cpuSeconds(server.processIdentifier)
    let clock = ContinuousClock()
    let start = clock.now
    let deadline = start + .seconds(seconds)
    let half = start + .seconds(seconds / 2)
    let middle = Task {
        try? await Task.sleep(until: half, clock: .continuous)
        return residentMB(server.processIdentifier)
    }
    let latencies = try await withThrowingTaskGroup(of: ([Double], Int).self) { group -> ([Double], Int) in
        for _ in 0..<connections {
            group.addTask {
                var times: [Double] = []
                var failed = 0
                times.reserveCapacity(50_000)
                while clock.now < deadline {
                    let sent = clock.now
                    let (status, _) = try await fetch()
                    let elapsed = clock.now - sent
                    if status != 200 { failed += 1 }
                    times.append(Double(elapsed.components.seconds) * 1000 + Double(elapsed.components.attoseconds) / 1e15)
                }
                return (times, failed)
            }
        }
        var all: [Double] = []
        var failed = 0
        for try await (times, errors) in group {
            all += times
            failed += errors
        }
        return (all, failed)
    }
    let elapsed = clock.now - start
    let wall = Double(elapsed.components.seconds) + Double(elapsed.components.attoseconds) / 1e18
    let memoryMiddle = await middle.value
    let memoryEnd = residentMB(server.processIdentifier)
    let serverCPU = cpuSeconds(server.processIdentifier) - cpuStart
    try await client.shutdown()
    let sorted = latencies.0.sorted()
    func percentile(_ p: Double) -> Double { sorted.isEmpty ? 0 : sorted[min(sorted.count - 1, Int(Double(sorted.count) * p))] }
    let rate = Double(sorted.count) / wall
    print("Serve (spotctl serve, release) on a \(hosts)-host snapshot: GET \(path) (\(size / 1024) KiB\(gzip ? " gzipped" : ", Accept-Encoding: gzip not sent")), \(connections) connections, \(seconds) s:")
    print(String(format: "  %d requests (%d not 200): %.0f requests/s    target ≥ 5,000/s: %@", sorted.count, latencies.1, rate, rate >= 5000 ? "met" : "MISSED"))
    print(String(format: "  latency p50 %.2f ms, p99 %.2f ms    target p99 < 20 ms: %@", percentile(0.5), percentile(0.99), percentile(0.99) < 20 ? "met" : "MISSED"))
    print(String(format: "  CPU: the server used %.1f s of the %.0f core-seconds (2 cores); the load generator the rest it could get",
                 serverCPU, wall * Double(ProcessInfo.processInfo.activeProcessorCount)))
    print(String(format: "  server memory (resident): %.0f MiB at the start, %.0f MiB halfway, %.0f MiB at the end    target flat (within 10%%): %@",
                 memoryStart, memoryMiddle, memoryEnd, memoryEnd <= memoryStart * 1.1 + 2 ? "met" : "MISSED"))
}

/// A process's resident memory in MiB (`VmRSS`), or -1.
func residentMB(_ pid: Int32) -> Double {
    guard let status = try? String(contentsOfFile: "/proc/\(pid)/status", encoding: .utf8),
          let line = status.split(separator: "\n").first(where: { $0.hasPrefix("VmRSS:") }),
          let kb = Double(line.split(separator: " ").dropFirst().first ?? "") else { return -1 }
    return kb / 1024
}

/// A process's CPU time (user and system) in seconds, from `/proc/<pid>/stat`.
func cpuSeconds(_ pid: Int32) -> Double {
    guard let stat = try? String(contentsOfFile: "/proc/\(pid)/stat", encoding: .utf8),
          let close = stat.lastIndex(of: ")") else { return 0 }
    let fields = stat[stat.index(after: close)...].split(separator: " ")
    // After the name: state is field 3; utime and stime are fields 14 and 15.
    guard fields.count > 13, let user = Double(fields[11]), let system = Double(fields[12]) else { return 0 }
    return (user + system) / Double(sysconf(Int32(_SC_CLK_TCK)))
}
