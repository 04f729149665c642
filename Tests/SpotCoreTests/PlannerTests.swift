import Testing
import TestSupport
@testable import SpotCore

/// The planner against small clouds: every rule of issue 12's `plan`, each with a cloud where it
/// must fire and the line it must point at.
@Suite struct PlannerTests {
    /// L40: on-demand (with an NVLink variant), spot, runpod, a contract; A100 on-demand and spot;
    /// one CPU host; an aggregate in another availability zone.
    static func cloud() -> CloudBuilder {
        var cloud = InventoryTests.l40Cloud()
        cloud.gpuHost("CA1-L40-06", tag: "NVIDIA L40", aggregate: "L40-n3")
        cloud.gpuHost("CA1-L40-07", tag: "NVIDIA L40", aggregate: "L40-n3-spot")
        cloud.server(on: "CA1-L40-07", flavor: "n3-L40x1")
        cloud.gpuHost("CA1-A100-01", tag: "NVIDIA A100 SXM4", aggregate: "A100-n3")
        cloud.gpuHost("CA1-A100-02", tag: "NVIDIA A100 SXM4", aggregate: "A100-n3")
        cloud.compute("CA1-CPU-01")
        cloud.aggregate("az-ca1", hosts: ["CA1-CPU-01"], availabilityZone: "az-ca1")
        cloud.aggregate("Contract-L40-Zoned", availabilityZone: "az-other")
        cloud.facts.aggregates[cloud.facts.aggregates.firstIndex { $0.name == "L40-n3-runpod" }!].availabilityZone = "az-ca1"
        return cloud
    }

    static func plan(_ yaml: String, path: String = "changes/a.yaml", cloud: CloudBuilder = cloud()) -> Plan {
        Planner.plan(texts: [(path, yaml)], cloud: cloud.cloudView(), basis: .snapshot(commit: "abc"))
    }

