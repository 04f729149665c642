import Foundation
import Testing
import TestSupport
import SpotCore
@testable import SpotSite

/// The changes page (pending files with their plan, applied ones with their outcome) and the log
/// page (every field of an entry), with cloud and file text escaped.
@Suite struct ChangesAndLogPageTests {
    static let pending = ChangeFileText(path: "changes/a.yaml", text: """
    reason: "rebalance <b>now</b>"
    migrations:
      - host: "gpu-1"
        to: "ondemand"
      - host: "gpu-x<script>"
        to: "spot"

    """)

    static let broken = ChangeFileText(path: "changes/b.yaml", text: "migrations: [\n")

    static let applied = ChangeFileText(
        path: "changes/applied/z.yaml", text: "migrations:\n  - host: \"gpu-2\"\n    to: \"spot\"\n",
        outcome: AppliedOutcome(change: "changes/z.yaml", reason: "spot <demand>", appliedAt: "2026-12-01T09:00:00Z", run: "run-7",
                                user: "Ada <ada@example.org>", hosts: [
                                    .init(host: "gpu-2", from: ["L40-n3"], to: "L40-n3-spot", status: .done, steps: [
                                        .init(command: "openstack aggregate add host L40-n3-spot gpu-2", status: "success", output: "added <ok>", logID: "run-7-1"),
                                        .init(command: "openstack aggregate remove host L40-n3 gpu-2", status: "skipped", output: "already out of L40-n3"),
                                    ]),
                                ]))

    static let unrecorded = ChangeFileText(path: "changes/applied/y.yaml", text: "migrations: []\n",
                                           outcomeProblem: "changes/applied/y.yaml.outcome.json cannot be read: <bad>")

    static func render(pending: [ChangeFileText] = [], applied: [ChangeFileText] = [], log: [CommandLogEntry] = []) throws -> [String: Data] {
        try SiteRenderer().render(SiteInput(cloud: hostileCloud().cloudView(),
                                            snapshot: SnapshotReference(commit: "0123456789abcdef0123", date: nil, subject: "t"),
                                            commandLog: log, pendingChanges: pending, appliedChanges: applied))
    }

    @Test func pendingFilesShowTheirPlanAgainstTheSnapshot() throws {
        let page = text(try Self.render(pending: [Self.pending, Self.broken]), "changes.html")
        let plan = Planner.plan(texts: [(Self.pending.path, Self.pending.text), (Self.broken.path, Self.broken.text)],
                                cloud: hostileCloud().cloudView(), basis: .snapshot(commit: "0123456789abcdef0123"))
        #expect(plan.summaryLine.hasPrefix("1 host to move: 1 to ondemand"), "\(plan.summaryLine)")
        #expect(page.contains("<strong>\(plan.summaryLine)</strong>"))
        #expect(page.contains("<code>0123456789ab</code>"), "the snapshot the plan was made against")
        // Each host from → to, its steps' commands, the reason, escaped.
        #expect(page.contains("<td data-label=\"From\">L40-n3-spot</td><td data-label=\"To\">L40-n3</td><td data-label=\"Plan\">to move</td>"))
        #expect(page.contains("<code>openstack aggregate add host L40-n3 gpu-1</code>"))
        #expect(page.contains("<code>openstack aggregate remove host L40-n3-spot gpu-1</code>"))
        #expect(page.contains("rebalance &lt;b&gt;now&lt;/b&gt;"))
        // Every problem with its file:line, the unknown host escaped, the broken file too.
        for problem in plan.problems {
            #expect(page.contains("<code>\(problem.position)</code>"), "\(problem)")
        }
        #expect(plan.problems.contains { $0.position.hasPrefix("changes/a.yaml:5:") })
        #expect(plan.problems.contains { $0.file == "changes/b.yaml" })
        #expect(page.contains("gpu-x&lt;script&gt;") && !page.contains("gpu-x<script>"))
        #expect(page.contains("data-valid=\"false\""))
        #expect(!page.contains("No pending change files"))
    }

    @Test func appliedFilesShowTheirOutcome() throws {
        let page = text(try Self.render(applied: [Self.applied, Self.unrecorded]), "changes.html")
        #expect(page.contains("Applied 2026-12-01T09:00:00Z by Ada &lt;ada@example.org&gt; (run <code>run-7</code>): spot &lt;demand&gt;"))
        #expect(page.contains("<td data-label=\"From\">L40-n3</td><td data-label=\"To\">L40-n3-spot</td><td data-label=\"Outcome\">done</td>"))
        #expect(page.contains("<code>openstack aggregate add host L40-n3-spot gpu-2</code> success: added &lt;ok&gt;"))
        #expect(page.contains("<code>openstack aggregate remove host L40-n3 gpu-2</code> skipped: already out of L40-n3"))
        #expect(page.contains("changes/applied/y.yaml.outcome.json cannot be read: &lt;bad&gt;"))
        #expect(page.contains("No pending change files"))
        #expect(!page.contains("No change has been applied yet"))
    }

