public import Foundation
import GitStore
import SpotCore

/// `spotctl init [DIR]`: creates an operations repository with the layout of SPEC section 1 and
/// commits it through the git store.
public enum RepositoryInitializer {
    public struct Report: Sendable {
        public let root: URL
        public let commitID: String?
        public let files: [String]
    }

    /// - Parameter nested: allow a repository inside another project's work tree (the demo's
    ///   `./spotctl-demo`, which the project ignores); `spotctl init` refuses that.
    public static func create(directory: String?, cwd: URL, identity: Identity, now: Date,
                           nested: Bool = false) async throws(SpotError) -> Report {
        let root = URL(fileURLWithPath: directory ?? ".", relativeTo: cwd).standardizedFileURL
        let fileManager = FileManager.default
        if fileManager.fileExists(atPath: root.appendingPathComponent(OperationsRepository.configurationFileName).path) {
            throw SpotError("\(root.path) already holds \(OperationsRepository.configurationFileName): it is an operations repository",
                            hint: "check it with `spotctl config check`")
        }
        // Refuse to create a repository inside another project's work tree.
        if !nested, let enclosing = enclosingRepository(of: root) {
            throw SpotError("\(root.path) is inside the git repository \(enclosing.path); an operations repository needs its own",
                            hint: "pick a folder outside \(enclosing.path)")
        }
        let store: GitStore
        do {
            store = try GitStore.openOrInitialize(at: root)
        } catch {
            throw SpotError("cannot create a git repository at \(root.path): \(error)")
        }
        let files = templateFiles()
        do {
            let result = try await store.commit(FileChanges(writes: files), author: identity.author(at: now),
                                                message: "Create the operations repository with spotctl init\n")
            return Report(root: root, commitID: result.commitID, files: files.keys.sorted())
        } catch {
            throw SpotError("cannot commit the new repository at \(root.path): \(error)",
                            hint: "finish or abort what git is doing there, then run spotctl init again")
        }
    }

    /// The work tree of another git repository that `root` would lie inside (searching upward
    /// from the nearest existing folder above it); nil when there is none, or when `root` is
    /// that repository's own root or already a repository of its own.
    public static func enclosingRepository(of root: URL) -> URL? {
        let fileManager = FileManager.default
        var probe = root.deletingLastPathComponent()
        while !fileManager.fileExists(atPath: probe.path), probe.pathComponents.count > 1 { probe.deleteLastPathComponent() }
        guard let enclosing = try? GitStore.discoverWorkTree(containing: probe) else { return nil }
        let path = enclosing.standardizedFileURL.path
        guard path != root.path, root.path.hasPrefix(path.hasSuffix("/") ? path : path + "/"),
              !fileManager.fileExists(atPath: root.appendingPathComponent(".git").path) else { return nil }
        return enclosing
    }

    /// The files of a new operations repository.
    public static func templateFiles() -> [String: Data] {
        [
            "spotctl.yaml": Data(ConfigurationWriter.yaml(.defaults).utf8),
            "README.md": Data(readme.utf8),
            ".gitignore": Data(gitignore.utf8),
            "changes/README.md": Data(changesReadme.utf8),
            "changes/applied/.gitkeep": Data(),
            "log/.gitkeep": Data(),
            ".github/workflows/spotctl-snapshot.yml": Data(workflow.utf8),
        ]
    }

    static let gitignore = """
    # spotctl: the rendered site and local state are not committed.
    /site/
    /.spotctl/
    # Secrets never belong here; keep clouds.yaml and tokens outside the repository.
    clouds.yaml
    secure.yaml

    """

