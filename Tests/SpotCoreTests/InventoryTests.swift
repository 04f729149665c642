import Testing
import TestSupport
@testable import SpotCore

@Suite struct InventoryTests {
    /// A typical L40 cloud: two on-demand variants, spot, runpod, a contract and an empty spot
    /// aggregate for another type.
    static func l40Cloud() -> CloudBuilder {
        var cloud = CloudBuilder()
        cloud.gpuHost("CA1-L40-01", tag: "NVIDIA L40", aggregate: "L40-n3", tenant: "nexgen-cloud")
        cloud.gpuHost("CA1-L40-02", tag: "NVIDIA L40", aggregate: "L40-n3-NVLink", tenant: "nexgen-cloud")
        cloud.gpuHost("CA1-L40-03", tag: "nvidia-l40", aggregate: "L40-n3-spot", tenant: "customer1")
        cloud.gpuHost("CA1-L40-04", tag: "NVIDIA L40", aggregate: "L40-n3-runpod")
        cloud.gpuHost("CA1-L40-05", tag: "NVIDIA L40", aggregate: "Contract-L40-Customer1", tenant: "customer1")
        cloud.aggregate("A100-n3-spot")
        cloud.server(on: "CA1-L40-01", flavor: "n3-L40x4")
        cloud.server(on: "CA1-L40-01", flavor: "n3-L40x2")
        cloud.server(on: "CA1-L40-02", flavor: "n3-L40x8-NVLink")
        cloud.server(on: "CA1-L40-05", flavor: "n3-L40x1")
        return cloud
    }

    @Test func everyHostIsInExactlyOnePoolAndPoolsAddUpToTheType() throws {
        let inventory = Self.l40Cloud().cloudView()
        let l40 = try #require(inventory.type(named: "L40"))
        let placed = l40.pools.flatMap(\.hosts).map(\.name)
        #expect(placed.sorted() == ["CA1-L40-01", "CA1-L40-02", "CA1-L40-03", "CA1-L40-04", "CA1-L40-05"])
        #expect(Set(placed).count == placed.count)
        #expect(l40.pool(.ondemand).hosts.map(\.name) == ["CA1-L40-01", "CA1-L40-02"])
        #expect(l40.pool(.spot).hosts.map(\.name) == ["CA1-L40-03"])
        #expect(l40.pool(.runpod).hosts.map(\.name) == ["CA1-L40-04"])
        #expect(l40.pool(.contract).hosts.map(\.name) == ["CA1-L40-05"])
        #expect(l40.overview == GPUSummary(gpuUsed: 15, gpuCapacity: 40, hostCount: 5))
        let sum = Pool.inService.map { l40.pool($0).summary }.reduce(GPUSummary(), +)
        #expect(sum == l40.overview)
        #expect(l40.overview.gpuUsageRatio == "15/40")
        #expect(l40.overview.gpuUsagePercentage == 37.5)
    }

    @Test func onDemandVariantsAreListedWithTheirOwnSummaries() throws {
        let l40 = try #require(Self.l40Cloud().cloudView().type(named: "L40"))
        let ondemand = l40.pool(.ondemand)
        #expect(ondemand.name == "L40-n3 (2 variants)")
        #expect(ondemand.variants.map(\.aggregate) == ["L40-n3", "L40-n3-NVLink"])
        #expect(ondemand.variants.map(\.nvlink) == [false, true])
        #expect(ondemand.variants.map(\.summary.gpuUsed) == [6, 8])
        #expect(ondemand.variants.map(\.hosts) == [["CA1-L40-01"], ["CA1-L40-02"]])
        #expect(l40.pool(.spot).name == "L40-n3-spot")
        let nvlinkHost = try #require(Self.l40Cloud().cloudView().host(named: "CA1-L40-02"))
        #expect(nvlinkHost.nvlink)
        #expect(nvlinkHost.variant == "L40-n3-NVLink")
    }

    @Test func contractsCarryTheirPrimaryTenant() throws {
        var cloud = Self.l40Cloud()
        cloud.gpuHost("CA1-L40-06", tag: "NVIDIA L40", aggregate: "Contract-L40-Customer1", tenant: "customer1")
        cloud.gpuHost("CA1-L40-07", tag: "NVIDIA L40", aggregate: "Contract-L40-Customer1", tenant: "nexgen-cloud")
        let l40 = try #require(cloud.cloudView().type(named: "L40"))
        let contract = try #require(l40.pool(.contract).contracts.first)
        #expect(contract.aggregate == "Contract-L40-Customer1")
        #expect(contract.hosts.count == 3)
        #expect(contract.primaryTenant == "customer1")
        #expect(contract.ownerGroup == "Investors")
        #expect(contract.summary == GPUSummary(gpuUsed: 1, gpuCapacity: 24, hostCount: 3))
    }