    @Test func aPoolTargetResolvesThroughTheRecommendationAndAddsBeforeRemoving() throws {
        let plan = Self.plan("""
        migrations:
          - host: "CA1-L40-06"
            to: "spot"
        """)
        let entry = try #require(plan.migrations.first)
        #expect(plan.problems.isEmpty)
        #expect(entry.to == "L40-n3-spot")
        #expect(entry.from == ["L40-n3"])
        #expect(entry.steps.map(\.command) == [
            "openstack aggregate add host L40-n3-spot CA1-L40-06",
            "openstack aggregate remove host L40-n3 CA1-L40-06",
        ])
        #expect(plan.exitCode == 2)
        #expect(plan.summaryLine == "1 host to move: 1 to spot; 0 problems")
    }

    @Test func aHostAlreadyInItsTargetIsANoOpNotAnError() throws {
        let plan = Self.plan("""
        migrations:
          - host: "CA1-L40-03"
            to: "L40-n3-spot"
        """)
        let entry = try #require(plan.migrations.first)
        #expect(entry.outcome == .noop)
        #expect(entry.steps.first?.skip == "already in L40-n3-spot")
        #expect(plan.problems.isEmpty)
        #expect(plan.exitCode == 0)
    }

    @Test func aHalfDoneMoveOnlyRemovesWhatIsLeft() throws {
        var cloud = Self.cloud()
        // The add went through, the remove did not.
        cloud.facts.aggregates[cloud.facts.aggregates.firstIndex { $0.name == "L40-n3-spot" }!].hosts.append("CA1-L40-06")
        let plan = Self.plan("""
        migrations:
          - host: "CA1-L40-06"
            from: "L40-n3"
            to: "spot"
        """, cloud: cloud)
        let entry = try #require(plan.migrations.first)
        #expect(entry.pendingSteps.map(\.command) == ["openstack aggregate remove host L40-n3 CA1-L40-06"])
        #expect(entry.steps.first?.skip == "already in L40-n3-spot")
    }

    @Test func onDemandSendsAnNVLinkHostToTheNVLinkVariant() throws {
        var cloud = Self.cloud()
        cloud.gpuHost("CA1-L40-08", tag: "NVIDIA L40", aggregate: "L40-n3-spot")
        cloud.facts.devices![cloud.facts.devices!.firstIndex { $0.name == "CA1-L40-08" }!].customFields["NVLinks"] = .bool(true)
        let plan = Self.plan("""
        migrations:
          - host: "CA1-L40-08"
            to: "ondemand"
        """, cloud: cloud)
        #expect(plan.migrations.first?.to == "L40-n3-NVLink")
    }

    /// Ten mistakes, each reported at its line in one run.
    @Test func everyProblemOfAFileIsReportedWithItsLine() {
        let plan = Self.plan("""
        reason: "ten mistakes"
        migrations:
          - host: "CA1-NOPE-99"
            to: "spot"
          - host: "CA1-L40-06"
            to: "L40-n3-spotty"
          - host: "CA1-L40-06"
            to: "spot"
          - host: "CA1-L40-04"
            to: "az-ca1"
          - host: "CA1-L40-05"
            from: "L40-n3"
            to: "spot"
          - host: "CA1-A100-01"
            to: "L40-n3-spot"
          - host: "CA1-L40-07"
            to: "ondemand"
          - host: "CA1-L40-01"
            to: "spot"
          - host: "CA1-A100-02"
            to: "runpod"
          - host: "CA1-CPU-01"
            to: "spot"
        """)
        let lines = plan.problems.map { $0.line ?? 0 }
        #expect(plan.problems.count == 10, "\(plan.problems.map(\.description))")
        #expect(lines == [3, 6, 7, 10, 12, 15, 16, 18, 21, 22])
        let messages = plan.problems.map(\.message)
        #expect(messages[0] == "unknown host CA1-NOPE-99")
        #expect(messages[1].hasPrefix("unknown aggregate or pool L40-n3-spotty"))
        #expect(plan.problems[1].hint == "did you mean L40-n3-spot?")
        #expect(messages[2].hasPrefix("the host is named twice (first at line 5)"))
        #expect(messages[3] == "az-ca1 is not a GPU-pool aggregate")
        #expect(messages[4] == "CA1-L40-05 is not in L40-n3: it is in Contract-L40-Customer1")
        #expect(messages[5] == "L40-n3-spot is a L40 aggregate but CA1-A100-01 is a A100 host")
        #expect(messages[6] == "CA1-L40-07 has 1 VM and is leaving spot: refused")
        #expect(messages[7] == "CA1-L40-01 has 2 VMs and is leaving L40-n3: refused")
        #expect(messages[8].hasPrefix("no RunPod aggregate for CA1-A100-02"))
        #expect(messages[9].hasPrefix("CA1-CPU-01 is a compute host without GPUs"))
        #expect(plan.exitCode == 1)
        #expect(plan.problems.allSatisfy { $0.file == "changes/a.yaml" && $0.column != nil })
    }

    @Test func allowVMsTurnsTheRefusalIntoAWarningButNeverForSpot() throws {
        let plan = Self.plan("""
        migrations:
          - host: "CA1-L40-01"
            to: "spot"
            allow_vms: true
          - host: "CA1-L40-07"
            to: "ondemand"
            allow_vms: true
        """)
        #expect(plan.migrations[0].problems.isEmpty)
        #expect(plan.migrations[0].warnings.map(\.message) == ["CA1-L40-01 has 2 VMs and leaves L40-n3; allowed by allow_vms: true"])
        #expect(plan.migrations[1].problems.map(\.message) == ["CA1-L40-07 has 1 VM and is leaving spot: refused"])
    }

    @Test func aTargetInAnotherAvailabilityZoneIsRefusedWithWhatToDo() throws {
        var cloud = Self.cloud()
        // CA1-L40-04 is in L40-n3-runpod (zone az-ca1); the contract is in az-other.
        cloud.facts.aggregates[cloud.facts.aggregates.firstIndex { $0.name == "Contract-L40-Zoned" }!].availabilityZone = "az-other"
        let plan = Self.plan("""
        migrations:
          - host: "CA1-L40-04"
            to: "contract:Contract-L40-Zoned"
        """, cloud: cloud)
        let problem = try #require(plan.problems.first)
        #expect(problem.message.contains("availability zone az-other but CA1-L40-04 is in az-ca1"))
        #expect(problem.message.contains("409"))
        #expect(problem.hint?.contains("same availability zone") == true)
        #expect(problem.line == 3)
    }

    @Test func aHostNamedInTwoFilesIsReportedInTheSecond() {
        let plan = Planner.plan(texts: [
            ("changes/1.yaml", "migrations:\n  - host: \"CA1-L40-06\"\n    to: \"spot\"\n"),
            ("changes/2.yaml", "migrations:\n  - host: \"ca1-l40-06\"\n    to: \"runpod\"\n"),
        ], cloud: Self.cloud().cloudView(), basis: .live)
        #expect(plan.problems.count == 1)
        #expect(plan.problems.first?.file == "changes/2.yaml")
        #expect(plan.problems.first?.message == "the host is named twice (first at changes/1.yaml:2)")
    }

    @Test func badYAMLUnknownKeysAndEmptyFilesAreClearErrors() {
        let texts: [(path: String, text: String)] = [
            ("changes/1-empty.yaml", "\n\n"),
            ("changes/2-comments.yaml", "# nothing here\n"),
            ("changes/3-bad.yaml", "migrations:\n  - host: \"a\n"),
            ("changes/4-keys.yaml", "migration:\n  - host: \"CA1-L40-06\"\n    to: spot\n"),
            ("changes/5-entry.yaml", "migrations:\n  - hostname: \"CA1-L40-06\"\n    to: spot\n"),
            ("changes/6-missing.yaml", "migrations:\n  - host: \"CA1-L40-06\"\n"),
            ("changes/7-number.yaml", "migrations:\n  - host: 101\n    to: spot\n"),
            ("changes/8-ports.yaml", "ports:\n  - network: \"storage\"\n"),
        ]
        let plan = Planner.plan(texts: texts, cloud: Self.cloud().cloudView(), basis: .live)
        let byFile = Dictionary(grouping: plan.problems, by: \.file)
        #expect(byFile.count == texts.count)
        #expect(byFile["changes/1-empty.yaml"]?.first?.message == "the file is empty")
        #expect(byFile["changes/2-comments.yaml"]?.first?.message == "the file holds no change (only comments)")
        #expect(byFile["changes/3-bad.yaml"]?.first?.message.hasPrefix("invalid YAML") == true)
        #expect(byFile["changes/4-keys.yaml"]?.first?.message.contains("unknown key \"migration\"") == true)
        #expect(byFile["changes/4-keys.yaml"]?.first?.message.contains("did you mean") == true
                || byFile["changes/4-keys.yaml"]?.first?.message.contains("migrations") == true)
        #expect(byFile["changes/5-entry.yaml"]?.first?.line == 2)
        #expect(byFile["changes/6-missing.yaml"]?.first?.message.contains("no to: key") == true)
        #expect(byFile["changes/7-number.yaml"]?.first?.message.contains("quote it") == true)
        #expect(byFile["changes/8-ports.yaml"]?.first?.message.contains("the entry has no name: key") == true)
        #expect(plan.files.map(\.path) == texts.map(\.path))
        #expect(plan.exitCode == 1)
    }

    @Test func aPinnedSourceTurnsAHostMovedByHandIntoAProblem() throws {
        let original = Self.plan("migrations:\n  - host: \"CA1-L40-06\"\n    to: \"spot\"\n")
        let pinned = try #require(original.migrations.first?.pinned)
        var moved = Self.cloud()
        // Someone moved the host to runpod by hand.
        let onDemand = moved.facts.aggregates.firstIndex { $0.name == "L40-n3" }!
        moved.facts.aggregates[onDemand].hosts.removeAll { $0 == "CA1-L40-06" }
        moved.facts.aggregates[moved.facts.aggregates.firstIndex { $0.name == "L40-n3-runpod" }!].hosts.append("CA1-L40-06")
        let replanned = Planner.migration(pinned, file: "changes/a.yaml", cloud: moved.cloudView())
        #expect(replanned.outcome == .invalid)
        #expect(replanned.problems.first?.message == "CA1-L40-06 is no longer in L40-n3: it is in L40-n3-runpod")
        // Unmoved, the pinned request plans the same steps.
        let same = Planner.migration(pinned, file: "changes/a.yaml", cloud: Self.cloud().cloudView())
        #expect(same.steps == original.migrations[0].steps)
    }
}

