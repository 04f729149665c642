import Foundation
import SpotSimulator
import TestSupport

/// A small GPU cloud for the Nova and Neutron tests: four hosts (one disabled and down), three
/// aggregates (one empty), GPU flavors with PCI-passthrough extra specs (one private), six
/// servers in several states and two projects, a network with a subnet and two ports (one
/// attached).
enum NovaWorld {
    static let otherProject = "9f1e2d3c4b5a49788796a5b4c3d2e1f0"
    static let privateNet = "aaaaaaaa-0000-4000-8000-000000000001"
    static let publicNet = "aaaaaaaa-0000-4000-8000-000000000002"
    static let privateSubnet = "bbbbbbbb-0000-4000-8000-000000000001"
    static let attachedPort = "cccccccc-0000-4000-8000-000000000001"
    static let sparePort = "cccccccc-0000-4000-8000-000000000002"

    static func serverID(_ n: Int) -> String { "11111111-1111-4111-8111-00000000000\(n)" }

    static func scenario() -> Scenario {
        let admin = Credentials().projectID
        var scenario = Scenario(name: "nova-test")
        scenario.projects = [ProjectSpec(id: admin, name: "admin"), ProjectSpec(id: otherProject, name: "customer1")]
        scenario.hosts = [
            HostSpec(name: "gpu-a", hypervisorHostname: "gpu-a.dc1.example.net", hostIP: "10.1.0.11", vcpus: 128),
            HostSpec(name: "gpu-b", hypervisorHostname: "gpu-b.dc1.example.net", hostIP: "10.1.0.12"),
            HostSpec(name: "gpu-c", hypervisorHostname: "gpu-c.dc1.example.net", hostIP: "10.1.0.13"),
            HostSpec(name: "gpu-d", hypervisorHostname: "gpu-d.dc1.example.net", status: "disabled", state: "down",
                     disabledReason: "maintenance", hostIP: "10.1.0.14"),
        ]
        scenario.aggregates = [
            AggregateSpec(id: 1, uuid: "d0000000-0000-4000-8000-000000000001", name: "L40-n3", availabilityZone: "ca1-az1",
                          hosts: ["gpu-a", "gpu-b"], metadata: ["gpu": "L40"]),
            AggregateSpec(id: 2, uuid: "d0000000-0000-4000-8000-000000000002", name: "L40-n3-spot", hosts: ["gpu-c"],
                          metadata: ["pool": "spot"]),
            AggregateSpec(id: 3, uuid: "d0000000-0000-4000-8000-000000000003", name: "empty-aggregate"),
        ]
        scenario.flavors = [
            FlavorSpec(id: "1", name: "n3-L40x1", vcpus: 16, ram: 65536, disk: 100,
                       extraSpecs: ["pci_passthrough:alias": "l40:1", "aggregate_instance_extra_specs:gpu": "L40"]),
            FlavorSpec(id: "2", name: "n3-L40x4", vcpus: 64, ram: 262_144, disk: 400, ephemeral: 100,
                       extraSpecs: ["pci_passthrough:alias": "l40:4"]),
            FlavorSpec(id: "3", name: "m1.small", vcpus: 2, ram: 4096, disk: 20, description: "general purpose"),
            FlavorSpec(id: "4", name: "private-vgpu", vcpus: 8, ram: 32768, disk: 50, isPublic: false,
                       extraSpecs: ["resources:VGPU": "1"]),
        ]
        scenario.servers = [
            ServerSpec(id: serverID(1), name: "train-01", host: "gpu-a", projectID: admin, flavor: "n3-L40x1", keyName: "ops",
                       created: "2024-03-01T10:00:00Z", addresses: ["private-net": ["10.0.0.10"]], metadata: ["team": "ml"],
                       userData: "IyEvYmluL2Jhc2gKZWNobyBoaQo="),
            ServerSpec(id: serverID(2), name: "train-02", host: "gpu-a", projectID: otherProject, flavor: "n3-L40x4",
                       created: "2024-03-02T10:00:00Z", addresses: ["private-net": ["10.0.0.11"]]),
            ServerSpec(id: serverID(3), name: "infer-01", status: "SHUTOFF", host: "gpu-b", projectID: admin, flavor: "n3-L40x1",
                       created: "2024-03-03T10:00:00Z", addresses: ["private-net": ["10.0.0.12"]]),
            ServerSpec(id: serverID(4), name: "pending-01", status: "BUILD", taskState: "scheduling", host: nil, projectID: admin,
                       flavor: "m1.small", created: "2024-03-04T10:00:00Z"),
            ServerSpec(id: serverID(5), name: "broken-01", status: "ERROR", host: "gpu-c", projectID: otherProject,
                       flavor: "n3-L40x1", created: "2024-03-03T10:00:00Z"),
            ServerSpec(id: serverID(6), name: "spot-01", host: "gpu-c", projectID: admin, flavor: "n3-L40x4",
                       created: "2024-02-01T10:00:00Z", addresses: ["private-net": ["10.0.0.13"]]),
        ]
        scenario.networks = [
            NetworkSpec(id: privateNet, name: "private-net", projectID: admin,
                        subnets: [SubnetSpec(id: privateSubnet, cidr: "10.0.0.0/24")]),
            NetworkSpec(id: publicNet, name: "public", projectID: admin,
                        subnets: [SubnetSpec(id: "bbbbbbbb-0000-4000-8000-000000000002", cidr: "203.0.113.0/24")],
                        shared: true, external: true),
        ]
        scenario.ports = [
            PortSpec(id: attachedPort, name: "train-01-port", networkID: privateNet, macAddress: "fa:16:3e:00:00:10",
                     fixedIPs: [.init(subnetID: privateSubnet, ipAddress: "10.0.0.10")], deviceID: serverID(1),
                     deviceOwner: "compute:ca1-az1", status: "ACTIVE", projectID: admin),
            PortSpec(id: sparePort, name: "spare-port", networkID: privateNet, macAddress: "fa:16:3e:00:00:20",
                     fixedIPs: [.init(subnetID: privateSubnet, ipAddress: "10.0.0.20")], projectID: admin),
        ]
        return scenario
    }

