import Foundation
import Testing
@testable import SpotSimulator

/// The servers of a listing are written as bytes directly; they must be exactly what the `JSON`
/// tree of `serverJSON` serialises to, at every microversion that changes the shape.
@Suite struct NovaServerBytesTests {
    static let versions = [(2, 1), (2, 3), (2, 9), (2, 16), (2, 19), (2, 26), (2, 46), (2, 47), (2, 63), (2, 71), (2, 73),
                           (2, 96), (2, 98), (2, 100)]

    func compare(_ world: Scenario) {
        let state = CloudState(scenario: world, options: SimulatorOptions())
        let request = SimRequest(method: "GET", path: "/compute/v2.1/servers/detail", rawPath: "/compute/v2.1/servers/detail",
                                 segments: ["v2.1", "servers", "detail"], query: [], headers: [:], body: Data(),
                                 baseURL: "http://127.0.0.1:1", rawQuery: nil)
        let lookups = NovaLookups(world)
        let ports = PortIndex(world.ports)
        for (major, minor) in Self.versions {
            let c = NovaContext(request: request, world: world, version: Microversion(major, minor), state: state, cache: NovaCache(),
                                apiRoot: "http://127.0.0.1:1/compute/v2.1", bookmarkRoot: "http://127.0.0.1:1/compute/p",
                                projectID: "p", maxLimit: 1000)
            var differences = 0
            for server in world.servers {
                let expected = NovaHandler.serverJSON(server, c, lookups, ports).serialized
                let actual = String(decoding: NovaHandler.serverBytes(server, c, lookups, ports), as: UTF8.self)
                if actual != expected {
                    differences += 1
                    if differences == 1 { Issue.record("\(major).\(minor) \(server.id):\n\(actual)\n\(expected)") }
                }
            }
            #expect(differences == 0, "at \(major).\(minor)")
        }
    }

    @Test func theDemoCloudsServersAreWrittenAsTheirJSON() {
        var world = DemoScenario.load()
        // Text that needs escaping, a server without host or image, metadata.
        if var server = world.servers.first {
            server.name = "quote \" backslash \\ newline \n tab \t bell \u{07} café 🚀"
            server.metadata = ["b": "2", "a": "\"1\""]
            server.host = nil
            server.imageID = nil
            server.userData = "IyEvYmluL3NoCg=="
            world.servers.append(server)
        }
        compare(world)
    }

    @Test func aGeneratedCloudsServersAreWrittenAsTheirJSON() {
        compare(ScenarioGenerator(hosts: 40, seed: 3, vmsPerHost: 6).generate())
    }
}
