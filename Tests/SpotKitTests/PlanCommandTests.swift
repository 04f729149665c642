import Foundation
import Testing
import TestSupport
import SpotCore
@testable import SpotKit
@testable import SpotSimulator

/// `plan`, `new migration` and `recommend` on a real operations repository with a snapshot of the
/// simulated demo cloud, through the library and through the `spotctl` binary.
@Suite struct PlanCommandTests {
    static func context(_ f: SnapshotFixture) -> RunContext {
        RunContext(environment: f.options.environment, workingDirectory: f.repository.root, identity: f.options.identity,
                   clock: FixedClock(Date(timeIntervalSince1970: 1_800_000_900)))
    }

    /// Every file of the working tree and its bytes, `.git` included, to show a run changed nothing.
    static func state(_ root: URL) -> [String: Data] {
        var files: [String: Data] = [:]
        let enumerator = FileManager.default.enumerator(at: root, includingPropertiesForKeys: nil)
        while let url = enumerator?.nextObject() as? URL {
            let path = String(url.path.dropFirst(root.path.count))
            guard !path.hasPrefix("/.spotctl"), let data = FileManager.default.contents(atPath: url.path) else { continue }
            files[path] = data
        }
        return files
    }

    func write(_ f: SnapshotFixture, _ name: String, _ text: String) throws {
        try Data(text.utf8).write(to: f.repository.changesDirectory.appendingPathComponent(name))
    }

    @Test func newMigrationWritesAFileThatPlanReadsAndPlanChangesNothing() async throws {
        try await SnapshotFixture.run { f in
            _ = try await f.snapshot()
            let context = Self.context(f)
            let written = try await ChangePlanner.newMigration(repository: f.repository, hosts: ["CA1-ESC812-104"], to: "ondemand",
                                                              reason: "Back to on-demand", context: context)
            #expect(written.path == "changes/2027-01-15-back-to-on-demand.yaml")
            let text = try String(contentsOf: f.repository.root.appendingPathComponent(written.path), encoding: .utf8)
            #expect(text.contains("reason: \"Back to on-demand\"\nmigrations:\n  - host: \"CA1-ESC812-104\"\n    from: \"L40-n3-spot\"\n    to: \"ondemand\"\n"), "\(text)")
            // A second one on the same day gets its own name.
            let again = try await ChangePlanner.newMigration(repository: f.repository, hosts: ["US1-HGXH100-201"], to: "spot",
                                                            reason: "Back to on-demand", context: context)
            #expect(again.path == "changes/2027-01-15-back-to-on-demand-2.yaml")

            let before = Self.state(f.repository.root)
            let plan = try await ChangePlanner.plan(repository: f.repository, files: [], refresh: false, context: context)
            #expect(plan.problems.isEmpty, "\(plan.problems)")
            #expect(plan.files.map(\.path) == [again.path, written.path].sorted())
            #expect(plan.exitCode == 2)
            #expect(Set(plan.moves.compactMap(\.to)) == ["L40-n3", "H100-SXM5-n3-spot"])
            guard case .snapshot(let commit?) = plan.basis else { Issue.record("expected a snapshot basis"); return }
            #expect(commit == (try f.git("rev-parse", "HEAD").trimmingCharacters(in: .whitespacesAndNewlines)))
            #expect(Self.state(f.repository.root) == before, "plan changed the repository")
        }
    }

    @Test func anInvalidNewMigrationWritesNothingAndSaysWhy() async throws {
        try await SnapshotFixture.run { f in
            _ = try await f.snapshot()
            let before = Self.state(f.repository.root)
            do {
                _ = try await ChangePlanner.newMigration(repository: f.repository, hosts: ["CA1-ESC812-101", "CA1-NOPE"], to: "spot",
                                                        reason: nil, context: Self.context(f))
                Issue.record("expected a refusal")
            } catch let errors as SpotErrors {
                let text = errors.description
                #expect(text.contains("CA1-ESC812-101 has 2 VMs and is leaving L40-n3: refused"), "\(text)")
                #expect(text.contains("unknown host CA1-NOPE"))
                #expect(text.contains("nothing was written"))
            }
            #expect(Self.state(f.repository.root) == before)
        }
    }

    @Test func refreshPlansAgainstTheLiveCloud() async throws {
        try await SnapshotFixture.run { f in
            _ = try await f.snapshot()
            try write(f, "a.yaml", "migrations:\n  - host: \"CA1-ESC812-104\"\n    from: \"L40-n3-spot\"\n    to: \"ondemand\"\n")
            // Someone moves the host by hand after the snapshot.
            await f.cloud.state.mutate { world in
                for index in world.aggregates.indices {
                    if world.aggregates[index].name == "L40-n3-spot" { world.aggregates[index].hosts.removeAll { $0 == "CA1-ESC812-104" } }
                    if world.aggregates[index].name == "L40-n3-runpod" { world.aggregates[index].hosts.append("CA1-ESC812-104") }
                }
            }
            let context = Self.context(f)
            let fromSnapshot = try await ChangePlanner.plan(repository: f.repository, files: [], refresh: false, context: context)
            #expect(fromSnapshot.exitCode == 2)
            let live = try await ChangePlanner.plan(repository: f.repository, files: [], refresh: true, context: context,
                                                    clientOptions: f.options.clientOptions)
            #expect(live.basis == .live)
            #expect(live.problems.map(\.message) == ["CA1-ESC812-104 is not in L40-n3-spot: it is in L40-n3-runpod, az-ca1"])
            #expect(live.problems.first?.line == 3)
        }
    }