    /// Servers newest first (created descending, then id descending).
    static var expectedOrder: [String] { [4, 5, 3, 2, 1, 6].map(serverID) }
}

/// A running simulator with a token, and request helpers that parse bodies with `ShapeJSON`.
struct NovaTestCloud {
    let sim: SimulatorFixture
    let token: String

    static func start(_ scenario: Scenario = NovaWorld.scenario(), maxMicroversion: Microversion? = nil,
                      pageLimit: Int? = nil) async throws -> NovaTestCloud {
        var options = SimulatorOptions()
        if let maxMicroversion { options.novaMaxMicroversion = maxMicroversion }
        if let pageLimit { options.pageLimit = pageLimit }
        let sim = try await SimulatorFixture.start(scenario, options: options)
        return NovaTestCloud(sim: sim, token: try await sim.token())
    }

    func stop() async { await sim.stop() }

    /// Runs `body` with a cloud from `start`, and always awaits `stop()` afterwards, also when
    /// `body` throws.
    static func run(_ scenario: Scenario = NovaWorld.scenario(), maxMicroversion: Microversion? = nil, pageLimit: Int? = nil,
                    _ body: (NovaTestCloud) async throws -> Void) async throws {
        try await withAsyncTeardown({ try await start(scenario, maxMicroversion: maxMicroversion, pageLimit: pageLimit) },
                                    body: body, tearDown: { await $0.stop() })
    }

    var base: String { sim.base }
    /// The header the control endpoints need.
    var control: [String: String] { sim.control }

    /// A request to `path` (absolute, or relative to `base`) with the token and a microversion.
    func call(_ method: String, _ path: String, version: String? = nil, json: Any? = nil,
              headers: [String: String] = [:]) async throws -> HTTPResult {
        var all = headers
        all["X-Auth-Token"] = token
        if let version { all["OpenStack-API-Version"] = "compute \(version)" }
        let url = path.hasPrefix("http") ? path : base + path
        return try await http(method, url, headers: all, json: json)
    }

    /// GET `path` expecting 200, parsed.
    func get(_ path: String, version: String? = nil) async throws -> JSON {
        let result = try await call("GET", path, version: version)
        guard result.status == 200 else { throw TestFailure("GET \(path) at \(version ?? "-"): \(result.status) \(result.text)") }
        return try ShapeJSON.parse(result.body)
    }

    static func body(_ result: HTTPResult) throws -> JSON { try ShapeJSON.parse(result.body) }
}
