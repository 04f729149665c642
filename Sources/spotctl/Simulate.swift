import ArgumentParser
import Foundation
import SpotDemo
import SpotKit
import SpotSimulator

struct Simulate: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "simulate",
        abstract: "Run a simulated cloud (Keystone, Nova, Neutron, NetBox, Hyperstack) on 127.0.0.1 until interrupted.",
        discussion: """
        Without --scenario or --hosts it runs the built-in demo cloud. It prints the export lines a client
        needs. Faults: --fault 'nova:/compute/v2.1/servers=status=503x2', 'netbox=latency=20',
        'hyperstack=status=429,retry-after=1x1', '*=drop'. See docs/simulator.md.
        """)

    @Option(help: ArgumentHelp("A scenario file (JSON or YAML).", valueName: "FILE")) var scenario: String?
    @Option(help: "Generate a cloud of this many hosts.") var hosts: Int?
    @Option(help: "The generator's seed.") var seed: UInt64 = 7
    @Option(name: .customLong("vms-per-host"), help: "Servers per host in a generated cloud (on average).") var vmsPerHost: Int = 10
    @Option(help: "The port to listen on (0: any free port).") var port: Int = 0
    @Option(name: .customLong("clouds-yaml"), help: ArgumentHelp("Write a clouds.yaml with the cloud 'simulated' (an existing file is refused without --force).", valueName: "FILE")) var cloudsYAML: String?
    @Flag(help: "Replace the --clouds-yaml file when it exists.") var force = false
    @Option(name: .customLong("max-microversion"), help: "The highest Nova microversion served.") var maxMicroversion: String = "2.96"
    @Option(name: .customLong("page-limit"), help: "Nova max_limit and NetBox MAX_PAGE_SIZE.") var pageLimit: Int = 1000
    @Option(name: .customLong("token-lifetime"), help: "Keystone token lifetime in seconds.") var tokenLifetime: Double = 3600
    @Option(name: .customLong("build-delay"), help: "Seconds a launched VM stays in BUILD.") var buildDelay: Double = 2
    @Option(help: "Milliseconds of latency added to every request.") var latency: Int?
    @Option(name: .customLong("fault"), help: ArgumentHelp("A fault rule; repeatable.", valueName: "RULE")) var faults: [String] = []
    @Option(name: .customLong("save-state"), help: ArgumentHelp("On exit, write the current state as a scenario.", valueName: "FILE")) var saveState: String?
    @Flag(name: .customLong("print-scenario"), help: "Print the scenario as JSON and exit.") var printScenario = false
    @Flag(help: "Serve HTTPS with a certificate made at start; its CA file is printed as OS_CACERT.") var tls = false
    @Option(name: .customLong("tls-dir"), help: ArgumentHelp("Where --tls writes ca.pem and the server's key.", valueName: "DIR")) var tlsDirectory: String?

    func validate() throws {
        if scenario != nil && hosts != nil {
            throw ValidationError("--scenario and --hosts cannot be used together: pick a scenario file or a generated cloud")
        }
        if let hosts, hosts < 1 { throw ValidationError("--hosts must be at least 1") }
        if force && cloudsYAML == nil { throw ValidationError("--force replaces the --clouds-yaml file; give --clouds-yaml FILE too") }
        guard let version = Microversion(maxMicroversion), version >= Microversion.minimum else {
            throw ValidationError("--max-microversion \(maxMicroversion) is not a microversion such as 2.96")
        }
        for text in faults {
            do {
                _ = try FaultRule.parse(text)
            } catch {
                throw ValidationError("--fault \(text): \(error)")
            }
        }
    }

    func run() async throws {
        try await runReportingErrors {
            let context = ProcessContext.current
            let currentDirectory = context.workingDirectory
            var options = SimulatorLauncher.Options()
            options.scenarioFile = scenario
            options.hosts = hosts
            options.seed = seed
            options.vmsPerHost = vmsPerHost
            options.cloudsYAML = cloudsYAML
            options.overwriteCloudsYAML = force
            options.saveState = saveState
            options.simulator.port = port
            options.simulator.novaMaxMicroversion = Microversion(maxMicroversion)!
            options.simulator.pageLimit = pageLimit
            options.simulator.tokenLifetime = tokenLifetime
            options.simulator.buildDelay = buildDelay
            options.simulator.tls = tls
            options.simulator.tlsDirectory = tlsDirectory.map { URL(fileURLWithPath: $0, relativeTo: currentDirectory) }
            if let latency { options.simulator.faults.append(FaultRule(latencyMS: latency)) }
            for text in faults { options.simulator.faults.append(try FaultRule.parse(text)) }
            if printScenario {
                let data = try ScenarioFile.encode(try SimulatorLauncher.scenario(for: options, cwd: currentDirectory))
                FileHandle.standardOutput.write(data)
                Output.out("")
                return
            }
            let cloud = try await SimulatorLauncher.start(options, cwd: currentDirectory, clock: context.clock) { line in
                Output.out(line)
                fflush(nil)
            }
            await waitForInterrupt()
            if let saveState {
                try await SimulatorLauncher.saveState(of: cloud, to: saveState, cwd: currentDirectory)
                Output.err("wrote the state to \(saveState)")
            }
            await cloud.stop()
        }
    }
}

/// Waits for SIGINT or SIGTERM.
func waitForInterrupt() async {
    signal(SIGINT, SIG_IGN)
    signal(SIGTERM, SIG_IGN)
    let (stream, continuation) = AsyncStream.makeStream(of: Void.self)
    let sources = [SIGINT, SIGTERM].map { number -> any DispatchSourceSignal in
        let source = DispatchSource.makeSignalSource(signal: number, queue: .global())
        source.setEventHandler { continuation.yield() }
        source.resume()
        return source
    }
    for await _ in stream { break }
    sources.forEach { $0.cancel() }
}
