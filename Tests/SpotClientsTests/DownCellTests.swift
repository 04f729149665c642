import Foundation
import Testing
import SpotCore
import SpotSimulator
@testable import SpotClients

/// Servers and compute services of a Nova cell that cannot be reached (microversion 2.69+: status
/// `UNKNOWN`, no host, no flavor) fail the read: counted as they come, their hosts would look free.
@Suite struct DownCellTests {
    /// The demo cloud with the cell of one busy host down; its servers' ids.
    static func scenario() throws -> (Scenario, host: String, servers: [String]) {
        var scenario = DemoScenario.load()
        let host = try #require(scenario.servers.compactMap(\.host).sorted().first)
        let index = try #require(scenario.hosts.firstIndex { $0.name == host })
        scenario.hosts[index].cellDown = true
        let servers = scenario.servers.filter { $0.host == host }.map(\.id).sorted()
        return (scenario, host, servers)
    }

    @Test func serversOfADownCellFailTheListingNamingThem() async throws {
        let (scenario, _, servers) = try Self.scenario()
        try await ClientFixture.run(scenario) { f in
            let nova = f.nova(try f.session())
            let error = try #require(await expectClientError { () async throws(ClientError) in try await nova.servers() })
            #expect(error.service == "Nova")
            #expect(error.method == "GET")
            #expect(error.path == "/compute/v2.1/servers/detail?all_tenants=1&limit=1000")
            #expect(error.message.hasPrefix("Nova answers \(servers.count) servers from a cell it cannot reach (status UNKNOWN, no host or flavor): "))
            for id in servers.prefix(5) { #expect(error.message.contains(id)) }
            #expect(error.message.contains("nova-manage cell_v2 list_cells"))
        }
    }

    @Test func computeServicesOfADownCellFailTheReadNamingTheHost() async throws {
        let (scenario, host, _) = try Self.scenario()
        try await ClientFixture.run(scenario) { f in
            let nova = f.nova(try f.session())
            let error = try #require(await expectClientError { () async throws(ClientError) in try await nova.computeServices() })
            #expect(error.path == "/compute/v2.1/os-services?binary=nova-compute")
            #expect(error.message.hasPrefix("Nova answers 1 compute services from a cell it cannot reach (status UNKNOWN, no host or flavor): \(host)."))
        }
    }

    @Test func theSnapshotReadFailsAndNamesTheSource() async throws {
        let (scenario, _, _) = try Self.scenario()
        try await ClientFixture.run(scenario) { f in
            let reader = try CloudReaderTests.reader(f)
            let error = await #expect(throws: CloudReadError.self) { _ = try await reader.readAll() }
            await reader.shutdown()
            #expect(error?.source == "OpenStack")
            #expect(error?.description.contains("from a cell it cannot reach") == true)
        }
    }

    @Test func theSimulatorShowsDownCellRecordsOnlyFrom269() async throws {
        let (scenario, host, servers) = try Self.scenario()
        try await ClientFixture.run(scenario) { f in
            // Before 2.69 Nova leaves them out: nothing to see (and nothing a client can tell).
            let old = f.nova(try f.session(), maxMicroversion: "2.68")
            let listed = try await old.servers()
            #expect(Set(listed.map(\.id)).isDisjoint(with: servers))
            #expect(try await old.computeServices().allSatisfy { $0.host != host })
        }
    }
}