    @Test func usageAboveCapacityIsShownAndFlagged() throws {
        var cloud = CloudBuilder()
        cloud.gpuHost("gpu-1", tag: "NVIDIA L40", aggregate: "L40-n3")
        cloud.server(on: "gpu-1", flavor: "n3-L40x8")
        cloud.server(on: "gpu-1", flavor: "n3-L40x4")
        let inventory = cloud.cloudView()
        let host = try #require(inventory.host(named: "gpu-1"))
        #expect(host.gpuUsed == 12)
        #expect(host.capacity == 8)
        #expect(host.overCapacity)
        #expect(host.pool == .ondemand)
        #expect(inventory.type(named: "L40")?.overview.gpuUsageRatio == "12/8")
        #expect(inventory.type(named: "L40")?.overview.gpuUsagePercentage == 150)
        #expect(inventory.warnings.contains { $0.kind == .overCapacity && $0.subject == "gpu-1" })
    }

    @Test func aHostInTwoPoolsOfOneTypeTakesTheFirstOfContractRunpodSpotOnDemand() throws {
        var cloud = CloudBuilder()
        cloud.gpuHost("gpu-1", tag: "NVIDIA L40", aggregate: "L40-n3")
        cloud.aggregate("L40-n3-spot", hosts: ["gpu-1"])
        cloud.gpuHost("gpu-2", tag: "NVIDIA L40", aggregate: "L40-n3-spot")
        cloud.aggregate("L40-n3-runpod", hosts: ["gpu-2"])
        cloud.aggregate("Contract-L40-X", hosts: ["gpu-2"])
        let inventory = cloud.cloudView()
        #expect(inventory.host(named: "gpu-1")?.pool == .spot)
        #expect(inventory.host(named: "gpu-2")?.pool == .contract)
        #expect(inventory.host(named: "gpu-2")?.contractAggregate == "Contract-L40-X")
        let conflicts = inventory.warnings.filter { $0.kind == .poolConflict }.map(\.subject)
        #expect(conflicts == ["gpu-1", "gpu-2"])
        // Counted once.
        #expect(inventory.type(named: "L40")?.overview.hostCount == 2)
    }

    @Test func aHostInAggregatesOfTwoTypesIsOutOfStockUnderItsTagType() throws {
        var cloud = CloudBuilder()
        cloud.gpuHost("gpu-1", tag: "NVIDIA L40", aggregate: "L40-n3")
        cloud.aggregate("A100-n3-spot", hosts: ["gpu-1"])
        cloud.compute("gpu-2")
        cloud.device("gpu-2", tags: [], role: "GPU Servers")
        cloud.aggregate("L40-n3-spot", hosts: ["gpu-2"])
        cloud.aggregate("A100-n3", hosts: ["gpu-2"])
        let inventory = cloud.cloudView()
        let tagged = try #require(inventory.host(named: "gpu-1"))
        #expect(tagged.pool == .outofstock)
        #expect(tagged.outOfStockReason?.hasPrefix("conflict: aggregates of two GPU types") == true)
        #expect(tagged.gpuType == "L40")
        #expect(inventory.type(named: "L40")?.pool(.outofstock).hosts.map(\.name) == ["gpu-1"])
        #expect(inventory.type(named: "A100")?.hosts.isEmpty == true)
        let untagged = try #require(inventory.host(named: "gpu-2"))
        #expect(untagged.pool == .outofstock)
        #expect(untagged.gpuType == nil)
        #expect(inventory.unclassified.map(\.name) == ["gpu-2"])
        #expect(inventory.warnings.filter { $0.kind == .typeConflict }.map(\.subject) == ["gpu-1", "gpu-2"])
    }

    @Test func shelvedOffloadedAndDeletedServersHoldNoGPUs() throws {
        var cloud = CloudBuilder()
        cloud.gpuHost("gpu-1", tag: "NVIDIA L40", aggregate: "L40-n3")
        cloud.server(on: "gpu-1", flavor: "n3-L40x2", status: "SHUTOFF")
        cloud.server(on: "gpu-1", flavor: "n3-L40x4", status: "SHELVED_OFFLOADED")
        cloud.server(on: "gpu-1", flavor: "n3-L40x4", status: "SOFT_DELETED")
        cloud.server(on: nil, flavor: "n3-L40x8", status: "SHELVED_OFFLOADED")
        let host = try #require(cloud.cloudView().host(named: "gpu-1"))
        #expect(host.gpuUsed == 2)
        #expect(host.vmCount == 1)
        #expect(host.hasVMs)
        #expect(host.servers.count == 3)
    }

