import Foundation
import Testing
import TestSupport
@testable import SpotCore

/// Launches in plan (issue 13): the RunPod pool, VMs, the flavor of the host's type, the site's
/// region, environment, firewall and network from the configuration, the image of that region,
/// Hyperstack's catalogue, and the masked preview.
@Suite struct LaunchPlannerTests {
    static let runpodKey = "rp_abcdefghijklmnop1234"
    static let hyperstackKey = "hs_zyxwvutsrqponm9876"

    static func cloud() -> CloudBuilder {
        var cloud = CloudBuilder()
        cloud.gpuHost("CA1-L40-10", tag: "NVIDIA L40", aggregate: "L40-n3-runpod")
        cloud.gpuHost("CA1-L40-11", tag: "NVIDIA L40", aggregate: "L40-n3-runpod")
        cloud.server(on: "CA1-L40-11", flavor: "n3-L40x8", name: "someone-else")
        cloud.gpuHost("CA1-L40-12", tag: "NVIDIA L40", aggregate: "L40-n3-spot")
        cloud.gpuHost("US1-H100-01", tag: "NVIDIA H100 SXM5", aggregate: "H100-SXM5-n3-runpod")
        cloud.facts.devices![cloud.facts.devices!.firstIndex { $0.name == "US1-H100-01" }!].customFields["NVLinks"] = .bool(true)
        cloud.gpuHost("CA1-L40-13", tag: "NVIDIA L40", aggregate: "L40-n3-runpod")
        cloud.server(on: "CA1-L40-13", flavor: "n3-L40x8", name: "CA1-L40-13") // its own launch, resumed
        cloud.facts.images = [
            HyperstackImage(id: 1, name: "RunPod Ubuntu 22.04", region: "CANADA-1"),
            HyperstackImage(id: 2, name: "RunPod Ubuntu 22.04", region: "US-1"),
            HyperstackImage(id: 3, name: "Norway Only", region: "NORWAY-1"),
        ]
        return cloud
    }

    static let catalog = HyperstackCatalog(
        flavors: ["CANADA-1": ["n3-L40x8"], "US-1": ["n3-H100-SXM5x8-NVLink"]],
        environments: ["CA1-RunPod": "CANADA-1", "US1-RunPod": "US-1"],
        keyPairs: ["CA1-RunPod": ["runpod"], "US1-RunPod": ["other"]])

    static func plan(_ yaml: String, catalog: HyperstackCatalog? = catalog) -> Plan {
        Planner.plan(texts: [("changes/launch.yaml", yaml)], cloud: cloud().cloudView(), basis: .snapshot(commit: "abc"),
                     launch: LaunchContext(catalog: catalog, hyperstackKey: hyperstackKey, runpodKey: runpodKey))
    }

    @Test func aLaunchOnAnIdleRunPodHostHasEveryStepAndAMaskedPreview() throws {
        let plan = Self.plan("launches:\n  - host: \"CA1-L40-10\"\n    image: \"RunPod Ubuntu 22.04\"\n")
        let launch = try #require(plan.launches.first)
        #expect(launch.problems.isEmpty, "\(launch.problems)")
        #expect(launch.vmName == "CA1-L40-10")
        #expect(launch.flavor == "n3-L40x8")
        #expect(launch.region == "CANADA-1")
        #expect(launch.environment == "CA1-RunPod")
        #expect(launch.steps.map(\.kind) == [.createVM, .waitActive, .findServer, .createPort, .attachPort, .addToFirewall])
        let preview = try #require(launch.preview)
        #expect(preview.hasPrefix("curl -X POST https://infrahub-api.nexgencloud.com/v1/core/virtual-machines -H 'api_key: hs_z***9876'"))
        #expect(preview.contains("RUNPOD_API_KEY=rp_a***1234"))
        #expect(preview.contains("\"environment_name\":\"CA1-RunPod\""))
        #expect(preview.contains("\"flavor_name\":\"n3-L40x8\""))
        #expect(preview.contains("\"key_name\":\"runpod\""))
        for form in PlanFormat.allCases {
            let text = plan.rendered(form)
            #expect(!text.contains(Self.runpodKey) && !text.contains(Self.hyperstackKey), "\(form) shows a key")
        }
        #expect(plan.exitCode == 2)
        #expect(plan.summaryLine.contains("1 RunPod launch"))
    }

    @Test func anNVLinkHostGetsTheNVLinkFlavorAndASiteWithoutFirewallOrNetworkHasNoSuchSteps() throws {
        let plan = Self.plan("launches:\n  - host: \"US1-H100-01\"\n    image: \"RunPod Ubuntu 22.04\"\n")
        let launch = try #require(plan.launches.first)
        #expect(launch.flavor == "n3-H100-SXM5x8-NVLink")
        #expect(launch.steps.map(\.kind) == [.createVM, .waitActive, .findServer])
        // The key pair is not in US1-RunPod.
        #expect(launch.problems.map(\.message) == ["key pair runpod does not exist in environment US1-RunPod"])
    }

