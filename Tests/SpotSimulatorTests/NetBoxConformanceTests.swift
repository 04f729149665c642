import Foundation
import Testing
import TestSupport
@testable import SpotSimulator

/// The simulator's NetBox bodies against the schema NetBox 4.2.2 publishes for itself
/// (`netbox/go-netbox/api/openapi.yaml`, excerpts in `NetBoxSchemaExcerpts.swift`). The device and
/// the page envelope must have every property the schema declares (4.6 only adds fields); nested
/// brief objects must have their `required` ones; every property present must have the declared
/// JSON type, and null only where the schema says `nullable`.
@Suite struct NetBoxConformanceTests {
    static let schemas = OpenAPISchemas(NetBoxSchemaExcerpts.excerpts)
    static let complete: Set<String> = ["PaginatedDeviceWithConfigContextList", "DeviceWithConfigContext", "BriefDevice"]

    /// Choice fields with a blank value: the schema does not mark them nullable, but NetBox's
    /// `ChoiceField.to_representation` (netbox/api/fields.py) returns None for a blank choice, so
    /// an unracked device has `"face": null` and a device without airflow `"airflow": null`.
    static let blankChoices: Set<String> = ["face", "airflow"]

    private func expectConforms(_ value: JSON, to schema: String, optional: Set<String> = [],
                                sourceLocation: SourceLocation = #_sourceLocation) {
        let problems = Self.schemas.problems(value, against: schema, requireAll: { Self.complete.contains($0) },
                                             allowNull: Self.blankChoices, optional: optional)
        #expect(problems.isEmpty, "\(schema): \(problems.joined(separator: "; "))", sourceLocation: sourceLocation)
    }

    @Test func theDeviceListAndItsEnvelopeMatchTheSchema() async throws {
        try await SimulatorFixture.run(NetBoxWorld.scenario) { sim in
            let page = try await sim.netbox("/api/dcim/devices/?limit=2").value()
            #expect(page.keys == ["count", "next", "previous", "results"])
            #expect(page["next"]?.string != nil)
            expectConforms(page, to: "PaginatedDeviceWithConfigContextList")
            let all = try await sim.netbox("/api/dcim/devices/?limit=100").value()
            #expect(all["results"]?.array?.count == NetBoxWorld.devices.count)
            expectConforms(all, to: "PaginatedDeviceWithConfigContextList")
            // Every device (racked or not, with and without tenant, IPv4, IPv6 or no address).
            for device in all["results"]?.array ?? [] {
                expectConforms(device, to: "DeviceWithConfigContext")
            }
            expectConforms(try await sim.netbox("/api/dcim/devices/?exclude=config_context").value(),
                           to: "PaginatedDeviceWithConfigContextList", optional: ["config_context"])
        }
    }

    @Test func theDeviceDetailMatchesTheSchemaAndHasEveryProperty() async throws {
        try await SimulatorFixture.run(NetBoxWorld.scenario) { sim in
            for id in NetBoxWorld.devices.map(\.id) {
                let device = try await sim.netbox("/api/dcim/devices/\(id)/").value()
                expectConforms(device, to: "DeviceWithConfigContext")
                // Every property of the 4.2.2 schema is there (the check above requires them too).
                #expect(Set(Self.schemas.properties(of: "DeviceWithConfigContext")).isSubset(of: Set(device.keys)))
            }
        }
    }

    @Test func briefDevicesMatchBriefDevice() async throws {
        try await SimulatorFixture.run(NetBoxWorld.scenario) { sim in
            let brief = try await sim.netbox("/api/dcim/devices/?brief=1").value()
            for device in brief["results"]?.array ?? [] {
                expectConforms(device, to: "BriefDevice")
                #expect(Set(device.keys) == Set(Self.schemas.properties(of: "BriefDevice")))
            }
        }
    }

    @Test func theCheckerCatchesAWrongType() {
        // The checker itself: a device with a string id, a missing url and a null site must fail.
        let bad: JSON = ["id": "1", "display": "x", "site": nil]
        let problems = Self.schemas.problems(bad, against: "DeviceWithConfigContext", requireAll: { _ in false })
        #expect(problems.contains { $0.contains(".id: expected an integer") })
        #expect(problems.contains { $0.contains(".url: missing") })
        #expect(problems.contains { $0.contains(".site: null") })
    }
}
