import Foundation
import Testing
import TestSupport
@testable import SpotCore

/// The plan's three formats against baselines kept in `Tests/SpotCoreTests/Fixtures/plan/`: the
/// same plan must give the same bytes. After an intended change, rewrite them with
/// `SPOTCTL_UPDATE_BASELINES=1 swift test --filter PlanFormatTests` and review the diff.
@Suite struct PlanFormatTests {
    /// Moves to a pool, a contract and a named aggregate, a no-op, a warning, problems, and names
    /// that need quoting in a shell and escaping in Markdown.
    static func plan() -> Plan {
        var cloud = PlannerTests.cloud()
        cloud.gpuHost("CA1 L40 'odd' *name*", tag: "NVIDIA L40", aggregate: "L40-n3")
        cloud.gpuHost("CA1-L40-20", tag: "NVIDIA L40", aggregate: "L40-n3-runpod")
        cloud.facts.images = [HyperstackImage(id: 1, name: "RunPod Ubuntu 22.04", region: "CANADA-1")]
        let texts: [(path: String, text: String)] = [
            ("changes/2026-12-01-spot.yaml", """
            reason: "Idle L40 hosts to spot | ticket OPS-1"
            migrations:
              - host: "CA1-L40-06"
                from: "L40-n3"
                to: "spot"
              - host: "CA1 L40 'odd' *name*"
                to: "spot"
              - host: "CA1-L40-03"
                to: "spot"
            """),
            ("changes/2026-12-02-contract.yaml", """
            migrations:
              - host: "CA1-L40-01"
                to: "contract:Contract-L40-Customer1"
                allow_vms: true
              - host: "CA1-L40-04"
                to: "L40-n3"
              - host: "CA1-NOPE-1"
                to: "spot"
            """),
            ("changes/2026-12-03-broken.yaml", "migrations:\n  - host: \"CA1-L40-07\"\n    to: spot\n    when: now\n"),
            ("changes/2026-12-04-launch.yaml", "launches:\n  - host: \"CA1-L40-20\"\n    image: \"RunPod Ubuntu 22.04\"\n"),
        ]
        let launch = LaunchContext(catalog: HyperstackCatalog(flavors: ["CANADA-1": ["n3-L40x8"]], environments: ["CA1-RunPod": "CANADA-1"],
                                                              keyPairs: ["CA1-RunPod": ["runpod"]]),
                                   hyperstackKey: "hs_zyxwvutsrqponm9876", runpodKey: "rp_abcdefghijklmnop1234")
        return Planner.plan(texts: texts, cloud: cloud.cloudView(), basis: .snapshot(commit: "84f16864b132f3a45c47d99c10936e08c02c75a4"),
                            launch: launch)
    }

    static func check(_ text: String, against name: String) throws {
        let url = ProjectPaths.root.appendingPathComponent("Tests/SpotCoreTests/Fixtures/plan/\(name)")
        if ProcessInfo.processInfo.environment["SPOTCTL_UPDATE_BASELINES"] == "1" {
            try FileManager.default.createDirectory(at: url.deletingLastPathComponent(), withIntermediateDirectories: true)
            try Data(text.utf8).write(to: url)
        }
        let baseline = try String(contentsOf: url, encoding: .utf8)
        #expect(text == baseline, "\(name) differs from its baseline; if intended, rewrite it (see PlanFormatTests)")
    }

    @Test func textMatchesItsBaseline() throws {
        try Self.check(Self.plan().text(), against: "plan.txt")
    }

    @Test func markdownMatchesItsBaseline() throws {
        try Self.check(Self.plan().markdown(), against: "plan.md")
    }

    @Test func jsonMatchesItsBaseline() throws {
        try Self.check(Self.plan().json(), against: "plan.json")
    }

    @Test func theSummaryLineCountsDestinations() {
        let plan = Self.plan()
        #expect(plan.summaryLine == "4 hosts to move: 2 to spot, 1 to Contract-L40-Customer1, 1 to L40-n3; 1 already in place; 1 RunPod launch; 2 problems, 1 warning")
        #expect(plan.exitCode == 1)
    }

    @Test func theJSONRecordsItsVersionAndTheSnapshotCommit() throws {
        let document = try #require(try JSONSerialization.jsonObject(with: Data(Self.plan().json().utf8)) as? [String: Any])
        #expect(document["format_version"] as? String == "1.0")
        #expect((document["basis"] as? [String: Any])?["commit"] as? String == "84f16864b132f3a45c47d99c10936e08c02c75a4")
        #expect((document["summary"] as? [String: Any])?["exit_code"] as? Int == 1)
    }

    @Test func markdownEscapesWhatComesFromFilesAndTheCloud() {
        let markdown = Self.plan().markdown()
        #expect(markdown.contains("CA1 L40 'odd' \\*name\\*"))
        #expect(markdown.contains("Idle L40 hosts to spot \\| ticket OPS-1"))
        // The command in the folded block is shell-quoted.
        #expect(markdown.contains("openstack aggregate add host L40-n3-spot 'CA1 L40 '\\''odd'\\'' *name*'"))
    }

    /// A 500-host change: under 60,000 characters, with the summary, every problem and a note.
    @Test func aFiveHundredHostPlanFitsOneComment() throws {
        var cloud = CloudBuilder()
        cloud.aggregate("L40-n3")
        cloud.aggregate("L40-n3-spot")
        var yaml = "migrations:\n"
        for index in 0..<500 {
            let name = "CA1-ESC812-LONG-HOSTNAME-\(String(format: "%04d", index))"
            cloud.gpuHost(name, tag: "NVIDIA L40", aggregate: "L40-n3")
            yaml += "  - host: \"\(name)\"\n    from: \"L40-n3\"\n    to: \"spot\"\n"
        }
        // Twenty problems: unknown hosts.
        for index in 0..<20 {
            yaml += "  - host: \"CA1-MISSING-\(index)\"\n    to: \"spot\"\n"
        }
        let plan = Planner.plan(texts: [("changes/big.yaml", yaml)], cloud: cloud.cloudView(), basis: .live)
        #expect(plan.moves.count == 500)
        let markdown = plan.markdown()
        #expect(markdown.count < 60_000, "\(markdown.count) characters")
        #expect(markdown.hasPrefix("**500 hosts to move: 500 to spot; 20 problems**"))
        for index in 0..<20 { #expect(markdown.contains("unknown host CA1-MISSING-\(index)")) }
        #expect(markdown.contains("The plan was cut to fit one comment"))
        // A plan that fits is not cut.
        #expect(!Self.plan().markdown().contains("was cut"))
    }

    /// Thousands of problems still fit: hints go first, then the list ends with a count.
    @Test func thousandsOfProblemsStillFitOneComment() {
        var yaml = "migrations:\n"
        for index in 0..<3_000 { yaml += "  - host: \"CA1-MISSING-HOST-NUMBER-\(index)\"\n    to: \"spot\"\n" }
        let plan = Planner.plan(texts: [("changes/huge.yaml", yaml)], cloud: CloudBuilder().cloudView(), basis: .live)
        let markdown = plan.markdown()
        #expect(markdown.count < 60_000, "\(markdown.count) characters")
        #expect(markdown.contains("more; run `spotctl plan` to see them all"))
        #expect(markdown.hasPrefix("**0 hosts to move; 3000 problems**"))
    }
}