    static let readme = """
    # Operations repository

    This repository holds the state of one GPU cloud (one OpenStack region), managed with spotctl.

    | path | what it is |
    | --- | --- |
    | `spotctl.yaml` | the configuration: every convention of the cloud (`spotctl config show` prints it with defaults) |
    | `inventory/` | the snapshot facts (one file per host) and a small summary, committed by `spotctl snapshot` |
    | `changes/` | pending change files (migrations, RunPod launches), reviewed in pull requests |
    | `changes/applied/` | applied change files with their outcome |
    | `log/` | the command log, append-only JSON lines written by `spotctl apply` |
    | `site/` | the rendered dashboard (`spotctl render`), not committed |
    | `.spotctl/` | local state: the last run, the lock; not committed |

    Day to day:

    ```sh
    spotctl snapshot          # fetch the cloud; commits only when the facts changed
    spotctl diff              # what changed since the previous snapshot
    spotctl render            # the static dashboard in site/
    spotctl plan              # preview the pending change files
    ```

    Credentials come from the environment (`OS_CLOUD` or `OS_*`, `NETBOX_URL` and `NETBOX_API_KEY`,
    `HYPERSTACK_API_KEY`, `RUNPOD_API_KEY`) or from files outside this repository. Never commit them.
    `.github/workflows/spotctl-snapshot.yml` takes a snapshot on a schedule; give it the secrets it
    names in the CI settings.

    """

    static let changesReadme = """
    # Change files

    A change file is a YAML document in this folder, reviewed in a pull request. `spotctl plan`
    previews every pending file; after merge, CI runs `spotctl apply`, which executes them in file-name
    order, logs every command to `log/`, moves each file to `changes/applied/` with its outcome, and
    commits the result.

    ```yaml
    # changes/2026-11-29-l40-to-spot.yaml
    kind: migration
    hosts:
      - {host: CA1-ESC812-103, to: spot}
    ```

    """

    /// A scheduled snapshot and render: fetch, snapshot, rebase and push, retrying a refused push.
    /// Apply jobs share the concurrency group so that they never race a snapshot.
    ///
    /// Secrets reach the steps only through `env:`, never as `${{ secrets.… }}` inside a `run:`
    /// script: GitHub pastes an expression into the script's text before the shell reads it, so a
    /// password holding `"`, `$(…)` or a backtick would break the line or run as a command. The
    /// file that holds credentials is written with `umask 077` (owner-only) outside the checkout.
    static let workflow = """
    # Takes a snapshot of the cloud on a schedule and pushes it when the facts changed.
    name: spotctl snapshot
    on:
      schedule:
        - cron: "*/15 * * * *"
      workflow_dispatch: {}
    concurrency:
      group: spotctl-operations   # shared with the apply workflow: one writer at a time
      cancel-in-progress: false
    permissions:
      contents: write
    jobs:
      snapshot:
        runs-on: ubuntu-latest
        env:
          OS_CLOUD: ${{ vars.OS_CLOUD }}
          OS_CLIENT_CONFIG_FILE: ${{ github.workspace }}/../clouds.yaml
          NETBOX_URL: ${{ vars.NETBOX_URL }}
          NETBOX_API_KEY: ${{ secrets.NETBOX_API_KEY }}
          HYPERSTACK_API_KEY: ${{ secrets.HYPERSTACK_API_KEY }}
        steps:
          - uses: actions/checkout@v4
            with:
              fetch-depth: 0
          - name: Write clouds.yaml outside the repository, readable by its owner only
            env:
              CLOUDS_YAML: ${{ secrets.CLOUDS_YAML }}
            run: |
              umask 077
              rm -f "$OS_CLIENT_CONFIG_FILE"
              printf '%s\\n' "$CLOUDS_YAML" > "$OS_CLIENT_CONFIG_FILE"
          - name: Snapshot
            run: spotctl snapshot
          - name: Render the dashboard and the static API into site/ (not committed)
            run: spotctl render
          - name: Keep the site (publish it with GitHub Pages or any static server if you like)
            uses: actions/upload-artifact@v4
            with:
              name: spotctl-site
              path: site/
          - name: Push, rebasing on a refused push
            run: |
              for attempt in 1 2 3 4 5; do
                if git push origin HEAD; then exit 0; fi
                echo "push refused (attempt $attempt); rebasing on the remote"
                git fetch origin
                git rebase "origin/${GITHUB_REF_NAME}" || { git rebase --abort; exit 1; }
                sleep $((attempt * 5))
              done
              echo "push refused five times; giving up" >&2
              exit 1

    """
}