    @Test func aResumedLaunchIsNotRefusedForItsOwnVM() throws {
        let plan = Self.plan("launches:\n  - host: \"CA1-L40-13\"\n    image: \"RunPod Ubuntu 22.04\"\n")
        #expect(plan.launches.first?.problems.isEmpty == true, "\(plan.problems)")
    }

    @Test func refusalsCarryTheirFileAndLine() {
        let plan = Self.plan("""
        launches:
          - host: "CA1-L40-12"
            image: "RunPod Ubuntu 22.04"
          - host: "CA1-L40-11"
            image: "RunPod Ubuntu 22.04"
          - host: "CA1-L40-10"
            image: "Norway Only"
            flavor: "n3-H100x8"
          - host: "CA1-L40-13"
            image: "RunPod Ubuntu 22.04"
            flavor: "n3-L40x4"
        """)
        let found = plan.problems.map { "\($0.line ?? 0): \($0.message)" }
        #expect(found == [
            "2: CA1-L40-12 is in Spot (L40-n3-spot), not in the RunPod pool of L40: refused",
            "4: CA1-L40-11 has 1 VM (someone-else): refused",
            "7: unknown image Norway Only in region CANADA-1 (it exists in NORWAY-1)",
            "8: flavor n3-H100x8 is for H100 GPUs but CA1-L40-10 is a L40 host",
            "11: unknown flavor n3-L40x4 in region CANADA-1",
        ], "\(found)")
        #expect(plan.problems.allSatisfy { $0.file == "changes/launch.yaml" && $0.column != nil })
        #expect(plan.exitCode == 1)
    }

    @Test func withoutTheCatalogueThePlanSaysWhatItDidNotCheck() throws {
        let plan = Self.plan("launches:\n  - host: \"CA1-L40-10\"\n    image: \"RunPod Ubuntu 22.04\"\n", catalog: nil)
        #expect(plan.problems.isEmpty)
        #expect(plan.warnings.contains { $0.message.contains("were not read") })
    }

    @Test func launchEntriesAreReadWithTheirPositions() {
        let plan = Self.plan("launches:\n  - host: \"CA1-L40-10\"\n  - host: \"CA1-L40-10\"\n    image: \"x\"\n    size: big\n")
        let messages = plan.problems.map { "\($0.line ?? 0): \($0.message)" }
        #expect(messages.count == 2, "\(messages)")
        #expect(messages.first?.hasPrefix("2: launches[0]: the entry has no image: key") == true)
        #expect(messages.last?.hasPrefix("5: launches[1].size: unknown key \"size\"") == true)
    }

    @Test func aHostLaunchedTwiceIsAProblem() {
        let plan = Self.plan("launches:\n  - host: \"CA1-L40-10\"\n    image: \"RunPod Ubuntu 22.04\"\n  - host: \"ca1-l40-10\"\n    image: \"RunPod Ubuntu 22.04\"\n")
        #expect(plan.problems.map(\.message) == ["the host is launched twice (first at line 2)"])
    }

    @Test func theFlavorsTypeIsTheLongestTokenItNames() {
        let types = ["L40", "L40S", "H100", "H100-SXM5", "A40", "A4000"]
        #expect(LaunchPlanner.flavorType("n3-L40x8", types: types) == "L40")
        #expect(LaunchPlanner.flavorType("n3-L40Sx8", types: types) == "L40S")
        #expect(LaunchPlanner.flavorType("n3-H100-SXM5x8-NVLink", types: types) == "H100-SXM5")
        #expect(LaunchPlanner.flavorType("n3-A4000x10", types: types) == "A4000")
        #expect(LaunchPlanner.flavorType("m1.small", types: types) == nil)
    }

    @Test func keysAreMaskedToTheirEnds() {
        #expect(LaunchPlanner.mask("abcdefghijklmnopqrst") == "abcd***qrst")
        // A short key shows nothing: four and four of it would be most of it.
        #expect(LaunchPlanner.mask("abcdefghijklmnop") == "***")
        #expect(LaunchPlanner.mask("short") == "***")
        #expect(LaunchPlanner.mask(nil) == "***")
    }
}

/// A host moved and launched in one run is refused: the launch was checked against where the host
/// is now, and the move runs first (found in review).
@Suite struct MoveAndLaunchTests {
    @Test func aHostMovedAndLaunchedInOneRunIsRefused() {
        let plan = Planner.plan(texts: [
            ("changes/1-move.yaml", "migrations:\n  - host: \"CA1-L40-10\"\n    to: \"spot\"\n"),
            ("changes/2-launch.yaml", "launches:\n  - host: \"CA1-L40-10\"\n    image: \"RunPod Ubuntu 22.04\"\n"),
        ], cloud: LaunchPlannerTests.cloud().cloudView(), basis: .live, launch: LaunchContext(catalog: LaunchPlannerTests.catalog))
        #expect(plan.problems.map(\.message) == ["the host is also moved by changes/1-move.yaml:2 in this run; a launch is checked against where the host is now"])
        #expect(plan.problems.first?.file == "changes/2-launch.yaml")
    }
}
