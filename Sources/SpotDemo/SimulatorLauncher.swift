public import Foundation
public import SpotKit
public import SpotSimulator
import SpotSupport

/// `spotctl simulate`: starts the simulated cloud and says what a client needs.
public enum SimulatorLauncher {
    public struct Options: Sendable {
        public var scenarioFile: String?
        public var hosts: Int?
        public var seed: UInt64 = 7
        public var vmsPerHost: Int = 10
        public var simulator = SimulatorOptions()
        public var cloudsYAML: String?
        /// Replace an existing `cloudsYAML` file (`--force`); without it, an existing file is refused.
        public var overwriteCloudsYAML = false
        public var saveState: String?
        public init() {}
    }

    /// The scenario the options describe: a file, a generated cloud, or the demo cloud.
    public static func scenario(for options: Options, cwd: URL) throws(SpotError) -> Scenario {
        if let file = options.scenarioFile {
            do {
                return try ScenarioFile.load(URL(fileURLWithPath: file, relativeTo: cwd))
            } catch {
                throw SpotError("\(error)", hint: "see docs/simulator.md for the scenario format")
            }
        }
        if let hosts = options.hosts {
            return ScenarioGenerator(hosts: hosts, seed: options.seed, vmsPerHost: options.vmsPerHost).generate()
        }
        return DemoScenario.load()
    }

    /// Starts the simulator, prints what a client needs, and returns the running cloud.
    public static func start(_ options: Options, cwd: URL, clock: any WallClock, print: (String) -> Void) async throws -> SimulatedCloud {
        let started = clock.now()
        let scenario = try scenario(for: options, cwd: cwd)
        // Refused before anything starts: a clouds.yaml may hold real clouds' passwords.
        if let path = options.cloudsYAML, !options.overwriteCloudsYAML {
            let url = URL(fileURLWithPath: path, relativeTo: cwd)
            // Without following a link: a link (even a dangling one) counts as a file that exists.
            if (try? FileManager.default.attributesOfItem(atPath: url.path)) != nil {
                throw SpotError("--clouds-yaml \(url.path) already exists; spotctl simulate leaves it as it is",
                                hint: "choose another file (the simulated cloud is the only one in it), or add --force to replace it")
            }
        }
        let cloud: SimulatedCloud
        do {
            cloud = try await SimulatedCloud.start(scenario: scenario, options: options.simulator)
        } catch {
            throw SpotError("the simulator did not start: \(error)", hint: "pick another --port, or 0 for any free port")
        }
        let seconds = clock.now().timeIntervalSince(started)
        print("# spotctl simulated cloud \"\(scenario.name)\": \(scenario.hosts.count) compute hosts, \(scenario.servers.count) servers, "
              + "\(scenario.devices.count) NetBox devices; listening on \(cloud.baseURL) (ready in \(String(format: "%.2f", seconds)) s)")
        if let caFile = cloud.caFile {
            print("# HTTPS: trust the CA in \(caFile.path) (OS_CACERT below; --cacert for curl)")
        }
        print("# These are the simulated cloud's own test credentials; they open nothing real.")
        for (name, value) in await cloud.environment() {
            print("export \(name)=\(shellQuote(value))")
        }
        print("# the control endpoints need this token in the header X-Simulator-Token")
        print("export SPOTCTL_SIMULATOR_TOKEN=\(shellQuote(cloud.controlToken))")
        if let path = options.cloudsYAML {
            let url = URL(fileURLWithPath: path, relativeTo: cwd)
            // Owner-only from its first byte. With --force, written beside and renamed over (a link
            // at the path is replaced, not followed); without it, created only if nothing is there
            // (a file that appeared since the check above is not replaced either).
            let bytes = Array(await cloud.cloudsYAML().utf8)
            do {
                if options.overwriteCloudsYAML {
                    try SafeFile.write(bytes, to: url.path, mode: 0o600)
                } else if try !SafeFile.create(bytes, at: url.path, mode: 0o600) {
                    await cloud.stop()
                    throw SpotError("--clouds-yaml \(url.path) already exists; spotctl simulate leaves it as it is",
                                    hint: "name another file, or pass --force to replace it")
                }
            } catch let error as SafeFile.Failure {
                await cloud.stop()
                throw SpotError("cannot write \(url.path): \(error.message)")
            }
            print("# wrote the cloud \"simulated\" to \(url.path): use `openstack --os-cloud simulated …` with OS_CLIENT_CONFIG_FILE=\(url.path)")
        }
        print("# control: \(cloud.baseURL)/__sim/stats, /__sim/faults, /__sim/state with -H \"X-Simulator-Token: $SPOTCTL_SIMULATOR_TOKEN\" "
              + "(see docs/simulator.md); Ctrl-C stops")
        return cloud
    }

    /// Writes the cloud's current state as a scenario file.
    public static func saveState(of cloud: SimulatedCloud, to path: String, cwd: URL) async throws(SpotError) {
        let url = URL(fileURLWithPath: path, relativeTo: cwd)
        do {
            try ScenarioFile.encode(await cloud.state.world).write(to: url, options: .atomic)
        } catch {
            throw SpotError("cannot write the state to \(url.path): \(error.localizedDescription)")
        }
    }
}

