import Foundation
import Testing
import TestSupport
@testable import SpotKit
import SpotDemo
import SpotSimulator

/// `spotctl simulate --clouds-yaml FILE` never replaces a file (or a link) without `--force`,
/// writes the file owner-only, and prints the control token.
@Suite struct SimulateCloudsYAMLTests {
    final class Lines: @unchecked Sendable {
        var all: [String] = []
    }

    static func start(_ options: SimulatorLauncher.Options, in dir: TemporaryDirectory, lines: Lines = Lines()) async throws -> SimulatedCloud {
        try await SimulatorLauncher.start(options, cwd: dir.url, clock: SystemClock()) { lines.all.append($0) }
    }

    @Test func anExistingFileOrLinkIsRefusedWithoutForce() async throws {
        let dir = try TemporaryDirectory()
        defer { dir.remove() }
        let existing = dir.appending("clouds.yaml")
        let mine = "clouds:\n  prod:\n    auth:\n      password: my-real-password\n"
        try Data(mine.utf8).write(to: existing)
        var options = SimulatorLauncher.Options()
        options.cloudsYAML = "clouds.yaml"
        let error = await #expect(throws: SpotError.self) { _ = try await Self.start(options, in: dir) }
        #expect(error?.message == "--clouds-yaml \(existing.path) already exists; spotctl simulate leaves it as it is")
        #expect(error?.hint?.contains("--force") == true)
        #expect(try String(contentsOf: existing, encoding: .utf8) == mine)

        // A dangling link counts too: its target is not created.
        let target = dir.appending("elsewhere.yaml")
        try FileManager.default.createSymbolicLink(atPath: dir.appending("link.yaml").path, withDestinationPath: target.path)
        options.cloudsYAML = "link.yaml"
        await #expect(throws: SpotError.self) { _ = try await Self.start(options, in: dir) }
        #expect(!FileManager.default.fileExists(atPath: target.path))

        // With --force the file is replaced, owner-only; the token to the control endpoints is printed.
        options.cloudsYAML = "clouds.yaml"
        options.overwriteCloudsYAML = true
        let lines = Lines()
        let cloud = try await Self.start(options, in: dir, lines: lines)
        let written = try String(contentsOf: existing, encoding: .utf8)
        let mode = try FileManager.default.attributesOfItem(atPath: existing.path)[.posixPermissions] as? Int
        let token = cloud.controlToken
        await cloud.stop()
        #expect(written.contains("simulated:") && !written.contains("my-real-password"))
        #expect(mode.map { $0 & 0o777 } == 0o600)
        #expect(lines.all.contains("export SPOTCTL_SIMULATOR_TOKEN=\(token)"))
    }

    @Test func aNewFileIsWrittenWithoutForceAndForceAloneIsAUsageError() async throws {
        let dir = try TemporaryDirectory()
        defer { dir.remove() }
        var options = SimulatorLauncher.Options()
        options.cloudsYAML = "clouds.yaml"
        let cloud = try await Self.start(options, in: dir)
        await cloud.stop()
        #expect(FileManager.default.fileExists(atPath: dir.appending("clouds.yaml").path))
        let usage = try runProcess(ProjectPaths.spotctl, ["simulate", "--force"])
        #expect(usage.status == 64)
        #expect(usage.stderr.contains("--force replaces the --clouds-yaml file"))
    }
}
