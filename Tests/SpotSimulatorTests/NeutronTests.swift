import Foundation
import Testing
import TestSupport
@testable import SpotSimulator

/// Neutron: shapes against the API-reference samples, filters, port allocation and errors.
@Suite struct NeutronTests {
    private static let samples = "neutron/api-ref/source/v2/samples/"

    private func expectSameShape(_ actual: JSON, _ sample: JSON, _ label: String, options: Shape.Options = Shape.Options(),
                                 sourceLocation: SourceLocation = #_sourceLocation) {
        let differences = Shape.differences(actual, sample, options: options)
        #expect(differences.isEmpty, "\(label):\n\(differences.joined(separator: "\n"))", sourceLocation: sourceLocation)
    }

    private func names(_ body: JSON, _ key: String) -> [String] {
        body[key]?.array?.compactMap { $0["name"]?.string } ?? []
    }

    @Test func networksAndVersionsMatchTheSamples() async throws {
        try await NovaTestCloud.run { cloud in
            let versions = try await cloud.get("/network/")
            expectSameShape(versions, try Reference.load(Self.samples + "networks/versions-list-response.json"), "versions")
            let resources = try await cloud.get("/network/v2.0/")
            expectSameShape(resources, try Reference.load(Self.samples + "networks/version-show-response.json"), "v2.0")
            let list = try await cloud.get("/network/v2.0/networks")
            expectSameShape(list, try Reference.load(Self.samples + "networks/networks-list-response.json"), "networks")
            #expect(names(list, "networks") == ["private-net", "public"])
            let show = try await cloud.get("/network/v2.0/networks/\(NovaWorld.privateNet)")
            // The show sample prints `pvlan` as the string "false" (the list sample has a bool): a sample quirk.
            expectSameShape(show, try Reference.load(Self.samples + "networks/network-show-response.json"), "network show",
                            options: Shape.Options(ignored: ["$.network.pvlan"]))
            #expect(show["network"]?["pvlan"] == false)
            #expect(show["network"]?["subnets"] == [.string(NovaWorld.privateSubnet)])
            #expect(show["network"]?["created_at"]?.string?.hasSuffix("Z") == true)
        }
    }

    @Test func portsMatchTheSamples() async throws {
        try await NovaTestCloud.run { cloud in
            // The sample request itself, on one of this cloud's networks.
            guard case .object(var request) = try Reference.load(Self.samples + "ports/port-create-request.json")["port"] else {
                throw TestFailure("no port in the sample request")
            }
            for index in request.indices where request[index].0 == "network_id" { request[index].1 = .string(NovaWorld.privateNet) }
            let created = try await cloud.call("POST", "/network/v2.0/ports", json: ["port": try JSONSerialization.jsonObject(
                with: JSON.object(request).data)])
            #expect(created.status == 201, "\(created.text)")
            let body = try NovaTestCloud.body(created)
            expectSameShape(body, try Reference.load(Self.samples + "ports/port-create-response.json"), "port create")
            let port = try #require(body["port"])
            let id = try #require(port["id"]?.string)
            #expect(port["status"] == "DOWN" && port["device_id"] == "" && port["name"] == "private-port")
            // The first free address after the gateway (10.0.0.1), skipping those in use.
            #expect(port["fixed_ips"] == [["ip_address": "10.0.0.2", "subnet_id": .string(NovaWorld.privateSubnet)]])
            let mac = try #require(port["mac_address"]?.string)
            #expect(mac.hasPrefix("fa:16:3e:") && mac.count == 17)
            #expect(port["created_at"]?.string?.hasSuffix("Z") == true)

            let show = try await cloud.get("/network/v2.0/ports/\(id)")
            expectSameShape(show, try Reference.load(Self.samples + "ports/port-show-response.json"), "port show")
            #expect(show["port"]?["mac_address"]?.string == mac)
            let list = try await cloud.get("/network/v2.0/ports")
            expectSameShape(list, try Reference.load(Self.samples + "ports/ports-list-response.json"), "ports list")
            #expect(list["ports"]?.array?.count == 3)
        }
    }

