import Foundation
import Testing
import SpotCore
import SpotSimulator
@testable import SpotClients

/// The Hyperstack, Neutron and Nova calls a RunPod launch is built from, against the simulator
/// over loopback: exact-name lookups, creates that are never repeated blindly, firewall writes
/// that never shorten the list, and the attach retry on Nova's "not ready" conflict.
@Suite struct HyperstackLaunchClientTests {
    static let vmPath = "/hyperstack/v1/core/virtual-machines"

    static func request(_ name: String) -> HyperstackVMRequest {
        HyperstackVMRequest(name: name, environment: "CA1-RunPod", flavor: "n3-L40x8", image: "RunPod Ubuntu 22.04", keyName: "runpod",
                            userData: Secret("#cloud-config\n"))
    }

    @Test func catalogueReadsFlavorsByRegionEnvironmentsAndKeyPairs() async throws {
        try await ClientFixture.run { f in
            let client = f.hyperstack()
            let flavors = try await client.flavors(region: "US-1")
            #expect(flavors.map(\.name).sorted() == ["n3-H100-SXM5x8", "n3-H100-SXM5x8-NVLink"])
            #expect(flavors.allSatisfy { $0.region == "US-1" && $0.gpuCount == 8 })
            let environments = try await client.environments()
            #expect(environments.first { $0.name == "NO1-RunPod" }?.region == "NORWAY-1")
            let keys = try await client.keyPairs(environment: "CA1-RunPod")
            #expect(keys.map(\.name) == ["runpod"])
            #expect(keys.allSatisfy { $0.environment == "CA1-RunPod" })
        }
    }

    @Test func vmsAreFoundByExactNameNeverBySubstring() async throws {
        try await ClientFixture.run { f in
            let client = f.hyperstack()
            let vm = try await client.virtualMachine(named: "runpod-ca1-esc812-105")
            #expect(vm.id == 5001)
            #expect(vm.status == "ACTIVE")
            #expect(vm.environment == "CA1-RunPod")
            // The search matches "runpod-ca1-esc812-105" as a part; the client must not.
            do throws(LookupError) {
                _ = try await client.virtualMachine(named: "runpod-ca1-esc812-10")
                Issue.record("a substring matched")
            } catch {
                #expect(error.isNotFound)
                #expect(error.description.contains("Hyperstack GET /hyperstack/v1/core/virtual-machines?search=runpod-ca1-esc812-10"))
            }
            #expect(try await client.virtualMachine(id: 5001).name == "runpod-ca1-esc812-105")
        }
    }

