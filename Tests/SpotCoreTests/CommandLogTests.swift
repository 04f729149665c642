import Foundation
import Testing
import SpotSupport
@testable import SpotCore

@Suite struct CommandLogFormatTests {
    static let entries = [
        CommandLogEntry(id: "r1-1", timestamp: "2026-12-02T10:00:01Z", command: "openstack aggregate add host L40-n3-spot gpu-1",
                        status: .success, executionTime: "0.4s", user: "ada", change: "changes/2026-12-02-spot.yaml", step: 1,
                        output: "added", returnCode: 0),
        CommandLogEntry(id: "r1-2", timestamp: "2026-12-02T10:00:02Z", command: "openstack aggregate remove host L40-n3 'gpu 2'",
                        status: .error, executionTime: "1.2s", user: "ada", change: "changes/2026-12-02-spot.yaml", step: 2,
                        output: "Conflict (HTTP 409)\nhost is busy \\ retry", returnCode: 1),
        CommandLogEntry(id: "r2-1", timestamp: "2026-12-02T11:00:00Z", command: "openstack aggregate add host Contract-L40-A GPU-3",
                        status: .timeout, executionTime: "30.0s", user: "ci (CI)"),
    ]

    @Test func textIsOneLinePerEntryInOrder() {
        #expect(CommandLogFormat.text(Self.entries) == """
        2026-12-02T10:00:01Z  success  0.4s  ada  changes/2026-12-02-spot.yaml step 1  openstack aggregate add host L40-n3-spot gpu-1  => 0: added
        2026-12-02T10:00:02Z  error  1.2s  ada  changes/2026-12-02-spot.yaml step 2  openstack aggregate remove host L40-n3 'gpu 2'  => 1: Conflict (HTTP 409)\\nhost is busy \\\\ retry
        2026-12-02T11:00:00Z  timeout  30.0s  ci (CI)  -  openstack aggregate add host Contract-L40-A GPU-3

        """)
        #expect(CommandLogFormat.text([]) == "")
    }

    @Test func jsonIsTheLogsOwnEncodingWithSortedKeys() throws {
        let text = CommandLogFormat.json(Array(Self.entries.prefix(1)))
        #expect(text == """
        [
          {
            "change" : "changes/2026-12-02-spot.yaml",
            "command" : "openstack aggregate add host L40-n3-spot gpu-1",
            "execution_time" : "0.4s",
            "id" : "r1-1",
            "output" : "added",
            "return_code" : 0,
            "status" : "success",
            "step" : 1,
            "timestamp" : "2026-12-02T10:00:01Z",
            "user" : "ada"
          }
        ]

        """)
        #expect(CommandLogFormat.json([]) == "[]\n")
        let decoded = try JSONDecoder().decode([CommandLogEntry].self, from: Data(CommandLogFormat.json(Self.entries).utf8))
        #expect(decoded == Self.entries)
    }

    @Test func filtersByHostChangeAndStatus() {
        func ids(_ filter: CommandLogFilter) -> [String] { Self.entries.filter(filter.matches).map(\.id) }
        #expect(ids(CommandLogFilter()) == ["r1-1", "r1-2", "r2-1"])
        #expect(ids(CommandLogFilter(host: "gpu-1")) == ["r1-1"])
        #expect(ids(CommandLogFilter(host: "gpu 2")) == ["r1-2"], "a shell-quoted name is one word")
        #expect(ids(CommandLogFilter(host: "gpu-3")) == ["r2-1"], "host names match whatever the case")
        #expect(ids(CommandLogFilter(host: "L40")) == [], "a part of a word is not a host")
        #expect(ids(CommandLogFilter(change: "2026-12-02-spot.yaml")) == ["r1-1", "r1-2"])
        #expect(ids(CommandLogFilter(change: "changes/applied/2026-12-02-spot.yaml")) == ["r1-1", "r1-2"])
        #expect(ids(CommandLogFilter(change: "other.yaml")) == [])
        #expect(ids(CommandLogFilter(status: .error)) == ["r1-2"])
        #expect(ids(CommandLogFilter(host: "gpu-1", status: .error)) == [])
        #expect(CommandLogFilter(host: "gpu-1", status: .error).description == "--host gpu-1 --status error")
    }

    @Test func shellWordsReadBackWhatShellQuoteWrote() {
        for name in ["gpu-1", "gpu 2", "it's", "a\"b", "$(x)", "tab\there", ""] {
            #expect(shellWords("openstack aggregate add host L40 \(shellQuote(name))").last == name, "\(name)")
        }
        #expect(shellWords("a  \"b c\"  d\\ e") == ["a", "b c", "d e"])
    }
}
