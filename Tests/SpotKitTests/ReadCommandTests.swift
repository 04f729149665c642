import Foundation
import Testing
import TestSupport
import SpotCore
import SpotClients
@testable import SpotKit
@testable import SpotSimulator

/// `images`, `server show`, `network show` and `firewall show` against the simulated demo cloud,
/// through the library and the binary.
@Suite struct ReadCommandTests {
    static func context(_ f: SnapshotFixture) -> RunContext {
        RunContext(environment: f.options.environment, workingDirectory: f.repository.root, identity: f.options.identity,
                   clock: FixedClock(Date(timeIntervalSince1970: 1_800_000_900)))
    }

    @Test func theLibraryReadsImagesServersNetworksAndFirewalls() async throws {
        try await SnapshotFixture.run { f in
            let context = Self.context(f)
            let images = try await CloudQueries.images(repository: f.repository, region: "CANADA-1", context: context)
            #expect(images.map(\.id).sorted() == [101, 102])
            let all = try await CloudQueries.images(repository: f.repository, region: nil, context: context)
            #expect(all.count == 4)

            let server = try await CloudQueries.server("runpod-ca1-esc812-105", repository: f.repository, context: context)
            #expect(server.host == "CA1-ESC812-105")
            #expect(server.status == "ACTIVE")
            #expect(CloudQueries.render(server: server).contains("host: CA1-ESC812-105\n"))

            let network = try await CloudQueries.network("RunPod-Storage-Canada-1", repository: f.repository, context: context)
            #expect(network.id == "9d6c1b0e-0000-4a1b-8c2d-000000000001")

            let firewall = try await CloudQueries.firewall(971, repository: f.repository, context: context)
            #expect(firewall.attachments.map(\.vmID) == [5001])
            #expect(CloudQueries.json(firewall: firewall).contains("\"vm_name\" : \"runpod-ca1-esc812-105\""))
        }
    }

    @Test func notFoundAndSeveralAreDifferentErrorsNamingTheRequest() async throws {
        try await SnapshotFixture.run { f in
            let context = Self.context(f)
            let missing = await #expect(throws: SpotError.self) {
                _ = try await CloudQueries.server("train-llm-0", repository: f.repository, context: context)
            }
            #expect(missing?.message.contains("Nova GET /compute/v2.1/servers/detail?all_tenants=1&name=") == true, "\(String(describing: missing))")
            #expect(missing?.message.contains("no server named or with UUID train-llm-0") == true)
            await f.cloud.state.mutate { world in
                var copy = world.servers[0]
                copy.id = "3f1c2b4a-0001-4e5f-8a9b-0000000000ff"
                world.servers.append(copy)
            }
            let several = await #expect(throws: SpotError.self) {
                _ = try await CloudQueries.server("train-llm-01", repository: f.repository, context: context)
            }
            #expect(several?.message.contains("2 found for server named train-llm-01") == true, "\(String(describing: several))")
            #expect(several?.hint?.contains("ids") == true)
            let firewall = await #expect(throws: SpotError.self) {
                _ = try await CloudQueries.firewall(4242, repository: f.repository, context: context)
            }
            #expect(firewall?.message.contains("Hyperstack GET /hyperstack/v1/core/firewalls/4242: 404") == true, "\(String(describing: firewall))")
        }
    }

    /// A cloud name that holds a configured secret's text is refused, never printed.
    @Test func anOutputHoldingASecretIsRefused() async throws {
        try await SnapshotFixture.run { f in
            let context = Self.context(f)
            let key = await f.cloud.state.world.credentials.hyperstackAPIKey
            await f.cloud.state.mutate { world in
                world.servers[0].name = "leak-" + key
            }
            let refused = await #expect(throws: SpotError.self) {
                _ = try await CloudQueries.output(.server("3f1c2b4a-0001-4e5f-8a9b-000000000001"), json: true, repository: f.repository,
                                                  context: context)
            }
            #expect(refused?.message.contains("a configured secret") == true, "\(String(describing: refused))")
            #expect(refused?.message.contains(key) == false)
            // The same command on a clean server prints.
            let clean = try await CloudQueries.output(.server("train-llm-02"), json: false, repository: f.repository, context: context)
            #expect(clean.contains("name: train-llm-02\n"))
        }
    }

    @Test func theBinaryPrintsTextAndJSONAndNoSecret() async throws {
        try await SnapshotFixture.run { f in
            let repo = ["--repo", f.repository.root.path]
            var environment = f.options.environment
            environment["CI"] = "true"
            let c = await f.cloud.state.world.credentials
            let secrets = [c.password, c.hyperstackAPIKey, c.runpodAPIKey, c.netboxToken]
            var outputs: [String] = []

            let images = try await runProcessOffPool(ProjectPaths.spotctl, ["images", "--region", "US-1"] + repo, environment: environment)
            #expect(images.status == 0, "\(images.stderr)")
            #expect(images.stdout.contains("US-1\t201\tRunPod Ubuntu 22.04"))
            #expect(!images.stdout.contains("CANADA-1"))
            outputs += [images.stdout, images.stderr]

            let server = try await runProcessOffPool(ProjectPaths.spotctl, ["server", "show", "train-llm-01", "--json"] + repo, environment: environment)
            #expect(server.status == 0, "\(server.stderr)")
            let document = try JSONSerialization.jsonObject(with: Data(server.stdout.utf8)) as? [String: Any]
            #expect(document?["host"] as? String == "CA1-ESC812-101")
            #expect(document?["id"] as? String == "3f1c2b4a-0001-4e5f-8a9b-000000000001")
            outputs += [server.stdout, server.stderr]

            let wrongCase = try await runProcessOffPool(ProjectPaths.spotctl, ["server", "show", "TRAIN-LLM-01"] + repo, environment: environment)
            #expect(wrongCase.status == 1)
            #expect(wrongCase.stdout.isEmpty)
            #expect(wrongCase.stderr.contains("Nova GET /compute/v2.1/servers/detail"), "\(wrongCase.stderr)")
            outputs += [wrongCase.stderr]

            let network = try await runProcessOffPool(ProjectPaths.spotctl, ["network", "show", "RunPod-Storage-Canada-1"] + repo, environment: environment)
            #expect(network.status == 0, "\(network.stderr)")
            #expect(network.stdout.contains("id: 9d6c1b0e-0000-4a1b-8c2d-000000000001\n"))
            outputs += [network.stdout, network.stderr]

            let firewall = try await runProcessOffPool(ProjectPaths.spotctl, ["firewall", "show", "971", "--json"] + repo, environment: environment)
            #expect(firewall.status == 0, "\(firewall.stderr)")
            #expect(firewall.stdout.contains("\"vm_id\" : 5001"))
            outputs += [firewall.stdout, firewall.stderr]

            for output in outputs {
                for secret in secrets where !secret.isEmpty {
                    #expect(!output.contains(secret))
                }
            }
        }
    }
}