    /// What Hyperstack's `search` matches is not documented: when it finds nothing, the whole
    /// list is read before "none" (which would let a second VM be created).
    @Test func aSearchThatMissesIsCheckedAgainstTheWholeList() async throws {
        try await ClientFixture.run { f in
            await f.fault(FaultRule(service: "hyperstack", method: "GET", path: Self.vmPath, remaining: 1,
                                    body: #"{"status": true, "message": "ok", "count": 0, "page": 1, "page_size": 100, "instances": []}"#))
            let vm = try await f.hyperstack().virtualMachine(named: "runpod-ca1-esc812-105")
            #expect(vm.id == 5001)
            #expect(await f.count("hyperstack", "GET /hyperstack/v1/core/virtual-machines") == 2)
        }
    }

    /// More VMs than a page: every page is read, each VM once.
    @Test func theVMListIsReadPageByPage() async throws {
        try await ClientFixture.run { f in
            await f.cloud.state.mutate { world in
                for offset in 1...150 {
                    var copy = world.hyperstack.vms[0]
                    copy.id = 6000 + offset
                    copy.name = "runpod-extra-\(offset)"
                    world.hyperstack.vms.append(copy)
                }
            }
            let vms = try await f.hyperstack().virtualMachines()
            #expect(vms.count == 151)
            #expect(Set(vms.map(\.id)).count == 151)
            #expect(await f.count("hyperstack", "GET /hyperstack/v1/core/virtual-machines") == 2)
        }
    }

    @Test func severalVMsOfOneNameAreTheirOwnError() async throws {
        try await ClientFixture.run { f in
            await f.cloud.state.mutate { world in
                var copy = world.hyperstack.vms[0]
                copy.id = 5002
                world.hyperstack.vms.append(copy)
            }
            do throws(LookupError) {
                _ = try await f.hyperstack().virtualMachine(named: "runpod-ca1-esc812-105")
                Issue.record("expected several")
            } catch {
                #expect(error.isSeveral)
                #expect(!error.isNotFound)
                #expect(error.description.contains("5001, 5002"))
            }
        }
    }

    /// The answer to the POST is lost after the VM was made (the connection dropped, or a 503
    /// from a proxy behind which the service did the work): the client reads back by name and
    /// returns that VM, and the simulator made exactly one.
    @Test(arguments: [FaultRule(service: "hyperstack", method: "POST", path: vmPath, drop: true, after: true, remaining: 1),
                      FaultRule(service: "hyperstack", method: "POST", path: vmPath, status: 503, after: true, remaining: 1)])
    func aLostCreateAnswerIsReadBackNotRepeated(fault: FaultRule) async throws {
        try await ClientFixture.run { f in
            await f.fault(fault)
            let vm = try await f.hyperstack().createVirtualMachine(Self.request("runpod-ca1-esc812-103"))
            #expect(vm.name == "runpod-ca1-esc812-103")
            let records = await f.cloud.state.hyperstackRecords()
            #expect(records.vmCreates.map(\.name) == ["runpod-ca1-esc812-103"])
            #expect(await f.count("hyperstack", "POST /hyperstack/v1/core/virtual-machines") == 1)
        }
    }

    /// A 503 before the service acted: the read-back finds nothing, so the POST is sent again,
    /// and there is still exactly one VM.
    @Test func aCreateRefusedBeforeActingIsSentAgainOnce() async throws {
        try await ClientFixture.run { f in
            await f.fault(FaultRule(service: "hyperstack", method: "POST", path: Self.vmPath, status: 503, remaining: 1))
            let vm = try await f.hyperstack().createVirtualMachine(Self.request("runpod-ca1-esc812-103"))
            #expect(vm.name == "runpod-ca1-esc812-103")
            #expect(await f.cloud.state.hyperstackRecords().vmCreates.count == 1)
            #expect(await f.count("hyperstack", "POST /hyperstack/v1/core/virtual-machines") == 2)
        }
    }

    /// When the read-back fails too, the client cannot tell and says so; it does not POST again.
    @Test func aCreateWhoseReadBackFailsIsNotRepeated() async throws {
        try await ClientFixture.run { f in
            await f.fault(FaultRule(service: "hyperstack", method: "POST", path: Self.vmPath, drop: true, after: true, remaining: 1))
            await f.fault(FaultRule(service: "hyperstack", method: "GET", path: Self.vmPath, status: 500))
            let error = try #require(await expectClientError { () async throws(ClientError) in
                try await f.hyperstack().createVirtualMachine(Self.request("runpod-ca1-esc812-103"))
            })
            #expect(error.message.contains("could not tell whether the request took effect"))
            #expect(await f.cloud.state.hyperstackRecords().vmCreates.count == 1)
            #expect(await f.count("hyperstack", "POST /hyperstack/v1/core/virtual-machines") == 1)
        }
    }

