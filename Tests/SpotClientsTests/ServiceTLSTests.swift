import Foundation
import Testing
import SpotCore
import SpotSimulator
@testable import SpotClients

/// Each source has its own TLS settings: OpenStack's `verify: false` / `OS_INSECURE` never turns
/// checking off for NetBox or Hyperstack, and every source without checking is warned about.
@Suite struct ServiceTLSTests {
    static func tls() -> SimulatorOptions {
        var simulator = SimulatorOptions()
        simulator.tls = true
        return simulator
    }

    /// The simulator's environment with OpenStack's checking off and no CA bundle anywhere.
    static func insecureOpenStack(_ f: ClientFixture) -> [String: String] {
        var environment = f.environment
        environment["OS_CACERT"] = nil
        environment["OS_INSECURE"] = "true"
        return environment
    }

    static func read(_ configuration: Configuration, _ environment: [String: String]) async throws -> (Result<Facts, CloudReadError>, [String]) {
        let sources = try CloudSources.resolve(configuration: configuration, environment: environment,
                                               workingDirectory: URL(fileURLWithPath: "/nonexistent"))
        let reader = try CloudReader(configuration: configuration, sources: sources, options: ClientFixture.fastOptions())
        let result: Result<Facts, CloudReadError>
        do {
            result = .success(try await reader.readAll())
        } catch {
            result = .failure(error)
        }
        await reader.shutdown()
        return (result, sources.notes)
    }

    @Test func openStacksInsecureSettingLeavesNetBoxAndHyperstackChecked() async throws {
        try await ClientFixture.run(simulator: Self.tls()) { f in
            let (result, notes) = try await Self.read(.defaults, Self.insecureOpenStack(f))
            // OpenStack was read without checking; NetBox's certificate was checked and refused.
            guard case .failure(let error) = result else {
                Issue.record("NetBox was read without checking its certificate")
                return
            }
            #expect(error.source == "NetBox")
            #expect(error.description.contains("TLS handshake failed"))
            #expect(notes.contains { $0.hasPrefix("warning: TLS certificate verification is OFF for OpenStack") })
            #expect(!notes.contains { $0.contains("OFF for NetBox") || $0.contains("OFF for Hyperstack") })
        }
    }

    @Test func eachServiceTurnsCheckingOffOrTrustsItsOwnCAAndIsWarnedAbout() async throws {
        try await ClientFixture.run(simulator: Self.tls()) { f in
            let ca = try #require(f.cloud.caFile?.path)
            // NetBox and Hyperstack with their own CA bundle: checked, and read.
            var trusting = Configuration.defaults
            trusting.netbox.caFile = ca
            trusting.hyperstack.caFile = ca
            let (trusted, trustedNotes) = try await Self.read(trusting, Self.insecureOpenStack(f))
            let facts = try trusted.get()
            #expect(facts.devices?.isEmpty == false && facts.images?.isEmpty == false)
            #expect(trustedNotes.filter { $0.contains("verification is OFF") }.count == 1)

            // Checking turned off for each: read, and three warnings.
            var insecure = Configuration.defaults
            insecure.netbox.verify = false
            insecure.hyperstack.verify = false
            let (unchecked, notes) = try await Self.read(insecure, Self.insecureOpenStack(f))
            #expect((try? unchecked.get()) != nil)
            #expect(notes.contains { $0.hasPrefix("warning: TLS certificate verification is OFF for NetBox (`netbox.verify: false`") })
            #expect(notes.contains { $0.hasPrefix("warning: TLS certificate verification is OFF for Hyperstack (`hyperstack.verify: false`") })
            #expect(notes.filter { $0.contains("verification is OFF") }.count == 3)
        }
    }

    @Test func theTLSKeysAreReadFromTheConfiguration() throws {
        let configuration = try ConfigurationLoader.load(yaml: """
            netbox:
              verify: false
              ca_file: /etc/ssl/netbox-ca.pem
            hyperstack:
              verify: false
            """, file: "spotctl.yaml")
        #expect(!configuration.netbox.verify && configuration.netbox.caFile == "/etc/ssl/netbox-ca.pem")
        #expect(!configuration.hyperstack.verify && configuration.hyperstack.caFile == nil)
        let netBox = try CredentialsResolver.netBox(settings: configuration.netbox,
                                                    environment: ["NETBOX_URL": "https://netbox.example.net", "NETBOX_API_KEY": "k"])
        #expect(netBox.credentials?.verifyTLS == false)
        #expect(netBox.credentials?.caFile == "/etc/ssl/netbox-ca.pem")
    }
}
