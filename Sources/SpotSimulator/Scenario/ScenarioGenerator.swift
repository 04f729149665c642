import Foundation

/// Generates realistic clouds from a seed: the same seed and sizes give the same cloud, byte for
/// byte. Hosts are spread over three sites (CA1, US1, NO1) with names like `CA1-ESC812-171`, GPU
/// types follow the default naming conventions, and the awkward cases operators meet are always
/// there (see docs/simulator.md).
public struct ScenarioGenerator: Sendable {
    public var hosts: Int
    public var seed: UInt64
    /// Servers per host on average; the total is exactly `hosts × vmsPerHost`.
    public var vmsPerHost: Int

    public init(hosts: Int, seed: UInt64 = 7, vmsPerHost: Int = 10) {
        self.hosts = max(hosts, 1)
        self.seed = seed
        self.vmsPerHost = max(vmsPerHost, 0)
    }

    /// GPU types the generator uses, with their tag, GPUs per host, chassis and weight.
    struct TypePlan {
        let name: String
        let tag: String
        let gpus: Int
        let chassis: String
        let nvlink: Bool
        let alias: String?
        let weight: Int
    }

    static let types: [TypePlan] = [
        TypePlan(name: "L40", tag: "NVIDIA L40", gpus: 8, chassis: "ESC812", nvlink: false, alias: nil, weight: 24),
        TypePlan(name: "RTX-A6000", tag: "NVIDIA RTX A6000", gpus: 8, chassis: "ESC408", nvlink: false, alias: nil, weight: 16),
        TypePlan(name: "A100", tag: "NVIDIA A100 80GB PCIe", gpus: 8, chassis: "HGX100", nvlink: true, alias: "a100", weight: 14),
        TypePlan(name: "H100", tag: "NVIDIA H100 80GB PCIe", gpus: 8, chassis: "SYS821", nvlink: false, alias: "h100", weight: 12),
        TypePlan(name: "H100-SXM5", tag: "nvidia-h100-80gb-sxm5", gpus: 8, chassis: "HGXH100", nvlink: true, alias: "h100sxm", weight: 12),
        TypePlan(name: "RTX-A4000", tag: "RTX A4000", gpus: 10, chassis: "A4000R", nvlink: false, alias: nil, weight: 8),
        TypePlan(name: "A40", tag: "NVIDIA A40", gpus: 8, chassis: "ESC404", nvlink: false, alias: nil, weight: 6),
        TypePlan(name: "H200-SXM5", tag: "NVIDIA H200 141GB SXM5", gpus: 8, chassis: "HGXH200", nvlink: true, alias: "h200", weight: 8),
    ]

    static let sites: [(prefix: String, netbox: String, region: String, environment: String)] = [
        ("CA1", "Canada 1", "CANADA-1", "CA1-RunPod"),
        ("US1", "US 1", "US-1", "US1-RunPod"),
        ("NO1", "Norway 1", "NORWAY-1", "NO1-RunPod"),
    ]