    /// CREATING → BUILD → ACTIVE as the simulator's clock is moved (no wall-clock waits); the
    /// ACTIVE VM is a Nova server of exactly its name on the host its name names.
    @Test func aVMGoesFromBuildToActiveAndBecomesANovaServer() async throws {
        var options = SimulatorOptions()
        options.buildDelay = 1000
        try await ClientFixture.run(simulator: options) { f in
            let client = f.hyperstack()
            let made = try await client.createVirtualMachine(Self.request("runpod-ca1-esc812-103"))
            #expect(made.status == "CREATING")
            await f.cloud.state.advanceClock(by: 600)
            #expect(try await client.virtualMachine(id: made.id).status == "BUILD")
            await f.cloud.state.advanceClock(by: 600)
            let vm = try await client.virtualMachine(id: made.id)
            #expect(vm.status == "ACTIVE")
            let nova = f.nova(try f.session())
            let server = try await nova.server("runpod-ca1-esc812-103")
            #expect(server.host == "CA1-ESC812-103")
            #expect(server.status == "ACTIVE")
            #expect(try await nova.server(server.id).name == "runpod-ca1-esc812-103")
        }
    }

    @Test func aFirewallIsExtendedWithOneWriteAndNeverShortened() async throws {
        try await ClientFixture.run { f in
            let client = f.hyperstack()
            let made = try await client.createVirtualMachine(Self.request("runpod-ca1-esc812-103"))
            let first = try await client.attachToFirewall(id: 971, vms: [made.id])
            #expect(first.wrote)
            #expect(first.attachments == [5001, made.id])
            // Again: already attached, so no write.
            let second = try await client.attachToFirewall(id: 971, vms: [made.id])
            #expect(!second.wrote)
            let writes = await f.cloud.state.hyperstackRecords().firewallWrites
            #expect(writes.count == 1)
            #expect(writes.first?.vms == [5001, made.id])
            #expect(writes.allSatisfy { $0.detached.isEmpty })
        }
    }

    /// A failed firewall read stops before any write (an empty list is never assumed).
    @Test func aFailedFirewallReadWritesNothing() async throws {
        try await ClientFixture.run(client: ClientFixture.fastOptions(attempts: 2)) { f in
            let client = f.hyperstack()
            let made = try await client.createVirtualMachine(Self.request("runpod-ca1-esc812-103"))
            await f.fault(FaultRule(service: "hyperstack", method: "GET", path: "/hyperstack/v1/core/firewalls/971", status: 503))
            let error = try #require(await expectClientError { () async throws(ClientError) in
                try await client.attachToFirewall(id: 971, vms: [made.id])
            })
            #expect(error.service == "Hyperstack")
            #expect(error.path == "/hyperstack/v1/core/firewalls/971")
            #expect(await f.cloud.state.hyperstackRecords().firewallWrites.isEmpty)
            #expect(await f.cloud.state.world.hyperstack.firewalls[0].attachments == [5001])
        }
    }

    /// A malformed firewall read (no attachments list, or an attachment without a VM id) stops
    /// before any write: it is never read as "no VMs attached".
    @Test(arguments: [#"{"status": true, "message": "ok", "firewall": {"id": 971, "name": "RunPod-CA1"}}"#,
                      #"{"status": true, "message": "ok", "firewall": {"id": 971, "name": "RunPod-CA1", "attachments": [{"status": "ATTACHED"}]}}"#])
    func aMalformedFirewallReadWritesNothing(body: String) async throws {
        try await ClientFixture.run { f in
            let client = f.hyperstack()
            let made = try await client.createVirtualMachine(Self.request("runpod-ca1-esc812-103"))
            await f.fault(FaultRule(service: "hyperstack", method: "GET", path: "/hyperstack/v1/core/firewalls/971", remaining: 1, body: body))
            let error = try #require(await expectClientError { () async throws(ClientError) in
                try await client.attachToFirewall(id: 971, vms: [made.id])
            })
            #expect(error.message.contains("nothing was changed"), "\(error)")
            #expect(await f.cloud.state.hyperstackRecords().firewallWrites.isEmpty)
            #expect(await f.cloud.state.world.hyperstack.firewalls[0].attachments == [5001])
        }
    }

    /// A failed write is reported; the list in the cloud is unchanged and was never shortened.
    @Test func aFailedFirewallWriteIsReported() async throws {
        try await ClientFixture.run(client: ClientFixture.fastOptions(attempts: 2)) { f in
            let client = f.hyperstack()
            let made = try await client.createVirtualMachine(Self.request("runpod-ca1-esc812-103"))
            await f.fault(FaultRule(service: "hyperstack", method: "POST", path: "/hyperstack/v1/core/firewalls/971/update-attachments",
                                    status: 500))
            let error = try #require(await expectClientError { () async throws(ClientError) in
                try await client.attachToFirewall(id: 971, vms: [made.id])
            })
            #expect(error.status == 500)
            #expect(error.method == "POST")
            #expect(await f.cloud.state.hyperstackRecords().firewallWrites.isEmpty)
            #expect(await f.cloud.state.world.hyperstack.firewalls[0].attachments == [5001])
        }
    }

    /// The user data (which holds the RunPod key at apply time) never reaches an error.
    @Test func userDataNeverReachesAnError() async throws {
        try await ClientFixture.run { f in
            var request = Self.request("runpod-ca1-esc812-103")
            request.flavor = "no-such-flavor"
            request.userData = Secret("RUNPOD_KEY=rp-secret-value-123")
            let error = try #require(await expectClientError { () async throws(ClientError) in
                try await f.hyperstack().createVirtualMachine(request)
            })
            #expect(error.status == 404)
            #expect(error.message.contains("Flavor no-such-flavor not found"))
            #expect(!error.description.contains("rp-secret-value-123"))
        }
    }
}

