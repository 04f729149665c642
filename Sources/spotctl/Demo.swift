import ArgumentParser
import Foundation
import SpotDemo
import SpotKit

struct Demo: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Run the whole loop on the built-in simulated cloud: init, snapshot, a change, snapshot, diff.",
        discussion: "No credentials needed. A re-run replaces a previous demo folder (one that carries the demo's marker) and nothing else.")

    @Argument(help: ArgumentHelp("Where to create the demo operations repository.", valueName: "DIR")) var directory: String = "spotctl-demo"

    func run() async throws {
        try await runReportingErrors {
            _ = try await DemoRunner.run(directory: directory, context: ProcessContext.current) { line in
                Output.out(line)
                fflush(nil)
            }
        }
    }
}