    @Test func anUnknownGPUTypeIsUnclassifiedAndOnNoTypePage() throws {
        var cloud = CloudBuilder()
        cloud.compute("gpu-x")
        cloud.device("gpu-x", tags: ["NVIDIA B300"], role: "GPU Servers")
        cloud.aggregate("az-1", hosts: ["gpu-x"])
        let inventory = cloud.cloudView()
        let host = try #require(inventory.host(named: "gpu-x"))
        #expect(host.gpuType == nil)
        #expect(host.typeSource == .unknown)
        #expect(host.pool == .outofstock)
        #expect(host.outOfStockReason == "not in any aggregate")
        #expect(inventory.types.isEmpty)
        #expect(inventory.unclassified.map(\.name) == ["gpu-x"])
        #expect(inventory.reconciliation.entries.contains(.init(host: "gpu-x", finding: .unclassified)))
    }

    @Test func withoutNetBoxTypesComeFromAggregatesAndNothingIsReconciled() throws {
        var cloud = CloudBuilder(netBox: false)
        cloud.computes(["gpu-1", "gpu-2", "cpu-1"])
        cloud.aggregate("H100-n3-spot", hosts: ["gpu-1"])
        cloud.aggregate("H100-n3", hosts: ["gpu-2"])
        cloud.compute("gpu-3", status: "disabled")
        cloud.aggregate("H100-n3-runpod", hosts: ["gpu-3"])
        let inventory = cloud.cloudView()
        #expect(inventory.hosts.map(\.name) == ["gpu-1", "gpu-2", "gpu-3"])
        #expect(inventory.cpuOnlyHosts == ["cpu-1"])
        let host = try #require(inventory.host(named: "gpu-1"))
        #expect(host.gpuType == "H100")
        #expect(host.typeSource == .aggregates)
        #expect(host.ownerGroup == "Unassigned")
        #expect(host.status == "enabled")
        #expect(host.pool == .spot)
        #expect(inventory.host(named: "gpu-3")?.status == "disabled")
        #expect(inventory.host(named: "gpu-3")?.outOfStockReason == "compute service disabled")
        #expect(!inventory.reconciliation.netBoxConfigured)
        #expect(inventory.reconciliation.entries.isEmpty)
    }

    @Test func aDeviceInNetBoxOnlyIsOutOfStockForItsType() throws {
        var cloud = Self.l40Cloud()
        cloud.device("CA1-L40-99", tags: ["NVIDIA L40"])
        cloud.device("CA1-STORAGE-1", tags: [], role: "Storage")
        let inventory = cloud.cloudView()
        let host = try #require(inventory.host(named: "CA1-L40-99"))
        #expect(host.pool == .outofstock)
        #expect(host.outOfStockReason == "not in OpenStack")
        #expect(!host.inNova)
        #expect(inventory.type(named: "L40")?.pool(.outofstock).hosts.map(\.name) == ["CA1-L40-99"])
        #expect(inventory.type(named: "L40")?.overview.hostCount == 5)
        #expect(inventory.reconciliation.entries == [.init(host: "CA1-L40-99", finding: .notInOpenStack)])
        #expect(inventory.reconciliation.netBoxGPUServers == 6)
        #expect(inventory.reconciliation.dashboardHosts == 6)
        #expect(inventory.host(named: "CA1-STORAGE-1") == nil)
    }

    @Test func aHostInNovaOnlyKeepsItsPoolAndIsReconciled() throws {
        var cloud = Self.l40Cloud()
        cloud.compute("CA1-L40-50")
        cloud.facts.aggregates[cloud.facts.aggregates.firstIndex { $0.name == "L40-n3-spot" }!].hosts.append("CA1-L40-50")
        let inventory = cloud.cloudView()
        let host = try #require(inventory.host(named: "CA1-L40-50"))
        #expect(host.pool == .spot)
        #expect(host.gpuType == "L40")
        #expect(host.typeSource == .aggregates)
        #expect(!host.inNetBox)
        #expect(host.ownerGroup == "Unassigned")
        #expect(inventory.reconciliation.entries == [.init(host: "CA1-L40-50", finding: .notInNetBox)])
        #expect(inventory.reconciliation.netBoxGPUServers == 5)
        #expect(inventory.reconciliation.dashboardHosts == 6)
    }

