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
            ".github/workflows/spotctl-plan.yml": Data(planWorkflow.utf8),
            ".github/workflows/spotctl-apply.yml": Data(applyWorkflow.utf8),
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
    spotctl log               # the commands apply ran (log clear archives them)
    ```

    Credentials come from the environment (`OS_CLOUD` or `OS_*`, `NETBOX_URL` and `NETBOX_API_KEY`,
    `HYPERSTACK_API_KEY`, `RUNPOD_API_KEY`) or from files outside this repository. Never commit them.
    `.github/workflows/` takes a snapshot on a schedule (`spotctl-snapshot.yml`), posts the plan of a
    pull request that touches `changes/` as a comment (`spotctl-plan.yml`, read-only credentials) and
    applies the change files merged into main (`spotctl-apply.yml`); give them the secrets they name
    in the CI settings (spotctl's docs/ci.md).

    """

    static let changesReadme = """
    # Change files

    A change file is a YAML (or JSON) document in this folder, reviewed in a pull request. The
    format is described in spotctl's docs/change-files.md.

    ```sh
    spotctl new migration CA1-ESC812-101 CA1-ESC812-104 --to spot --reason "Spot demand"
                              # writes changes/<date>-<slug>.yaml, `from` filled from the latest snapshot
    spotctl plan              # validates every pending file against the latest snapshot: steps, problems
    spotctl apply             # runs them (CI does this after the merge)
    ```

    A migration moves hosts between GPU-pool aggregates:

    ```yaml
    # changes/2026-12-02-l40-to-spot.yaml
    reason: "Spot demand is up; two idle L40 hosts leave on-demand"   # optional
    migrations:
      - host: "CA1-ESC812-101"
        from: "L40-n3"          # optional: the aggregate the host leaves (default: its current one)
        to: "spot"
      - host: "CA1-ESC812-104"
        to: "contract:Contract-L40-Customer1"
        allow_vms: true         # optional: leave a non-spot pool although the host has VMs
    ```

    `to` is an aggregate name or a pool: `spot`, `ondemand`, `runpod` or `contract:<aggregate>`; a
    pool becomes the aggregate of that pool for the host's GPU type (on-demand: the variant that
    matches the host's NVLink flag). `from` pins where the host is expected to be, so a plan made
    against an older snapshot fails instead of moving a host that has moved since. A host with VMs
    never leaves spot; it leaves another pool only with `allow_vms: true`.

    On a pull request CI posts `spotctl plan --format markdown` as a comment. After the merge,
    `spotctl apply` runs the pending files in name order: per host it adds the target before it
    removes the source, logs every command to `log/`, moves each finished file to
    `changes/applied/` with its outcome beside it (`<name>.outcome.json`), and commits the result.
    A file with a failed or drifted entry stays here; fix it if needed and run `spotctl apply`
    again. `spotctl log` prints the command log.

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
          - name: Warn when merged change files are still pending (an apply run the queue replaced, or one that failed)
            run: |
              pending=$(find changes -maxdepth 1 -type f \\( -name '*.yaml' -o -name '*.yml' -o -name '*.json' \\) | wc -l)
              if [ "$pending" -gt 0 ]; then
                echo "::warning::$pending change file(s) pending in changes/: run the spotctl apply workflow (see spotctl's docs/ci.md)"
              fi

    """

    /// The hidden marker that finds the plan comment of a pull request again, so that it is
    /// updated in place instead of posted anew.
    public static let planCommentMarker = "<!-- spotctl-plan -->"

    /// On a pull request that touches `changes/`: `spotctl plan --format markdown`, posted as one
    /// comment found again by its marker and updated in place, with read-only credentials. Plan's
    /// exit 2 (changes to apply) is a success; 1 (invalid) fails the job after the comment is
    /// posted. The comment's text reaches the script through `env:` and a file, never pasted in.
    static let planWorkflow = """
    # Plans the change files of a pull request and posts the plan as one comment, updated in place.
    name: spotctl plan
    on:
      pull_request:
        paths:
          - "changes/**"
    concurrency:
      group: spotctl-plan-${{ github.event.pull_request.number }}
      cancel-in-progress: true   # only the newest push of a pull request matters
    permissions:
      contents: read
      pull-requests: write       # the plan comment
    jobs:
      plan:
        runs-on: ubuntu-latest
        env:
          # Read-only credentials: a plan reads, never writes. `spotctl plan` reads the latest
          # snapshot; with --refresh it reads the live cloud through these.
          OS_CLOUD: ${{ vars.OS_CLOUD }}
          OS_CLIENT_CONFIG_FILE: ${{ github.workspace }}/../clouds.yaml
          NETBOX_URL: ${{ vars.NETBOX_URL }}
          NETBOX_API_KEY: ${{ secrets.NETBOX_API_KEY_READONLY }}
        steps:
          - uses: actions/checkout@v4
            with:
              fetch-depth: 0
          - name: Write the read-only clouds.yaml outside the repository, readable by its owner only
            env:
              CLOUDS_YAML: ${{ secrets.CLOUDS_YAML_READONLY }}
            run: |
              umask 077
              rm -f "$OS_CLIENT_CONFIG_FILE"
              printf '%s\\n' "$CLOUDS_YAML" > "$OS_CLIENT_CONFIG_FILE"
          - name: Plan (exit 0 nothing to do, 2 changes to apply, 1 invalid)
            id: plan
            run: |
              status=0
              spotctl plan --format markdown > "$RUNNER_TEMP/spotctl-plan.md" 2> "$RUNNER_TEMP/spotctl-plan.err" || status=$?
              cat "$RUNNER_TEMP/spotctl-plan.err" >&2
              echo "status=$status" >> "$GITHUB_OUTPUT"
          - name: Post the plan as one comment, updated in place
            if: always() && steps.plan.outputs.status != ''
            uses: actions/github-script@v7
            env:
              PLAN_STATUS: ${{ steps.plan.outputs.status }}
            with:
              script: |
                const fs = require('fs');
                const marker = '<!-- spotctl-plan -->';
                const status = process.env.PLAN_STATUS;
                const folder = process.env.RUNNER_TEMP;
                let plan = fs.readFileSync(folder + '/spotctl-plan.md', 'utf8').trim();
                if (plan === '') {
                  const errors = fs.readFileSync(folder + '/spotctl-plan.err', 'utf8').slice(-20000);
                  plan = 'spotctl plan failed (exit ' + status + ') before it wrote a plan:\\n\\n```\\n' + errors + '\\n```';
                }
                const body = marker + '\\n' + plan.slice(0, 60000);
                const issue = { owner: context.repo.owner, repo: context.repo.repo, issue_number: context.issue.number };
                const comments = await github.paginate(github.rest.issues.listComments, { ...issue, per_page: 100 });
                const previous = comments.find(c => c.user.type === 'Bot' && (c.body || '').startsWith(marker));
                if (previous) {
                  await github.rest.issues.updateComment({ owner: issue.owner, repo: issue.repo, comment_id: previous.id, body });
                } else {
                  await github.rest.issues.createComment({ ...issue, body });
                }
          - name: Fail unless the plan is valid (exit 0 or 2)
            if: always()
            env:
              PLAN_STATUS: ${{ steps.plan.outputs.status }}
            run: |
              case "$PLAN_STATUS" in
                0|2) exit 0 ;;
                *) echo "spotctl plan exited with ${PLAN_STATUS:-no status}: see the plan comment and the log above" >&2; exit 1 ;;
              esac

    """

    /// On a push to the main branch that touches `changes/`: `spotctl apply` with write
    /// credentials, in the concurrency group the scheduled snapshot shares (never cancelled while
    /// it runs), then the result commit pushed (fetch, rebase, retry a refused push). The result
    /// is pushed whatever apply's exit status (a failed run's commit holds its progress and log),
    /// then the job fails with that status.
    static let applyWorkflow = """
    # Applies the merged change files and pushes the result commit.
    name: spotctl apply
    on:
      push:
        branches:
          - main
        paths:
          - "changes/**"
      workflow_dispatch: {}
    concurrency:
      group: spotctl-operations   # shared with the snapshot workflow: one writer at a time
      cancel-in-progress: false
    permissions:
      contents: write
    jobs:
      apply:
        runs-on: ubuntu-latest
        env:
          OS_CLOUD: ${{ vars.OS_CLOUD }}
          OS_CLIENT_CONFIG_FILE: ${{ github.workspace }}/../clouds.yaml
          NETBOX_URL: ${{ vars.NETBOX_URL }}
          NETBOX_API_KEY: ${{ secrets.NETBOX_API_KEY }}
          HYPERSTACK_API_KEY: ${{ secrets.HYPERSTACK_API_KEY }}
        steps:
          # The branch as it is now, not the pushed commit: a snapshot may have pushed while this
          # job waited for the concurrency group.
          - uses: actions/checkout@v4
            with:
              ref: ${{ github.ref }}
              fetch-depth: 0
          - name: Write clouds.yaml (write credentials) outside the repository, readable by its owner only
            env:
              CLOUDS_YAML: ${{ secrets.CLOUDS_YAML }}
            run: |
              umask 077
              rm -f "$OS_CLIENT_CONFIG_FILE"
              printf '%s\\n' "$CLOUDS_YAML" > "$OS_CLIENT_CONFIG_FILE"
          - name: Apply (exit 0 done, 1 something failed, 3 refused)
            id: apply
            run: |
              status=0
              spotctl apply || status=$?
              echo "status=$status" >> "$GITHUB_OUTPUT"
          - name: Push the result, rebasing on a refused push
            if: always() && steps.apply.outputs.status != ''
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
          - name: Fail when apply did not finish everything
            if: always()
            env:
              APPLY_STATUS: ${{ steps.apply.outputs.status }}
            run: |
              if [ "$APPLY_STATUS" != "0" ]; then
                echo "spotctl apply exited with ${APPLY_STATUS:-no status}: see its report above; the pushed commit holds its progress" >&2
                exit 1
              fi

    """
}