    @Test func theLogPageShowsEveryFieldEscaped() throws {
        let entries = [
            CommandLogEntry(id: "r1-1", timestamp: "2026-12-02T10:00:01Z", command: "openstack aggregate add host L40-n3-spot gpu-1",
                            status: .success, executionTime: "0.4s", user: "ada", change: "changes/a.yaml", step: 1, output: "added", returnCode: 0),
            CommandLogEntry(id: "r1-2", timestamp: "2026-12-02T10:00:02Z", command: "openstack aggregate remove host L40-n3 '<b>gpu</b>'",
                            status: .error, executionTime: "1.2s", user: "ada", change: "changes/a.yaml", step: 2,
                            output: "Conflict <409>\nretry", returnCode: 1),
        ]
        let page = text(try Self.render(log: entries), "log.html")
        #expect(page.contains("<tr class=\"status-error\" data-status=\"error\" data-id=\"r1-2\">"))
        #expect(page.contains("<td data-label=\"Return code\">1</td><td data-label=\"Output\"><pre class=\"output\">Conflict &lt;409&gt;\nretry</pre></td>"))
        #expect(page.contains("<td data-label=\"Change\">changes/a.yaml</td><td data-label=\"Step\">2</td>"))
        #expect(page.contains("<td data-label=\"Return code\">0</td>"))
        #expect(!page.contains("<b>gpu</b>"))
        // Newest first.
        let newer = try #require(page.range(of: "data-id=\"r1-2\""))
        let older = try #require(page.range(of: "data-id=\"r1-1\""))
        #expect(newer.lowerBound < older.lowerBound)
    }
}

/// The log's filters and the changes page in a real headless browser: filtering by status and by
/// text (output, change), and neither page scrolls sideways at 400 pixels.
@Suite(.serialized) struct ChangesAndLogBrowserTests {
    struct Shown: Decodable {
        let all: Int
        let errors: [String]
        let conflict: [String]
        let count: String
    }

    @Test func theLogFiltersByStatusAndTextAndBothPagesFitAt400Pixels() async throws {
        let browser = try Browser.required()
        let dir = try TemporaryDirectory()
        defer { dir.remove() }
        let entries = [
            CommandLogEntry(id: "r1-1", timestamp: "2026-12-02T10:00:01Z", command: "openstack aggregate add host L40-n3-spot gpu-1",
                            status: .success, executionTime: "0.4s", user: "ada", change: "changes/a.yaml", step: 1, output: "added", returnCode: 0),
            CommandLogEntry(id: "r1-2", timestamp: "2026-12-02T10:00:02Z", command: "openstack aggregate remove host L40-n3 gpu-2",
                            status: .error, executionTime: "1.2s", user: "ada", change: "changes/a.yaml", step: 2,
                            output: "Conflict (HTTP 409)", returnCode: 1),
            CommandLogEntry(id: "r2-1", timestamp: "2026-12-02T11:00:00Z", command: "openstack aggregate add host L40-n3 gpu-1",
                            status: .timeout, executionTime: "30.0s", user: "ci (CI)", change: "changes/b.yaml", step: 1),
        ]
        let files = try ChangesAndLogPageTests.render(pending: [ChangesAndLogPageTests.pending], applied: [ChangesAndLogPageTests.applied], log: entries)
        for (path, data) in files {
            let url = dir.url.appendingPathComponent(path)
            try FileManager.default.createDirectory(at: url.deletingLastPathComponent(), withIntermediateDirectories: true)
            try data.write(to: url)
        }
        let probe = try await browser.probe(page: dir.url.appendingPathComponent("log.html"), width: 1280, actions: """
            const rows = () => Array.from(document.querySelectorAll('table.log tbody tr')).filter(r => !r.hidden).map(r => r.dataset.id);
            const all = rows().length;
            const status = document.getElementById('log-status');
            status.value = 'error';
            status.dispatchEvent(new Event('change', {bubbles: true}));
            await sleep(20);
            const errors = rows();
            status.value = '';
            status.dispatchEvent(new Event('change', {bubbles: true}));
            const text = document.getElementById('log-text');
            text.value = 'conflict';
            text.dispatchEvent(new Event('input', {bubbles: true}));
            await sleep(20);
            return { all, errors, conflict: rows(), count: document.getElementById('log-count').textContent };
            """)
        #expect(probe.errors.isEmpty, "\(probe.errors)")
        let shown = try probe.decode(Shown.self)
        #expect(shown.all == 3)
        #expect(shown.errors == ["r1-2"])
        #expect(shown.conflict == ["r1-2"], "the text filter reads the output too")
        #expect(shown.count == "1 of 3 commands")
        for page in ["log.html", "changes.html"] {
            let narrow = try await browser.probe(page: dir.url.appendingPathComponent(page), width: 400)
            #expect(narrow.errors.isEmpty, "\(page): \(narrow.errors)")
            #expect(!narrow.scrollsSideways, "\(page) scrolls sideways at 400 px: \(narrow.scrollWidth) > \(narrow.clientWidth)")
        }
    }
}