    @Test func filtersAreExactAndRepeatedValuesAreOred() async throws {
        try await NovaTestCloud.run { cloud in
            #expect(names(try await cloud.get("/network/v2.0/networks?name=public"), "networks") == ["public"])
            #expect(names(try await cloud.get("/network/v2.0/networks?name=publ"), "networks") == [])
            #expect(names(try await cloud.get("/network/v2.0/networks?name=public&name=private-net"), "networks") == ["private-net", "public"])
            #expect(names(try await cloud.get("/network/v2.0/networks?router:external=true"), "networks") == ["public"])
            let trimmed = try await cloud.get("/network/v2.0/networks?name=public&fields=id&fields=name")
            #expect(trimmed["networks"]?.array?.first?.keys == ["id", "name"])
            #expect(names(try await cloud.get("/network/v2.0/ports?device_id=\(NovaWorld.serverID(1))"), "ports") == ["train-01-port"])
            #expect(names(try await cloud.get("/network/v2.0/ports?network_id=\(NovaWorld.privateNet)&name=spare-port"), "ports") == ["spare-port"])
            #expect(names(try await cloud.get("/network/v2.0/ports?fixed_ips=ip_address%3D10.0.0.20"), "ports") == ["spare-port"])
            let bogus = try await cloud.call("GET", "/network/v2.0/networks?colour=blue")
            #expect(bogus.status == 400)
            #expect(try NovaTestCloud.body(bogus)["NeutronError"]?["type"] == "HTTPBadRequest")
            // Paging with networks_links.
            let first = try await cloud.get("/network/v2.0/networks?limit=1")
            #expect(names(first, "networks") == ["private-net"])
            let next = try #require(first["networks_links"]?.array?.first?["href"]?.string)
            #expect(names(try await cloud.get(next), "networks") == ["public"])
        }
    }

    @Test func portLifecycleAndErrors() async throws {
        try await NovaTestCloud.run { cloud in
            let created = try await cloud.call("POST", "/network/v2.0/ports", json: ["port": [
                "network_id": NovaWorld.privateNet, "name": "fixed", "fixed_ips": [["ip_address": "10.0.0.50"]],
            ]])
            #expect(created.status == 201)
            let id = try #require(try NovaTestCloud.body(created)["port"]?["id"]?.string)
            let taken = try await cloud.call("POST", "/network/v2.0/ports", json: ["port": [
                "network_id": NovaWorld.privateNet, "fixed_ips": [["ip_address": "10.0.0.50"]],
            ]])
            #expect(taken.status == 409)
            #expect(try NovaTestCloud.body(taken)["NeutronError"]?["type"] == "IpAddressAlreadyAllocated")
            let noNetwork = try await cloud.call("POST", "/network/v2.0/ports", json: ["port": ["network_id": "nope"]])
            #expect(noNetwork.status == 404)
            #expect(try NovaTestCloud.body(noNetwork) == ["NeutronError": [
                "type": "NetworkNotFound", "message": "Network nope could not be found.", "detail": "",
            ]])
            let missing = try await cloud.call("POST", "/network/v2.0/ports", json: ["port": ["name": "x"]])
            #expect(missing.status == 400)
            #expect(try NovaTestCloud.body(missing)["NeutronError"]?["type"] == "HTTPBadRequest")
            let unknownNetwork = try await cloud.call("GET", "/network/v2.0/networks/nope")
            #expect(try NovaTestCloud.body(unknownNetwork)["NeutronError"]?["type"] == "NetworkNotFound")

            let renamed = try await cloud.call("PUT", "/network/v2.0/ports/\(id)", json: ["port": ["name": "renamed"]])
            #expect(try NovaTestCloud.body(renamed)["port"]?["name"] == "renamed")
            let delete = try await cloud.call("DELETE", "/network/v2.0/ports/\(id)")
            #expect(delete.status == 204)
            let gone = try await cloud.call("GET", "/network/v2.0/ports/\(id)")
            #expect(gone.status == 404)
            #expect(try NovaTestCloud.body(gone)["NeutronError"]?["type"] == "PortNotFound")
            let state = try JSONDecoder().decode(Scenario.self, from: try await http("GET", cloud.base + "/__sim/state", headers: cloud.control).body)
            #expect(!state.ports.contains { $0.id == id })

            // Deleting an attached port takes its address off the server.
            let attachedDelete = try await cloud.call("DELETE", "/network/v2.0/ports/\(NovaWorld.attachedPort)")
            #expect(attachedDelete.status == 204)
            let server = try await cloud.get("/compute/v2.1/servers/\(NovaWorld.serverID(1))")
            #expect(server["server"]?["addresses"] == [:])

            let anonymous = try await http("GET", cloud.base + "/network/v2.0/networks")
            #expect(anonymous.status == 401)
            #expect(try NovaTestCloud.body(anonymous)["error"]?["code"] == 401)
            let subnets = try await cloud.get("/network/v2.0/subnets?network_id=\(NovaWorld.privateNet)")
            #expect(subnets["subnets"]?.array?.first?["gateway_ip"] == "10.0.0.1")
            #expect(subnets["subnets"]?.array?.first?["allocation_pools"] == [["start": "10.0.0.2", "end": "10.0.0.254"]])
        }
    }
}
