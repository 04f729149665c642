import Foundation
import Testing
import TestSupport
import SpotCore
@testable import SpotKit
@testable import SpotSimulator

/// Names from the cloud and error texts reach the terminal with their control characters shown,
/// never obeyed: the real `spotctl` binary, on standard output and standard error.
@Suite struct TerminalOutputTests {
    static let evil = "CA1-\u{1B}[31mEVIL\u{1B}]0;pwned\u{07}\r-101"

    @Test func escapeSequencesInHostNamesAndErrorsArePrintedVisibly() async throws {
        let scenario = try LongHostNameTests.renamed(DemoScenario.load(), ["CA1-ESC812-101": Self.evil])
        try await SnapshotFixture.run(scenario) { f in
            var environment = f.options.environment
            environment["CI"] = "true"
            let repo = ["--repo", f.repository.root.path]
            let first = try await runProcessOffPool(ProjectPaths.spotctl, ["snapshot"] + repo, environment: environment)
            #expect(first.status == 0, "\(first.stderr)")
            await f.cloud.state.mutate { world in
                for index in world.aggregates.indices {
                    if world.aggregates[index].name == "L40-n3" { world.aggregates[index].hosts.removeAll { $0 == Self.evil } }
                    if world.aggregates[index].name == "L40-n3-spot" { world.aggregates[index].hosts.append(Self.evil) }
                }
            }
            let second = try await runProcessOffPool(ProjectPaths.spotctl, ["snapshot"] + repo, environment: environment)
            #expect(second.status == 0, "\(second.stderr)")
            let diff = try await runProcessOffPool(ProjectPaths.spotctl, ["diff"] + repo, environment: environment)
            #expect(diff.status == 0, "\(diff.stderr)")
            #expect(diff.stdout.contains("CA1-^[[31mEVIL^[]0;pwned^G^M-101 (L40): On-Demand -> Spot"), "\(diff.stdout)")

            // An error text on standard error.
            let error = try await runProcessOffPool(ProjectPaths.spotctl, ["render", "--at", "v1\u{1B}[2J\u{1B}[H\r"] + repo, environment: environment)
            #expect(error.status == 1)
            #expect(error.stderr.contains("--at v1^[[2J^[[H^M"), "\(error.stderr)")

            for output in [first, second, diff, error] {
                for text in [output.stdout, output.stderr] {
                    #expect(!text.unicodeScalars.contains { $0.value == 0x1B || $0.value == 0x0D || $0.value == 0x07 },
                            "a control character reached the terminal: \(text.debugDescription)")
                }
            }
        }
    }
}
