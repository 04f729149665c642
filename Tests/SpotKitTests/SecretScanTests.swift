import Foundation
import Testing
import TestSupport
import SpotCore
import SpotClients
@testable import SpotKit
@testable import SpotSimulator

/// The secret scan looks for each secret in every form the writers' own encoders give it: JSON
/// with `/` unescaped (the inventory and the static API), HTML-escaped (the pages), file names and
/// links, percent-encoded and base64; in the files, their paths and the commit message. A secret
/// with `/`, `<`, `&` and `"` in it changes in each of those forms.
@Suite struct SecretScanTests {
    static let hostile = "pa/ss<w&rd\"0123"

    func context(_ f: SnapshotFixture, _ environment: [String: String]) -> RunContext {
        RunContext(environment: environment, workingDirectory: f.dir.url, identity: f.options.identity,
                   clock: FixedClock(f.options.now.addingTimeInterval(60)))
    }

    @Test func aPasswordInAVMNameIsCaughtInItsJSONFormAndNothingIsWritten() async throws {
        var scenario = DemoScenario.load()
        scenario.credentials.password = Self.hostile
        scenario.servers[0].name = "copy of \(Self.hostile) for later"
        try await SnapshotFixture.run(scenario) { f in
            let head = try f.git("rev-parse", "HEAD")
            let error = await #expect(throws: SpotError.self) { _ = try await f.snapshot() }
            #expect(error?.message.contains("a configured secret (a password, token or API key) reached inventory/hosts/") == true,
                    "\(String(describing: error))")
            #expect(error?.message.contains("nothing was written") == true)
            #expect(error?.message.contains(Self.hostile) == false)
            #expect(try f.git("rev-parse", "HEAD") == head)
            #expect(!FileManager.default.fileExists(atPath: f.repository.inventoryDirectory.path))
        }
    }

    @Test func aTokenInTheRenderedSiteIsCaughtInItsHTMLAndJSONForms() async throws {
        var scenario = DemoScenario.load()
        let token = "nb/tok<en&\"x-0123456789"
        scenario.servers[0].name = "vm \(token)"
        try await SnapshotFixture.run(scenario) { f in
            // The snapshot was taken before NetBox was configured: the token was no secret then.
            var environment = f.options.environment
            environment["NETBOX_URL"] = nil
            environment["NETBOX_API_KEY"] = nil
            _ = try await f.snapshot { $0.environment = environment }

            var options = SiteBuilder.Options()
            options.output = f.dir.appending("site").path
            _ = try await SiteBuilder.run(repository: f.repository, options: options, context: context(f, environment))
            // What reaches the site is only encoded forms of the token, never the token as it is.
            var contents = ""
            for path in try FileManager.default.subpathsOfDirectory(atPath: options.output!) {
                if let data = FileManager.default.contents(atPath: options.output! + "/" + path) { contents += String(decoding: data, as: UTF8.self) }
            }
            #expect(!contents.contains(token))
            #expect(contents.contains("nb/tok&lt;en&amp;&quot;x-0123456789"))  // pages
            #expect(contents.contains("nb/tok<en&\\\"x-0123456789"))          // static API, search index

            // Now NetBox is configured with that token: the render refuses and writes nothing.
            environment["NETBOX_URL"] = f.cloud.netboxURL
            environment["NETBOX_API_KEY"] = token
            options.output = f.dir.appending("site-2").path
            let error = await #expect(throws: SpotError.self) {
                _ = try await SiteBuilder.run(repository: f.repository, options: options, context: context(f, environment))
            }
            #expect(error?.message.contains("reached") == true && error?.message.contains("in the rendered site; nothing was written") == true,
                    "\(String(describing: error))")
            #expect(!FileManager.default.fileExists(atPath: options.output!))
        }
    }

    @Test func theCommitMessageIsScannedToo() throws {
        let scan = SecretScan(secrets: [Secret(Self.hostile)])
        let clean = ["inventory/summary.json": Data("{}\n".utf8)]
        #expect(throws: Never.self) { try scan.check(clean, commitMessage: "L40: 2 hosts moved to spot", output: "the snapshot") }
        let error = #expect(throws: SpotError.self) {
            try scan.check(clean, commitMessage: "L40: host \(Self.hostile) moved to spot", output: "the snapshot")
        }
        #expect(error?.message.hasPrefix("a configured secret (a password, token or API key) reached the commit message in the snapshot") == true)
        // And a file's path: a host named after the secret has it in its file name.
        let path = InventoryFiles.hostPath("gpu-\(Self.hostile)")
        let named = #expect(throws: SpotError.self) { try scan.check([path: Data("{}".utf8)], output: "the snapshot") }
        #expect(named?.location.file == path)
    }

    @Test func aScanWithNothingToLookForSaysSo() async throws {
        var scenario = DemoScenario.load()
        scenario.credentials.password = "abc" // shorter than any searched secret
        try await SnapshotFixture.run(scenario) { f in
            var environment = f.options.environment
            for name in ["NETBOX_URL", "NETBOX_API_KEY", "HYPERSTACK_API_KEY", "RUNPOD_API_KEY"] { environment[name] = nil }
            let lines = LineCollector()
            var run = f.options
            run.environment = environment
            _ = try await run.run(f.repository) { lines.append($0) }
            #expect(lines.text.contains("note: secret scan: no secret configured (or none of 4 characters or more), nothing to scan"),
                    "\(lines.text)")

            var options = SiteBuilder.Options()
            options.output = f.dir.appending("site").path
            let bare = try await SiteBuilder.run(repository: f.repository, options: options, context: context(f, ["HOME": f.dir.path]))
            #expect(bare.notes == [SecretScan.nothingToScan])
            let scanned = try await SiteBuilder.run(repository: f.repository, options: options, context: context(f, f.options.environment))
            #expect(scanned.notes.isEmpty)
        }
    }
}
