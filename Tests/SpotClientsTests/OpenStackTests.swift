import Foundation
import Testing
import SpotCore
import SpotSimulator
@testable import SpotClients

/// Keystone sessions, catalogs and Nova microversions.
@Suite struct OpenStackTests {
    @Test func anExpiredTokenIsRenewedOnceAndTheCallRepeated() async throws {
        var simulator = SimulatorOptions()
        simulator.tokenLifetime = 600
        try await ClientFixture.run(simulator: simulator) { f in
            let session = try f.session()
            let nova = f.nova(session)
            _ = try await nova.aggregates()
            #expect(await session.authentications == 1)
            await f.cloud.state.advanceClock(by: 3600)
            let aggregates = try await nova.aggregates()
            #expect(aggregates.count == 12)
            #expect(await session.authentications == 2)
            #expect(await f.count("keystone", "POST /identity/v3/auth/tokens") == 2)
            // The first call, the one that got 401, and its repetition.
            #expect(await f.count("nova", "GET /compute/v2.1/os-aggregates") == 3)
        }
    }

    @Test func concurrentCallsShareOneAuthentication() async throws {
        try await ClientFixture.run { f in
            let session = try f.session()
            let nova = f.nova(session)
            async let a = nova.aggregates()
            async let b = nova.computeServices()
            async let c = KeystoneClient(session: session).projects()
            _ = try await (a, b, c)
            #expect(await session.authentications == 1)
            #expect(await f.count("keystone", "POST /identity/v3/auth/tokens") == 1)
        }
    }

    @Test func usersAndProjectsByIdAndApplicationCredentialsAuthenticate() async throws {
        var scenario = DemoScenario.load()
        scenario.credentials.applicationCredentials = [.init(id: "ac-1", name: "ci", secret: "app-credential-secret-42")]
        try await ClientFixture.run(scenario) { f in
            let c = scenario.credentials
            let byID = try f.session(overrides: ["OS_USER_ID": c.userID, "OS_PROJECT_ID": c.projectID])
            #expect(try await byID.endpoint(type: "compute").hasSuffix("/compute/v2.1"))
            let application = try f.session(overrides: ["OS_AUTH_TYPE": "v3applicationcredential", "OS_APPLICATION_CREDENTIAL_ID": "ac-1",
                                                       "OS_APPLICATION_CREDENTIAL_SECRET": "app-credential-secret-42"])
            #expect(try await f.nova(application).aggregates().count == 12)
            let wrong = try f.session(overrides: ["OS_AUTH_TYPE": "v3applicationcredential", "OS_APPLICATION_CREDENTIAL_ID": "ac-1",
                                                 "OS_APPLICATION_CREDENTIAL_SECRET": "not-the-secret"])
            let error = try #require(await expectClientError { () async throws(ClientError) in try await wrong.endpoint(type: "compute") })
            #expect(error.status == 401)
            // The body names users and projects as FORMATS.md 1.1 says.
            let body = OpenStackSession.authBody(try f.credentials())
            let auth = try #require(body["auth"] as? [String: Any])
            let identity = try #require(auth["identity"] as? [String: Any])
            let user = try #require((identity["password"] as? [String: Any])?["user"] as? [String: Any])
            #expect(user["name"] as? String == "admin")
            #expect((user["domain"] as? [String: Any])?["name"] as? String == "Default")
            let project = try #require((auth["scope"] as? [String: Any])?["project"] as? [String: Any])
            #expect(project["name"] as? String == "admin")
            #expect((project["domain"] as? [String: Any])?["name"] as? String == "Default")
        }
    }