    /// With --refresh, a launch is checked against Hyperstack's live flavors, environments and key
    /// pairs; against the snapshot, the plan says it did not check them.
    @Test func refreshChecksALaunchAgainstHyperstacksCatalogue() async throws {
        try await SnapshotFixture.run { f in
            _ = try await f.snapshot()
            try write(f, "launch.yaml", "launches:\n  - host: \"CA1-ESC812-105\"\n    image: \"RunPod Ubuntu 22.04\"\n    flavor: \"n3-L40x3\"\n")
            let context = Self.context(f)
            let offline = try await ChangePlanner.plan(repository: f.repository, files: [], refresh: false, context: context)
            #expect(offline.warnings.contains { $0.message.contains("were not read") })
            #expect(!offline.problems.contains { $0.message.contains("unknown flavor") })
            let live = try await ChangePlanner.plan(repository: f.repository, files: [], refresh: true, context: context,
                                                    clientOptions: f.options.clientOptions)
            #expect(!live.warnings.contains { $0.message.contains("were not read") })
            #expect(live.problems.contains { $0.message == "unknown flavor n3-L40x3 in region CANADA-1" && $0.line == 4 }, "\(live.problems)")
        }
    }

    @Test func recommendAnswersFromTheSnapshot() async throws {
        try await SnapshotFixture.run { f in
            _ = try await f.snapshot()
            let context = Self.context(f)
            let spot = try await ChangePlanner.recommend(repository: f.repository, host: "CA1-ESC812-101", pool: "spot", context: context)
            #expect(spot.aggregate == "L40-n3-spot")
            let nvlink = try await ChangePlanner.recommend(repository: f.repository, host: "US1-HGXH100-203", pool: "ondemand", context: context)
            #expect(nvlink.aggregate == "H100-SXM5-n3")
            let none = try await ChangePlanner.recommend(repository: f.repository, host: "NO1-ESC408-301", pool: "runpod", context: context)
            #expect(none.aggregate == nil)
            #expect(none.reasoning == "RTX-A6000 has no RunPod aggregate")
            await #expect(throws: SpotError.self) {
                _ = try await ChangePlanner.recommend(repository: f.repository, host: "CA1-ESC812-101", pool: "spotty", context: context)
            }
        }
    }

    /// A change file that carries a secret's text (pasted by mistake into the reason) is refused
    /// before its plan reaches a terminal or a PR comment.
    @Test func aPlanThatWouldShowASecretIsRefused() async throws {
        try await SnapshotFixture.run { f in
            _ = try await f.snapshot()
            let secret = try #require(f.options.environment["NETBOX_API_KEY"])
            try write(f, "a.yaml", "reason: \"token \(secret)\"\nmigrations:\n  - host: \"US1-HGXH100-201\"\n    to: \"spot\"\n")
            do {
                _ = try await ChangePlanner.plan(repository: f.repository, files: [], refresh: false, context: Self.context(f))
                Issue.record("expected a refusal")
            } catch let error as SpotError {
                #expect(error.message.contains("a configured secret"), "\(error)")
                #expect(!error.description.contains(secret))
            }
        }
    }

    /// The binary: exit statuses 0, 2 and 1; Markdown and JSON alone on standard output.
    @Test func theBinaryExitsWithTheStatusOfThePlanAndPrintsOnlyTheDocument() async throws {
        try await SnapshotFixture.run { f in
            _ = try await f.snapshot()
            let repo = ["--repo", f.repository.root.path]
            var environment = f.options.environment
            environment["CI"] = "true"
            let empty = try await runProcessOffPool(ProjectPaths.spotctl, ["plan"] + repo, environment: environment)
            #expect(empty.status == 0, "\(empty.stderr)")
            #expect(empty.stdout.contains("No pending change files."))

            try write(f, "2027-01-15-a.yaml", "migrations:\n  - host: \"US1-HGXH100-201\"\n    to: \"spot\"\n")
            let markdown = try await runProcessOffPool(ProjectPaths.spotctl, ["plan", "--format", "markdown"] + repo, environment: environment)
            #expect(markdown.status == 2, "\(markdown.stderr)")
            #expect(markdown.stdout.hasPrefix("**1 host to move: 1 to spot; 0 problems**\n"))
            let json = try await runProcessOffPool(ProjectPaths.spotctl, ["plan", "--format", "json"] + repo, environment: environment)
            #expect(json.status == 2)
            let document = try JSONSerialization.jsonObject(with: Data(json.stdout.utf8)) as? [String: Any]
            #expect(document?["format_version"] as? String == "1.0")

            try write(f, "2027-01-16-b.yaml", "migrations:\n  - host: \"CA1-ESC812-103\"\n    to: \"ondemand\"\n    colour: blue\n")
            let invalid = try await runProcessOffPool(ProjectPaths.spotctl, ["plan"] + repo, environment: environment)
            #expect(invalid.status == 1)
            #expect(invalid.stdout.contains("changes/2027-01-16-b.yaml:4:5: error: migrations[0].colour: unknown key \"colour\""), "\(invalid.stdout)")
            // One file named: only that one.
            let one = try await runProcessOffPool(ProjectPaths.spotctl, ["plan", f.repository.root.path + "/changes/2027-01-15-a.yaml"] + repo,
                                                  environment: environment)
            #expect(one.status == 2, "\(one.stderr)")
            let outside = try await runProcessOffPool(ProjectPaths.spotctl, ["plan", "/etc/hostname"] + repo, environment: environment)
            #expect(outside.status == 1)
            #expect(outside.stderr.contains("is not in the operations repository"))
        }
    }
}
