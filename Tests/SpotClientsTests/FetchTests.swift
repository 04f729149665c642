import Foundation
import Testing
import SpotCore
import SpotSimulator
@testable import SpotClients

/// Full fetches against the simulated cloud: every fact mapped, and one listing for the whole
/// cloud however many hosts it has.
@Suite struct FetchTests {
    @Test func aFullFetchOfTheDemoCloudMapsEveryFact() async throws {
        try await ClientFixture.run { f in
            let session = try f.session()
            let nova = f.nova(session)
            let world = await f.cloud.state.world

            #expect(try await nova.microversion() == "2.96")

            // Aggregates: all of them, empty ones included, hosts as compute service hosts.
            let aggregates = try await nova.aggregates()
            #expect(aggregates.count == world.aggregates.count)
            let l40 = try #require(aggregates.first { $0.name == "L40-n3" })
            #expect(l40.id == 1)
            #expect(l40.hosts == ["CA1-ESC812-101", "CA1-ESC812-102"])
            #expect(l40.uuid != nil)
            let emptyA100 = try #require(aggregates.first { $0.name == "A100-n3-spot" })
            #expect(emptyA100.hosts.isEmpty)
            let zone = try #require(aggregates.first { $0.name == "az-ca1" })
            #expect(zone.availabilityZone == "az-ca1")
            #expect(zone.metadata["availability_zone"] == "az-ca1")

            // Compute services: nova-compute only, with the disabled host's reason.
            let services = try await nova.computeServices()
            #expect(services.count == world.hosts.count)
            #expect(services.allSatisfy { $0.binary == "nova-compute" })
            let disabled = try #require(services.first { $0.host == "US1-HGXH100-203" })
            #expect(disabled.status == "disabled")
            #expect(disabled.disabledReason == "RMA ticket 4711")
            #expect(disabled.id == world.hosts.first { $0.name == "US1-HGXH100-203" }?.serviceID)
            #expect(services.first { $0.host == "CA1-ESC812-101" }?.zone == "az-ca1")

            // Hypervisors: serviceHost is service.host, not hypervisor_hostname.
            let hypervisors = try await nova.hypervisors()
            #expect(hypervisors.count == world.hosts.count)
            let hypervisor = try #require(hypervisors.first { $0.serviceHost == "CA1-ESC812-101" })
            #expect(hypervisor.hypervisorHostname == "ca1-esc812-101.compute.internal")
            #expect(hypervisor.hostIP == "10.0.0.101")
            #expect(hypervisor.state == "up")
            #expect(hypervisor.status == "enabled")
            #expect(hypervisor.id == world.hosts.first { $0.name == "CA1-ESC812-101" }?.hypervisorID)

            // Flavors, with extra specs in the body at 2.61+.
            let flavors = try await nova.flavors()
            #expect(flavors.count == world.flavors.count)
            let h100 = try #require(flavors.first { $0.name == "n3-H100-SXM5x8" })
            #expect(h100.id == "201")
            #expect(h100.vcpus == 192)
            #expect(h100.ramMiB == 1_048_576)
            #expect(h100.diskGiB == 1600)
            #expect(h100.extraSpecs == ["pci_passthrough:alias": "h100sxm:8"])
            #expect(flavors.first { $0.name == "m1.large" }?.extraSpecs == [:])

            // Servers: one listing; the embedded flavor carries the name and extra specs.
            let servers = try await nova.servers()
            #expect(Set(servers.map(\.id)) == Set(world.servers.map(\.id)))
            let hostile = try #require(servers.first { $0.name == "<b>hello</b>" })
            #expect(hostile.flavorName == "n3-H100-SXM5x8-NVLink")
            #expect(hostile.flavorExtraSpecs == ["pci_passthrough:alias": "h100sxm:8"])
            #expect(hostile.host == "US1-HGXH100-202")
            #expect(hostile.projectID == "7c3f5e2a1d4f6a8b0c9d8e7f6a5b4c32")
            #expect(hostile.created == "2026-10-05T12:00:00Z")
            #expect(hostile.status == "ACTIVE")
            #expect(hostile.vmState == "active")
            let shelved = try #require(servers.first { $0.name == "archived-run" })
            #expect(shelved.host == nil)
            #expect(shelved.status == "SHELVED_OFFLOADED")
            #expect(shelved.flavorName == "n3-H100-SXM5x4")
            let notebook = try #require(servers.first { $0.name == "notebook" })
            #expect(notebook.status == "SHUTOFF")
            #expect(notebook.host == "CA1-ESC812-102")
            #expect(notebook.availabilityZone == "az-ca1")
            #expect(notebook.userID == world.servers.first { $0.name == "notebook" }?.userID)
            #expect(servers.first { $0.name == "render" }?.flavorExtraSpecs == [:])
            // One page: one request from each end of the uuid order, at once.
            #expect(await f.count("nova", "GET /compute/v2.1/servers/detail") <= 2)

            // Projects by name, hostile ones included.
            let projects = try await KeystoneClient(session: session).projects()
            #expect(projects.contains { $0.id == "7c3f5e2a1d4f6a8b0c9d8e7f6a5b4c32" && $0.name == "Jörg's \"GPU\" <lab>" })
            #expect(projects.contains { $0.name == "research" && $0.domainID == "default" })
            #expect(projects.contains { $0.id == world.credentials.projectID })

            // NetBox devices with tenants, roles, sites, racks, tags and custom fields.
            let devices = try await f.netBox().devices()
            #expect(devices.count == world.devices.count)
            let failed = try #require(devices.first { $0.name == "CA1-ESC812-104" })
            #expect(failed.status == "failed")
            #expect(failed.statusLabel == "Failed")
            #expect(failed.tenant == NetBoxRef(slug: "nexgen-cloud", name: "NexGen Cloud"))
            #expect(failed.site == NetBoxRef(slug: "ca1", name: "Canada 1"))
            #expect(failed.rack == "CA1-R02")
            #expect(failed.tags == [NetBoxRef(slug: "nvidia-l40", name: "NVIDIA L40")])
            #expect(failed.webURL?.hasSuffix("/netbox/dcim/devices/4/") == true)
            #expect(failed.role?.slug == "gpu-servers")
            let norway = try #require(devices.first { $0.name == "NO1-ESC408-301" })
            #expect(norway.customFields["GPU_Count"] == .int(4))
            #expect(devices.first { $0.name == "CA1-ESC812-105" }?.tenant == nil)
            #expect(devices.first { $0.name == "CA1-CPU-01" }?.role == NetBoxRef(slug: "compute", name: "Compute"))

            // Hyperstack: the grouped images flattened, and a firewall's attachments.
            let hyperstack = f.hyperstack()
            let images = try await hyperstack.images()
            #expect(images.count == world.hyperstack.images.count)
            let image = try #require(images.first { $0.id == 102 })
            #expect(image.name == "Ubuntu Server 22.04 LTS R535 CUDA 12.2")
            #expect(image.region == "CANADA-1")
            #expect(image.type == "Ubuntu")
            #expect(image.version == "22.04")
            let firewall = try await hyperstack.firewall(id: 971)
            #expect(firewall.name == "RunPod-CA1")
            #expect(firewall.environment == "CA1-RunPod")
            #expect(firewall.attachments == [HyperstackFirewall.Attachment(vmID: 5001, vmName: "runpod-ca1-esc812-105", status: "ATTACHED")])

            // One token for the whole fetch.
            #expect(await session.authentications == 1)
            #expect(await f.count("keystone", "POST /identity/v3/auth/tokens") == 1)
        }
    }

