import Foundation
import SpotSupport

/// One entry of a change file's `launches:` list: a RunPod VM on Hyperstack for `host`.
public struct LaunchRequest: Sendable, Hashable {
    public var host: String
    /// The Hyperstack image, by name, in the host's region.
    public var image: String
    /// The flavor; nil derives it from the host's GPU type and count (`launch.flavor`, or
    /// `launch.nvlink_flavor` for an NVLink host).
    public var flavor: String?
    /// The VM's name; nil is the host's name (as the seed's tool names it).
    public var name: String?
    public var position: SourcePosition
    public var hostPosition: SourcePosition
    public var imagePosition: SourcePosition
    public var flavorPosition: SourcePosition?

    public init(host: String, image: String, flavor: String? = nil, name: String? = nil,
                position: SourcePosition = SourcePosition(line: 1, column: 1), hostPosition: SourcePosition? = nil,
                imagePosition: SourcePosition? = nil, flavorPosition: SourcePosition? = nil) {
        self.host = host
        self.image = image
        self.flavor = flavor
        self.name = name
        self.position = position
        self.hostPosition = hostPosition ?? position
        self.imagePosition = imagePosition ?? position
        self.flavorPosition = flavorPosition
    }
}

/// What Hyperstack offers, read live (read-only) or from a snapshot, for checking a launch before it
/// runs: flavors per region, environments with their region, key pairs per environment. A nil
/// catalogue means "not read": the plan says those checks were not made.
public struct HyperstackCatalog: Sendable, Hashable {
    /// Region → flavor names.
    public var flavors: [String: Set<String>]
    /// Environment name → its region.
    public var environments: [String: String]
    /// Environment name → key pair names.
    public var keyPairs: [String: Set<String>]

    public init(flavors: [String: Set<String>] = [:], environments: [String: String] = [:], keyPairs: [String: Set<String>] = [:]) {
        self.flavors = flavors
        self.environments = environments
        self.keyPairs = keyPairs
    }
}

/// One step of a launch, in order; apply runs them, each idempotent.
public struct LaunchStep: Sendable, Hashable {
    public enum Kind: String, Sendable, Hashable, Codable {
        /// Create the VM (after looking for one of exactly that name).
        case createVM = "create_vm"
        /// Poll until ACTIVE (ERROR fails).
        case waitActive = "wait_active"
        /// Find the OpenStack server by id or exact name, on the intended hypervisor.
        case findServer = "find_server"
        /// Create (or reuse) the storage port `<vm>-storage`.
        case createPort = "create_port"
        /// Attach the port to the server (`os-interface`).
        case attachPort = "attach_port"
        /// Add the VM to the site's firewall: read, add, write the whole list, read back.
        case addToFirewall = "add_to_firewall"
    }

    public var kind: Kind
    /// What the step does, for people.
    public var summary: String
    /// The equivalent command (`openstack …`, or a masked `curl` for Hyperstack), shell-quoted.
    public var command: String

    public init(kind: Kind, summary: String, command: String) {
        self.kind = kind
        self.summary = summary
        self.command = command
    }
}

/// One launch entry resolved against a cloud: where the VM goes, with what, the steps, the masked
/// preview, and every problem and warning.
public struct PlannedLaunch: Sendable, Hashable {
    public var request: LaunchRequest
    public var file: String
    public var host: String
    public var gpuType: String?
    public var vmName: String
    public var flavor: String?
    public var region: String?
    public var environment: String?
    public var firewall: Int?
    public var storageNetwork: String?
    /// The body of Hyperstack's create request, with the RunPod key masked in the cloud-init.
    public var body: [String: JSONValue]
    /// The seed's masked curl of the create request.
    public var preview: String?
    public var steps: [LaunchStep]
    public var problems: [ChangeProblem]
    public var warnings: [ChangeProblem]

    public var isValid: Bool { problems.isEmpty }
}

