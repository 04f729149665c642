import Foundation
import Testing
import SpotCore
import SpotSimulator
@testable import SpotClients

/// `NovaClient.servers()`: two streams over the uuid order (ascending and descending) that stop
/// when they meet. Every server once, few requests, and failures that say where.
@Suite struct ServerListingTests {
    static let route = "GET /compute/v2.1/servers/detail"

    /// Pages a single plain listing of `count` servers takes (a full last page is followed by an
    /// empty one).
    static func singleStreamPages(_ count: Int, pageSize: Int) -> Int { count / pageSize + 1 }

    @Test func twoStreamsReturnEveryServerOnceWithFewRequests() async throws {
        let scenario = ScenarioGenerator(hosts: 250, seed: 11, vmsPerHost: 10).generate()
        #expect(scenario.servers.count == 2500)
        try await ClientFixture.run(scenario) { f in
            let nova = f.nova(try f.session(), pageSize: 300)
            _ = try await nova.microversion()
            await f.resetStats()
            let progress = Recorder<Int>()
            let servers = try await nova.servers(progress: { progress.record($0) })

            #expect(servers.count == 2500)
            #expect(Set(servers.map(\.id)).count == servers.count, "no duplicates")
            struct Placement: Hashable { let id: String; let host: String? }
            #expect(Set(servers.map { Placement(id: $0.id, host: $0.host) }) == Set(scenario.servers.map { Placement(id: $0.id, host: $0.host) }))
            // Deterministic order: by uuid.
            #expect(servers.map { $0.id.lowercased() } == servers.map { $0.id.lowercased() }.sorted())
            // Progress: distinct servers so far, rising to the total.
            #expect(progress.values == progress.values.sorted() && Set(progress.values).count == progress.values.count)
            #expect(progress.values.last == 2500)

            let requests = await f.count("nova", Self.route)
            let pages = Self.singleStreamPages(2500, pageSize: 300)
            #expect(requests <= pages + 2, "\(requests) requests for \(pages) pages")
            #expect(requests >= pages - 1)
            #expect(await f.stats().count(service: "nova") == requests)
        }
    }

    @Test func aFullLastPageAndSmallPagesAlsoMeet() async throws {
        let scenario = ScenarioGenerator(hosts: 250, seed: 12, vmsPerHost: 10).generate()
        try await ClientFixture.run(scenario) { f in
            // Page sizes up to the simulator's page limit (1,000): exact divisors and not.
            for pageSize in [250, 500, 625, 833, 1000] {
                await f.resetStats()
                let servers = try await f.nova(try f.session(), pageSize: pageSize).servers()
                #expect(Set(servers.map(\.id)) == Set(scenario.servers.map(\.id)), "page size \(pageSize)")
                #expect(servers.count == 2500, "page size \(pageSize)")
                let requests = await f.count("nova", Self.route)
                #expect(requests <= Self.singleStreamPages(2500, pageSize: pageSize) + 2, "page size \(pageSize): \(requests) requests")
            }
        }
    }

    @Test func aCloudWithoutServersCostsOneRequestPerEnd() async throws {
        var scenario = DemoScenario.load()
        scenario.servers = []
        scenario.hyperstack.vms = []
        try await ClientFixture.run(scenario) { f in
            let progress = Recorder<Int>()
            let servers = try await f.nova(try f.session()).servers(progress: { progress.record($0) })
            #expect(servers.isEmpty)
            #expect(progress.values.isEmpty)
            // Both ends ask once, at the same time.
            #expect(await f.count("nova", Self.route) <= 2)
        }
    }

    @Test func exactlyOnePage() async throws {
        try await ClientFixture.run { f in
            let world = await f.cloud.state.world
            let count = world.servers.count
            // Fewer servers than a page: one request per end at most (both start together).
            let plain = try await f.nova(try f.session(), pageSize: count + 1).servers()
            #expect(Set(plain.map(\.id)) == Set(world.servers.map(\.id)))
            #expect(plain.count == count)
            #expect(await f.count("nova", Self.route) <= 2)
            // Exactly a page: the page has a next link, so the other end is read too, and they meet.
            await f.resetStats()
            let full = try await f.nova(try f.session(), pageSize: count).servers()
            #expect(full.count == count)
            #expect(Set(full.map(\.id)) == Set(world.servers.map(\.id)))
            #expect(await f.count("nova", Self.route) <= Self.singleStreamPages(count, pageSize: count) + 1)
        }
    }

