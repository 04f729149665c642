import Foundation
import Testing
import TestSupport
import SpotCore
@testable import SpotKit

/// The `spotctl apply` executable: exit statuses and what it prints.
@Suite struct ApplyBinaryTests {
    @Test func theBinaryAppliesRefusesALockedRepositoryWithThreeAndDryRunsWithoutWriting() async throws {
        try await ApplyFixture.run { a in
            try a.change()
            let repo = a.f.repository.root.path
            var environment = a.f.options.environment
            environment["GIT_AUTHOR_NAME"] = "Ada"
            environment["GIT_AUTHOR_EMAIL"] = "ada@example.org"
            // Locked by a run elsewhere: refused with its owner, exit 3.
            var process = ProcessIdentity.current
            process.hostName = "ci-runner-7"
            process.processID = 1
            let other = RunContext(environment: [:], workingDirectory: a.f.repository.root, identity: Identity(name: "Bob", email: "bob@example.org"),
                                   clock: FixedClock(a.f.options.now), process: process)
            let lock = try RepositoryLock.acquire(a.f.repository, command: "spotctl apply", context: other)
            let refused = try await runProcessOffPool(ProjectPaths.spotctl, ["apply", "--repo", repo], environment: environment)
            #expect(refused.status == 3, "\(refused.stderr)")
            #expect(refused.stderr.contains("locked by Bob <bob@example.org> on ci-runner-7"), "\(refused.stderr)")
            lock.release()
            // A dry run prints the commands and writes nothing.
            let head = try a.f.git("rev-parse", "HEAD")
            let dry = try await runProcessOffPool(ProjectPaths.spotctl, ["apply", "--repo", repo, "--dry-run"], environment: environment)
            #expect(dry.status == 0, "\(dry.stderr)")
            #expect(dry.stdout.contains("openstack aggregate add host L40-n3-spot CA1-ESC812-105"), "\(dry.stdout)")
            #expect(try a.f.git("rev-parse", "HEAD") == head)
            // The real run.
            let run = try await runProcessOffPool(ProjectPaths.spotctl, ["apply", "--repo", repo], environment: environment)
            #expect(run.status == 0, "\(run.stderr)")
            #expect(run.stdout.contains("apply: 3 hosts moved, 0 failed, 0 drifted; committed"), "\(run.stdout)")
            #expect(try a.f.git("log", "-1", "--format=%an %s").hasPrefix("Ada apply 2026-12-02-spot.yaml: 3 hosts moved to L40-n3-spot"))
            #expect(try a.logEntries().allSatisfy { $0.user == "Ada" })
            await a.expectEveryMoverExactlyInSpot()
        }
    }
}
