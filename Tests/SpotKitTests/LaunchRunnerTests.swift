import Foundation
import Testing
import TestSupport
import SpotCore
import SpotClients
import SpotApply
@testable import SpotKit
@testable import SpotSimulator

/// The steps of a RunPod launch on the simulated cloud, with faults: exactly one VM, one port, one
/// firewall write that never shortens the list, and a second run that changes nothing.
///
/// Serialized: each test starts a simulated cloud and a repository, and with the fault cases there
/// are two dozen; run side by side with the rest of the suite they multiplied the process's open
/// files and threads when two bare runs crashed in Foundation's `Process.run()`.
@Suite(.serialized) struct LaunchRunnerTests {
    static let vmPath = "/hyperstack/v1/core/virtual-machines"
    static let host = "CA1-ESC812-105"

    /// The demo cloud with the RunPod host CA1-ESC812-105 emptied (its Nova server gone; its old
    /// Hyperstack VM 5001 stays in the firewall, so a shortened list would show).
    static func scenario() -> Scenario {
        var world = DemoScenario.load()
        world.servers.removeAll { $0.host == host }
        return world
    }

    struct Launch {
        let f: SnapshotFixture
        let planned: PlannedLaunch
        let reader: CloudReader
        let waits: WaitRecord

        func run(configuration: Configuration = .defaults) async -> LaunchRunner.Outcome {
            var options = LaunchRunner.Options()
            options.attachPolicy = AttachRetryPolicy(attempts: 4, baseDelay: 1, maxDelay: 4)
            let cloud = f.cloud
            let waits = self.waits
            // The simulator's clock moves instead of the test waiting.
            options.sleep = { seconds in
                await waits.add(seconds)
                await cloud.state.advanceClock(by: seconds)
            }
            let runner = LaunchRunner(hyperstack: reader.hyperstackClient!, nova: reader.novaClient, neutron: reader.neutronClient,
                                      options: options)
            let userData = LaunchPlanner.cloudInit(template: nil, vmName: planned.vmName, key: "rp_secret_runpod_key_0123")
            return await runner.run(planned, userData: Secret(userData), configuration: configuration)
        }
    }

    actor WaitRecord {
        var values: [Double] = []
        func add(_ value: Double) { values.append(value) }
    }

    static func withLaunch(name: String? = nil, hyperstackTimeout: Int? = nil, _ body: (Launch) async throws -> Void) async throws {
        try await SnapshotFixture.run(scenario()) { f in
            _ = try await f.snapshot()
            var configuration = try f.repository.loadConfiguration()
            if let hyperstackTimeout { configuration.hyperstack.timeoutSeconds = hyperstackTimeout }
            let facts = try await RepositoryReader(repository: f.repository).facts(at: "HEAD")
            let view = CloudView(facts: facts, configuration: configuration)
            let request = LaunchRequest(host: host, image: "RunPod Ubuntu 22.04", name: name)
            let planned = LaunchPlanner.plan(request, file: "changes/launch.yaml", cloud: view, catalog: nil)
            #expect(planned.problems.isEmpty, "\(planned.problems)")
            let sources = try CloudSources.resolve(configuration: configuration, environment: f.options.environment,
                                                   workingDirectory: f.dir.url)
            let reader = try CloudReader(configuration: configuration, sources: sources, options: f.options.clientOptions ?? ClientOptions())
            do {
                try await body(Launch(f: f, planned: planned, reader: reader, waits: WaitRecord()))
            } catch {
                await reader.shutdown()
                throw error
            }
            await reader.shutdown()
        }
    }

    static func expectOneVMOnePortOneWrite(_ f: SnapshotFixture, sourceLocation: SourceLocation = #_sourceLocation) async {
        let records = await f.cloud.state.hyperstackRecords()
        #expect(records.vmCreates.map(\.name) == [host], sourceLocation: sourceLocation)
        #expect(records.firewallWrites.count == 1, sourceLocation: sourceLocation)
        #expect(records.firewallWrites.allSatisfy { $0.detached.isEmpty }, "a firewall write dropped a VM", sourceLocation: sourceLocation)
        let world = await f.cloud.state.world
        let ports = world.ports.filter { $0.name == host + "-storage" }
        #expect(ports.count == 1, sourceLocation: sourceLocation)
        let firewall = world.hyperstack.firewalls.first { $0.id == 971 }
        #expect(firewall?.attachments.contains(5001) == true, sourceLocation: sourceLocation)
        #expect(firewall?.attachments.count == 2, sourceLocation: sourceLocation)
    }

