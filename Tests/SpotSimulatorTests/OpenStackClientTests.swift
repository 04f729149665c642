import Foundation
import Testing
import TestSupport
@testable import SpotSimulator

/// The real python-openstackclient against the simulator: version discovery, Keystone, the
/// catalog, microversion negotiation and the calls an operator makes, as the standard client does
/// them. Needs `.venv/bin/openstack` at the package root (`scripts/openstack-venv.sh`, run by
/// `make test`).
@Suite struct OpenStackClientTests {
    struct CLIResult: Sendable {
        let status: Int32
        let stdout: String
        let stderr: String
    }

    static let openstack = ProjectPaths.root.appendingPathComponent(".venv/bin/openstack")

    /// Runs `openstack --os-cloud simulated <arguments>` with a clean environment (only the
    /// clouds.yaml, HOME and PATH), on a thread outside Swift's cooperative pool so that the
    /// in-process simulator keeps answering while the client waits.
    private func openstack(_ arguments: [String], home: URL) async throws -> CLIResult {
        let environment = [
            "PATH": "/usr/local/bin:/usr/bin:/bin",
            "HOME": home.path,
            "LANG": "C.UTF-8",
            "OS_CLIENT_CONFIG_FILE": home.appendingPathComponent("clouds.yaml").path,
            "PYTHONDONTWRITEBYTECODE": "1",
        ]
        let executable = Self.openstack
        return try await withCheckedThrowingContinuation { continuation in
            DispatchQueue.global().async {
                do {
                    // posix_spawn, not Foundation's Process.run() (see `spawnAndCollect` in TestSupport).
                    let (status, outData, errData) = try spawnAndCollectData(executable, ["--os-cloud", "simulated"] + arguments,
                                                                             in: home, environment: environment)
                    continuation.resume(returning: CLIResult(status: status,
                                                             stdout: String(decoding: outData, as: UTF8.self),
                                                             stderr: String(decoding: errData, as: UTF8.self)))
                } catch {
                    continuation.resume(throwing: error)
                }
            }
        }
    }

    /// The command's JSON output (`-f json`), or a failure with its stderr.
    private func json(_ arguments: [String], home: URL) async throws -> Any {
        let result = try await openstack(arguments + ["-f", "json"], home: home)
        guard result.status == 0 else {
            throw TestFailure("openstack \(arguments.joined(separator: " ")) exited \(result.status): \(result.stderr.suffix(800))")
        }
        return try JSONSerialization.jsonObject(with: Data(result.stdout.utf8))
    }

    private func rows(_ value: Any) -> [[String: Any]] { value as? [[String: Any]] ?? [] }

    @Test func theOpenStackClientWorksAgainstTheSimulator() async throws {
        guard FileManager.default.isExecutableFile(atPath: Self.openstack.path) else {
            Issue.record("python-openstackclient is not installed at \(Self.openstack.path): run `make test` (it runs scripts/openstack-venv.sh) or scripts/openstack-venv.sh once")
            return
        }
        try await SimulatorFixture.run(NovaWorld.scenario()) { sim in
            let home = try TemporaryDirectory(prefix: "spotctl-osc")
            defer { home.remove() }
            try await sim.cloud.cloudsYAML().write(to: home.appending("clouds.yaml"), atomically: true, encoding: .utf8)

            let aggregates = rows(try await json(["aggregate", "list"], home: home.url))
            #expect(aggregates.compactMap { $0["Name"] as? String } == ["L40-n3", "L40-n3-spot", "empty-aggregate"])
            #expect(aggregates.first?["UUID"] as? String == "d0000000-0000-4000-8000-000000000001")

            let shown = try #require(try await json(["aggregate", "show", "L40-n3"], home: home.url) as? [String: Any])
            #expect(shown["hosts"] as? [String] == ["gpu-a", "gpu-b"])
            #expect(shown["availability_zone"] as? String == "ca1-az1")

            let added = try #require(try await json(["aggregate", "add", "host", "empty-aggregate", "gpu-c"], home: home.url) as? [String: Any])
            #expect(added["hosts"] as? [String] == ["gpu-c"])
            let again = try await openstack(["aggregate", "add", "host", "empty-aggregate", "gpu-c"], home: home.url)
            #expect(again.status != 0)
            #expect(again.stderr.contains("Aggregate 3 already has host gpu-c."), "\(again.stderr)")
            let removed = try #require(try await json(["aggregate", "remove", "host", "empty-aggregate", "gpu-c"], home: home.url) as? [String: Any])
            #expect(removed["hosts"] as? [String] == [])

            let hypervisors = rows(try await json(["hypervisor", "list"], home: home.url))
            #expect(hypervisors.compactMap { $0["Hypervisor Hostname"] as? String }
                == ["gpu-a.dc1.example.net", "gpu-b.dc1.example.net", "gpu-c.dc1.example.net", "gpu-d.dc1.example.net"])
            #expect(hypervisors.compactMap { $0["State"] as? String } == ["up", "up", "up", "down"])

            let services = rows(try await json(["compute", "service", "list"], home: home.url))
            let computes = services.filter { $0["Binary"] as? String == "nova-compute" }
            #expect(computes.compactMap { $0["Host"] as? String } == ["gpu-a", "gpu-b", "gpu-c", "gpu-d"])
            #expect(computes.compactMap { $0["Zone"] as? String } == ["ca1-az1", "ca1-az1", "nova", "nova"])
            #expect(computes.last?["Status"] as? String == "disabled")

            let servers = rows(try await json(["server", "list", "--all-projects", "--host", "gpu-a"], home: home.url))
            #expect(servers.compactMap { $0["Name"] as? String } == ["train-02", "train-01"])
            #expect(servers.compactMap { $0["Flavor"] as? String } == ["n3-L40x4", "n3-L40x1"])

            let network = try #require(try await json(["network", "show", "private-net"], home: home.url) as? [String: Any])
            #expect(network["id"] as? String == NovaWorld.privateNet)
            #expect(network["subnets"] as? [String] == [NovaWorld.privateSubnet])
        }
    }
}