    public func generate() -> Scenario {
        var rng = SplitMix64(seed: seed)
        var scenario = Scenario(name: "generated-\(hosts)-hosts-seed-\(seed)")
        let base = Date(timeIntervalSince1970: 1_735_689_600) // 2025-01-01T00:00:00Z

        // Projects, some with hostile names.
        let projectNames = ["research", "ml-platform", "nexgen-internal", "customer1", "customer2", "helix-ai", "render-farm",
                            "Jörg's \"GPU\" lab", "<b>bold</b> & co", "Ærø Søndergård", "runpod", "benchmarks"]
        scenario.projects = projectNames.enumerated().map { index, name in
            ProjectSpec(id: SimIDs.uuid("project", index).replacingOccurrences(of: "-", with: ""), name: name)
        }

        // Flavors: GPU flavors per type and count (some with PCI aliases), NVLink variants, CPU flavors.
        var flavors: [FlavorSpec] = []
        var flavorsByType: [String: [(name: String, gpus: Int)]] = [:]
        for type in Self.types {
            var counts = [1, 2, 4, 8]
            if type.gpus == 10 { counts.append(10) }
            for count in counts {
                let name = "n3-\(type.name)x\(count)"
                var specs: [String: String] = ["hw:cpu_policy": "dedicated"]
                if let alias = type.alias { specs["pci_passthrough:alias"] = "\(alias):\(count)" }
                flavors.append(FlavorSpec(id: SimIDs.uuid("flavor", name), name: name, vcpus: 16 * count, ram: 65536 * count,
                                          disk: 100 * count, extraSpecs: specs))
                flavorsByType[type.name, default: []].append((name, count))
                if type.nvlink && count == 8 {
                    let nvlinkName = name + "-NVLink"
                    flavors.append(FlavorSpec(id: SimIDs.uuid("flavor", nvlinkName), name: nvlinkName, vcpus: 128, ram: 524_288,
                                              disk: 800, extraSpecs: specs))
                }
            }
            flavors.append(FlavorSpec(id: SimIDs.uuid("flavor", "n3-\(type.name)x1-spot"), name: "n3-\(type.name)x1-spot",
                                      vcpus: 16, ram: 65536, disk: 100))
        }
        let cpuFlavors = [("m1.small", 2, 4096), ("m1.large", 8, 16384), ("c1.xlarge", 32, 65536)]
        for (name, vcpus, ram) in cpuFlavors {
            flavors.append(FlavorSpec(id: SimIDs.uuid("flavor", name), name: name, vcpus: vcpus, ram: ram, disk: 40))
        }
        flavors.append(FlavorSpec(id: SimIDs.uuid("flavor", "n3-private-L40x8"), name: "n3-private-L40x8", vcpus: 128,
                                  ram: 524_288, disk: 800, isPublic: false))
        scenario.flavors = flavors.sorted { $0.name < $1.name }

        // Hosts.
        let cpuHosts = max(1, hosts / 100)
        let gpuHosts = max(hosts - cpuHosts, 1)
        let totalWeight = Self.types.map(\.weight).reduce(0, +)
        struct GPUHost {
            var name: String
            var type: TypePlan
            var site: Int
            var pool: Pool
            var contract: String?
            var nvlink: Bool
        }
        enum Pool { case ondemand, spot, runpod, contract, none }
        var gpu: [GPUHost] = []
        var names = Set<String>()
        for index in 0..<gpuHosts {
            var pick = Int(rng.next(below: UInt64(totalWeight)))
            var type = Self.types[0]
            for candidate in Self.types {
                if pick < candidate.weight { type = candidate; break }
                pick -= candidate.weight
            }
            let site = index % 3
            var name: String
            repeat {
                name = "\(Self.sites[site].prefix)-\(type.chassis)-\(100 + Int(rng.next(below: 900)))"
                if names.contains(name) { name += "-\(index)" }
            } while names.contains(name)
            names.insert(name)
            let roll = rng.next(below: 100)
            let pool: Pool = roll < 40 ? .ondemand : roll < 65 ? .spot : roll < 80 ? .runpod : roll < 95 ? .contract : .none
            let nvlink = type.nvlink && rng.next(below: 2) == 0
            gpu.append(GPUHost(name: name, type: type, site: site, pool: pool, contract: nil, nvlink: nvlink))
        }
        // A hostile host name, to test escaping and file names downstream.
        gpu[gpu.count - 1].name = "NO1-ÆØÅ-<lab>\"1\""
        gpu[gpu.count - 1].site = 2

        // Contracts: one or two customers per type, plus a name that mentions two types.
        var contractNames: [String: [String]] = [:]
        for type in Self.types {
            contractNames[type.name] = ["Contract-\(type.name)-Customer1"]
        }
        contractNames["L40", default: []].append("Contract-L40-Ærø \"Q\" <b>")
        contractNames["H100-SXM5"] = ["Contract-Helix-384xH100-SXM5"]
        for index in gpu.indices where gpu[index].pool == .contract {
            let options = contractNames[gpu[index].type.name]!
            gpu[index].contract = options[Int(rng.next(below: UInt64(options.count)))]
        }

        // Aggregates.
        var aggregates: [AggregateSpec] = []
        var aggregateIndex: [String: Int] = [:]
        func aggregate(_ name: String, zone: String? = nil) -> Int {
            if let index = aggregateIndex[name] { return index }
            let id = aggregates.count + 1
            var metadata: [String: String] = [:]
            if let zone { metadata["availability_zone"] = zone }
            aggregates.append(AggregateSpec(id: id, uuid: SimIDs.uuid("aggregate", name), name: name, availabilityZone: zone,
                                            metadata: metadata))
            aggregateIndex[name] = aggregates.count - 1
            return aggregates.count - 1
        }
        for type in Self.types {
            _ = aggregate("\(type.name)-n3")
            if type.nvlink { _ = aggregate("\(type.name)-n3-NVLink") }
            _ = aggregate("\(type.name)-n3-spot")
            _ = aggregate("\(type.name)-n3-runpod")
            for contract in contractNames[type.name] ?? [] { _ = aggregate(contract) }
        }
        // Empty aggregates: a type with no hosts yet, and a spare contract.
        _ = aggregate("RTX-5090-n3")
        _ = aggregate("RTX-5090-n3-spot")
        _ = aggregate("Contract-A100-Customer2")
        for site in Self.sites { _ = aggregate("az-\(site.prefix.lowercased())", zone: "az-\(site.prefix.lowercased())") }
        let tempest = aggregate("tempest-L40-n3")

        for host in gpu {
            let type = host.type.name
            switch host.pool {
            case .ondemand:
                aggregates[aggregate(host.nvlink ? "\(type)-n3-NVLink" : "\(type)-n3")].hosts.append(host.name)
            case .spot: aggregates[aggregate("\(type)-n3-spot")].hosts.append(host.name)
            case .runpod: aggregates[aggregate("\(type)-n3-runpod")].hosts.append(host.name)
            case .contract: aggregates[aggregate(host.contract!)].hosts.append(host.name)
            case .none: break
            }
            aggregates[aggregate("az-\(Self.sites[host.site].prefix.lowercased())")].hosts.append(host.name)
        }
        // A host in two pools of one type, a host in aggregates of two types, hosts in a testing aggregate.
        if let twoPools = gpu.first(where: { $0.pool == .ondemand && !$0.nvlink }) {
            aggregates[aggregate("\(twoPools.type.name)-n3-spot")].hosts.append(twoPools.name)
        }
        if let twoTypes = gpu.first(where: { $0.pool == .spot && $0.type.name == "L40" }) {
            aggregates[aggregate("RTX-A6000-n3-spot")].hosts.append(twoTypes.name)
        }
        for host in gpu.filter({ $0.type.name == "L40" && $0.pool == .ondemand }).prefix(2) {
            aggregates[tempest].hosts.append(host.name)
        }

        // Compute services: a few disabled or down; a few GPU devices exist only in NetBox.
        let netboxOnly = Set(gpu.suffix(from: max(0, gpu.count - 4)).dropLast().map(\.name))
        var hostSpecs: [HostSpec] = []
        for (index, host) in gpu.enumerated() where !netboxOnly.contains(host.name) {
            let roll = rng.next(below: 100)
            let status = roll < 2 ? "disabled" : "enabled"
            let state = roll >= 2 && roll < 3 ? "down" : "up"
            hostSpecs.append(HostSpec(name: host.name, hypervisorHostname: host.name.lowercased() + ".compute.internal",
                                      status: status, state: state,
                                      disabledReason: status == "disabled" ? "RMA ticket \(1000 + index)" : nil,
                                      zone: "az-\(Self.sites[host.site].prefix.lowercased())",
                                      hostIP: "10.\(host.site).\(index / 250).\(index % 250 + 1)"))
        }
        for index in 0..<cpuHosts {
            let site = index % 3
            let name = "\(Self.sites[site].prefix)-CPU-\(String(format: "%02d", index + 1))"
            hostSpecs.append(HostSpec(name: name, hypervisorHostname: name.lowercased() + ".compute.internal",
                                      zone: "az-\(Self.sites[site].prefix.lowercased())", hostIP: "10.\(site).200.\(index + 1)"))
            aggregates[aggregate("az-\(Self.sites[site].prefix.lowercased())")].hosts.append(name)
        }
        for index in aggregates.indices where netboxOnly.contains(where: { aggregates[index].hosts.contains($0) }) {
            aggregates[index].hosts.removeAll { netboxOnly.contains($0) }
        }
        scenario.hosts = hostSpecs
        scenario.aggregates = aggregates

        // NetBox devices: every GPU host but a few (hosts only in Nova), CPU hosts as compute
        // devices, NetBox-only GPU servers, and unpopulated chassis.
        let tenants: [RefSpec?] = [RefSpec(slug: "nexgen-cloud", name: "NexGen Cloud"), RefSpec(slug: "nexgen-cloud", name: "NexGen Cloud"),
                                   RefSpec(slug: "customer1", name: "Customer 1"), RefSpec(slug: "helix-ai", name: "Helix AI"),
                                   RefSpec(slug: "aero-lab", name: "Ærø \"Lab\" <GPU>"), nil]
        let novaOnly = Set(gpu.prefix(3).map(\.name))
        var devices: [DeviceSpec] = []
        for (index, host) in gpu.enumerated() where !novaOnly.contains(host.name) {
            let site = Self.sites[host.site]
            var tags = [host.type.tag]
            // As on the operators' NetBox, the boolean custom field NVLinks records NVLink (null
            // for the rest); a third of the NVLink hosts carry no NVLink tag, so only the field tells.
            if host.nvlink, index % 3 != 0 { tags.append("NVLink") }
            let statusRoll = rng.next(below: 100)
            let status = statusRoll < 2 ? "failed" : statusRoll < 3 ? "offline" : "active"
            var custom: [String: JSON] = ["GPU_Count": .null, "Warranty_End": .string("2027-06-30"),
                                          "NVLinks": host.nvlink ? .bool(true) : .null]
            if index % 97 == 5 { custom["GPU_Count"] = .int(4) }
            let tenant = host.contract != nil ? RefSpec(slug: "customer1", name: "Customer 1")
                : tenants[Int(rng.next(below: UInt64(tenants.count)))]
            devices.append(DeviceSpec(id: index + 1, name: host.name, status: status, tenant: tenant,
                                      site: RefSpec(slug: site.prefix.lowercased(), name: site.netbox),
                                      rack: "\(site.prefix)-R\(String(format: "%02d", index % 40 + 1))", deviceType: host.type.chassis,
                                      serial: "SN\(String(format: "%08d", index * 7919 % 100_000_000))",
                                      primaryIP: "10.\(host.site).\(index / 250).\(index % 250 + 1)/24", tags: tags,
                                      customFields: custom, configContext: ["ntp": .array(["10.0.0.1"])]))
        }
        var nextDevice = gpu.count + 1
        for index in 0..<cpuHosts {
            let site = index % 3
            let name = "\(Self.sites[site].prefix)-CPU-\(String(format: "%02d", index + 1))"
            devices.append(DeviceSpec(id: nextDevice, name: name, role: RefSpec(slug: "compute", name: "Compute"),
                                      site: RefSpec(slug: Self.sites[site].prefix.lowercased(), name: Self.sites[site].netbox),
                                      deviceType: "R650", customFields: ["GPU_Count": .null, "Warranty_End": .null]))
            nextDevice += 1
        }
        for index in 0..<2 {
            devices.append(DeviceSpec(id: nextDevice, name: "CA1-CHASSIS-\(index + 1)", status: "planned",
                                      tags: ["UNPOPULATED CHASSIS"], customFields: ["GPU_Count": .null, "Warranty_End": .null]))
            nextDevice += 1
        }
        scenario.devices = devices

        // Servers: exactly hosts × vmsPerHost. GPU hosts get VMs that fit their GPUs (two are
        // deliberately over capacity); idle hosts get none; the rest go to CPU hosts.
        let statuses: [(String, Int)] = [("ACTIVE", 80), ("SHUTOFF", 8), ("BUILD", 2), ("ERROR", 2), ("SHELVED_OFFLOADED", 3),
                                        ("PAUSED", 2), ("SUSPENDED", 1), ("SHELVED", 2)]
        let vmNames = ["train", "infer", "notebook", "render", "bench", "finetune", "eval", "serve"]
        let hostileNames = ["vm \"quoted\"", "<script>alert(1)</script>", "Jörg’s ÆØÅ VM", "a & b <c>"]
        var servers: [ServerSpec] = []
        servers.reserveCapacity(hosts * vmsPerHost)
        let total = hosts * vmsPerHost
        let eligible = gpu.enumerated().filter { !netboxOnly.contains($0.element.name) }
        var idle = Set<String>()
        for (offset, host) in eligible where offset % 7 == 3 || host.pool == .spot && offset % 3 == 0 {
            idle.insert(host.name)
        }
        let busy = eligible.filter { !idle.contains($0.element.name) }.map(\.element)
        let cpuNames = hostSpecs.suffix(cpuHosts).map(\.name)
        var freeGPUs: [String: Int] = [:]
        for host in busy { freeGPUs[host.name] = host.type.gpus }
        let overCapacity = Set(busy.filter { $0.pool == .ondemand }.prefix(2).map(\.name))
        for index in 0..<total {
            let onGPU = !busy.isEmpty && (cpuNames.isEmpty || index % 20 != 19)
            let hostName: String
            var flavor: String
            var gpuHost: GPUHost?
            if onGPU {
                let host = busy[index % busy.count]
                gpuHost = host
                hostName = host.name
                let free = freeGPUs[host.name] ?? 0
                let options = flavorsByType[host.type.name]!.filter { $0.gpus <= free || overCapacity.contains(host.name) }
                if let choice = options.isEmpty ? nil : options[Int(rng.next(below: UInt64(options.count)))] {
                    flavor = choice.name
                    if host.nvlink && choice.gpus == 8 && flavors.contains(where: { $0.name == choice.name + "-NVLink" }) {
                        flavor += "-NVLink"
                    }
                    freeGPUs[host.name] = free - choice.gpus
                } else {
                    flavor = cpuFlavors[Int(rng.next(below: UInt64(cpuFlavors.count)))].0
                }
            } else {
                hostName = cpuNames[index % cpuNames.count]
                flavor = cpuFlavors[Int(rng.next(below: UInt64(cpuFlavors.count)))].0
            }
            var pick = Int(rng.next(below: 100))
            var status = "ACTIVE"
            for (candidate, weight) in statuses {
                if pick < weight { status = candidate; break }
                pick -= weight
            }
            if status == "SHELVED_OFFLOADED", let host = gpuHost, let gpus = flavorsByType[host.type.name]?.first(where: { $0.name == flavor })?.gpus {
                freeGPUs[host.name, default: 0] += gpus
            }
            let project = scenario.projects[Int(rng.next(below: UInt64(scenario.projects.count)))]
            let name = index % 211 == 13 ? hostileNames[(index / 211) % hostileNames.count]
                : "\(vmNames[index % vmNames.count])-\(String(format: "%05d", index))"
            let created = base.addingTimeInterval(Double(index) * 37 + Double(rng.next(below: 30)))
            servers.append(ServerSpec(id: SimIDs.uuid("server-\(seed)", index), name: name, status: status,
                                      host: status == "SHELVED_OFFLOADED" ? nil : hostName, projectID: project.id,
                                      flavor: flavor, keyName: "ops-key", created: Self.timestamp(created),
                                      addresses: ["private": ["192.168.\(index / 250 % 250).\(index % 250 + 2)"]],
                                      availabilityZone: "az-\(hostName.prefix(3).lowercased())"))
        }
        scenario.servers = servers

        // Networks, Hyperstack.
        scenario.networks = [
            NetworkSpec(id: SimIDs.uuid("network", "private"), name: "private", projectID: scenario.credentials.projectID,
                        subnets: [SubnetSpec(id: SimIDs.uuid("subnet", "private"), cidr: "192.168.0.0/16")]),
            NetworkSpec(id: SimIDs.uuid("network", "storage-ca1"), name: "RunPod-Storage-Canada-1", projectID: scenario.credentials.projectID,
                        subnets: [SubnetSpec(id: SimIDs.uuid("subnet", "storage-ca1"), cidr: "10.50.0.0/16")], shared: true),
            NetworkSpec(id: SimIDs.uuid("network", "public"), name: "public", projectID: scenario.credentials.projectID,
                        subnets: [SubnetSpec(id: SimIDs.uuid("subnet", "public"), cidr: "203.0.113.0/24")], shared: true, external: true),
        ]
        scenario.hyperstack = Self.hyperstack(types: Self.types)
        return scenario
    }