    @Test func aLaunchGoesActiveGetsItsPortAndJoinsTheFirewallOnceAndARerunChangesNothing() async throws {
        try await Self.withLaunch { l in
            let first = await l.run()
            #expect(first.isDone, "\(first.failure ?? "")")
            #expect(first.steps.map(\.kind) == [.createVM, .waitActive, .findServer, .createPort, .attachPort, .addToFirewall])
            #expect(first.steps.allSatisfy { $0.status == .success })
            #expect(first.steps.first?.output.hasPrefix("created VM") == true)
            await Self.expectOneVMOnePortOneWrite(l.f)
            let world = await l.f.cloud.state.world
            #expect(world.ports.first { $0.name == Self.host + "-storage" }?.deviceID == first.serverID)

            let second = await l.run()
            #expect(second.isDone, "\(second.failure ?? "")")
            // Every step that changes something finds it done; finding the server is a read.
            #expect(second.steps.filter { $0.kind != .findServer }.allSatisfy { $0.skipped }, "\(second.steps.map { $0.output })")
            #expect(second.steps.first?.output.hasPrefix("already exists: VM") == true)
            await Self.expectOneVMOnePortOneWrite(l.f)
        }
    }

    @Test func aCreateWhoseAnswerIsLostMakesOneVM() async throws {
        try await Self.withLaunch { l in
            _ = await l.f.cloud.state.addFault(FaultRule(service: "hyperstack", method: "POST", path: Self.vmPath, drop: true, after: true, remaining: 1))
            let outcome = await l.run()
            #expect(outcome.isDone, "\(outcome.failure ?? "")")
            await Self.expectOneVMOnePortOneWrite(l.f)
        }
    }

    @Test func aFailedFirewallReadWritesNothingAndARerunFinishes() async throws {
        try await Self.withLaunch { l in
            _ = await l.f.cloud.state.addFault(FaultRule(service: "hyperstack", method: "GET", path: "/hyperstack/v1/core/firewalls/971",
                                                         status: 500, remaining: 10))
            let failed = await l.run()
            #expect(!failed.isDone)
            #expect(failed.steps.last?.kind == .addToFirewall)
            #expect(failed.steps.last?.status == .error)
            #expect(await l.f.cloud.state.hyperstackRecords().firewallWrites.isEmpty)
            await l.f.cloud.state.clearFaults()
            let second = await l.run()
            #expect(second.isDone, "\(second.failure ?? "")")
            await Self.expectOneVMOnePortOneWrite(l.f)
        }
    }