    @Test func theCatalogGivesComputeURLsWithAndWithoutTheProjectID() async throws {
        try await ClientFixture.run { f in
            let projectID = await f.cloud.state.world.credentials.projectID
            let publicSession = try f.session(interface: "public")
            let internalSession = try f.session(interface: "internal")
            #expect(try await publicSession.endpoint(type: "compute") == f.cloud.computeURL)
            #expect(try await internalSession.endpoint(type: "compute") == f.cloud.computeURL + "/" + projectID)
            // The internal network URL ends in a slash and has no /v2.0; the client adds it.
            #expect(try await internalSession.endpoint(type: "network") == f.cloud.networkURL + "/")

            let nova = f.nova(internalSession)
            #expect(try await nova.microversion() == "2.96")
            let servers = try await nova.servers()
            #expect(servers.count == 9)
            #expect(try await nova.hypervisors().count == 12)
            #expect(await f.count("nova", "GET /compute/v2.1/{id}/servers/detail") <= 2)  // one per end of the uuid order
            #expect(await f.count("nova", "GET /compute/v2.1/servers/detail") == 0)
            #expect(await f.count("nova", "GET /compute") == 1)

            let networks = try await NeutronClient(session: internalSession).networks(named: "RunPod-Storage-Canada-1")
            #expect(networks.map(\.id) == ["9d6c1b0e-0000-4a1b-8c2d-000000000001"])
            #expect(networks.first?.shared == true)
            #expect(await f.count("neutron", "GET /network/v2.0/networks") == 1)
        }
    }

