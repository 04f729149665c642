import Foundation
import Testing
import SpotCore
import SpotSimulator
@testable import SpotClients

/// The cloud reader: the whole cloud for a snapshot, or the part a change touches.
@Suite struct CloudReaderTests {
    static func reader(_ fixture: ClientFixture, environment: [String: String]? = nil) throws -> CloudReader {
        let sources = try CloudSources.resolve(configuration: .defaults, environment: environment ?? fixture.environment,
                                               workingDirectory: URL(fileURLWithPath: "/nonexistent"))
        return try CloudReader(configuration: .defaults, sources: sources, options: ClientFixture.fastOptions())
    }

    @Test func theWholeCloudWithEverySourceAndOnlyTheRelevantDevices() async throws {
        try await ClientFixture.run { fixture in
            let reader = try Self.reader(fixture)
            let facts = try await reader.readAll()
            let requests = await reader.requestCount
            await reader.shutdown()
            let world = await fixture.cloud.state.world
            #expect(facts.services.count == world.hosts.count)
            #expect(facts.servers.count == world.servers.count)
            #expect(facts.aggregates.count == world.aggregates.count)
            #expect(facts.images != nil && facts.devices != nil)
            // DeviceRules.relevant: every kept device is a GPU server or a compute host's.
            let hosts = Set(world.hosts.map { $0.name.lowercased() })
            let kept = try #require(facts.devices)
            #expect(kept.count < world.devices.count, "the demo's NetBox holds devices that are neither")
            #expect(kept.allSatisfy { hosts.contains($0.name.lowercased()) || GPUTypeRules(configuration: .defaults).isGPUServer($0) })
            #expect(requests > 0)
            // Hyperstack's VMs, each linked to the OpenStack server of exactly its name.
            let vms = try #require(facts.vms)
            #expect(vms.map(\.id) == world.hyperstack.vms.map(\.id))
            #expect(vms.first { $0.id == 5001 }?.serverID == "3f1c2b4a-0001-4e5f-8a9b-000000000004")
            #expect(vms.first { $0.id == 5001 }?.flavor == "n3-L40x8")
        }
    }

    /// Hyperstack's catalogue for checking launches: flavors per region, environments, key pairs.
    @Test func theHyperstackCatalogueForLaunches() async throws {
        try await ClientFixture.run { fixture in
            let reader = try Self.reader(fixture)
            let catalog = try #require(try await reader.hyperstackCatalog())
            await reader.shutdown()
            #expect(catalog.flavors["US-1"] == ["n3-H100-SXM5x8", "n3-H100-SXM5x8-NVLink"])
            #expect(catalog.flavors["CANADA-1"] == ["n3-L40x8"])
            #expect(catalog.environments == ["CA1-RunPod": "CANADA-1", "US1-RunPod": "US-1", "NO1-RunPod": "NORWAY-1"])
            #expect(catalog.keyPairs["NO1-RunPod"] == ["runpod"])
        }
    }

    @Test func onlyTheGivenHostsAndEveryAggregate() async throws {
        try await ClientFixture.run { fixture in
            let reader = try Self.reader(fixture)
            let wanted: Set<String> = ["CA1-ESC812-101", "CA1-ESC812-103"]
            let facts = try await reader.read(hosts: wanted)
            await reader.shutdown()
            let world = await fixture.cloud.state.world
            #expect(facts.aggregates.count == world.aggregates.count)
            #expect(Set(facts.services.map(\.host)) == wanted)
            #expect(Set(facts.servers.map(\.id)) == Set(world.servers.filter { $0.host.map(wanted.contains) ?? false }.map(\.id)))
            #expect(facts.devices == nil && facts.images == nil)
        }
    }

    @Test func aFailedSourceIsNamedAndNothingIsReturned() async throws {
        try await ClientFixture.run { fixture in
            var environment = fixture.environment
            environment["OS_PASSWORD"] = "wrong"
            let reader = try Self.reader(fixture, environment: environment)
            let error = await #expect(throws: CloudReadError.self) { _ = try await reader.readAll() }
            await reader.shutdown()
            #expect(error?.source.hasPrefix("OpenStack") == true)
            #expect(error?.description.contains("wrong") == false, "the password never reaches an error")
        }
    }
}
