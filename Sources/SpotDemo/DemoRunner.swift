public import Foundation
import GitStore
import SpotApply
import SpotCore
public import SpotKit
import SpotSimulator
import SpotSupport

/// `spotctl demo [DIR]`: the whole loop on the built-in simulated cloud, with no credentials:
/// init, snapshot, a change in the cloud, snapshot, diff, change files, plan, apply, render.
public enum DemoRunner {
    static let marker = ".spotctl/demo-marker"

    /// The demo's own identity and, from `context`, the working directory and the clock; the
    /// demo's snapshots use the simulated cloud's environment, never the process's.
    public static func run(directory: String?, context: RunContext, print say: @escaping @Sendable (String) -> Void) async throws(SpotError) -> URL {
        let root = URL(fileURLWithPath: directory ?? "spotctl-demo", relativeTo: context.workingDirectory).standardizedFileURL
        try await prepare(root)

        say("1. Starting the simulated cloud (Keystone, Nova, Neutron, NetBox, Hyperstack) on 127.0.0.1")
        let cloud: SimulatedCloud
        do {
            cloud = try await SimulatedCloud.start(scenario: DemoScenario.load())
        } catch {
            throw SpotError("the simulated cloud did not start: \(error)")
        }
        do {
            let outcome = try await steps(root: root, cloud: cloud, clock: context.clock, say: say)
            await cloud.stop()
            return outcome
        } catch {
            await cloud.stop()
            throw error
        }
    }