@Suite struct NeutronNovaLaunchClientTests {
    @Test func networksAreFoundByExactNameOrIDAndSeveralIsItsOwnError() async throws {
        try await ClientFixture.run { f in
            let neutron = NeutronClient(session: try f.session())
            let network = try await neutron.network("RunPod-Storage-Canada-1")
            #expect(network.id == "9d6c1b0e-0000-4a1b-8c2d-000000000001")
            #expect(!network.subnets.isEmpty)
            #expect(try await neutron.network(network.id).name == "RunPod-Storage-Canada-1")
            do throws(LookupError) {
                _ = try await neutron.network("RunPod-Storage")
                Issue.record("a part of a name matched")
            } catch {
                #expect(error.isNotFound)
                #expect(error.description.hasPrefix("Neutron GET /"))
            }
            await f.cloud.state.mutate { world in
                var copy = world.networks[0]
                copy.id = "9d6c1b0e-0000-4a1b-8c2d-0000000000ff"
                world.networks.append(copy)
            }
            do throws(LookupError) {
                _ = try await neutron.network("RunPod-Storage-Canada-1")
                Issue.record("expected several")
            } catch {
                #expect(error.isSeveral)
            }
        }
    }

    @Test func aLostPortCreateAnswerIsReadBackNotRepeated() async throws {
        try await ClientFixture.run { f in
            let neutron = NeutronClient(session: try f.session())
            let network = try await neutron.network("RunPod-Storage-Canada-1")
            await f.fault(FaultRule(service: "neutron", method: "POST", path: "/network/v2.0/ports", drop: true, after: true, remaining: 1))
            let port = try await neutron.createPort(name: "runpod-ca1-esc812-103-storage", networkID: network.id)
            #expect(port.name == "runpod-ca1-esc812-103-storage")
            let ports = try await neutron.ports(named: "runpod-ca1-esc812-103-storage")
            #expect(ports.map(\.id) == [port.id])
        }
    }

