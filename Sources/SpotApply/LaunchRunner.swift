public import Foundation
public import SpotClients
public import SpotCore

/// The steps of one RunPod launch (docs/change-files.md), in order, each idempotent so that a run
/// that stopped is finished by running it again:
///
/// 1. create the VM, only when Hyperstack has none of exactly that name (the create itself reads
///    back by name before it is ever sent again: `HyperstackClient.createVirtualMachine`);
/// 2. wait until it is ACTIVE, polling with doubling waits up to the timeout; ERROR fails;
/// 3. find its OpenStack server by exact name, and check it landed on the host;
/// 4. create the storage port `<vm>-storage`, or reuse it;
/// 5. attach the port, unless it is attached (Nova's "not ready" 409 is retried, nothing else);
/// 6. add the VM to the site's firewall: read, add, write the whole list once, read back.
///
/// A failed step stops the launch; its record says what failed and what to do. Not yet wired into
/// `ApplyEngine`: apply refuses files with launches until it is (issue 13).
public struct LaunchRunner: Sendable {
    public let hyperstack: HyperstackClient
    public let nova: NovaClient
    public let neutron: NeutronClient
    public var options: Options

    public struct Options: Sendable {
        /// The first wait between polls, doubled up to `maxPollInterval` (seconds).
        public var pollInterval: Double = 5
        public var maxPollInterval: Double = 30
        /// How long to wait for ACTIVE in all (`launch.wait_timeout_seconds`).
        public var waitTimeout: Double = 900
        public var attachPolicy = AttachRetryPolicy()
        /// Waits; tests pass one that returns at once and records the waits.
        public var sleep: @Sendable (Double) async -> Void = { seconds in
            _ = try? await Task.sleep(nanoseconds: UInt64(max(0, seconds) * 1_000_000_000))
        }
        /// The time of day a step starts, for its log entry (apply passes its run's clock).
        public var now: @Sendable () -> Date = { Date() }
        public init() {}
    }

    /// One step as it went: for the command log and the report.
    public struct StepRecord: Sendable, Hashable {
        public var kind: LaunchStep.Kind
        public var command: String
        public var status: CommandLogEntry.Status
        /// What happened: "created VM 5002", "already exists: VM 5002 (ACTIVE)", or the failure.
        public var output: String
        /// True when the step found its effect already there and did nothing.
        public var skipped: Bool
        /// When it started, and how long it took (waits included).
        public var started: Date = Date(timeIntervalSince1970: 0)
        public var seconds: Double = 0
    }

    public struct Outcome: Sendable, Hashable {
        public var vmID: Int?
        public var serverID: String?
        public var steps: [StepRecord]
        /// Why the launch stopped, with what to do; nil when every step is done.
        public var failure: String?
        public var isDone: Bool { failure == nil }
    }

    public init(hyperstack: HyperstackClient, nova: NovaClient, neutron: NeutronClient, options: Options = Options()) {
        self.hyperstack = hyperstack
        self.nova = nova
        self.neutron = neutron
        self.options = options
    }

    private struct StepFailure: Error {
        let message: String
        var timedOut = false
    }

    /// Runs the launch's steps. `userData` is the cloud-init with the RunPod key filled in, in memory only.
    public func run(_ launch: PlannedLaunch, userData: Secret, configuration: Configuration) async -> Outcome {
        var outcome = Outcome(vmID: nil, serverID: nil, steps: [], failure: nil)
        var portID: String?
        for step in launch.steps {
            let started = options.now()
            let clock = ContinuousClock.now
            do throws(StepFailure) {
                let (output, skipped) = try await perform(step.kind, launch, userData, configuration, &outcome, &portID)
                outcome.steps.append(StepRecord(kind: step.kind, command: step.command, status: .success, output: output, skipped: skipped,
                                                started: started, seconds: Self.seconds(since: clock)))
            } catch {
                outcome.steps.append(StepRecord(kind: step.kind, command: step.command, status: error.timedOut ? .timeout : .error,
                                                output: error.message, skipped: false, started: started,
                                                seconds: Self.seconds(since: clock)))
                outcome.failure = "\(step.summary): \(error.message)"
                return outcome
            }
        }
        return outcome
    }

    /// Seconds of the monotonic clock since `start`.
    static func seconds(since start: ContinuousClock.Instant) -> Double {
        let elapsed = ContinuousClock.now - start
        return Double(elapsed.components.seconds) + Double(elapsed.components.attoseconds) / 1e18
    }