    static func steps(root: URL, cloud: SimulatedCloud, clock: any WallClock, say: @escaping @Sendable (String) -> Void) async throws(SpotError) -> URL {
        say("   \(cloud.baseURL) — \(await cloud.state.world.hosts.count) compute hosts, \(await cloud.state.world.servers.count) servers")
        say("2. Creating the operations repository \(root.path)")
        let identity = Self.identity
        let started = clock.now()
        _ = try await RepositoryInitializer.create(directory: root.path, cwd: root, identity: identity, now: started, nested: true)
        do {
            try SafeFile.makeDirectory(root.appendingPathComponent(".spotctl").path)
            try SafeFile.write("This folder was made by `spotctl demo`; a new demo may replace it.\n", to: root.appendingPathComponent(marker).path)
        } catch {
            throw SpotError("cannot write \(root.appendingPathComponent(marker).path): \(error.message)")
        }
        let repository = OperationsRepository(root: root)
        let options = Snapshotter.Options()
        var environment = Dictionary(await cloud.environment(), uniquingKeysWith: { _, last in last })
        environment["HOME"] = root.path
        var context = RunContext(environment: environment, workingDirectory: root, identity: identity, clock: FixedClock(started))

        say("3. Taking the first snapshot")
        let first = try await Snapshotter.run(repository: repository, options: options, context: context)
        say("   " + first.summaryLine)

        say("4. Changing the cloud: an operator moves CA1-ESC812-102 to spot, a VM starts on CA1-ESC812-103, one stops on CA1-ESC812-101")
        await cloud.state.mutate { world in
            for index in world.aggregates.indices {
                if world.aggregates[index].name == "L40-n3" { world.aggregates[index].hosts.removeAll { $0 == "CA1-ESC812-102" } }
                if world.aggregates[index].name == "L40-n3-spot" { world.aggregates[index].hosts.append("CA1-ESC812-102") }
            }
            world.servers.removeAll { $0.name == "notebook" || $0.name == "train-llm-02" }
            world.servers.append(ServerSpec(id: "3f1c2b4a-0001-4e5f-8a9b-000000000010", name: "spot-batch-1", host: "CA1-ESC812-103",
                                            projectID: "5a1f3c0e9b2d4e6f8a7b6c5d4e3f2a10", flavor: "n3-L40x8",
                                            created: "2026-11-29T09:00:00Z"))
        }
        say("5. Taking the second snapshot")
        context.clock = FixedClock(started.addingTimeInterval(900))
        let second = try await Snapshotter.run(repository: repository, options: options, context: context)
        say("   " + second.summaryLine)

        say("6. A third snapshot of the unchanged cloud makes no commit")
        context.clock = FixedClock(started.addingTimeInterval(1800))
        let third = try await Snapshotter.run(repository: repository, options: options, context: context)
        say("   " + third.summaryLine)

        let diff = try await SnapshotComparer.compare(repository: repository, revisions: [])
        say("")
        say(SnapshotComparer.render(diff))

        say("7. Writing two change files, as an operator would for a pull request")
        context.clock = FixedClock(started.addingTimeInterval(2100))
        for (host, target, reason) in [("US1-HGXH100-201", "spot", "Idle H100 host to spot"),
                                       ("US1-HGXH100-203", "ondemand", "H100 spot host back to on-demand")] {
            let change: ChangePlanner.NewMigration
            do {
                change = try await ChangePlanner.newMigration(repository: repository, hosts: [host], to: target, reason: reason, context: context)
            } catch let error as SpotError {
                throw error
            } catch {
                throw SpotError.bug("the demo's change file was refused: \(error)")
            }
            say("   spotctl new migration \(host) --to \(target) --reason '\(reason)'  ->  \(change.path)")
        }
        say("8. Planning them: the Markdown a pull request's comment shows (spotctl plan --format markdown)")
        let plan = try await ChangePlanner.plan(repository: repository, files: [], refresh: false, context: context)
        say("")
        say(plan.markdown().split(separator: "\n", omittingEmptySubsequences: false).map { "   | " + $0 }.joined(separator: "\n"))

        say("9. Applying them, as CI does after the merge (spotctl apply): add to the target, then remove from the source")
        context.clock = FixedClock(started.addingTimeInterval(2700))
        let applied = try await ApplyEngine.run(repository: repository, options: ApplyEngine.Options(), context: context)
        for line in applied.lines { say("   " + line) }
        guard applied.exitCode == 0 else {
            throw SpotError.bug("the demo's apply did not finish (exit \(applied.exitCode))")
        }
        if let log = applied.logPath {
            let entries = (try? RepositoryReader.commandLog(["\(log)": (try? Data(contentsOf: root.appendingPathComponent(log))) ?? Data()])) ?? []
            say("   the command log (\(log)):")
            for entry in entries { say("     \(entry.timestamp)  \(entry.status.rawValue)  \(entry.command)  => \(entry.output ?? "")") }
        }

        say("10. A RunPod launch: CA1-ESC812-102 (idle) moves to RunPod, then a VM is launched on it through Hyperstack")
        context.clock = FixedClock(started.addingTimeInterval(3300))
        do {
            let move = try await ChangePlanner.newMigration(repository: repository, hosts: ["CA1-ESC812-102"], to: "runpod",
                                                            reason: "CA1-ESC812-102 to RunPod", context: context)
            say("   spotctl new migration CA1-ESC812-102 --to runpod  ->  \(move.path)")
        } catch let error as SpotError {
            throw error
        } catch {
            throw SpotError.bug("the demo's RunPod migration was refused: \(error)")
        }
        var demoApply = ApplyEngine.Options()
        var launchOptions = LaunchRunner.Options()
        // The simulated cloud's clock moves instead of the demo waiting for the VM to build.
        launchOptions.sleep = { seconds in await cloud.state.advanceClock(by: seconds) }
        demoApply.launchOptions = launchOptions
        let moved = try await ApplyEngine.run(repository: repository, options: demoApply, context: context)
        say("   " + (moved.lines.last ?? ""))
        let launchPath = "changes/\(ChangePlanner.day(context.clock.now()))-runpod-vm-on-ca1-esc812-102.yaml"
        do {
            try SafeFile.write("""
            reason: "A RunPod VM on CA1-ESC812-102"
            launches:
              - host: "CA1-ESC812-102"
                image: "RunPod Ubuntu 22.04"

            """, to: root.appendingPathComponent(launchPath).path)
        } catch {
            throw SpotError("cannot write \(launchPath): \(error.message)")
        }
        say("   wrote \(launchPath); its plan (the create request with the keys masked):")
        context.clock = FixedClock(started.addingTimeInterval(3600))
        let launchPlan = try await ChangePlanner.plan(repository: repository, files: [launchPath], refresh: false, context: context)
        for line in launchPlan.text().split(separator: "\n") where line.contains("curl -X POST") || line.contains(". ") {
            say("   |" + line)
        }
        let launched = try await ApplyEngine.run(repository: repository, options: demoApply, context: context)
        for line in launched.lines { say("   " + line) }
        guard launched.exitCode == 0, moved.exitCode == 0 else {
            throw SpotError.bug("the demo's RunPod launch did not finish (exit \(moved.exitCode), \(launched.exitCode))")
        }

        say("11. Rendering the dashboard and the static API, with the command log and the applied changes")
        context.clock = clock
        let rendered = try await SiteBuilder.run(repository: repository, options: SiteBuilder.Options(), context: context)
        say("   " + rendered.summaryLine)
        say("""

        The operations repository is \(root.path):
          \(root.path)/spotctl.yaml         the configuration (spotctl config show --repo \(root.path))
          \(root.path)/inventory/           the snapshot: one file per host, summary.json, aggregates.json, …
          \(root.path)/site/                the dashboard (not committed); open it in a browser:
            file://\(rendered.index.path)
          \(root.path)/site/api/            the static API: gpu-types.json, aggregates/<type>.json, host-vms/<host>.json, …
          \(root.path)/changes/applied/     the applied change files, each with its .outcome.json
          \(root.path)/log/                 the command log of the apply
        Try next:
          git -C \(root.path) log --stat
          spotctl diff --repo \(root.path)
          spotctl log --repo \(root.path)
          spotctl render --repo \(root.path) --at HEAD~1 --out /tmp/spotctl-site-before   # the site as it was
          spotctl simulate            # the same cloud, for your own clients (openstack, curl)
        """)
        return root
    }