/// How launches are checked and previewed (SPEC section 5, issue 13). Pure: the RunPod key is given
/// only to be masked, and never leaves in clear.
public enum LaunchPlanner {
    /// The built-in cloud-init when `launch.cloud_init_template` is unset: the RunPod host
    /// registration. The key goes into a root-only file that the RunPod image's agent reads; it is
    /// filled in at apply time, in memory only. `{{VM_NAME}}` is the VM's name.
    public static let builtInCloudInit = """
    #cloud-config
    # Written by spotctl: registers this VM with RunPod. The key is filled in when the VM is created.
    write_files:
      - path: /etc/runpod/runpod.env
        owner: root:root
        permissions: "0600"
        content: |
          RUNPOD_API_KEY={{RUNPOD_API_KEY}}
          RUNPOD_MACHINE_NAME={{VM_NAME}}
    runcmd:
      - [systemctl, enable, --now, runpod-agent.service]

    """

    /// `abcd***wxyz`: the first and last four characters of a key of 20 or more (so at most two
    /// fifths of it show), else `***`.
    public static func mask(_ key: String?) -> String {
        guard let key, key.count >= 20 else { return "***" }
        return "\(key.prefix(4))***\(key.suffix(4))"
    }

    /// The cloud-init with the key masked (for previews) or filled in (apply, in memory).
    public static func cloudInit(template: String?, vmName: String, key: String) -> String {
        (template ?? builtInCloudInit)
            .replacingOccurrences(of: "{{RUNPOD_API_KEY}}", with: key)
            .replacingOccurrences(of: "{{VM_NAME}}", with: vmName)
    }

    /// The flavor a host's launch uses: the configured pattern for its type and GPU count, the
    /// NVLink pattern for an NVLink host when configured.
    public static func flavor(for host: HostView, configuration: Configuration) -> String? {
        guard let type = host.gpuType else { return nil }
        let pattern = host.nvlink ? (configuration.launch.nvlinkFlavor ?? configuration.launch.flavor) : configuration.launch.flavor
        return pattern.expanded(type: type, count: host.capacity)
    }

    /// The GPU type a flavor name is for (`n3-L40x8` → L40, `n3-H100-SXM5x8-NVLink` → H100-SXM5):
    /// the longest type named as a token, bounded on the left by the start, `-` or `_`, on the right
    /// by the end, `-`, `_` or `x<digits>` (any case). nil when it names none.
    public static func flavorType(_ flavor: String, types: [String]) -> String? {
        let name = Array(flavor.lowercased().unicodeScalars)
        for type in types.sorted(by: { ($0.count, $1) > ($1.count, $0) }) {
            let needle = Array(type.lowercased().unicodeScalars)
            guard !needle.isEmpty, needle.count <= name.count else { continue }
            for start in 0...(name.count - needle.count) where Array(name[start..<start + needle.count]) == needle {
                let end = start + needle.count
                let left = start == 0 || name[start - 1] == "-" || name[start - 1] == "_"
                let right = end == name.count || name[end] == "-" || name[end] == "_"
                    || (name[end] == "x" && end + 1 < name.count && ("0"..."9").contains(name[end + 1]))
                if left && right { return type }
            }
        }
        return nil
    }

