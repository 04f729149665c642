import Foundation
import Testing
import TestSupport
@testable import SpotKit

/// Errors are values: where, what, what to do; several of one run print together with one exit
/// status, decided in one place.
@Suite struct ErrorTests {
    @Test func anErrorSaysWhereWhatAndWhatToDo() {
        let error = SpotError("unknown host gpu-9", hint: "run spotctl snapshot, then plan again",
                              at: .init(file: "changes/move.yaml", line: 4, column: 7, host: "gpu-9"))
        #expect(error.description == "error: changes/move.yaml:4:7, host gpu-9: unknown host gpu-9\n  hint: run spotctl snapshot, then plan again")
        #expect(SpotError("no location").description == "error: no location")
        #expect(SpotError.Location(request: "POST /os-aggregates/3/action").description == "request POST /os-aggregates/3/action")
        #expect(SpotError.bug("broken", at: .init(file: "inventory/x.json")).description.hasPrefix("internal error: inventory/x.json: broken"))
    }

    @Test func oneExitStatusForManyErrors() {
        let refused = SpotError("lock held", exitCode: 3)
        let failed = SpotError("add failed")
        #expect(SpotErrors([refused]).exitCode == 3)
        #expect(SpotErrors([refused, failed]).exitCode == 1, "a failure outranks a refusal")
        #expect(SpotErrors([refused, failed, .bug("invariant")]).exitCode == 70)
        #expect(SpotErrors([refused, failed]).description == refused.description + "\n" + failed.description)
    }

    @Test func usageErrorsExitWith64AndChangeNothing() async throws {
        let dir = try TemporaryDirectory()
        defer { dir.remove() }
        for arguments in [["diff", "a", "b", "c"], ["simulate", "--hosts", "0"], ["simulate", "--scenario", "x.yaml", "--hosts", "3"],
                          ["simulate", "--max-microversion", "banana"], ["simulate", "--fault", "nova=nonsense"]] {
            let result = try await runProcessOffPool(ProjectPaths.spotctl, arguments, in: dir.url)
            #expect(result.status == 64, "\(arguments): \(result.stderr)")
            #expect(result.stderr.hasPrefix("Error: "), "\(arguments): \(result.stderr)")
        }
        #expect(try FileManager.default.contentsOfDirectory(atPath: dir.path).isEmpty)
    }
}