    @Test func theNetBoxJoinIgnoresCase() throws {
        var cloud = CloudBuilder()
        cloud.compute("ca1-esc812-171")
        cloud.device("CA1-ESC812-171", tags: ["NVIDIA RTX A6000"], tenant: "nexgen-cloud", site: "Canada 1", rack: "R12")
        cloud.aggregate("RTX-A6000-n3", hosts: ["ca1-esc812-171"])
        let inventory = cloud.cloudView()
        let host = try #require(inventory.host(named: "ca1-esc812-171"))
        #expect(host.inNetBox)
        #expect(host.tenant == "nexgen-cloud")
        #expect(host.ownerGroup == "Nexgen Cloud")
        #expect(host.site == "Canada 1")
        #expect(host.rack == "R12")
        #expect(host.sitePrefix == "CA1")
        #expect(host.netboxURL?.hasPrefix("https://netbox.example.net/dcim/devices/") == true)
        #expect(inventory.reconciliation.isReconciled)
        #expect(inventory.hosts.count == 1)
    }

    @Test(arguments: [
        ("failed", "NetBox status: Failed"),
        ("offline", "NetBox status: Offline"),
        ("planned", "NetBox status: Planned"),
    ])
    func aDeviceNotInServiceIsOutOfStock(status: String, reason: String) throws {
        var cloud = CloudBuilder()
        cloud.compute("gpu-1")
        cloud.device("gpu-1", tags: ["NVIDIA L40"], status: status)
        cloud.aggregate("L40-n3-spot", hosts: ["gpu-1"])
        let host = try #require(cloud.cloudView().host(named: "gpu-1"))
        #expect(host.pool == .outofstock)
        #expect(host.outOfStockReason == reason)
        #expect(host.status == status)
    }

    @Test func aHostInATestingAggregateIsOutOfStock() throws {
        var cloud = CloudBuilder()
        cloud.gpuHost("gpu-1", tag: "NVIDIA L40", aggregate: "L40-n3")
        cloud.aggregate("tempest-az", hosts: ["gpu-1"])
        let host = try #require(cloud.cloudView().host(named: "gpu-1"))
        #expect(host.pool == .outofstock)
        #expect(host.outOfStockReason == "in testing aggregate tempest-az")
        #expect(host.aggregates == ["L40-n3", "tempest-az"])
    }

    @Test func aDisabledOrDownComputeServiceTakesAHostOutOfStockAsConfigured() throws {
        var cloud = CloudBuilder()
        cloud.compute("gpu-1", status: "disabled", disabledReason: "RMA ticket 42")
        cloud.device("gpu-1", tags: ["NVIDIA L40"])
        cloud.compute("gpu-2", state: "down")
        cloud.device("gpu-2", tags: ["NVIDIA L40"])
        cloud.aggregate("L40-n3", hosts: ["gpu-1", "gpu-2"])
        let inventory = cloud.cloudView()
        #expect(inventory.host(named: "gpu-1")?.outOfStockReason == "compute service disabled: RMA ticket 42")
        #expect(inventory.host(named: "gpu-2")?.outOfStockReason == "compute service down")

        var lenient = Configuration()
        lenient.outOfStock.disabledService = false
        lenient.outOfStock.downService = false
        let relaxed = cloud.cloudView(lenient)
        #expect(relaxed.host(named: "gpu-1")?.pool == .ondemand)
        #expect(relaxed.host(named: "gpu-2")?.pool == .ondemand)
    }

    @Test func tagsWinOverAggregatesWithAWarning() throws {
        var cloud = CloudBuilder()
        cloud.gpuHost("gpu-1", tag: "NVIDIA H100 PCIe", aggregate: "L40-n3-spot")
        let inventory = cloud.cloudView()
        let host = try #require(inventory.host(named: "gpu-1"))
        #expect(host.gpuType == "H100")
        #expect(host.typeSource == .tags)
        #expect(inventory.warnings.map(\.kind) == [.tagAggregateMismatch])
        #expect(inventory.warnings.first?.message.contains("tags say H100") == true)
    }

    @Test func tagsNamingTwoTypesMakeTheTypeUnknown() throws {
        var cloud = CloudBuilder()
        cloud.gpuHost("gpu-1", tag: "NVIDIA L40", aggregate: "L40-n3")
        cloud.facts.devices![0].tags.append(NetBoxRef(slug: "nvidia-a40", name: "NVIDIA A40"))
        let inventory = cloud.cloudView()
        #expect(inventory.host(named: "gpu-1")?.gpuType == nil)
        #expect(inventory.warnings.contains { $0.kind == .ambiguousTags })
    }

