import Foundation
import Testing
import SpotCore
import SpotSimulator
@testable import SpotClients

/// Only the allowed NetBox custom fields are kept: a password or a price in a custom field never
/// reaches a snapshot.
@Suite struct CustomFieldTests {
    static func scenario() -> Scenario {
        var scenario = DemoScenario.load()
        for index in scenario.devices.indices {
            scenario.devices[index].customFields["BMC_Password"] = .string("bmc-secret-\(index)")
            scenario.devices[index].customFields["Price_EUR"] = .int(12_000 + index)
        }
        scenario.devices[0].customFields["NVLinks"] = .int(4)
        return scenario
    }

    @Test func theDefaultsKeepTheCapacityAndNVLinkFieldsOnly() async throws {
        try await ClientFixture.run(Self.scenario()) { f in
            let devices = try await f.netBox().devices()
            #expect(devices.count == 13)
            #expect(devices.allSatisfy { Set($0.customFields.keys).isSubset(of: ["GPU_Count", "NVLinks"]) })
            #expect(devices.first { $0.id == 1 }?.customFields["NVLinks"] == .int(4))
            #expect(devices.first { $0.id == 12 }?.customFields["GPU_Count"] == .int(4))
            #expect(!devices.contains { $0.customFields["BMC_Password"] != nil })
        }
    }

    @Test func theConfiguredListAndTheCapacityFieldAreKeptInASnapshotRead() async throws {
        try await ClientFixture.run(Self.scenario()) { f in
            var configuration = try ConfigurationLoader.load(yaml: "netbox:\n  custom_fields: [Price_EUR]\n", file: "spotctl.yaml")
            #expect(configuration.netbox.customFields == ["Price_EUR"])
            configuration.capacity.netboxCustomField = "GPU_Count"
            let sources = try CloudSources.resolve(configuration: configuration, environment: f.environment,
                                                   workingDirectory: URL(fileURLWithPath: "/nonexistent"))
            let reader = try CloudReader(configuration: configuration, sources: sources, options: ClientFixture.fastOptions())
            let facts = try await reader.readAll()
            await reader.shutdown()
            let devices = try #require(facts.devices)
            #expect(!devices.isEmpty)
            // The configured list, the capacity field and the NVLink field the rules read (`nvlink.custom_field`).
            #expect(devices.allSatisfy { Set($0.customFields.keys) == ["Price_EUR", "GPU_Count", "NVLinks"] })
            let encoded = String(decoding: try JSONEncoder().encode(devices), as: UTF8.self)
            #expect(!encoded.contains("bmc-secret"))
        }
    }

    @Test func theDefaultListIsTheCapacityAndNVLinkFields() {
        #expect(Configuration.defaults.netbox.customFields == ["GPU_Count", "NVLinks"])
        #expect(ConfigurationWriter.yaml(.defaults).contains("  custom_fields: [\"GPU_Count\", \"NVLinks\"]\n"))
    }
}