    private func perform(_ kind: LaunchStep.Kind, _ launch: PlannedLaunch, _ userData: Secret, _ configuration: Configuration,
                         _ outcome: inout Outcome, _ portID: inout String?) async throws(StepFailure) -> (String, Bool) {
        let name = launch.vmName
        switch kind {
        case .createVM:
            let existing = try await call { () throws(ClientError) in try await hyperstack.virtualMachines(named: name) }
            if existing.count > 1 {
                throw StepFailure(message: "Hyperstack has \(existing.count) VMs named \(name) (ids \(existing.map { String($0.id) }.joined(separator: ", "))); delete the extra ones by hand, then run spotctl apply again")
            }
            if let vm = existing.first {
                outcome.vmID = vm.id
                return ("already exists: VM \(vm.id) (\(vm.status))", true)
            }
            guard let environment = launch.environment, let flavor = launch.flavor else {
                throw StepFailure(message: "the launch has no environment or flavor; spotctl plan says why")
            }
            let rules = configuration.launch.securityRules.map {
                HyperstackVMRequest.SecurityRule(direction: $0.direction, ethertype: $0.ethertype, protocolName: $0.protocol,
                                                 remoteIPPrefix: $0.remoteIPPrefix, portRangeMin: $0.portRangeMin, portRangeMax: $0.portRangeMax)
            }
            let request = HyperstackVMRequest(name: name, environment: environment, flavor: flavor, image: launch.request.image,
                                              keyName: configuration.launch.keyName, assignFloatingIP: configuration.launch.assignFloatingIP,
                                              securityRules: rules, userData: userData)
            let vm = try await call { () throws(ClientError) in try await hyperstack.createVirtualMachine(request) }
            outcome.vmID = vm.id
            return ("created VM \(vm.id) (\(vm.status))", false)

        case .waitActive:
            guard let id = outcome.vmID else { throw StepFailure(message: "no VM to wait for") }
            var waited = 0.0
            var interval = options.pollInterval
            while true {
                let vm = try await call { () throws(ClientError) in try await hyperstack.virtualMachine(id: id) }
                switch vm.status.uppercased() {
                case "ACTIVE":
                    return (waited == 0 ? "ACTIVE" : "ACTIVE after \(Int(waited)) s", waited == 0)
                case "ERROR":
                    throw StepFailure(message: "VM \(id) went to ERROR: \(await errorReason(id)); delete the VM in Hyperstack (a re-run finds it by name and stops here again), then run spotctl apply again")
                default:
                    if waited >= options.waitTimeout {
                        throw StepFailure(message: "VM \(id) is still \(vm.status) after \(Int(waited)) s (launch.wait_timeout_seconds); run spotctl apply again to keep waiting: the VM is not created twice",
                                          timedOut: true)
                    }
                    let pause = min(interval, options.waitTimeout - waited)
                    await options.sleep(pause)
                    waited += pause
                    interval = min(options.maxPollInterval, interval * 2)
                }
            }

        case .findServer:
            let server: ServerDetail
            do {
                server = try await nova.server(name)
            } catch {
                throw StepFailure(message: "\(error)")
            }
            outcome.serverID = server.id
            guard let host = server.host, host.lowercased() == launch.host.lowercased() else {
                let place = "server \(server.id) (\(name)) is on \(server.host ?? "no host"), not on \(launch.host)"
                if configuration.launch.onWrongHost == .warn {
                    return ("warning: \(place); going on (launch.on_wrong_host: warn)", false)
                }
                throw StepFailure(message: "\(place); delete the VM and launch again, or set launch.on_wrong_host: warn to accept it")
            }
            return ("server \(server.id) on \(host)", false)

        case .createPort:
            guard let networkName = launch.storageNetwork else { return ("no storage network configured", true) }
            let network: NeutronNetwork
            do {
                network = try await neutron.network(networkName)
            } catch {
                throw StepFailure(message: "\(error)")
            }
            let portName = name + "-storage"
            let existing = try await call { () throws(ClientError) in try await neutron.ports(named: portName, networkID: network.id) }
            if existing.count > 1 {
                throw StepFailure(message: "\(existing.count) ports named \(portName) on \(networkName); delete the extra ones, then run spotctl apply again")
            }
            if let port = existing.first {
                portID = port.id
                return ("already exists: port \(port.id)", true)
            }
            let port = try await call { () throws(ClientError) in try await neutron.createPort(name: portName, networkID: network.id) }
            portID = port.id
            return ("created port \(port.id)", false)

        case .attachPort:
            guard let port = portID, let server = outcome.serverID else { throw StepFailure(message: "no port or server to attach") }
            let attached = try await call { () throws(ClientError) in try await nova.interfaces(serverID: server) }
            if attached.contains(port) { return ("already attached: port \(port)", true) }
            let policy = options.attachPolicy
            let sleep = options.sleep
            _ = try await call { () throws(ClientError) in try await nova.attachPort(port, toServer: server, policy: policy, sleep: sleep) }
            return ("attached port \(port) to server \(server)", false)

        case .addToFirewall:
            guard let firewall = launch.firewall, let id = outcome.vmID else { throw StepFailure(message: "no firewall or VM") }
            let result = try await call { () throws(ClientError) in try await hyperstack.attachToFirewall(id: firewall, vms: [id]) }
            return result.wrote ? ("VM \(id) added to firewall \(firewall) (\(result.attachments.count) VMs)", false)
                : ("already in firewall \(firewall)", true)
        }
    }

    /// Why Hyperstack says a VM went to ERROR: the text of its last error event, else of its
    /// last event; a failed read is said, never guessed.
    private func errorReason(_ id: Int) async -> String {
        do {
            let events = try await hyperstack.virtualMachineEvents(id: id)
            let errors = events.filter { $0.type?.lowercased() == "error" }
            if let text = (errors.last ?? events.last)?.text { return "Hyperstack says \"\(text)\"" }
            return "Hyperstack's events of the VM give no reason"
        } catch {
            return "its events could not be read (\(error))"
        }
    }

    private func call<T>(_ body: () async throws(ClientError) -> T) async throws(StepFailure) -> T {
        do {
            return try await body()
        } catch {
            throw StepFailure(message: error.description, timedOut: error.status == nil && error.message.hasPrefix("timed out"))
        }
    }
}