    /// The identity of the demo's own commits: a folder whose history holds any other commit is
    /// not the demo's any more.
    static let identity = Identity(name: "spotctl demo", email: "demo@spotctl.invalid")

    /// Makes sure `root` can hold the demo: new, an empty folder, or an earlier demo whose history
    /// is the demo's own (which is replaced). A folder inside another git repository is refused,
    /// as `init` refuses it, unless that repository ignores it (`make demo` runs the demo in
    /// `./spotctl-demo`, which this project's `.gitignore` lists).
    static func prepare(_ root: URL) async throws(SpotError) {
        let fileManager = FileManager.default
        if let enclosing = RepositoryInitializer.enclosingRepository(of: root),
           !((try? GitStore.ignores(root, workTree: enclosing)) ?? false) {
            throw SpotError("\(root.path) is inside the git repository \(enclosing.path), which does not ignore it; the demo needs a repository of its own",
                            hint: "pick a folder outside \(enclosing.path), or add it to that repository's .gitignore")
        }
        switch SafeFile.kind(at: root.path) {
        case nil:
            return
        case .directory?:
            break
        default:
            throw SpotError("\(root.path) exists and is not a folder (a file or a link); it is left alone", hint: "name another folder: spotctl demo DIR")
        }
        let contents = (try? fileManager.contentsOfDirectory(atPath: root.path)) ?? []
        if contents.isEmpty { return }
        guard SafeFile.kind(at: root.appendingPathComponent(marker).path) == .regular,
              SafeFile.kind(at: root.appendingPathComponent(".git").path) == .directory else {
            throw SpotError("\(root.path) exists and was not made by spotctl demo; it is left alone",
                            hint: "name another folder: spotctl demo DIR")
        }
        // The marker is git-ignored and survives a copy: the history says whose folder it is now.
        let foreign: [CommitInfo]
        do {
            let store = try GitStore(openingRepositoryAt: root)
            foreign = try await store.log(from: "HEAD").filter { $0.authorEmail != identity.email }
        } catch {
            throw SpotError("\(root.path) looks like an earlier demo, but its history cannot be read (\(error)); it is left alone",
                            hint: "name another folder: spotctl demo DIR")
        }
        if let first = foreign.first {
            throw SpotError("\(root.path) was made by spotctl demo but holds \(foreign.count) later commit\(foreign.count == 1 ? "" : "s") of its own "
                            + "(\(first.id.prefix(12)) by \(first.authorName)); it is left alone",
                            hint: "name another folder: spotctl demo DIR")
        }
        do {
            try fileManager.removeItem(at: root)
        } catch {
            throw SpotError("cannot replace the previous demo in \(root.path): \(error.localizedDescription)")
        }
    }
}
