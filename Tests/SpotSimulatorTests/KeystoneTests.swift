import Foundation
import Testing
import TestSupport
@testable import SpotSimulator

@Suite struct KeystoneTests {
    static let scenario = Scenario(name: "keystone-test", projects: [ProjectSpec(id: "p-research", name: "research")])

    @Test func passwordAuthenticationAnswers201WithTheTokenInTheHeaderAndACatalog() async throws {
        try await SimulatorFixture.run(Self.scenario) { sim in
            let token = try await sim.token()
            #expect(!token.isEmpty)
            let c = await sim.cloud.state.world.credentials
            let result = try await http("POST", sim.cloud.identityURL + "/v3/auth/tokens", json: ["auth": [
                "identity": ["methods": ["password"], "password": ["user": ["id": c.userID, "password": c.password]]],
                "scope": ["project": ["id": c.projectID]],
            ]])
            #expect(result.status == 201)
            let body = try result.object()
            let tokenBody = try #require(body["token"] as? [String: Any])
            #expect(tokenBody["project"] != nil)
            let catalog = try #require(tokenBody["catalog"] as? [[String: Any]])
            #expect(Set(catalog.compactMap { $0["type"] as? String }) == ["identity", "compute", "network"])
            // The token is in the header only.
            #expect(!result.text.contains(result.header("X-Subject-Token") ?? "-"))
        }
    }

    @Test func badCredentialsAre401WithKeystonesErrorBody() async throws {
        try await SimulatorFixture.run(Self.scenario) { sim in
            let result = try await http("POST", sim.cloud.identityURL + "/v3/auth/tokens", json: ["auth": [
                "identity": ["methods": ["password"], "password": ["user": ["name": "admin", "domain": ["name": "Default"], "password": "wrong"]]],
            ]])
            #expect(result.status == 401)
            let error = try #require(try result.object()["error"] as? [String: Any])
            #expect(error["code"] as? Int == 401)
            #expect(error["title"] as? String == "Unauthorized")
            #expect(result.header("WWW-Authenticate")?.hasPrefix("Keystone uri=") == true)
            let noDomain = try await http("POST", sim.cloud.identityURL + "/v3/auth/tokens", json: ["auth": [
                "identity": ["methods": ["password"], "password": ["user": ["name": "admin", "password": "x"]]],
            ]])
            #expect(noDomain.status == 400)
        }
    }

    @Test func unscopedTokensCarryNoCatalogAndProjectsAreListed() async throws {
        try await SimulatorFixture.run(Self.scenario) { sim in
            let c = await sim.cloud.state.world.credentials
            let unscoped = try await http("POST", sim.cloud.identityURL + "/v3/auth/tokens", json: ["auth": [
                "identity": ["methods": ["password"], "password": ["user": ["name": c.username, "domain": ["name": "Default"], "password": c.password]]],
            ]])
            #expect(unscoped.status == 201)
            #expect((try unscoped.object()["token"] as? [String: Any])?["catalog"] == nil)
            let token = try await sim.token()
            let projects = try await sim.get("/identity/v3/projects", token: token)
            #expect(projects.status == 200)
            let names = (try projects.object()["projects"] as? [[String: Any]])?.compactMap { $0["name"] as? String }
            #expect(names?.sorted() == ["admin", "research"])
            let anonymous = try await http("GET", sim.base + "/identity/v3/projects")
            #expect(anonymous.status == 401)
        }
    }
}

@Suite struct KeystoneConformanceTests {
    @Test func theTokenResponseHasTheSamplesShape() async throws {
        try await SimulatorFixture.run(KeystoneTests.scenario) { sim in
            let c = await sim.cloud.state.world.credentials
            let result = try await http("POST", sim.cloud.identityURL + "/v3/auth/tokens", json: ["auth": [
                "identity": ["methods": ["password"], "password": ["user": ["name": c.username, "domain": ["name": c.userDomain], "password": c.password]]],
                "scope": ["project": ["name": c.project, "domain": ["name": c.projectDomain]]],
            ]])
            #expect(result.status == 201)
            let sample = try Reference.load("keystone/api-ref/source/v3/samples/auth/responses/project-scoped-password.json")
            #expect(Shape.differences(try ShapeJSON.parse(result.body), sample) == [])
            let unscoped = try await http("POST", sim.cloud.identityURL + "/v3/auth/tokens", json: ["auth": [
                "identity": ["methods": ["password"], "password": ["user": ["id": c.userID, "password": c.password]]],
            ]])
            let unscopedSample = try Reference.load("keystone/api-ref/source/v3/samples/auth/responses/unscoped-password.json")
            let d1 = Shape.differences(try ShapeJSON.parse(unscoped.body), unscopedSample)
            #expect(d1 == [], "\(d1)")
        }
    }

    @Test func theCatalogCallHasTheSamplesShape() async throws {
        try await SimulatorFixture.run(KeystoneTests.scenario) { sim in
            let token = try await sim.token()
            let catalog = try await sim.get("/identity/v3/auth/catalog", token: token)
            #expect(catalog.status == 200)
            let sample = try Reference.load("keystone/api-ref/source/v3/samples/admin/get-service-catalog-response.json")
            // This sample predates `region_id` on endpoints; the token sample (newer) has it.
            var options = Shape.Options()
            options.ignored = ["$.catalog[].endpoints[].region_id"]
            let d2 = Shape.differences(try ShapeJSON.parse(catalog.body), sample, options: options)
            #expect(d2 == [], "\(d2)")
            let validate = try await http("GET", sim.cloud.identityURL + "/v3/auth/tokens",
                                          headers: ["X-Auth-Token": token, "X-Subject-Token": token])
            #expect(validate.status == 200)
            #expect(validate.header("X-Subject-Token") == token)
            let bogus = try await http("GET", sim.cloud.identityURL + "/v3/auth/tokens",
                                       headers: ["X-Auth-Token": token, "X-Subject-Token": "nope"])
            #expect(bogus.status == 404)
        }
    }
}
