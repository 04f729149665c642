import Foundation
import Testing
import TestSupport
@testable import SpotSimulator

/// The simulator's Hyperstack bodies against the Infrahub OpenAPI document
/// (`hyperstack/NexGenCloud-hyperstack-sdk-go/api/openapi.yaml`, excerpts in
/// `HyperstackSchemaExcerpts.swift`): every declared property present, with the declared JSON type.
@Suite struct HyperstackConformanceTests {
    static let schemas = OpenAPISchemas(HyperstackSchemaExcerpts.excerpts)

    /// The document declares nothing nullable, yet the API sends null for values it does not
    /// have; these are the ones the simulator sends as null.
    static let nullable: Set<String> = ["fixed_ip", "floating_ip", "contract_id", "callback_url", "restriction_type"]

    private func expectConforms(_ value: JSON, to schema: String, sourceLocation: SourceLocation = #_sourceLocation) {
        let problems = Self.schemas.problems(value, against: schema, allowNull: Self.nullable)
        #expect(problems.isEmpty, "\(schema): \(problems.joined(separator: "; "))", sourceLocation: sourceLocation)
    }

    @Test func catalogueBodiesMatchTheirSchemas() async throws {
        try await SimulatorFixture.run(HyperstackWorld.scenario) { sim in
            let images = try await sim.hyperstack("GET", "/core/images").value()
            #expect(images["images"]?.array?.isEmpty == false)
            expectConforms(images, to: "Images")
            let flavors = try await sim.hyperstack("GET", "/core/flavors?region=CANADA-1").value()
            #expect(flavors["data"]?.array?.first?["flavors"]?.array?.count == 2)
            expectConforms(flavors, to: "Flavor_List_Response")
            expectConforms(try await sim.hyperstack("GET", "/core/environments").value(), to: "Environments")
            expectConforms(try await sim.hyperstack("GET", "/core/environments/1").value(), to: "Environment")
            expectConforms(try await sim.hyperstack("GET", "/core/keypairs").value(), to: "Keypairs")
        }
    }

    @Test func virtualMachineBodiesMatchTheirSchemas() async throws {
        try await SimulatorFixture.run(HyperstackWorld.scenario, options: HyperstackWorld.options(buildDelay: 0.05)) { sim in
            // The payload the tests send is a valid Create_Instances_Payload.
            let payload = HyperstackWorld.launch("runpod-ca1-gpu-1")
            let declared = Set(Self.schemas.properties(of: "Create_Instances_Payload"))
            #expect(Set(payload.keys).isSubset(of: declared))
            #expect(Set(Self.schemas.required(of: "Create_Instances_Payload")).isSubset(of: Set(payload.keys)))

            let created = try await sim.hyperstack("POST", "/core/virtual-machines", json: payload)
            #expect(created.status == 200)
            expectConforms(try created.value(), to: "CreateInstancesResponse")
            let building = try await sim.hyperstack("GET", "/core/virtual-machines/5003").value()
            expectConforms(building, to: "Instance")
            _ = try await sim.pollVM(5003)
            let active = try await sim.hyperstack("GET", "/core/virtual-machines/5003").value()
            #expect(active["instance"]?["status"] == "ACTIVE")
            expectConforms(active, to: "Instance")
            expectConforms(try await sim.hyperstack("GET", "/core/virtual-machines").value(), to: "Instances")
            expectConforms(try await sim.hyperstack("DELETE", "/core/virtual-machines/5003").value(), to: "ResponseModel")
        }
    }

    @Test func firewallBodiesMatchTheirSchemas() async throws {
        try await SimulatorFixture.run(HyperstackWorld.scenario) { sim in
            let request: JSON = ["vms": [5001, 5002]]
            expectConforms(request, to: "AttachFirewallWithVM")
            let update = try await sim.hyperstack("POST", "/core/firewalls/971/update-attachments", json: ["vms": [5001, 5002]])
            expectConforms(try update.value(), to: "ResponseModel")
            let firewall = try await sim.hyperstack("GET", "/core/firewalls/971").value()
            #expect(firewall["firewall"]?["attachments"]?.array?.count == 2)
            expectConforms(firewall, to: "FirewallDetailResponse")
            expectConforms(try await sim.hyperstack("GET", "/core/firewalls").value(), to: "FirewallsListResponse")
        }
    }

    @Test func errorBodiesMatchErrorResponseModel() async throws {
        try await SimulatorFixture.run(HyperstackWorld.scenario) { sim in
            var missingName = HyperstackWorld.launch("x")
            missingName["name"] = nil
            let errors: [(Int, String, HTTPResult)] = [
                (401, "unauthorized", try await sim.hyperstack("GET", "/core/images", key: "wrong")),
                (400, "bad_request", try await sim.hyperstack("POST", "/core/virtual-machines", json: missingName)),
                (404, "not_found", try await sim.hyperstack("GET", "/core/virtual-machines/777")),
                (404, "not_found", try await sim.hyperstack("GET", "/core/firewalls/777")),
                (409, "conflict", try await sim.hyperstack("POST", "/core/virtual-machines", json: HyperstackWorld.launch("spare-ca1"))),
            ]
            for (status, reason, result) in errors {
                #expect(result.status == status)
                let body = try result.value()
                expectConforms(body, to: "ErrorResponseModel")
                #expect(body["status"] == false)
                #expect(body["error_reason"]?.string == reason)
            }
            // Every status the simulator can answer with (injected faults included) maps to a category.
            let handler = HyperstackHandler()
            for (status, reason) in [(400, "bad_request"), (401, "unauthorized"), (403, "forbidden"), (404, "not_found"),
                                     (409, "conflict"), (429, "too_many_requests"), (500, "internal_server_error"),
                                     (502, "internal_server_error"), (503, "internal_server_error")] {
                let response = handler.error(status: status, message: "m")
                #expect(response.status == status)
                let body = try JSON.parse(response.body)
                #expect(body == ["status": false, "message": "m", "error_reason": .string(reason)])
            }
        }
    }
}