    @Test func aVMThatGoesToErrorFailsTheLaunchBeforeAnyNetworkOrFirewallStep() async throws {
        // The demo's Hyperstack sends names matching *-fail-* to ERROR.
        try await Self.withLaunch(name: "CA1-ESC812-105-fail-1") { l in
            let outcome = await l.run()
            #expect(!outcome.isDone)
            #expect(outcome.steps.map(\.kind) == [.createVM, .waitActive])
            // Hyperstack's reason comes from the VM's events.
            #expect(outcome.failure?.contains("went to ERROR: Hyperstack says \"No valid host was found: There are not enough hosts available.\"") == true,
                    "\(outcome.failure ?? "")")
            #expect(await l.f.cloud.state.hyperstackRecords().firewallWrites.isEmpty)
        }
        // When the events cannot be read, the failure says so instead of a reason.
        try await Self.withLaunch(name: "CA1-ESC812-105-fail-2") { l in
            _ = await l.f.cloud.state.addFault(FaultRule(service: "hyperstack", method: "GET", path: "/hyperstack/v1/core/virtual-machines/5002/events",
                                                         status: 500, remaining: 10))
            let outcome = await l.run()
            #expect(outcome.failure?.contains("went to ERROR: its events could not be read (Hyperstack GET") == true, "\(outcome.failure ?? "")")
            #expect(outcome.failure?.contains("delete the VM in Hyperstack") == true)
        }
    }

    @Test func theKeyNeverReachesAStepRecord() async throws {
        try await Self.withLaunch { l in
            let outcome = await l.run()
            for step in outcome.steps {
                #expect(!step.output.contains("rp_secret_runpod_key_0123") && !step.command.contains("rp_secret_runpod_key_0123"))
            }
        }
    }

    /// `spotctl apply` runs a launch file: the steps in the command log, the file in
    /// changes/applied/ with the launch in its outcome, one commit, no key anywhere in the repository.
    @Test func applyRunsALaunchFileLogsEveryStepAndCommitsItsOutcome() async throws {
        try await SnapshotFixture.run(Self.scenario()) { f in
            _ = try await f.snapshot()
            try Data("launches:\n  - host: \"\(Self.host)\"\n    image: \"RunPod Ubuntu 22.04\"\n".utf8)
                .write(to: f.repository.changesDirectory.appendingPathComponent("2027-01-15-launch.yaml"))
            var options = ApplyEngine.Options()
            options.clientOptions = f.options.clientOptions
            var launch = LaunchRunner.Options()
            let cloud = f.cloud
            launch.sleep = { seconds in await cloud.state.advanceClock(by: seconds) }
            options.launchOptions = launch
            let context = RunContext(environment: f.options.environment, workingDirectory: f.repository.root, identity: f.options.identity,
                                     clock: FixedClock(Date(timeIntervalSince1970: 1_800_000_900)))
            let report = try await ApplyEngine.run(repository: f.repository, options: options, context: context)
            #expect(report.exitCode == 0, "\(report.lines)")
            #expect(report.launches.map(\.status) == [.done])
            await Self.expectOneVMOnePortOneWrite(f)
            // The next snapshot records the server's storage network and the host's page shows it.
            _ = try await f.snapshot()
            #expect(try f.git("show", "HEAD:inventory/hosts/\(Self.host).json").contains("\"RunPod-Storage-Canada-1\""))
            var site = SiteBuilder.Options()
            site.output = f.dir.appending("site").path
            _ = try await SiteBuilder.run(repository: f.repository, options: site, context: context)
            let page = try String(contentsOfFile: site.output! + "/hosts/\(Self.host).html", encoding: .utf8)
            #expect(page.contains("<td data-label=\"Networks\">RunPod-Storage-Canada-1"), "\(page)")
            #expect(page.contains("<td data-label=\"Firewall\">"))
            let applied = f.repository.root.appendingPathComponent("changes/applied/2027-01-15-launch.yaml" + AppliedOutcome.suffix)
            let outcome = try JSONDecoder().decode(AppliedOutcome.self, from: Data(contentsOf: applied))
            #expect(outcome.launches?.first?.vm == Self.host)
            #expect(outcome.launches?.first?.steps.count == 6)
            #expect(try f.git("log", "-1", "--format=%s").hasPrefix("apply 2027-01-15-launch.yaml: 1 RunPod VM launched"))
            let log = try #require(report.logPath)
            let entries = try RepositoryReader.commandLog([log: Data(contentsOf: f.repository.root.appendingPathComponent(log))])
            #expect(entries.count == 6)
            #expect(entries.allSatisfy { $0.status == .success && $0.change == "changes/2027-01-15-launch.yaml" })
            // No key in any committed file, in clear.
            let key = try #require(f.options.environment["RUNPOD_API_KEY"])
            let grep = try? f.git("grep", "-l", key, "HEAD")
            #expect(grep == nil || grep?.isEmpty == true, "the RunPod key is in \(grep ?? "")")
            // Nothing pending: a second apply has nothing to do.
            let again = try await ApplyEngine.run(repository: f.repository, options: options, context: context)
            #expect(again.files.isEmpty)
            await Self.expectOneVMOnePortOneWrite(f)
        }
    }

    /// A VM that appeared on the host after the snapshot is drift: the launch does not run.
    @Test func aVMStartedOnTheHostAfterTheSnapshotIsDrift() async throws {
        try await SnapshotFixture.run(Self.scenario()) { f in
            _ = try await f.snapshot()
            try Data("launches:\n  - host: \"\(Self.host)\"\n    image: \"RunPod Ubuntu 22.04\"\n".utf8)
                .write(to: f.repository.changesDirectory.appendingPathComponent("launch.yaml"))
            await f.cloud.state.mutate { world in
                world.servers.append(ServerSpec(id: "3f1c2b4a-0001-4e5f-8a9b-000000000099", name: "surprise", host: Self.host,
                                                projectID: "5a1f3c0e9b2d4e6f8a7b6c5d4e3f2a10", flavor: "n3-L40x8", created: "2026-11-29T09:00:00Z"))
            }
            var options = ApplyEngine.Options()
            options.clientOptions = f.options.clientOptions
            let context = RunContext(environment: f.options.environment, workingDirectory: f.repository.root, identity: f.options.identity,
                                     clock: FixedClock(Date(timeIntervalSince1970: 1_800_000_900)))
            let report = try await ApplyEngine.run(repository: f.repository, options: options, context: context)
            #expect(report.exitCode == 3, "\(report.lines)")
            #expect(report.launches.first?.status == .drifted)
            #expect(report.launches.first?.problems.first?.contains("has 1 VM (surprise)") == true)
            #expect(await f.cloud.state.hyperstackRecords().vmCreates.isEmpty)
        }
    }

    struct LaunchFault: Sendable, CustomStringConvertible {
        let name: String
        let rule: FaultRule
        /// Whether the first run gets through (the fault is retried or read back) or stops.
        let firstRunFinishes: Bool
        var description: String { name }
    }

    static let faults: [LaunchFault] = [
        LaunchFault(name: "the create's answer is lost after the VM was made",
                    rule: FaultRule(service: "hyperstack", method: "POST", path: vmPath, drop: true, after: true, remaining: 1), firstRunFinishes: true),
        LaunchFault(name: "a poll answers 503",
                    rule: FaultRule(service: "hyperstack", method: "GET", path: vmPath + "/5002", status: 503, remaining: 2), firstRunFinishes: true),
        LaunchFault(name: "the port create fails",
                    rule: FaultRule(service: "neutron", method: "POST", path: "/network/v2.0/ports", status: 500, remaining: 1), firstRunFinishes: false),
        LaunchFault(name: "the attach answers 409 not ready twice",
                    rule: FaultRule(service: "nova", method: "POST", path: "/compute/v2.1/servers/" + SimIDs.uuid("hyperstack-vm", 5002) + "/os-interface",
                                    status: 409, remaining: 2, message: "Cannot 'attach_interface' instance X while it is in vm_state building"),
                    firstRunFinishes: true),
        LaunchFault(name: "the firewall read fails",
                    rule: FaultRule(service: "hyperstack", method: "GET", path: "/hyperstack/v1/core/firewalls/971", status: 500, remaining: 1),
                    firstRunFinishes: false),
        LaunchFault(name: "the firewall write fails",
                    rule: FaultRule(service: "hyperstack", method: "POST", path: "/hyperstack/v1/core/firewalls/971/update-attachments", status: 500,
                                    remaining: 1), firstRunFinishes: false),
    ]

    /// A fault at each step: the run ends done or with a clear failure naming the step; the
    /// firewall list is never shortened; a second run finishes with exactly one VM, one port and
    /// one firewall write.
    @Test(arguments: faults)
    func aFaultAtEachStepEndsCleanlyAndASecondRunFinishes(_ fault: LaunchFault) async throws {
        try await Self.withLaunch { l in
            let added = await l.f.cloud.state.addFault(fault.rule)
            let first = await l.run()
            // The fault did fire (the rule was used up, or used).
            let left = await l.f.cloud.state.faultRules().first { $0.id == added.id }
            #expect(left == nil || left?.remaining != fault.rule.remaining, "\(fault): the fault never matched a request")
            if fault.firstRunFinishes {
                #expect(first.isDone, "\(fault): \(first.failure ?? "")")
            } else {
                #expect(!first.isDone, "\(fault) should stop the launch")
                let failed = try #require(first.steps.last)
                #expect(failed.status == .error)
                #expect(first.failure?.isEmpty == false)
            }
            let records = await l.f.cloud.state.hyperstackRecords()
            #expect(records.firewallWrites.allSatisfy { $0.detached.isEmpty }, "\(fault): a write shortened the list")
            #expect(records.vmCreates.count == 1, "\(fault): \(records.vmCreates.count) VMs")
            await l.f.cloud.state.clearFaults()
            let second = await l.run()
            #expect(second.isDone, "\(fault): \(second.failure ?? "")")
            await Self.expectOneVMOnePortOneWrite(l.f)
        }
    }

    /// A VM whose server lands on another hypervisor: the launch stops there by default
    /// (launch.on_wrong_host: fail); with warn it goes on and says so.
    @Test func aServerOnAnotherHypervisorStopsTheLaunchUnlessTheConfigurationSaysWarn() async throws {
        // The VM's name names another host, so the simulator schedules it there.
        try await Self.withLaunch(name: "CA1-ESC812-105-on-CA1-ESC812-1060") { l in
            await l.f.cloud.state.mutate { world in
                if let index = world.hosts.firstIndex(where: { $0.name == "CA1-ESC812-106" }) {
                    var other = world.hosts[index]
                    other.name = "CA1-ESC812-1060"
                    world.hosts.append(other)
                }
            }
            let stopped = await l.run()
            #expect(!stopped.isDone)
            #expect(stopped.steps.last?.kind == .findServer)
            #expect(stopped.failure?.contains("not on CA1-ESC812-105") == true, "\(stopped.failure ?? "")")
            var configuration = Configuration.defaults
            configuration.launch.onWrongHost = .warn
            let warned = await l.run(configuration: configuration)
            #expect(warned.isDone, "\(warned.failure ?? "")")
            #expect(warned.steps.first { $0.kind == .findServer }?.output.hasPrefix("warning:") == true)
        }
    }

    /// Ports, attachments and firewall attachments by hand: planned with their lines, run
    /// idempotently by apply (a second run has nothing pending), never detaching a firewall VM.
    @Test func portsAttachmentsAndFirewallAttachmentsRunThroughPlanAndApply() async throws {
        try await SnapshotFixture.run(Self.scenario()) { f in
            _ = try await f.snapshot()
            let file = "changes/2027-01-15-network.yaml"
            try Data("""
            ports:
              - network: "RunPod-Storage-Canada-1"
                name: "ops-port-1"
            attachments:
              - server: "train-llm-01"
                network: "RunPod-Storage-Canada-1"
            firewall_attachments:
              - firewall: 971
                vms: [5001]

            """.utf8).write(to: f.repository.root.appendingPathComponent(file))
            let context = RunContext(environment: f.options.environment, workingDirectory: f.repository.root, identity: f.options.identity,
                                     clock: FixedClock(Date(timeIntervalSince1970: 1_800_000_900)))
            let plan = try await ChangePlanner.plan(repository: f.repository, files: [], refresh: false, context: context)
            #expect(plan.problems.isEmpty, "\(plan.problems)")
            #expect(plan.operations.map(\.command) == [
                "openstack port create --network RunPod-Storage-Canada-1 ops-port-1",
                "openstack server add network train-llm-01 RunPod-Storage-Canada-1",
                "curl -X POST \(f.options.environment["HYPERSTACK_API_URL"]!)/core/firewalls/971/update-attachments -H 'api_key: sim-***cdef' -d '{\"vms\": [<current>, 5001]}'",
            ])
            #expect(plan.exitCode == 2)
            var options = ApplyEngine.Options()
            options.clientOptions = f.options.clientOptions
            let report = try await ApplyEngine.run(repository: f.repository, options: options, context: context)
            #expect(report.exitCode == 0, "\(report.lines)")
            #expect(report.operations.map(\.status) == [.done, .done, .skipped])
            let world = await f.cloud.state.world
            #expect(world.ports.filter { $0.name == "ops-port-1" }.count == 1)
            let attached = try #require(world.ports.first { $0.name == "train-llm-01-RunPod-Storage-Canada-1" })
            #expect(world.servers.first { $0.name == "train-llm-01" }?.id == attached.deviceID)
            #expect(await f.cloud.state.hyperstackRecords().firewallWrites.isEmpty, "5001 was in the firewall already: no write")
            #expect(try f.git("log", "-1", "--format=%s").hasPrefix("apply 2027-01-15-network.yaml: 2 network or firewall operations"))
            let again = try await ApplyEngine.run(repository: f.repository, options: options, context: context)
            #expect(again.files.isEmpty)
        }
    }

    /// `attachments: [{server, port}]` attaches an existing port by id once; a port bound to
    /// another server is refused with the reason, and an entry naming both network and port is bad.
    @Test func aPortAttachedByIDIsAttachedOnce() async throws {
        try await SnapshotFixture.run(Self.scenario()) { f in
            let free = "9d6c1b0e-0000-4a1b-8c2d-0000000000f1"
            let taken = "9d6c1b0e-0000-4a1b-8c2d-0000000000f2"
            await f.cloud.state.mutate { world in
                for (id, device) in [(free, ""), (taken, "3f1c2b4a-0001-4e5f-8a9b-000000000003")] {
                    world.ports.append(PortSpec(id: id, name: "by-hand-\(id.suffix(2))", networkID: "9d6c1b0e-0000-4a1b-8c2d-000000000001",
                                                macAddress: "fa:16:3e:00:00:\(id.suffix(2))", deviceID: device,
                                                deviceOwner: device.isEmpty ? "" : "compute:nova", status: device.isEmpty ? "DOWN" : "ACTIVE",
                                                projectID: "d1c5ab8e4e7a4f5c9d2b3a4c5d6e7f80"))
                }
            }
            _ = try await f.snapshot()
            let context = RunContext(environment: f.options.environment, workingDirectory: f.repository.root, identity: f.options.identity,
                                     clock: FixedClock(Date(timeIntervalSince1970: 1_800_000_900)))
            var options = ApplyEngine.Options()
            options.clientOptions = f.options.clientOptions
            for (index, port) in [free, free, taken].enumerated() {
                try Data("attachments:\n  - server: \"train-llm-01\"\n    port: \"\(port)\"\n".utf8)
                    .write(to: f.repository.root.appendingPathComponent("changes/2027-01-15-port-\(index).yaml"))
                let report = try await ApplyEngine.run(repository: f.repository, options: options, context: context)
                let operation = try #require(report.operations.first)
                #expect(operation.command == "openstack server add port train-llm-01 \(port)")
                switch index {
                case 0: #expect(operation.status == .done, "\(report.lines)")
                case 1: #expect(operation.status == .skipped, "\(report.lines)")
                default:
                    #expect(operation.status == .failed)
                    #expect(operation.problems.first?.contains("is attached to another device (3f1c2b4a-0001-4e5f-8a9b-000000000003)") == true,
                            "\(operation.problems)")
                }
            }
            let world = await f.cloud.state.world
            #expect(world.ports.first { $0.id == free }?.deviceID == "3f1c2b4a-0001-4e5f-8a9b-000000000001")
            #expect(world.ports.first { $0.id == taken }?.deviceID == "3f1c2b4a-0001-4e5f-8a9b-000000000003")
        }
        let both = Planner.plan(texts: [("changes/x.yaml", "attachments:\n  - server: a\n    network: n\n    port: p\n")],
                                cloud: CloudBuilder().cloudView(), basis: .live)
        #expect(both.problems.map(\.message).contains { $0.contains("names both network: and port:") })
    }

    @Test func byHandOperationsAreCheckedWithTheirLines() throws {
        let plan = Planner.plan(texts: [("changes/ops.yaml", """
        attachments:
          - server: "no-such-server"
            network: "net"
          - server: "x"
        firewall_attachments:
          - firewall: 971
            vms: []
        ports:
          - network: "net"
            name: "p"
            size: 3
        """)], cloud: CloudBuilder().cloudView(), basis: .live)
        let found = plan.problems.map { "\($0.line ?? 0): \($0.message)" }
        #expect(found.contains("4: attachments[1]: the entry has no network: key (or port: with a port id)"), "\(found)")
        #expect(found.contains { $0.hasPrefix("11: ports[0].size: unknown key \"size\"") }, "\(found)")
        #expect(plan.exitCode == 1)
    }

    /// The create times out after Hyperstack made the VM (its answer comes after the client's
    /// deadline): the client reads back by exact name instead of sending the POST again.
    @Test func aCreateThatTimesOutAfterTheVMWasMadeIsReadBackNotRepeated() async throws {
        try await Self.withLaunch(hyperstackTimeout: 1) { l in
            _ = await l.f.cloud.state.addFault(FaultRule(service: "hyperstack", method: "POST", path: Self.vmPath, latencyMS: 2_500,
                                                         after: true, remaining: 1))
            let outcome = await l.run()
            #expect(outcome.isDone, "\(outcome.failure ?? "")")
            await Self.expectOneVMOnePortOneWrite(l.f)
        }
    }

    /// The same faults through `spotctl apply` itself: each run ends with exit 0, or exit 1 and a
    /// report naming the failed step and saying to run apply again; the second apply finishes
    /// with exactly one VM, one port and one firewall write, and the file in changes/applied/.
    @Test(arguments: faults)
    func aFaultAtEachStepThroughApplyEndsWithAClearReportAndASecondApplyFinishes(_ fault: LaunchFault) async throws {
        try await SnapshotFixture.run(Self.scenario()) { f in
            _ = try await f.snapshot()
            try Data("launches:\n  - host: \"\(Self.host)\"\n    image: \"RunPod Ubuntu 22.04\"\n".utf8)
                .write(to: f.repository.changesDirectory.appendingPathComponent("2027-01-15-launch.yaml"))
            var options = ApplyEngine.Options()
            options.clientOptions = f.options.clientOptions
            var launch = LaunchRunner.Options()
            let cloud = f.cloud
            launch.sleep = { seconds in await cloud.state.advanceClock(by: seconds) }
            launch.attachPolicy = AttachRetryPolicy(attempts: 4, baseDelay: 1, maxDelay: 4)
            options.launchOptions = launch
            let context = RunContext(environment: f.options.environment, workingDirectory: f.repository.root, identity: f.options.identity,
                                     clock: FixedClock(Date(timeIntervalSince1970: 1_800_000_900)))
            _ = await f.cloud.state.addFault(fault.rule)
            let first = try await ApplyEngine.run(repository: f.repository, options: options, context: context)
            let text = first.lines.joined(separator: "\n")
            if fault.firstRunFinishes {
                #expect(first.exitCode == 0, "\(fault): \(text)")
            } else {
                #expect(first.exitCode == 1, "\(fault): \(text)")
                #expect(text.contains("FAILED"), "\(fault): \(text)")
                #expect(text.contains("to finish: run spotctl apply again"), "\(fault): \(text)")
                #expect(FileManager.default.fileExists(atPath: f.repository.changesDirectory.appendingPathComponent("2027-01-15-launch.yaml").path))
            }
            #expect(await f.cloud.state.hyperstackRecords().firewallWrites.allSatisfy { $0.detached.isEmpty })
            await f.cloud.state.clearFaults()
            let second = try await ApplyEngine.run(repository: f.repository, options: options, context: context)
            #expect(second.exitCode == 0, "\(fault): \(second.lines)")
            #expect(FileManager.default.fileExists(atPath: f.repository.root.appendingPathComponent("changes/applied/2027-01-15-launch.yaml").path))
            await Self.expectOneVMOnePortOneWrite(f)
        }
    }

    /// The command log is in file order, then step order: a file's move and launch come before the
    /// next file's move, though all moves run before any launch (found in review).
    @Test func theLogIsInFileOrderThenStepOrder() async throws {
        try await SnapshotFixture.run(Self.scenario()) { f in
            _ = try await f.snapshot()
            try Data("migrations:\n  - host: \"US1-HGXH100-201\"\n    to: \"spot\"\nlaunches:\n  - host: \"\(Self.host)\"\n    image: \"RunPod Ubuntu 22.04\"\n".utf8)
                .write(to: f.repository.changesDirectory.appendingPathComponent("a.yaml"))
            try Data("migrations:\n  - host: \"CA1-ESC812-104\"\n    to: \"ondemand\"\n".utf8)
                .write(to: f.repository.changesDirectory.appendingPathComponent("b.yaml"))
            var options = ApplyEngine.Options()
            options.clientOptions = f.options.clientOptions
            var launch = LaunchRunner.Options()
            let cloud = f.cloud
            launch.sleep = { seconds in await cloud.state.advanceClock(by: seconds) }
            options.launchOptions = launch
            let context = RunContext(environment: f.options.environment, workingDirectory: f.repository.root, identity: f.options.identity,
                                     clock: FixedClock(Date(timeIntervalSince1970: 1_800_000_900)))
            let report = try await ApplyEngine.run(repository: f.repository, options: options, context: context)
            #expect(report.exitCode == 0, "\(report.lines)")
            let log = try #require(report.logPath)
            let entries = try RepositoryReader.commandLog([log: Data(contentsOf: f.repository.root.appendingPathComponent(log))])
            let order = entries.map { "\($0.change ?? "?") \($0.step ?? 0)" }
            #expect(order == ["changes/a.yaml 1", "changes/a.yaml 2", "changes/a.yaml 3", "changes/a.yaml 4", "changes/a.yaml 5",
                              "changes/a.yaml 6", "changes/a.yaml 7", "changes/a.yaml 8", "changes/b.yaml 1", "changes/b.yaml 2"], "\(order)")
            #expect(entries.map(\.id) == (1...entries.count).map { "\(report.runID)-\($0)" })
        }
    }
}