    @Test func serversAreFoundByExactNameNeverBySubstringOrCase() async throws {
        try await ClientFixture.run { f in
            let nova = f.nova(try f.session())
            let server = try await nova.server("train-llm-01")
            #expect(server.id == "3f1c2b4a-0001-4e5f-8a9b-000000000001")
            #expect(server.host == "CA1-ESC812-101")
            for wrong in ["train-llm-0", "TRAIN-LLM-01", "train.llm.01"] {
                do throws(LookupError) {
                    _ = try await nova.server(wrong)
                    Issue.record("\(wrong) matched")
                } catch {
                    #expect(error.isNotFound, "\(wrong): \(error)")
                }
            }
            // A name with regular-expression characters is matched literally.
            #expect(try await nova.server("<b>hello</b>").id == "3f1c2b4a-0001-4e5f-8a9b-000000000006")
            #expect(try await nova.serverStatus(id: "3f1c2b4a-0001-4e5f-8a9b-000000000003") == "SHUTOFF")
            await f.cloud.state.mutate { world in
                var copy = world.servers[0]
                copy.id = "3f1c2b4a-0001-4e5f-8a9b-0000000000ff"
                world.servers.append(copy)
            }
            do throws(LookupError) {
                _ = try await nova.server("train-llm-01")
                Issue.record("expected several")
            } catch {
                #expect(error.isSeveral)
            }
        }
    }

    static let notReady = "Cannot 'attach_interface' instance 3f1c2b4a-0001-4e5f-8a9b-000000000001 while it is in vm_state building"

    /// Two "not ready" 409s, then the attach goes through: three attempts, with the waits of the
    /// policy (recorded, not slept).
    @Test func attachRetriesOnlyNovasNotReadyConflict() async throws {
        try await ClientFixture.run { f in
            let session = try f.session()
            let neutron = NeutronClient(session: session)
            let nova = f.nova(session)
            let network = try await neutron.network("RunPod-Storage-Canada-1")
            let port = try await neutron.createPort(name: "train-llm-01-storage", networkID: network.id)
            let server = "3f1c2b4a-0001-4e5f-8a9b-000000000001"
            await f.fault(FaultRule(service: "nova", method: "POST", path: "/compute/v2.1/servers/\(server)/os-interface", status: 409,
                                    remaining: 2, message: Self.notReady))
            let waits = WaitLog()
            let attempts = try await nova.attachPort(port.id, toServer: server, policy: AttachRetryPolicy(attempts: 5, baseDelay: 1, maxDelay: 3),
                                                     sleep: { await waits.add($0) })
            #expect(attempts == 3)
            #expect(await waits.values == [1, 2])
            #expect(try await nova.interfaces(serverID: server).contains(port.id))
            // Attached already: nothing is sent.
            #expect(try await nova.attachPort(port.id, toServer: server, sleep: { await waits.add($0) }) == 0)
        }
    }

    @Test func otherConflictsAndExhaustedRetriesAreReported() async throws {
        try await ClientFixture.run { f in
            let session = try f.session()
            let nova = f.nova(session)
            let server = "3f1c2b4a-0001-4e5f-8a9b-000000000001"
            let path = "/compute/v2.1/servers/\(server)/os-interface"
            await f.fault(FaultRule(service: "nova", method: "POST", path: path, status: 409, remaining: 1,
                                    message: "Port 1234 is still in use."))
            let waits = WaitLog()
            let inUse = try #require(await expectClientError { () async throws(ClientError) in
                try await nova.attachPort("9d6c1b0e-0000-4a1b-8c2d-00000000abcd", toServer: server, sleep: { await waits.add($0) })
            })
            #expect(inUse.status == 409)
            #expect(await waits.values.isEmpty)
            await f.fault(FaultRule(service: "nova", method: "POST", path: path, status: 409, message: Self.notReady))
            let exhausted = try #require(await expectClientError { () async throws(ClientError) in
                try await nova.attachPort("9d6c1b0e-0000-4a1b-8c2d-00000000abcd", toServer: server,
                                          policy: AttachRetryPolicy(attempts: 3, baseDelay: 1, maxDelay: 1.5), sleep: { await waits.add($0) })
            })
            #expect(exhausted.message.contains("still not ready after 3 attempts"))
            #expect(await waits.values == [1, 1.5])
        }
    }
}

