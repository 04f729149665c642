import Foundation
import Testing
import TestSupport
import Yams
import SpotCore
@testable import SpotKit

/// The plan and apply workflows `spotctl init` writes (docs/ci.md), read as GitHub reads them
/// (YAML), and their shell steps run with bash and a stand-in `spotctl`.
@Suite struct CIWorkflowTests {
    static let plan = ".github/workflows/spotctl-plan.yml"
    static let apply = ".github/workflows/spotctl-apply.yml"
    static let snapshot = ".github/workflows/spotctl-snapshot.yml"

    static func text(_ path: String) throws -> String {
        String(decoding: try #require(RepositoryInitializer.templateFiles()[path]), as: UTF8.self)
    }

    static func document(_ path: String) throws -> [String: Any] {
        try #require(try Yams.load(yaml: try text(path)) as? [String: Any], "\(path) is not a YAML mapping")
    }

    static func job(_ path: String, _ name: String) throws -> [String: Any] {
        let jobs = try #require(try document(path)["jobs"] as? [String: Any])
        return try #require(jobs[name] as? [String: Any])
    }

    static func steps(_ path: String, _ job: String) throws -> [[String: Any]] {
        try #require(try Self.job(path, job)["steps"] as? [[String: Any]])
    }

    static func step(_ path: String, _ job: String, named prefix: String) throws -> [String: Any] {
        try #require(try steps(path, job).first { ($0["name"] as? String)?.hasPrefix(prefix) == true }, "no step \(prefix) in \(path)")
    }

    /// Runs a step's script as GitHub's default shell does, with `spotctl` standing in as a script
    /// that exits with `spotctlStatus`; returns the exit status and what went to `$GITHUB_OUTPUT`.
    static func run(_ step: [String: Any], environment: [String: String] = [:], spotctlStatus: Int32 = 0) throws -> (status: Int32, output: String) {
        let dir = try TemporaryDirectory()
        defer { dir.remove() }
        let bin = dir.appending("bin")
        try FileManager.default.createDirectory(at: bin, withIntermediateDirectories: true)
        let fake = bin.appendingPathComponent("spotctl")
        try "#!/bin/bash\necho \"## plan of $*\"\necho 'a note' >&2\nexit \(spotctlStatus)\n".write(to: fake, atomically: true, encoding: .utf8)
        try FileManager.default.setAttributes([.posixPermissions: 0o755], ofItemAtPath: fake.path)
        let script = dir.appending("step.sh")
        try (try #require(step["run"] as? String)).write(to: script, atomically: true, encoding: .utf8)
        let output = dir.appending("github-output")
        try Data().write(to: output)
        var env = environment
        env["PATH"] = bin.path + ":/usr/bin:/bin"
        env["GITHUB_OUTPUT"] = output.path
        env["RUNNER_TEMP"] = dir.path
        let result = try runProcess(URL(fileURLWithPath: "/bin/bash"), ["--noprofile", "--norc", "-eo", "pipefail", script.path],
                                    in: dir.url, environment: env)
        return (result.status, try String(contentsOf: output, encoding: .utf8))
    }

    @Test func initWritesAndCommitsBothWorkflows() async throws {
        let dir = try TemporaryDirectory()
        defer { dir.remove() }
        let report = try await RepositoryInitializer.create(directory: "ops", cwd: dir.url, identity: Identity(name: "Ops", email: "ops@example.net"),
                                                            now: Date(timeIntervalSince1970: 1_800_000_000))
        for path in [Self.plan, Self.apply, Self.snapshot] {
            #expect(report.files.contains(path))
            #expect(try String(contentsOf: report.root.appendingPathComponent(path), encoding: .utf8) == (try Self.text(path)))
        }
        let tracked = try runProcess(URL(fileURLWithPath: "/usr/bin/git"), ["-C", report.root.path, "ls-files", ".github"]).stdout
        #expect(tracked == [Self.apply, Self.plan, Self.snapshot].joined(separator: "\n") + "\n")
        #expect(RepositoryInitializer.templateFiles() == RepositoryInitializer.templateFiles(), "the workflows are fixed text")
    }

    @Test func secretsReachEveryStepOnlyThroughTheEnvironment() throws {
        for path in [Self.plan, Self.apply, Self.snapshot] {
            let text = try Self.text(path)
            var references = 0
            let jobs = try #require(try Self.document(path)["jobs"] as? [String: Any])
            for (name, value) in jobs {
                let job = try #require(value as? [String: Any])
                let steps = try #require(job["steps"] as? [[String: Any]])
                let envs = [job["env"] as? [String: Any] ?? [:]] + steps.map { $0["env"] as? [String: Any] ?? [:] }
                for env in envs {
                    for value in env.values.map({ "\($0)" }) where value.contains("secrets.") {
                        references += 1
                        #expect(value.hasPrefix("${{ secrets.") && value.hasSuffix("}}") && value.components(separatedBy: "${{").count == 2,
                                "\(path): \(value)")
                    }
                }
                for step in steps {
                    let scripts = [step["run"] as? String, (step["with"] as? [String: Any])?["script"] as? String].compactMap { $0 }
                    for script in scripts {
                        #expect(!script.contains("${{"), "\(path), job \(name), step \(step["name"] ?? "?") pastes an expression into its script")
                        #expect(!script.contains("secrets."), "\(path), job \(name)")
                    }
                }
            }
            #expect(text.components(separatedBy: "secrets.").count - 1 == references, "\(path): a secret outside env:")
            #expect(references >= 2, "\(path)")
        }
    }

    /// Each workflow's credentials step writes a hostile `clouds.yaml` byte for byte, owner-only,
    /// and runs nothing of it (GitHub sets the secret in the step's environment, never in its text).
    @Test(arguments: [(plan, "plan"), (apply, "apply")])
    func theCloudsYAMLStepWritesAHostileSecretOwnerOnly(_ path: String, _ job: String) throws {
        let step = try #require(try Self.steps(path, job).first { (($0["env"] as? [String: Any]) ?? [:]).keys.contains("CLOUDS_YAML") })
        let secret = "clouds:\n  prod:\n    auth:\n      password: \"p\"a'ss$(touch ran-dollar)`touch ran-backtick`$HOME\\n ${PATH}\n"
        let dir = try TemporaryDirectory()
        defer { dir.remove() }
        let target = dir.appending("clouds.yaml")
        try "old\n".write(to: target, atomically: true, encoding: .utf8)
        try FileManager.default.setAttributes([.posixPermissions: 0o644], ofItemAtPath: target.path)
        let script = dir.appending("step.sh")
        try (try #require(step["run"] as? String)).write(to: script, atomically: true, encoding: .utf8)
        let result = try runProcess(URL(fileURLWithPath: "/bin/bash"), ["--noprofile", "--norc", "-eo", "pipefail", script.path], in: dir.url,
                                    environment: ["CLOUDS_YAML": secret, "OS_CLIENT_CONFIG_FILE": target.path, "PATH": "/usr/bin:/bin"])
        #expect(result.status == 0, "\(result.stderr)")
        #expect(try String(contentsOf: target, encoding: .utf8) == secret + "\n")
        let mode = try #require(try FileManager.default.attributesOfItem(atPath: target.path)[.posixPermissions] as? Int)
        #expect(mode & 0o777 == 0o600)
        #expect(try !FileManager.default.contentsOfDirectory(atPath: dir.path).contains { $0.hasPrefix("ran-") })
    }

    @Test func thePlanWorkflowPostsOneStickyCommentWithReadOnlyCredentials() throws {
        let document = try Self.document(Self.plan)
        let on = try #require(document["on"] as? [String: Any])
        let pullRequest = try #require(on["pull_request"] as? [String: Any])
        #expect(pullRequest["paths"] as? [String] == ["changes/**"])
        #expect(on["push"] == nil)
        let permissions = try #require(document["permissions"] as? [String: String])
        #expect(permissions == ["contents": "read", "pull-requests": "write"])
        // Read-only credentials only.
        let secrets = try Self.text(Self.plan).components(separatedBy: "secrets.").dropFirst().map { $0.prefix { $0.isLetter || $0 == "_" } }
        #expect(!secrets.isEmpty && secrets.allSatisfy { $0.hasSuffix("_READONLY") }, "\(secrets)")

        let plan = try Self.step(Self.plan, "plan", named: "Plan")
        #expect((plan["run"] as? String)?.contains("spotctl plan --format markdown") == true)
        // Exit 2 (changes to apply) and 0 are a success; 1 too for this step, so the comment is posted.
        for status: Int32 in [0, 1, 2] {
            let result = try Self.run(plan, spotctlStatus: status)
            #expect(result.status == 0, "the plan step itself never fails (spotctl exit \(status))")
            #expect(result.output == "status=\(status)\n")
        }

        let comment = try Self.step(Self.plan, "plan", named: "Post the plan")
        #expect(comment["uses"] as? String == "actions/github-script@v7")
        #expect((comment["if"] as? String)?.contains("always()") == true, "the comment is posted when the plan is invalid too")
        let script = try #require((comment["with"] as? [String: Any])?["script"] as? String)
        #expect(script.contains("const marker = '\(RepositoryInitializer.planCommentMarker)';"))
        #expect(RepositoryInitializer.planCommentMarker == "<!-- spotctl-plan -->")
        #expect(script.contains("github.rest.issues.updateComment") && script.contains("github.rest.issues.createComment"))
        #expect(script.contains("github.paginate(github.rest.issues.listComments"))
        #expect(script.contains("slice(0, 60000)"), "under GitHub's 65,536-character limit")

        let verdict = try Self.step(Self.plan, "plan", named: "Fail unless")
        #expect(verdict["if"] as? String == "always()")
        for (status, expected) in [("0", Int32(0)), ("2", 0), ("1", 1), ("64", 1), ("", 1)] {
            #expect(try Self.run(verdict, environment: ["PLAN_STATUS": status]).status == expected, "plan exit \(status)")
        }
    }

    static let node = ["/usr/bin/node", "/usr/local/bin/node", "/usr/bin/nodejs"].first { FileManager.default.isExecutableFile(atPath: $0) }

    /// The comment script run by Node with a stand-in for github-script's `github` and `context`:
    /// the first plan creates the comment, the next updates the bot's comment that carries the
    /// marker (never a person's), and a plan that stopped early posts its standard error.
    @Test(.enabled(if: node != nil, "needs Node.js"))
    func theCommentScriptCreatesOnceThenUpdatesInPlace() throws {
        let comment = try Self.step(Self.plan, "plan", named: "Post the plan")
        let script = try #require((comment["with"] as? [String: Any])?["script"] as? String)
        let dir = try TemporaryDirectory()
        defer { dir.remove() }
        try script.write(to: dir.appending("script.js"), atomically: true, encoding: .utf8)
        try """
        const fs = require('fs');
        const script = fs.readFileSync(process.argv[2], 'utf8');
        const AsyncFunction = Object.getPrototypeOf(async function () {}).constructor;
        const existing = JSON.parse(process.argv[3]);
        const calls = [];
        const github = {
          paginate: async (list, args) => { calls.push({ list: args }); return existing; },
          rest: { issues: { listComments: 'list',
                            updateComment: async (a) => { calls.push({ update: a.comment_id, body: a.body }); },
                            createComment: async (a) => { calls.push({ create: a.issue_number, body: a.body }); } } },
        };
        const context = { repo: { owner: 'o', repo: 'r' }, issue: { number: 7 } };
        new AsyncFunction('require', 'github', 'context', script)(require, github, context)
          .then(() => { console.log(JSON.stringify(calls)); }, (e) => { console.error(e); process.exit(1); });
        """.write(to: dir.appending("harness.js"), atomically: true, encoding: .utf8)

        func run(existing: String, plan: String, errors: String = "", status: String = "2") throws -> [[String: Any]] {
            try plan.write(to: dir.appending("spotctl-plan.md"), atomically: true, encoding: .utf8)
            try errors.write(to: dir.appending("spotctl-plan.err"), atomically: true, encoding: .utf8)
            let result = try runProcess(URL(fileURLWithPath: try #require(Self.node)),
                                        [dir.appending("harness.js").path, dir.appending("script.js").path, existing],
                                        environment: ["RUNNER_TEMP": dir.path, "PLAN_STATUS": status])
            #expect(result.status == 0, "\(result.stderr)")
            return try #require(try JSONSerialization.jsonObject(with: Data(result.stdout.utf8)) as? [[String: Any]])
        }
        let first = try run(existing: "[]", plan: "1 host to move: 1 to spot; 0 problems\n")
        #expect(first.count == 2)
        #expect(first.last?["create"] as? Int == 7)
        #expect(first.last?["body"] as? String == "<!-- spotctl-plan -->\n1 host to move: 1 to spot; 0 problems")

        let mine = #"[{"id": 1, "user": {"type": "User"}, "body": "<!-- spotctl-plan -->\nquoted by a person"}, "#
            + #"{"id": 2, "user": {"type": "Bot"}, "body": "<!-- spotctl-plan -->\nold plan"}, {"id": 3, "user": {"type": "Bot"}, "body": null}]"#
        let second = try run(existing: mine, plan: "0 hosts to move; 1 problem")
        #expect(second.last?["update"] as? Int == 2)
        #expect(second.last?["body"] as? String == "<!-- spotctl-plan -->\n0 hosts to move; 1 problem")

        let failed = try run(existing: "[]", plan: "", errors: "error: bad usage\n", status: "64")
        let body = try #require(failed.last?["body"] as? String)
        #expect(body.hasPrefix("<!-- spotctl-plan -->\nspotctl plan failed (exit 64) before it wrote a plan:"))
        #expect(body.contains("error: bad usage"))
    }

    @Test func theApplyWorkflowRunsInTheSnapshotsGroupAndPushesWhateverTheOutcome() throws {
        let document = try Self.document(Self.apply)
        let on = try #require(document["on"] as? [String: Any])
        let push = try #require(on["push"] as? [String: Any])
        #expect(push["branches"] as? [String] == ["main"])
        #expect(push["paths"] as? [String] == ["changes/**"])
        let concurrency = try #require(document["concurrency"] as? [String: Any])
        #expect(concurrency["group"] as? String == "spotctl-operations")
        #expect(concurrency["cancel-in-progress"] as? Bool == false)
        let snapshotGroup = try #require(try Self.document(Self.snapshot)["concurrency"] as? [String: Any])
        #expect(snapshotGroup["group"] as? String == "spotctl-operations", "one writer at a time: the same group as the snapshot")
        #expect(try #require(document["permissions"] as? [String: String]) == ["contents": "write"])

        let checkout = try #require(try Self.steps(Self.apply, "apply").first)
        #expect((checkout["with"] as? [String: Any])?["ref"] as? String == "${{ github.ref }}", "the branch's tip, not the pushed commit")

        let apply = try Self.step(Self.apply, "apply", named: "Apply")
        for status: Int32 in [0, 1, 3] {
            let result = try Self.run(apply, spotctlStatus: status)
            #expect(result.status == 0 && result.output == "status=\(status)\n")
        }
        let pushStep = try Self.step(Self.apply, "apply", named: "Push")
        #expect((pushStep["if"] as? String)?.contains("always()") == true, "a failed apply's commit (its progress, its log) is pushed too")
        let script = try #require(pushStep["run"] as? String)
        #expect(script.contains("git fetch origin") && script.contains("git rebase") && script.contains("for attempt in 1 2 3 4 5"))

        let verdict = try Self.step(Self.apply, "apply", named: "Fail when")
        for (status, expected) in [("0", Int32(0)), ("1", 1), ("3", 1), ("", 1)] {
            #expect(try Self.run(verdict, environment: ["APPLY_STATUS": status]).status == expected, "apply exit \(status)")
        }
    }

    /// The snapshot warns about change files still pending on the branch: an apply that waited in
    /// the concurrency group can be replaced by the next scheduled snapshot (docs/ci.md).
    @Test func theSnapshotWarnsAboutPendingChangeFiles() throws {
        let step = try Self.step(Self.snapshot, "snapshot", named: "Warn when merged change files")
        let dir = try TemporaryDirectory()
        defer { dir.remove() }
        let changes = dir.appending("changes")
        try FileManager.default.createDirectory(at: changes.appendingPathComponent("applied"), withIntermediateDirectories: true)
        try "x".write(to: changes.appendingPathComponent("README.md"), atomically: true, encoding: .utf8)
        try "x".write(to: changes.appendingPathComponent("applied/old.yaml"), atomically: true, encoding: .utf8)
        let script = dir.appending("step.sh")
        try (try #require(step["run"] as? String)).write(to: script, atomically: true, encoding: .utf8)
        func run() throws -> String {
            let result = try runProcess(URL(fileURLWithPath: "/bin/bash"), ["--noprofile", "--norc", "-eo", "pipefail", script.path],
                                        in: dir.url, environment: ["PATH": "/usr/bin:/bin"])
            #expect(result.status == 0, "\(result.stderr)")
            return result.stdout
        }
        #expect(try run() == "", "README.md and applied files are not pending")
        try "x".write(to: changes.appendingPathComponent("2026-12-02-spot.yaml"), atomically: true, encoding: .utf8)
        #expect(try run().hasPrefix("::warning::1 change file(s) pending in changes/"))
    }

    /// The `changes/README.md` init writes shows the format of docs/change-files.md: its example
    /// plans without a problem of format (the hosts are unknown to an empty cloud, nothing else).
    @Test func theChangesReadmeShowsTheChangeFileFormat() throws {
        let readme = try Self.text("changes/README.md")
        for word in ["spotctl new migration", "spotctl plan", "spotctl apply", "reason:", "allow_vms: true", "contract:", "from:"] {
            #expect(readme.contains(word), "\(word)")
        }
        let start = try #require(readme.range(of: "```yaml\n"))
        let end = try #require(readme.range(of: "```", range: start.upperBound..<readme.endIndex))
        let example = String(readme[start.upperBound..<end.lowerBound])
        let (file, problems) = ChangeFileParser.parse(path: "changes/2026-12-02-l40-to-spot.yaml", text: example)
        #expect(problems.isEmpty, "\(problems)")
        #expect(file?.migrations.map(\.host) == ["CA1-ESC812-101", "CA1-ESC812-104"])
        #expect(file?.migrations.map(\.allowVMs) == [false, true])
        #expect(file?.reason != nil)
    }
}