    @Test func aFailingListingNamesNovaAndThePath() async throws {
        try await ClientFixture.run { f in
            let nova = f.nova(try f.session(), pageSize: 2)
            _ = try await nova.microversion()
            await f.fault(FaultRule(service: "nova", path: "/compute/v2.1/servers/detail", status: 500))
            let error = try #require(await expectClientError { () async throws(ClientError) in try await nova.servers() })
            // Either end's first request may be the one reported.
            #expect(["asc", "desc"].map { "/compute/v2.1/servers/detail?all_tenants=1&limit=2&sort_key=uuid&sort_dir=\($0)" }.contains(error.path))
            #expect(error == ClientError(service: "Nova", method: "GET", path: error.path, status: 500,
                                         message: "Simulated fault: Internal Server Error", attempts: 1))
        }
    }

    @Test func aStreamFailingMidwayFailsTheListing() async throws {
        let scenario = ScenarioGenerator(hosts: 100, seed: 13, vmsPerHost: 10).generate()
        var simulator = SimulatorOptions()
        // Slow pages, so that the fault added after a few pages is in force long before the end.
        simulator.faults = [FaultRule(service: "nova", path: "/compute/v2.1/servers/detail", latencyMS: 40)]
        try await ClientFixture.run(scenario, simulator: simulator) { f in
            let nova = f.nova(try f.session(), pageSize: 50)
            _ = try await nova.microversion()
            let cloud = f.cloud
            let added = Recorder<Bool>()
            let error = try #require(await expectClientError { () async throws(ClientError) in
                try await nova.servers(progress: { count in
                    // After a few pages of both streams, so that the failing request is a later page.
                    guard count >= 300, added.values.isEmpty else { return }
                    added.record(true)
                    Task { await cloud.state.addFault(FaultRule(service: "nova", path: "/compute/v2.1/servers/detail", status: 500)) }
                })
            })
            #expect(error.service == "Nova")
            #expect(error.status == 500)
            // A next page: the client's own query, then the link's paging parameters.
            #expect(error.path.hasPrefix("/compute/v2.1/servers/detail?all_tenants=1&sort_key=uuid&sort_dir="))
            #expect(error.path.contains("marker="), "a later page failed: \(error.path)")
            #expect(error.message != "cancelled")
        }
    }

    @Test func aCloudThatRejectsTheSortFallsBackToThePlainListing() async throws {
        try await ClientFixture.run { f in
            let nova = f.nova(try f.session(), pageSize: 4)
            _ = try await nova.microversion()
            // The first request to arrive (either end's first page) is refused with a 400.
            await f.fault(FaultRule(service: "nova", path: "/compute/v2.1/servers/detail", status: 400, remaining: 1))
            let world = await f.cloud.state.world
            let servers = try await nova.servers()
            #expect(Set(servers.map(\.id)) == Set(world.servers.map(\.id)))
            #expect(servers.count == world.servers.count)
            // One refused request, at most a page and the next one of the other end before it is
            // stopped, then the plain listing's pages.
            let plain = (world.servers.count + 3) / 4
            let requests = await f.count("nova", Self.route)
            #expect(requests >= 1 + plain && requests <= 3 + plain, "\(requests) requests, \(plain) plain pages")
        }
    }

    // MARK: the merge on its own

    static func wire(_ id: String) -> ServerWire {
        ServerWire(id: id, name: nil, status: nil, vmState: nil, host: nil, tenantID: nil, projectID: nil, userID: nil,
                   flavor: nil, created: nil, availabilityZone: nil, addresses: nil)
    }

    @Test func theStreamsStopWhenTheyMeet() {
        let counts = Recorder<Int>()
        let merge = ServerMerge(progress: { counts.record($0) })
        #expect(merge.accept(["a1", "a2", "b0"].map(Self.wire), from: .ascending, hasNext: true))
        #expect(merge.accept(["f0", "e1", "d0"].map(Self.wire), from: .descending, hasNext: true))
        // The ascending stream would not ask early for the page after c0 when c0 reaches d0, but would after b0.
        #expect(merge.wantsPage(after: "http://n/servers/detail?limit=3&marker=b0", from: .ascending))
        #expect(!merge.wantsPage(after: "http://n/servers/detail?limit=3&marker=d0", from: .ascending))
        #expect(!merge.wantsPage(after: "http://n/servers/detail?limit=3&marker=B0", from: .descending))
        #expect(!merge.isComplete)
        // Uppercase ids compare lowercased.
        #expect(!merge.accept(["C0", "c1", "d0"].map(Self.wire), from: .ascending, hasNext: true))
        #expect(merge.isComplete)
        // Late pages change nothing.
        #expect(!merge.accept(["c9"].map(Self.wire), from: .descending, hasNext: true))
        // Each once, in uuid order.
        #expect(merge.servers.map(\.id) == ["a1", "a2", "b0", "C0", "c1", "d0", "e1", "f0"])
        #expect(ServerMerge.inUUIDOrder(["f0", "C0", "b0", "c0"].map(Self.wire)).map(\.id) == ["b0", "C0", "c0", "f0"])
        #expect(counts.values == [3, 6, 8])
    }

    @Test func aPageOutOfOrderStopsTheStreams() {
        let merge = ServerMerge(progress: nil)
        #expect(merge.accept(["a", "c"].map(Self.wire), from: .ascending, hasNext: true))
        // A cloud that ignores the sort answers in its own order.
        #expect(!merge.accept(["b", "d"].map(Self.wire), from: .ascending, hasNext: true))
        #expect(!merge.isComplete && merge.isStopped)
        let descending = ServerMerge(progress: nil)
        #expect(!descending.accept(["a", "b"].map(Self.wire), from: .descending, hasNext: true))
        #expect(descending.isStopped && !descending.isComplete)
    }

    @Test func aStreamThatEndsHasSeenEverything() {
        let merge = ServerMerge(progress: nil)
        #expect(merge.accept(["f", "e"].map(Self.wire), from: .descending, hasNext: true))
        #expect(!merge.accept(["a", "b"].map(Self.wire), from: .ascending, hasNext: false))
        #expect(merge.isComplete)
        let empty = ServerMerge(progress: nil)
        #expect(!empty.accept([], from: .ascending, hasNext: false))
        #expect(empty.isComplete && empty.servers.isEmpty)
    }
}