/// The NVLink flag: the custom field first (present and null means false), then tags, then an
/// NVLink aggregate, with devices that disagree.
@Suite struct NVLinkFlagTests {
    @Test func theCustomFieldDecidesWhenTheDeviceHasIt() throws {
        var cloud = CloudBuilder()
        cloud.aggregate("L40-n3")
        cloud.aggregate("L40-n3-NVLink")
        // Field true, no tag, plain aggregate: NVLink.
        cloud.compute("field-true")
        cloud.device("field-true", tags: ["NVIDIA L40"], customFields: ["NVLinks": .bool(true)])
        // Field false, NVLink tag, NVLink aggregate: not NVLink.
        cloud.compute("field-false")
        cloud.device("field-false", tags: ["NVIDIA L40", "NVLink"], customFields: ["NVLinks": .bool(false)])
        // Field null with an NVLink tag: null means false.
        cloud.compute("field-null")
        cloud.device("field-null", tags: ["NVIDIA L40", "NVLink"], customFields: ["NVLinks": .null])
        // No field: the tag.
        cloud.compute("tag-only")
        cloud.device("tag-only", tags: ["NVIDIA L40", "NVLink"])
        // No field, no tag: the aggregate.
        cloud.compute("aggregate-only")
        cloud.device("aggregate-only", tags: ["NVIDIA L40"])
        // The field's name is case-sensitive: `nvlinks` is not the field.
        cloud.compute("wrong-case")
        cloud.device("wrong-case", tags: ["NVIDIA L40"], customFields: ["nvlinks": .bool(true)])
        cloud.facts.aggregates[0].hosts = ["field-true", "wrong-case"]
        cloud.facts.aggregates[1].hosts = ["field-false", "field-null", "tag-only", "aggregate-only"]
        let view = cloud.cloudView()
        func flag(_ name: String) throws -> Bool { try #require(view.host(named: name)).nvlink }
        #expect(try flag("field-true"))
        #expect(try !flag("field-false"))
        #expect(try !flag("field-null"))
        #expect(try flag("tag-only"))
        #expect(try flag("aggregate-only"))
        #expect(try !flag("wrong-case"))
        // The recommendation reads the same flag.
        #expect(view.recommendTarget(hostname: "field-true", pool: .ondemand).aggregate == "L40-n3-NVLink")
        #expect(view.recommendTarget(hostname: "field-false", pool: .ondemand).aggregate == "L40-n3")
    }

    @Test func theFieldNameIsConfigurableAndCanBeTurnedOff() throws {
        var cloud = CloudBuilder()
        cloud.aggregate("L40-n3", hosts: ["h"])
        cloud.compute("h")
        cloud.device("h", tags: ["NVIDIA L40"], customFields: ["HasNVLink": .bool(true), "NVLinks": .bool(false)])
        var configuration = Configuration.defaults
        configuration.nvlink.customField = "HasNVLink"
        #expect(try #require(cloud.cloudView(configuration).host(named: "h")).nvlink)
        configuration.nvlink.customField = nil
        #expect(try !#require(cloud.cloudView(configuration).host(named: "h")).nvlink)
        #expect(try !#require(cloud.cloudView().host(named: "h")).nvlink)
    }
}