actor WaitLog {
    var values: [Double] = []
    func add(_ value: Double) { values.append(value) }
}

/// The clients composed as a launch's steps will use them (the apply executor comes later), with
/// a fault at several steps: one VM, ACTIVE, its storage port attached, in the firewall with one
/// write that keeps what was there; a second run of the same steps changes nothing.
@Suite struct LaunchStepsTests {
    static func steps(_ f: ClientFixture, waits: WaitLog) async throws {
        let hyperstack = f.hyperstack()
        let session = try f.session()
        let nova = f.nova(session)
        let neutron = NeutronClient(session: session)
        let name = "runpod-ca1-esc812-103"
        // 1. The VM, created only when none of exactly that name exists.
        var vm = try await hyperstack.virtualMachines(named: name).first
        if vm == nil { vm = try await hyperstack.createVirtualMachine(HyperstackLaunchClientTests.request(name)) }
        let id = try #require(vm?.id)
        // 2. Until ACTIVE (the clock is moved by the test, never waited on).
        await f.cloud.state.advanceClock(by: 2000)
        #expect(try await hyperstack.virtualMachine(id: id).status == "ACTIVE")
        // 3. The OpenStack server of exactly that name, on the intended host.
        let server = try await nova.server(name)
        #expect(server.host == "CA1-ESC812-103")
        // 4. The storage port, reused when it exists, attached.
        let network = try await neutron.network("RunPod-Storage-Canada-1")
        var port = try await neutron.ports(named: name + "-storage", networkID: network.id).first
        if port == nil { port = try await neutron.createPort(name: name + "-storage", networkID: network.id) }
        let portID = try #require(port?.id)
        try await nova.attachPort(portID, toServer: server.id, policy: AttachRetryPolicy(attempts: 4, baseDelay: 1, maxDelay: 4),
                                  sleep: { await waits.add($0) })
        // 5. The firewall.
        try await hyperstack.attachToFirewall(id: 971, vms: [id])
    }

    @Test func aLaunchWithFaultsEndsWithOneVMAPortAndOneFirewallWrite() async throws {
        var options = SimulatorOptions()
        options.buildDelay = 1000
        try await ClientFixture.run(simulator: options) { f in
            await f.fault(FaultRule(service: "hyperstack", method: "POST", path: HyperstackLaunchClientTests.vmPath, drop: true, after: true,
                                    remaining: 1))
            await f.fault(FaultRule(service: "neutron", method: "POST", path: "/network/v2.0/ports", status: 503, after: true, remaining: 1))
            let attach = "/compute/v2.1/servers/" + SimIDs.uuid("hyperstack-vm", 5002) + "/os-interface"
            await f.fault(FaultRule(service: "nova", method: "POST", path: attach, status: 409, remaining: 2,
                                    message: "Cannot 'attach_interface' instance X while it is in vm_state building"))
            let waits = WaitLog()
            try await Self.steps(f, waits: waits)
            #expect(await waits.values == [1, 2])
            // Again: nothing new.
            try await Self.steps(f, waits: waits)
            let records = await f.cloud.state.hyperstackRecords()
            #expect(records.vmCreates.map(\.name) == ["runpod-ca1-esc812-103"])
            #expect(records.firewallWrites.count == 1)
            #expect(records.firewallWrites.allSatisfy { $0.detached.isEmpty })
            let world = await f.cloud.state.world
            #expect(world.ports.filter { $0.name == "runpod-ca1-esc812-103-storage" }.count == 1)
            #expect(world.ports.first { $0.name == "runpod-ca1-esc812-103-storage" }?.deviceID == SimIDs.uuid("hyperstack-vm", 5002))
            #expect(world.hyperstack.firewalls[0].attachments == [5001, 5002])
            #expect(await waits.values == [1, 2])
        }
    }
}