    @Test func outOfStockHostsCountInNeitherOverviewFigure() throws {
        var cloud = Self.l40Cloud()
        cloud.compute("CA1-L40-90", status: "disabled")
        cloud.device("CA1-L40-90", tags: ["NVIDIA L40"])
        cloud.facts.aggregates[0].hosts.append("CA1-L40-90")
        cloud.server(on: "CA1-L40-90", flavor: "n3-L40x8")
        let l40 = try #require(cloud.cloudView().type(named: "L40"))
        #expect(l40.pool(.outofstock).summary == GPUSummary(gpuUsed: 8, gpuCapacity: 8, hostCount: 1))
        #expect(l40.overview == GPUSummary(gpuUsed: 15, gpuCapacity: 40, hostCount: 5))
        #expect(l40.pool(.outofstock).name == "Out of Stock")
    }

    @Test func cpuOnlyHostsAppearNowhere() {
        var cloud = Self.l40Cloud()
        cloud.compute("CA1-CPU-01")
        cloud.device("CA1-CPU-01", tags: [], role: "Compute")
        cloud.aggregate("az-canada", hosts: ["CA1-CPU-01", "CA1-L40-01"])
        let inventory = cloud.cloudView()
        #expect(inventory.cpuOnlyHosts == ["CA1-CPU-01"])
        #expect(inventory.host(named: "CA1-CPU-01") == nil)
        #expect(inventory.reconciliation.isReconciled)
        // An availability-zone aggregate does not disturb the GPU host's pool.
        #expect(inventory.host(named: "CA1-L40-01")?.pool == .ondemand)
    }

    @Test func serversShowTheirProjectsName() throws {
        var cloud = CloudBuilder()
        cloud.gpuHost("gpu-1", tag: "NVIDIA L40", aggregate: "L40-n3")
        cloud.project("p-1", name: "research")
        cloud.server(on: "gpu-1", flavor: "n3-L40x1", name: "b-vm", project: "p-1")
        cloud.server(on: "gpu-1", flavor: "n3-L40x1", name: "a-vm", project: "p-unknown")
        let host = try #require(cloud.cloudView().host(named: "gpu-1"))
        #expect(host.servers.map(\.name) == ["a-vm", "b-vm"])
        #expect(host.servers.map(\.tenant) == ["p-unknown", "research"])
        #expect(host.vmCount == 2)
    }

    @Test func theCustomFieldSetsCapacityInTheViews() throws {
        var cloud = CloudBuilder()
        cloud.gpuHost("gpu-1", tag: "NVIDIA H100 80GB SXM5", aggregate: "H100-SXM5-n3")
        cloud.facts.devices![0].customFields["GPU_Count"] = .int(4)
        let inventory = cloud.cloudView()
        #expect(inventory.host(named: "gpu-1")?.capacity == 4)
        #expect(inventory.type(named: "H100-SXM5")?.overview.gpuCapacity == 4)
    }

    @Test func typesWithOnlyAnAggregateAreListedAndEmptyTypesAreNot() {
        let inventory = Self.l40Cloud().cloudView()
        #expect(inventory.types.map(\.name) == ["L40", "A100"])
        let a100 = inventory.type(named: "A100")!
        #expect(a100.hosts.isEmpty)
        #expect(a100.pool(.spot).aggregates == ["A100-n3-spot"])
        #expect(a100.pool(.ondemand).name == "A100-n3")
        #expect(a100.overview.gpuUsagePercentage == 0)
    }

    @Test func anAggregateOfNoKnownTypeIsAWarning() {
        var cloud = CloudBuilder()
        cloud.gpuHost("gpu-1", tag: "NVIDIA L40", aggregate: "Contract-Mystery")
        let inventory = cloud.cloudView()
        #expect(inventory.warnings.contains { $0.kind == .unknownTypeAggregate && $0.subject == "Contract-Mystery" })
        #expect(inventory.host(named: "gpu-1")?.outOfStockReason == "not in any aggregate")
    }

    @Test func theSameFactsGiveTheSameViews() {
        let cloud = Self.l40Cloud()
        var shuffled = cloud
        shuffled.facts.aggregates.reverse()
        shuffled.facts.servers.reverse()
        shuffled.facts.devices!.reverse()
        shuffled.facts.services.reverse()
        let a = cloud.cloudView(), b = shuffled.cloudView()
        #expect(a.hosts == b.hosts)
        #expect(a.types == b.types)
        #expect(a.warnings == b.warnings)
    }
}
