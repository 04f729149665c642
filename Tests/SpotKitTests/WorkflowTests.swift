import Foundation
import Testing
import TestSupport
import Yams
@testable import SpotKit

/// The CI workflow `spotctl init` writes: secrets reach the shell only through `env:`, and the
/// credentials file is written owner-only. GitHub evaluates `${{ … }}` by pasting the value into
/// the script's text before bash reads it; the test does the same, then runs the step with bash.
@Suite struct GeneratedWorkflowTests {
    static let path = ".github/workflows/spotctl-snapshot.yml"

    struct Step {
        let name: String
        let env: [String: String]
        let run: String?
    }

    struct Job {
        let env: [String: String]
        let steps: [Step]
    }

    static func jobs() throws -> [String: Job] {
        let text = String(decoding: try #require(RepositoryInitializer.templateFiles()[path]), as: UTF8.self)
        let document = try #require(try Yams.load(yaml: text) as? [String: Any])
        let jobs = try #require(document["jobs"] as? [String: Any])
        func strings(_ value: Any?) -> [String: String] {
            ((value as? [String: Any]) ?? [:]).mapValues { "\($0)" }
        }
        return try jobs.mapValues { value in
            let job = try #require(value as? [String: Any])
            let steps = try #require(job["steps"] as? [[String: Any]]).map { step in
                Step(name: step["name"] as? String ?? "", env: strings(step["env"]), run: step["run"] as? String)
            }
            return Job(env: strings(job["env"]), steps: steps)
        }
    }

    /// Every `${{ expression }}` of a text, replaced as GitHub does: by the value's text.
    static func evaluate(_ text: String, _ context: [String: String]) -> String {
        var out = ""
        var rest = Substring(text)
        while let open = rest.range(of: "${{") {
            out += rest[..<open.lowerBound]
            guard let close = rest[open.upperBound...].range(of: "}}") else { return out + rest[open.lowerBound...] }
            let expression = rest[open.upperBound..<close.lowerBound].trimmingCharacters(in: .whitespaces)
            out += context[expression] ?? ""
            rest = rest[close.upperBound...]
        }
        return out + rest
    }

    @Test func secretsReachTheShellOnlyThroughTheEnvironment() throws {
        let text = String(decoding: try #require(RepositoryInitializer.templateFiles()[Self.path]), as: UTF8.self)
        var envReferences = 0
        for (name, job) in try Self.jobs() {
            envReferences += job.env.values.filter { $0.contains("secrets.") }.count
            for step in job.steps {
                envReferences += step.env.values.filter { $0.contains("secrets.") }.count
                guard let run = step.run else { continue }
                #expect(!run.contains("${{"), "job \(name), step \"\(step.name)\" pastes an expression into its script:\n\(run)")
                #expect(!run.contains("secrets."), "job \(name), step \"\(step.name)\"")
            }
            // Each secret is a whole `env:` value, nothing around it.
            for value in job.env.values.filter({ $0.contains("secrets.") }) + job.steps.flatMap({ $0.env.values.filter { $0.contains("secrets.") } }) {
                #expect(value.hasPrefix("${{ secrets.") && value.hasSuffix("}}") && value.components(separatedBy: "${{").count == 2, "\(value)")
            }
        }
        // Every mention of a secret in the file is one of those `env:` values.
        #expect(text.components(separatedBy: "secrets.").count - 1 == envReferences)
        #expect(envReferences >= 3)

        let writer = try #require(try Self.jobs().values.flatMap(\.steps).first { $0.env.values.contains("${{ secrets.CLOUDS_YAML }}") })
        let script = try #require(writer.run)
        let lines = script.split(separator: "\n").map { $0.trimmingCharacters(in: .whitespaces) }
        #expect(lines.first == "umask 077", "\(script)")
    }

    @Test func theCloudsYAMLStepWritesAHostileSecretByteForByteOwnerOnlyAndRunsNothing() throws {
        let dir = try TemporaryDirectory()
        defer { dir.remove() }
        let workspace = dir.appending("workspace")
        try FileManager.default.createDirectory(at: workspace, withIntermediateDirectories: true)
        // A clouds.yaml left readable by everyone: the step replaces it with an owner-only file.
        let target = dir.appending("clouds.yaml")
        try Data("old\n".utf8).write(to: target)
        try FileManager.default.setAttributes([.posixPermissions: 0o644], ofItemAtPath: target.path)

        let secret = "clouds:\n  prod:\n    auth:\n      password: \"p\"a'ss$(touch ran-dollar)`touch ran-backtick`$HOME\\n\\\\ ${PATH}\n"
        let context = [
            "secrets.CLOUDS_YAML": secret,
            "secrets.NETBOX_API_KEY": "netbox-key", "secrets.HYPERSTACK_API_KEY": "hyperstack-key",
            "vars.OS_CLOUD": "prod", "vars.NETBOX_URL": "https://netbox.invalid",
            "github.workspace": workspace.path,
        ]
        let job = try #require(try Self.jobs()["snapshot"])
        let step = try #require(job.steps.first { $0.name.contains("clouds.yaml") })
        var environment: [String: String] = [:]
        for (name, value) in job.env.merging(step.env, uniquingKeysWith: { _, step in step }) {
            environment[name] = Self.evaluate(value, context)
        }
        let script = dir.appending("step.sh")
        try Data(Self.evaluate(try #require(step.run), context).utf8).write(to: script)
        // GitHub's default shell on Linux runners.
        let result = try runProcess(URL(fileURLWithPath: "/bin/bash"), ["--noprofile", "--norc", "-eo", "pipefail", script.path],
                                    in: workspace, environment: environment)
        #expect(result.status == 0, "\(result.stderr)")
        #expect(try Data(contentsOf: target) == Data((secret + "\n").utf8))
        let mode = try #require(try FileManager.default.attributesOfItem(atPath: target.path)[.posixPermissions] as? Int)
        #expect(mode & 0o777 == 0o600)
        for folder in [workspace, dir.url] {
            let names = try FileManager.default.contentsOfDirectory(atPath: folder.path)
            #expect(!names.contains { $0.hasPrefix("ran-") }, "the secret ran as a command: \(names)")
        }
    }
}