    @Test func anEndpointMissingFromTheCatalogIsAClearError() async throws {
        try await ClientFixture.run { f in
            let session = OpenStackSession(credentials: try f.credentials(region: "Atlantis"), transport: f.transport)
            let error = try #require(await expectClientError { () async throws(ClientError) in try await session.endpoint(type: "compute") })
            let catalog = ["compute", "identity", "network"].flatMap { type in
                ["admin", "internal", "public"].map { "\(type) \($0) RegionOne" }
            }.joined(separator: ", ")
            #expect(error == ClientError(service: "Keystone", method: "POST", path: "/identity/v3/auth/tokens", status: nil,
                                         message: "the catalog has no compute endpoint with interface public in region Atlantis (the catalog lists: \(catalog))",
                                         attempts: 1))
            let noRegion = OpenStackSession(credentials: try f.credentials(region: ""), transport: f.transport)
            #expect(try await noRegion.endpoint(type: "compute") == f.cloud.computeURL)
            let placement = try #require(await expectClientError { () async throws(ClientError) in try await noRegion.endpoint(type: "placement") })
            #expect(placement == ClientError(service: "Keystone", method: "POST", path: "/identity/v3/auth/tokens", status: nil,
                                             message: "the catalog has no placement endpoint with interface public (the catalog lists: \(catalog))",
                                             attempts: 1))
        }
    }

    @Test func catalogSelectionByTypeInterfaceAndRegion() throws {
        let json = #"""
        {"token": {"expires_at": "2015-11-07T02:58:43.578887Z", "issued_at": "2015-11-07T01:58:43.578887Z", "catalog": [
          {"type": "compute", "name": "nova", "endpoints": [
            {"interface": "public", "region": "East", "region_id": "East", "url": "https://east.example.com/v2.1/"},
            {"interface": "public", "region": "West", "region_id": "West", "url": "https://west.example.com/v2.1/p1"}]},
          {"type": "compute_legacy", "name": "nova_legacy", "endpoints": [
            {"interface": "public", "region": "East", "region_id": "East", "url": "https://east.example.com/v2/p1"}]}]}}
        """#
        let token = try JSONDecoder().decode(TokenResponse.self, from: Data(json.utf8))
        let catalog = try #require(token.token.catalog)
        #expect(catalog.count == 2)
        #expect(catalog[0].endpoints[1].regionName == "West")
        #expect(Timestamp.parse(token.token.expiresAt!)!.timeIntervalSince(Timestamp.parse(token.token.issuedAt!)!) == 3600)
        #expect(OpenStackSession.normalised(interface: "publicURL") == "public")
        #expect(OpenStackSession.normalised(interface: "") == "public")
        #expect(OpenStackSession.identityV3("https://k:5000/v3/") == "https://k:5000/v3")
        #expect(OpenStackSession.identityV3("https://k/identity") == "https://k/identity/v3")
    }

    @Test func theComputeRootDropsTheVersionAndProject() {
        #expect(NovaClient.computeRoot("http://host:8774/v2.1/d1c5ab8e4e7a4f5c9d2b3a4c5d6e7f80") == "http://host:8774/")
        #expect(NovaClient.computeRoot("https://compute.example.com/v2.1/") == "https://compute.example.com/")
        #expect(NovaClient.computeRoot("http://127.0.0.1:1/compute/v2.1") == "http://127.0.0.1:1/compute")
        #expect(NovaClient.computeRoot("http://127.0.0.1:1/compute/v2/p1") == "http://127.0.0.1:1/compute")
        #expect(NeutronClient.v2Root("http://host:9696/") == "http://host:9696/v2.0")
        #expect(NeutronClient.v2Root("https://network.example.com") == "https://network.example.com/v2.0")
        #expect(URLText.join("https://compute.example.com/v2.1/", "/servers/detail") == "https://compute.example.com/v2.1/servers/detail")
    }

    @Test func nextLinksAreReappliedToTheClientsOwnBaseURL() {
        let next = URLText.nextPage(base: "https://nova.example.com/v2.1/servers/detail",
                                    ownQuery: [("all_tenants", "1"), ("limit", "1000")],
                                    link: "http://10.0.0.5:8774/v2.1/servers/detail?limit=1000&all_tenants=1&marker=abc-123")
        #expect(next == "https://nova.example.com/v2.1/servers/detail?all_tenants=1&limit=1000&marker=abc-123")
        let netbox = URLText.nextPage(base: "https://netbox.example.com/api/dcim/devices/",
                                      ownQuery: [("limit", "1000"), ("exclude", "config_context")],
                                      link: "http://netbox.internal/api/dcim/devices/?exclude=config_context&limit=50&offset=100")
        #expect(netbox == "https://netbox.example.com/api/dcim/devices/?exclude=config_context&limit=50&offset=100")
        #expect(URLText.nextPage(base: "https://x/", ownQuery: [], link: "https://x/?name=a") == nil)
    }

    @Test func theMicroversionIsNegotiatedDownToTheServersMaximum() async throws {
        var simulator = SimulatorOptions()
        simulator.novaMaxMicroversion = Microversion(2, 60)
        try await ClientFixture.run(simulator: simulator) { f in
            let nova = f.nova(try f.session())
            #expect(try await nova.microversion() == "2.60")
            // Below 2.61 the extra specs come one flavor at a time.
            let flavors = try await nova.flavors()
            #expect(flavors.first { $0.name == "n3-H100-SXM5x8" }?.extraSpecs == ["pci_passthrough:alias": "h100sxm:8"])
            let stats = await f.stats()
            let sent = await f.transport.requestCount
            #expect(await f.count("nova", "GET /compute/v2.1/flavors/{id}/os-extra_specs") == flavors.count, "\(stats) sent \(sent)")
            // Servers still embed their flavor at 2.60.
            let servers = try await nova.servers()
            #expect(servers.first { $0.name == "<b>hello</b>" }?.flavorExtraSpecs == ["pci_passthrough:alias": "h100sxm:8"])
            #expect(await f.count("nova", "GET /compute") == 1)
        }
    }

    @Test func aServerBelow247IsRefused() async throws {
        var simulator = SimulatorOptions()
        simulator.novaMaxMicroversion = Microversion(2, 46)
        try await ClientFixture.run(simulator: simulator) { f in
            let nova = f.nova(try f.session())
            let error = try #require(await expectClientError { () async throws(ClientError) in try await nova.microversion() })
            #expect(error == ClientError(service: "Nova", method: "GET", path: "/compute", status: nil,
                                         message: "Nova's maximum microversion is 2.46; spotctl needs 2.47 or later (servers with their embedded flavor, Nova 16 \"Pike\" or newer)",
                                         attempts: 1))
            let servers = try #require(await expectClientError { () async throws(ClientError) in try await nova.servers() })
            #expect(servers.message == error.message)
            #expect(await f.count("nova", "GET /compute/v2.1/servers/detail") == 0)
        }
    }

    @Test func anOlderClientMaximumUsesTheOldShapes() async throws {
        try await ClientFixture.run { f in
            let nova = f.nova(try f.session(), maxMicroversion: "2.40")
            #expect(try await nova.microversion() == "2.40")
            // Before 2.47 servers name their flavor by id; the client looks the name up.
            let servers = try await nova.servers()
            let hostile = try #require(servers.first { $0.name == "<b>hello</b>" })
            #expect(hostile.flavorName == "n3-H100-SXM5x8-NVLink")
            #expect(hostile.flavorExtraSpecs == ["pci_passthrough:alias": "h100sxm:8"])
            // Before 2.53 ids are integers; they are kept as text.
            let hypervisors = try await nova.hypervisors()
            #expect(hypervisors.count == 12)
            #expect(hypervisors.allSatisfy { Int($0.id) != nil })
            #expect(try await nova.computeServices().allSatisfy { Int($0.id) != nil })
            let aggregates = try await nova.aggregates()
            #expect(aggregates.allSatisfy { $0.uuid == nil })
        }
    }

    @Test func smallPagesAreFollowedToTheEnd() async throws {
        try await ClientFixture.run { f in
            let nova = f.nova(try f.session(), pageSize: 2)
            let seen = Recorder<Int>()
            let servers = try await nova.servers(progress: { seen.record($0) })
            #expect(servers.count == 9)
            #expect(Set(servers.map(\.id)).count == 9)
            // Two streams (uuid ascending and descending) read pages of 2 until they meet: the
            // running count of distinct servers rises to 9, in at most the 5 pages of one plain
            // listing plus 2.
            #expect(seen.values == seen.values.sorted() && seen.values.last == 9 && seen.values.first == 2)
            #expect(await f.count("nova", "GET /compute/v2.1/servers/detail") <= 5 + 2)
            #expect(try await nova.hypervisors().count == 12)
            #expect(await f.count("nova", "GET /compute/v2.1/os-hypervisors/detail") == 7)
            #expect(try await nova.flavors().count == 10)
        }
    }

    @Test func addingAndRemovingHostsIsIdempotent() async throws {
        try await ClientFixture.run { f in
            let nova = f.nova(try f.session())
            let added = try await nova.addHost("CA1-ESC812-103", toAggregate: 11)
            #expect(added.name == "A100-n3-spot")
            #expect(added.hosts == ["CA1-ESC812-103"])
            // Again: Nova says 409 "already has host"; the re-read shows it is there.
            let again = try await nova.addHost("CA1-ESC812-103", toAggregate: 11)
            #expect(again.hosts == ["CA1-ESC812-103"])
            #expect(await f.count("nova", "POST /compute/v2.1/os-aggregates/{id}/action") == 2)

            let removed = try await nova.removeHost("CA1-ESC812-103", fromAggregate: 11)
            #expect(removed.hosts.isEmpty)
            let removedAgain = try await nova.removeHost("CA1-ESC812-103", fromAggregate: 11)
            #expect(removedAgain.hosts.isEmpty)
            #expect(await f.cloud.state.world.aggregates.first { $0.id == 11 }?.hosts == [])

            // An unknown host is Nova's 404 and stays an error for add.
            let unknown = try #require(await expectClientError { () async throws(ClientError) in try await nova.addHost("NOPE-1", toAggregate: 11) })
            #expect(unknown.status == 404)
            #expect(unknown.message == "Compute host NOPE-1 could not be found.")
            // Removing from an aggregate that does not exist stays an error.
            let missing = try #require(await expectClientError { () async throws(ClientError) in try await nova.removeHost("CA1-ESC812-103", fromAggregate: 4242) })
            #expect(missing.status == 404)
        }
    }
}