    static func hyperstack(types: [TypePlan]) -> HyperstackSpec {
        var spec = HyperstackSpec()
        spec.environments = sites.enumerated().map { EnvironmentSpec(id: $0.offset + 1, name: $0.element.environment, region: $0.element.region) }
        var imageID = 100
        for site in sites {
            for (name, type, version) in [("Ubuntu Server 22.04 LTS R535 CUDA 12.2", "Ubuntu", "22.04"),
                                          ("Ubuntu Server 24.04 LTS R570 CUDA 12.8", "Ubuntu", "24.04"),
                                          ("RunPod Ubuntu 22.04", "RunPod", "22.04")] {
                imageID += 1
                spec.images.append(ImageSpec(id: imageID, name: name, region: site.region, type: type, version: version,
                                             description: "\(name) for \(site.region)"))
            }
        }
        var flavorID = 1
        for site in sites {
            for type in types {
                for count in [1, 2, 4, 8] {
                    spec.flavors.append(HyperstackFlavorSpec(id: flavorID, name: "n3-\(type.name)x\(count)", region: site.region,
                                                             gpu: type.name, gpuCount: count, cpu: 16 * count, ram: Double(60 * count),
                                                             disk: 100 * count))
                    flavorID += 1
                }
            }
        }
        spec.keypairs = spec.environments.map { KeypairSpec(id: $0.id, name: "runpod", environment: $0.name) }
        spec.firewalls = [FirewallSpec(id: 971, name: "RunPod-CA1", environment: "CA1-RunPod", description: "RunPod VMs in CA1")]
        spec.failingLaunches = ["*-fail-*"]
        return spec
    }

