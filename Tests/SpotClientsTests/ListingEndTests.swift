import Foundation
import Testing
import SpotCore
import SpotSimulator
@testable import SpotClients

/// Listings never end silently: a next link that cannot be followed, or a NetBox count that
/// disagrees with the devices read, is an error naming the request.
@Suite struct ListingEndTests {
    static func capped(_ limit: Int) -> SimulatorOptions {
        var simulator = SimulatorOptions()
        simulator.pageLimit = limit
        return simulator
    }

    @Test func aNetBoxNextLinkWithoutPagingIsAnErrorNamingTheRequest() async throws {
        try await ClientFixture.run(simulator: Self.capped(5)) { f in
            await f.fault(FaultRule(service: "netbox", stripPaging: true, remaining: 1))
            let error = try #require(await expectClientError { () async throws(ClientError) in try await f.netBox().devices() })
            #expect(error.service == "NetBox")
            #expect(error.method == "GET")
            #expect(error.path == "/netbox/api/dcim/devices/?limit=1000&exclude=config_context")
            #expect(error.message.contains("next link (/netbox/api/dcim/devices/?exclude=config_context) without a paging parameter"))
            #expect(await f.count("netbox", "GET /netbox/api/dcim/devices") == 1)
        }
    }

    @Test func aNetBoxCountThatDisagreesWithTheDevicesReadIsAnError() async throws {
        try await ClientFixture.run(simulator: Self.capped(5)) { f in
            await f.fault(FaultRule(service: "netbox", countOffset: 2))
            let error = try #require(await expectClientError { () async throws(ClientError) in try await f.netBox().devices() })
            #expect(error.service == "NetBox")
            // The last page's request: the paging of NetBox's link on the client's own query.
            #expect(error.path == "/netbox/api/dcim/devices/?exclude=config_context&limit=5&offset=10")
            #expect(error.message.hasPrefix("NetBox counts 15 devices but the listing returned 13"))
        }
    }

    @Test func aNovaNextLinkWithoutPagingIsAnErrorNamingTheRequest() async throws {
        try await ClientFixture.run { f in
            let nova = f.nova(try f.session(), pageSize: 2)
            await f.fault(FaultRule(service: "nova", path: "/compute/v2.1/os-hypervisors", stripPaging: true))
            let error = try #require(await expectClientError { () async throws(ClientError) in try await nova.hypervisors() })
            #expect(error.service == "Nova")
            #expect(error.path == "/compute/v2.1/os-hypervisors/detail?limit=2")
            #expect(error.message.contains("without a paging parameter"))
        }
    }

    @Test func aServerListingWhoseNextLinksLostTheirMarkerIsAnError() async throws {
        try await ClientFixture.run { f in
            let nova = f.nova(try f.session(), pageSize: 3)
            await f.fault(FaultRule(service: "nova", path: "/compute/v2.1/servers", stripPaging: true))
            let error = try #require(await expectClientError { () async throws(ClientError) in try await nova.servers() })
            #expect(error.service == "Nova")
            #expect(error.path.hasPrefix("/compute/v2.1/servers/detail?all_tenants=1&limit=3"))
            #expect(error.message.contains("without a paging parameter"))
        }
    }
}