    @Test func aTwoThousandHostCloudIsListedOncePageByPage() async throws {
        let scenario = ScenarioGenerator(hosts: 2000, seed: 7, vmsPerHost: 10).generate()
        try await ClientFixture.run(scenario) { f in
            let nova = f.nova(try f.session())
            let pages = Recorder<Int>()
            async let servers = nova.servers(progress: { pages.record($0) })
            async let devices = f.netBox().devices()
            async let hypervisors = nova.hypervisors()
            async let aggregates = nova.aggregates()
            async let services = nova.computeServices()
            async let flavors = nova.flavors()
            let (serverList, deviceList) = try await (servers, devices)
            let (hypervisorList, aggregateList, serviceList, flavorList) = try await (hypervisors, aggregates, services, flavors)

            #expect(serverList.count == 20_000)
            #expect(Set(serverList.map(\.id)).count == 20_000)
            #expect(deviceList.count == scenario.devices.count)
            #expect(deviceList.count > 1900)
            #expect(hypervisorList.count == scenario.hosts.count)
            #expect(serviceList.count == scenario.hosts.count)
            #expect(aggregateList.count == scenario.aggregates.count)
            #expect(flavorList.count == scenario.flavors.count)
            #expect(pages.values.last == 20_000)
            #expect(pages.values == pages.values.sorted())

            // One listing for the whole cloud, read from both ends of the uuid order: the 21 pages
            // of a plain listing (20 full, one empty), plus at most two; nothing per host.
            let stats = await f.stats()
            let serverPages = stats.count(service: "nova", route: "GET /compute/v2.1/servers/detail")
            #expect(serverPages >= 20 && serverPages <= 21 + 2)
            let routes = Set((stats.byService["nova"] ?? [:]).keys)
            #expect(routes.isSubset(of: [
                "GET /compute", "GET /compute/v2.1/os-aggregates", "GET /compute/v2.1/os-services",
                "GET /compute/v2.1/os-hypervisors/detail", "GET /compute/v2.1/flavors/detail", "GET /compute/v2.1/servers/detail",
            ]), "unexpected Nova routes: \(routes.sorted())")
            #expect(stats.count(service: "nova", route: "GET /compute/v2.1/os-hypervisors/detail") <= 3)
            #expect(stats.count(service: "nova") <= 23 + 3 + 1 + 1 + 1 + 1)
            let devicePages = stats.count(service: "netbox", route: "GET /netbox/api/dcim/devices")
            #expect(devicePages == (scenario.devices.count + 999) / 1000)
            // The version is negotiated once although six listings asked for it concurrently.
            #expect(stats.count(service: "nova", route: "GET /compute") == 1)
            #expect(stats.count(service: "keystone", route: "POST /identity/v3/auth/tokens") == 1)
        }
    }
}
