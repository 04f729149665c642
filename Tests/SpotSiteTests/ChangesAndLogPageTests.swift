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
