import Testing
import TestSupport
@testable import SpotCore

@Suite struct RecommendationTests {
    @Test func anIdleHostIsRecommendedForSpot() {
        let inventory = InventoryTests.l40Cloud().cloudView()
        let recommendation = inventory.recommendTarget(hostname: "CA1-L40-04")
        #expect(recommendation.aggregate == "L40-n3-spot")
        #expect(recommendation.pool == .spot)
        #expect(recommendation.reasoning.hasPrefix("Host has no running VMs, suitable for spot aggregate"))
    }

    @Test func aSpotHostGoesBackToOnDemandAndAHostWithVMsStays() {
        let inventory = InventoryTests.l40Cloud().cloudView()
        #expect(inventory.recommendTarget(hostname: "CA1-L40-03").aggregate == "L40-n3")
        let busy = inventory.recommendTarget(hostname: "CA1-L40-01")
        #expect(busy.pool == .ondemand)
        #expect(busy.aggregate == "L40-n3")
        #expect(busy.reasoning.contains("already in L40-n3"))
    }

    @Test func onDemandPicksTheVariantMatchingTheNVLinkFlag() {
        var cloud = InventoryTests.l40Cloud()
        cloud.device("CA1-L40-30", tags: ["NVIDIA L40", "NVLink"])
        cloud.compute("CA1-L40-30")
        cloud.facts.aggregates[cloud.facts.aggregates.firstIndex { $0.name == "L40-n3-spot" }!].hosts.append("CA1-L40-30")
        let inventory = cloud.cloudView()
        let nvlink = inventory.recommendTarget(hostname: "CA1-L40-30", pool: .ondemand)
        #expect(nvlink.aggregate == "L40-n3-NVLink")
        #expect(nvlink.reasoning.contains("NVLink"))
        #expect(inventory.recommendTarget(hostname: "CA1-L40-03", pool: .ondemand).aggregate == "L40-n3")
    }

    @Test func withoutAMatchingVariantTheFirstOnDemandAggregateIsTaken() {
        var cloud = CloudBuilder()
        cloud.gpuHost("gpu-1", tag: "NVIDIA L40", aggregate: "L40-n3-spot")
        cloud.facts.devices![0].tags.append(NetBoxRef(slug: "nvlink", name: "NVLink"))
        cloud.aggregate("L40-n3")
        let recommendation = cloud.cloudView().recommendTarget(hostname: "gpu-1", pool: .ondemand)
        #expect(recommendation.aggregate == "L40-n3")
        #expect(recommendation.reasoning.contains("none matches"))
    }

    @Test func anEmptyAggregateIsAValidTarget() {
        var cloud = CloudBuilder()
        cloud.gpuHost("gpu-1", tag: "NVIDIA A100 SXM4", aggregate: "A100-n3")
        cloud.aggregate("A100-n3-spot")
        let recommendation = cloud.cloudView().recommendTarget(hostname: "gpu-1", pool: .spot)
        #expect(recommendation.aggregate == "A100-n3-spot")
        #expect(recommendation.reasoning.contains("empty, a valid target"))
    }

    @Test func noAggregateOfTheWantedPoolMeansNone() {
        var cloud = CloudBuilder()
        cloud.gpuHost("gpu-1", tag: "NVIDIA A100 SXM4", aggregate: "A100-n3")
        let recommendation = cloud.cloudView().recommendTarget(hostname: "gpu-1", pool: .runpod)
        #expect(recommendation.aggregate == nil)
        #expect(recommendation.reasoning == "A100 has no RunPod aggregate")
    }

    @Test func contractsMustBeNamedWhenThereAreSeveral() {
        var cloud = InventoryTests.l40Cloud()
        cloud.aggregate("Contract-L40-Customer2")
        let inventory = cloud.cloudView()
        let unnamed = inventory.recommendTarget(hostname: "CA1-L40-04", pool: .contract)
        #expect(unnamed.aggregate == nil)
        #expect(unnamed.reasoning.contains("has 2 contract aggregates"))
        let named = inventory.recommendTarget(hostname: "CA1-L40-04", pool: .contract, contract: "Contract-L40-Customer2")
        #expect(named.aggregate == "Contract-L40-Customer2")
        let wrong = inventory.recommendTarget(hostname: "CA1-L40-04", pool: .contract, contract: "Contract-A100-X")
        #expect(wrong.aggregate == nil)
    }

    @Test func unknownHostsAndTypesGetNoRecommendation() {
        var cloud = CloudBuilder()
        cloud.compute("gpu-x")
        cloud.device("gpu-x", role: "GPU Servers")
        cloud.aggregate("az", hosts: ["gpu-x"])
        let inventory = cloud.cloudView()
        #expect(inventory.recommendTarget(hostname: "nope", pool: .spot).aggregate == nil)
        #expect(inventory.recommendTarget(hostname: "nope", pool: .spot).reasoning.contains("not a GPU host"))
        #expect(inventory.recommendTarget(hostname: "gpu-x", pool: .spot).reasoning.contains("unknown"))
    }
}
