import Foundation
import Testing
import TestSupport
import SpotCore
@testable import SpotKit

@Suite struct OperationsRepositoryTests {
    @Test func theRepositoryIsFoundByItsConfigurationSearchingUpward() throws {
        let dir = try TemporaryDirectory()
        defer { dir.remove() }
        try "version: 1\n".write(to: dir.appending("spotctl.yaml"), atomically: true, encoding: .utf8)
        let nested = dir.appending("changes/applied")
        try FileManager.default.createDirectory(at: nested, withIntermediateDirectories: true)
        let repository = try OperationsRepository.locate(explicit: nil, from: nested)
        #expect(repository.root.path == dir.url.standardizedFileURL.path)
        #expect(repository.configurationFile.lastPathComponent == "spotctl.yaml")
    }

    @Test func aGitRepositoryWithoutConfigurationIsRefused() throws {
        let dir = try TemporaryDirectory()
        defer { dir.remove() }
        try FileManager.default.createDirectory(at: dir.appending(".git"), withIntermediateDirectories: true)
        let nested = dir.appending("src")
        try FileManager.default.createDirectory(at: nested, withIntermediateDirectories: true)
        let error = #expect(throws: SpotError.self) { try OperationsRepository.locate(explicit: nil, from: nested) }
        #expect(error?.message.contains("is a git repository whose root holds no spotctl.yaml") == true)
        #expect(error?.hint?.contains("--repo") == true)
    }

    @Test func anExplicitRepoMustHoldTheConfiguration() throws {
        let dir = try TemporaryDirectory()
        defer { dir.remove() }
        let empty = #expect(throws: SpotError.self) { try OperationsRepository.locate(explicit: dir.path, from: dir.url) }
        #expect(empty?.message.contains("holds no spotctl.yaml") == true)
        let missing = #expect(throws: SpotError.self) {
            try OperationsRepository.locate(explicit: "no-such-folder", from: dir.url)
        }
        #expect(missing?.message.contains("no such directory") == true)
        try "".write(to: dir.appending("spotctl.yaml"), atomically: true, encoding: .utf8)
        let found = try OperationsRepository.locate(explicit: ".", from: dir.url)
        #expect(found.root.path == dir.url.standardizedFileURL.path)
    }

    @Test func theProjectsExampleConfigurationIsValidAndSpellsOutTheDefaults() throws {
        let report = try ConfigReport.check(path: ProjectPaths.inventory.path, repo: nil, cwd: ProjectPaths.root)
        #expect(report.configuration == .defaults)
        #expect(report.summary.hasSuffix("OK (13 GPU types, 3 sites, 1 tenant mapping)"))
    }

    @Test func aBrokenConfigurationIsReportedWithFileAndLine() throws {
        let dir = try TemporaryDirectory()
        defer { dir.remove() }
        let text = "version: 1\ncapacity:\n  default_gpus_per_host: lots\nsitez: {}\n"
        try text.write(to: dir.appending("spotctl.yaml"), atomically: true, encoding: .utf8)
        let error = #expect(throws: SpotError.self) { try ConfigReport.check(path: nil, repo: dir.path, cwd: dir.url) }
        let message = error?.message ?? ""
        #expect(message.contains("spotctl.yaml:3:26: capacity.default_gpus_per_host: expected a whole number"), "\(message)")
        #expect(message.contains("spotctl.yaml:4:1: sitez: unknown key \"sitez\" (did you mean \"sites\"?)"), "\(message)")
        // Bad input changes nothing.
        #expect(try String(contentsOf: dir.appending("spotctl.yaml"), encoding: .utf8) == text)
    }

    @Test func showFillsInDefaultsAndNeverPrintsSecrets() throws {
        let dir = try TemporaryDirectory()
        defer { dir.remove() }
        try "netbox:\n  url: https://netbox.example.net\n".write(to: dir.appending("spotctl.yaml"), atomically: true, encoding: .utf8)
        let secret = "nbt_abcdef0123456789.supersecretvalue0042"
        let text = try ConfigReport.show(repo: dir.path, cwd: dir.url, environment: ["NETBOX_API_KEY": secret])
        #expect(text.contains("url: \"https://netbox.example.net\""))
        #expect(text.contains("default_gpus_per_host: 8"))
        #expect(text.contains("# NetBox token: $NETBOX_API_KEY (set)"))
        #expect(text.contains("# Hyperstack API key: $HYPERSTACK_API_KEY (unset)"))
        #expect(!text.contains(secret))
        #expect(!text.contains("supersecret"))
        #expect(!text.contains(Data(secret.utf8).base64EncodedString()))
    }
}

@Suite struct CommandLineTests {
    @Test func configCheckPassesOnTheExampleAndFailsWithFileLineOnABrokenFile() throws {
        let ok = try runProcess(ProjectPaths.spotctl, ["config", "check", "inventory"], in: ProjectPaths.root)
        #expect(ok.status == 0, "\(ok.stderr)")
        #expect(ok.stdout.contains("inventory/spotctl.yaml: OK"))

        let dir = try TemporaryDirectory()
        defer { dir.remove() }
        try "launch:\n  flavor: \"n3-<TYPE>x<COUNT>\"\n".write(to: dir.appending("spotctl.yaml"), atomically: true, encoding: .utf8)
        let bad = try runProcess(ProjectPaths.spotctl, ["config", "check"], in: dir.url)
        #expect(bad.status == 1)
        #expect(bad.stderr.contains("spotctl.yaml:2:11: launch.flavor: invalid pattern"), "\(bad.stderr)")
        #expect(bad.stdout.isEmpty)
    }

    @Test func aUsageErrorExitsWith64() throws {
        let result = try runProcess(ProjectPaths.spotctl, ["config", "check", "--no-such-flag"], in: ProjectPaths.root)
        #expect(result.status == 64)
    }

    @Test func configShowUsesTheRepoOption() throws {
        let result = try runProcess(ProjectPaths.spotctl, ["config", "show", "--repo", "inventory"], in: ProjectPaths.root)
        #expect(result.status == 0, "\(result.stderr)")
        #expect(result.stdout.contains("gpu_types:"))
        #expect(result.stdout.contains("  L40:\n    tags: [\"NVIDIA L40\"]"))
    }
}