    /// Plans one launch. `catalog` nil skips the flavor, environment and key pair checks (with a
    /// warning); `hyperstackURL` is the API base for the preview; `runpodKey` is only masked.
    public static func plan(_ request: LaunchRequest, file: String, cloud: CloudView, catalog: HyperstackCatalog?,
                            cloudInitTemplate: String? = nil, hyperstackURL: String = "https://infrahub-api.nexgencloud.com/v1",
                            hyperstackKey: String? = nil, runpodKey: String? = nil) -> PlannedLaunch {
        let configuration = cloud.configuration
        var planned = PlannedLaunch(request: request, file: file, host: request.host, gpuType: nil,
                                    vmName: request.name ?? request.host, flavor: nil, region: nil, environment: nil,
                                    firewall: nil, storageNetwork: nil, body: [:], preview: nil, steps: [], problems: [], warnings: [])
        func fail(_ position: SourcePosition, _ message: String, _ hint: String? = nil) {
            planned.problems.append(ChangeProblem(.error, file: file, line: position.line, column: position.column,
                                                  host: planned.host, message: message, hint: hint))
        }
        func warn(_ position: SourcePosition, _ message: String, _ hint: String? = nil) {
            planned.warnings.append(ChangeProblem(.warning, file: file, line: position.line, column: position.column,
                                                  host: planned.host, message: message, hint: hint))
        }
        guard let host = cloud.host(named: request.host) else {
            fail(request.hostPosition, "unknown host \(request.host)", "check the name against the latest snapshot; spotctl snapshot refreshes it")
            return planned
        }
        planned.host = host.name
        planned.vmName = request.name ?? host.name
        planned.gpuType = host.gpuType
        guard let type = host.gpuType else {
            fail(request.hostPosition, "the GPU type of \(host.name) is unknown", "tag its NetBox device with a GPU type")
            return planned
        }

        // The RunPod pool of its type, and no VMs but the launch's own (a resumed launch).
        if host.pool != .runpod {
            let place = host.pool == .outofstock ? "out of stock (\(host.outOfStockReason ?? "unknown"))"
                : "in \(host.pool.label) (\(host.poolAggregates.joined(separator: ", ")))"
            fail(request.hostPosition, "\(host.name) is \(place), not in the RunPod pool of \(type): refused",
                 "move it to runpod first (a migration with to: runpod), then launch")
        }
        let others = host.servers.filter { $0.holdsResources && $0.name != planned.vmName }
        if !others.isEmpty {
            fail(request.hostPosition, "\(host.name) has \(others.count) VM\(others.count == 1 ? "" : "s") (\(others.map(\.name).prefix(3).joined(separator: ", "))): refused",
                 "a RunPod host runs only its RunPod VM; empty it first")
        }

        // Flavor: derived, or given and of the host's type.
        let derived = flavor(for: host, configuration: configuration)
        var flavorRejected = false
        if let given = request.flavor {
            let position = request.flavorPosition ?? request.position
            let flavorType = flavorType(given, types: configuration.gpuTypes.map(\.name))
            if let flavorType, flavorType != type {
                fail(position, "flavor \(given) is for \(flavorType) GPUs but \(host.name) is a \(type) host",
                     derived.map { "use \($0), or leave flavor: out to derive it" })
                flavorRejected = true
            } else if given != derived, let derived {
                warn(position, "flavor \(given) differs from the derived \(derived)")
            }
            planned.flavor = given
        } else {
            planned.flavor = derived
        }

        // Site: region, environment, firewall, storage network (configuration, never hard-coded).
        guard let site = HostRules(configuration: configuration).site(hostname: host.name) else {
            fail(request.hostPosition, "\(host.name) belongs to no configured site, so its Hyperstack region and environment are unknown",
                 "add its name's prefix under sites: in spotctl.yaml")
            return planned
        }
        planned.region = site.hyperstackRegion
        planned.environment = site.environment
        planned.firewall = site.firewall
        planned.storageNetwork = site.storageNetwork

        // The image, in the site's region (from the snapshot's catalogue).
        if let images = cloud.facts.images {
            let inRegion = images.filter { $0.region == site.hyperstackRegion }
            if !inRegion.contains(where: { $0.name == request.image }) {
                let elsewhere = images.filter { $0.name == request.image }.map(\.region)
                fail(request.imagePosition, "unknown image \(request.image) in region \(site.hyperstackRegion)"
                        + (elsewhere.isEmpty ? "" : " (it exists in \(Set(elsewhere).sorted().joined(separator: ", ")))"),
                     "spotctl images --region \(site.hyperstackRegion) lists them")
            }
        } else {
            fail(request.imagePosition, "the snapshot has no Hyperstack images (Hyperstack is not configured)",
                 "set HYPERSTACK_API_KEY and take a snapshot")
        }

        // Flavors, environment and key pair, when the catalogue was read.
        if let catalog {
            if !flavorRejected, let flavor = planned.flavor, !(catalog.flavors[site.hyperstackRegion]?.contains(flavor) ?? false) {
                fail(request.flavorPosition ?? request.position, "unknown flavor \(flavor) in region \(site.hyperstackRegion)",
                     "check launch.flavor / launch.nvlink_flavor in spotctl.yaml, or name one in flavor:")
            }
            if let region = catalog.environments[site.environment] {
                if region != site.hyperstackRegion {
                    fail(request.position, "environment \(site.environment) is in \(region), not in \(site.hyperstackRegion)",
                         "fix sites.\(site.prefix) in spotctl.yaml")
                }
                if !(catalog.keyPairs[site.environment]?.contains(configuration.launch.keyName) ?? false) {
                    fail(request.position, "key pair \(configuration.launch.keyName) does not exist in environment \(site.environment)",
                         "create it in Hyperstack, or set launch.key_name")
                }
            } else {
                fail(request.position, "environment \(site.environment) does not exist in Hyperstack", "fix sites.\(site.prefix) in spotctl.yaml")
            }
        } else {
            warn(request.position, "Hyperstack's flavors, environments and key pairs were not read; spotctl plan --refresh checks them")
        }
        if planned.vmName.count > 50 {
            fail(request.position, "the VM name \(planned.vmName) is longer than Hyperstack's 50 characters", "set a shorter name:")
        }

        planned.problems.sort { ($0.line ?? 0, $0.column ?? 0) < ($1.line ?? 0, $1.column ?? 0) }

        // The request and its preview.
        var body: [String: JSONValue] = [
            "name": .string(planned.vmName),
            "environment_name": .string(site.environment),
            "image_name": .string(request.image),
            "flavor_name": .string(planned.flavor ?? ""),
            "key_name": .string(configuration.launch.keyName),
            "count": .int(1),
            "assign_floating_ip": .bool(configuration.launch.assignFloatingIP),
            "user_data": .string(cloudInit(template: cloudInitTemplate, vmName: planned.vmName, key: mask(runpodKey))),
        ]
        if !configuration.launch.securityRules.isEmpty {
            body["security_rules"] = .array(configuration.launch.securityRules.map { rule in
                var object: [String: JSONValue] = [
                    "direction": .string(rule.direction), "ethertype": .string(rule.ethertype),
                    "protocol": .string(rule.protocol), "remote_ip_prefix": .string(rule.remoteIPPrefix),
                ]
                if let low = rule.portRangeMin { object["port_range_min"] = .int(low) }
                if let high = rule.portRangeMax { object["port_range_max"] = .int(high) }
                return .object(object)
            })
        }
        planned.body = body
        let url = hyperstackURL.hasSuffix("/") ? String(hyperstackURL.dropLast()) : hyperstackURL
        let json = String(decoding: (try? JSONEncoder.sorted.encode(JSONValue.object(body))) ?? Data(), as: UTF8.self)
        planned.preview = "curl -X POST \(shellQuote(url + "/core/virtual-machines")) -H \(shellQuote("api_key: " + mask(hyperstackKey)))"
            + " -H 'Content-Type: application/json' -d \(shellQuote(json))"

        // The steps.
        let vm = planned.vmName
        planned.steps.append(LaunchStep(kind: .createVM, summary: "create the VM \(vm) (\(planned.flavor ?? "?"), \(request.image)) in \(site.environment), unless one of exactly that name exists",
                                        command: planned.preview ?? ""))
        planned.steps.append(LaunchStep(kind: .waitActive, summary: "wait until \(vm) is ACTIVE (at most \(configuration.launch.waitTimeoutSeconds) s; ERROR fails)",
                                        command: "curl \(shellQuote(url + "/core/virtual-machines/<id>")) -H \(shellQuote("api_key: " + mask(hyperstackKey)))"))
        planned.steps.append(LaunchStep(kind: .findServer, summary: "find the server \(vm) by id or exact name, on \(host.name)",
                                        command: "openstack server show \(shellQuote(vm)) -c id -c status -c OS-EXT-SRV-ATTR:host"))
        if let network = site.storageNetwork {
            let port = vm + "-storage"
            planned.steps.append(LaunchStep(kind: .createPort, summary: "create (or reuse) the port \(port) on \(network)",
                                            command: "openstack port create --network \(shellQuote(network)) \(shellQuote(port))"))
            planned.steps.append(LaunchStep(kind: .attachPort, summary: "attach \(port) to \(vm)",
                                            command: "openstack server add port \(shellQuote(vm)) \(shellQuote(port))"))
        }
        if let firewall = site.firewall {
            planned.steps.append(LaunchStep(kind: .addToFirewall, summary: "add \(vm) to firewall \(firewall): read, add, write the whole list, read back",
                                            command: "curl -X POST \(shellQuote(url + "/core/firewalls/\(firewall)/update-attachments")) -H \(shellQuote("api_key: " + mask(hyperstackKey))) -d '{\"vms\": [<current>, <vm id>]}'"))
        }
        return planned
    }
}

extension JSONEncoder {
    /// Sorted keys, no escaped slashes: the same bytes for the same value.
    static var sorted: JSONEncoder {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys, .withoutEscapingSlashes]
        return encoder
    }
}