    static func timestamp(_ date: Date) -> String {
        let seconds = Int(date.timeIntervalSince1970)
        let days = seconds / 86400
        let rest = seconds % 86400
        // Civil date from days since 1970-01-01 (Howard Hinnant's algorithm).
        let z = days + 719_468
        let era = (z >= 0 ? z : z - 146_096) / 146_097
        let doe = z - era * 146_097
        let yoe = (doe - doe / 1460 + doe / 36524 - doe / 146_096) / 365
        let doy = doe - (365 * yoe + yoe / 4 - yoe / 100)
        let mp = (5 * doy + 2) / 153
        let day = doy - (153 * mp + 2) / 5 + 1
        let month = mp < 10 ? mp + 3 : mp - 9
        let year = yoe + era * 400 + (month <= 2 ? 1 : 0)
        return String(format: "%04d-%02d-%02dT%02d:%02d:%02dZ", year, month, day, rest / 3600, rest % 3600 / 60, rest % 60)
    }
}

/// A small, fast, seeded generator (SplitMix64): the same seed gives the same sequence everywhere.
struct SplitMix64 {
    private var state: UInt64

    init(seed: UInt64) {
        state = seed
    }

    mutating func next() -> UInt64 {
        state &+= 0x9E37_79B9_7F4A_7C15
        var z = state
        z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
        z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
        return z ^ (z >> 31)
    }

    /// A value in 0..<bound (bound > 0).
    mutating func next(below bound: UInt64) -> UInt64 {
        next() % bound
    }
}
