import Foundation

/// The read-only Hyperstack calls over one copy of the world: images, flavors, environments,
/// keypairs and firewalls.
struct HyperstackCatalog {
    let world: Scenario
    let request: SimRequest

    /// When the scenario's catalogue objects were created (the scenario records no date for them).
    static let catalogueCreatedAt = "2024-01-15T10:30:00"

    private var spec: HyperstackSpec { world.hyperstack }

    // MARK: images

    /// `GET /core/images?region=&include_public=&search=`: images grouped by region and OS type,
    /// as the `Images` schema has them (`images: [{region_name, type, logo, images: [Image_Fields]}]`).
    func images() -> SimResponse {
        var images = spec.images
        if let region = request.query("region"), !region.isEmpty {
            images = images.filter { $0.region.caseInsensitiveCompare(region) == .orderedSame }
        }
        if request.query("include_public")?.lowercased() == "false" {
            images = images.filter { !$0.isPublic }
        }
        if let search = request.query("search")?.lowercased(), !search.isEmpty {
            images = images.filter { $0.name.lowercased().contains(search) }
        }
        var groups: [String: [ImageSpec]] = [:]
        for image in images { groups[image.region + "\u{0}" + image.type, default: []].append(image) }
        let body: [JSON] = groups.keys.sorted().map { key in
            let members = groups[key]!.sorted { $0.id < $1.id }
            let first = members[0]
            return [
                "region_name": .string(first.region),
                "type": .string(first.type),
                "logo": .string(request.baseURL + "/hyperstack/static/logos/\(NetBoxText.slug(first.type)).png"),
                "images": .array(members.map(Self.image)),
            ]
        }
        return HyperstackHandler.success("Getting images successful", [("images", .array(body))])
    }

    static func image(_ image: ImageSpec) -> JSON {
        [
            "id": .int(image.id),
            "name": .string(image.name),
            "region_name": .string(image.region),
            "type": .string(image.type),
            "version": .string(image.version),
            "size": .int(image.size),
            "display_size": .string(displaySize(image.size)),
            "description": .string(image.description),
            "is_public": .bool(image.isPublic),
            "labels": [],
            "flavor_restrictions": ["has_flavor_restrictions": false, "restriction_type": nil, "compatible_flavors": []],
        ]
    }

    static func displaySize(_ bytes: Int) -> String {
        let gb = Double(bytes) / 1_073_741_824
        return String(format: "%.2f GB", gb)
    }

    // MARK: flavors

    /// `GET /core/flavors?region=`: flavors grouped by GPU model and region (`Flavor_List_Response`).
    func flavors() -> SimResponse {
        var flavors = spec.flavors
        if let region = request.query("region"), !region.isEmpty {
            flavors = flavors.filter { $0.region.caseInsensitiveCompare(region) == .orderedSame }
        }
        var groups: [String: [HyperstackFlavorSpec]] = [:]
        for flavor in flavors { groups[flavor.region + "\u{0}" + flavor.gpu, default: []].append(flavor) }
        let body: [JSON] = groups.keys.sorted().map { key in
            let members = groups[key]!.sorted { ($0.gpuCount, $0.name, $0.id) < ($1.gpuCount, $1.name, $1.id) }
            return [
                "gpu": .string(members[0].gpu),
                "region_name": .string(members[0].region),
                "flavors": .array(members.map(Self.flavor)),
            ]
        }
        return HyperstackHandler.success("Getting flavors successful", [("data", .array(body))])
    }

    static func flavor(_ flavor: HyperstackFlavorSpec) -> JSON {
        [
            "id": .int(flavor.id),
            "name": .string(flavor.name),
            "display_name": .string(flavor.name),
            "region_name": .string(flavor.region),
            "cpu": .int(flavor.cpu),
            "ram": .double(flavor.ram),
            "disk": .int(flavor.disk),
            "ephemeral": 0,
            "gpu": .string(flavor.gpu),
            "gpu_count": .int(flavor.gpuCount),
            "stock_available": true,
            "labels": [],
            "features": [:],
            "created_at": .string(catalogueCreatedAt),
        ]
    }

    // MARK: environments

    func environments() -> SimResponse {
        var environments = spec.environments.sorted { $0.id < $1.id }
        if let search = request.query("search")?.lowercased(), !search.isEmpty {
            environments = environments.filter {
                $0.name.lowercased().contains(search) || $0.region.lowercased().contains(search) || String($0.id) == search
            }
        }
        let (page, number, size) = HyperstackHandler.page(environments, request: request)
        return HyperstackHandler.success("Getting environments successful", [
            ("environments", .array(page.map(Self.environment))),
            ("count", .int(environments.count)), ("page", .int(number)), ("page_size", .int(size)),
        ])
    }

    func environment(_ id: String) -> SimResponse {
        guard let number = Int(id), let environment = spec.environments.first(where: { $0.id == number }) else {
            return HyperstackHandler.failure(404, "Environment \(id) not found")
        }
        return HyperstackHandler.success("Getting environment successful", [("environment", Self.environment(environment))])
    }

    static func environment(_ environment: EnvironmentSpec) -> JSON {
        [
            "id": .int(environment.id),
            "name": .string(environment.name),
            "region": .string(environment.region),
            "created_at": .string(catalogueCreatedAt),
            "features": features,
        ]
    }

    static let features: JSON = ["network_optimised": false, "green_status": "NOT_GREEN"]

    // MARK: keypairs

    func keypairs() -> SimResponse {
        let keypairs = spec.keypairs.sorted { $0.id < $1.id }
        let (page, number, size) = HyperstackHandler.page(keypairs, request: request)
        let environments = Dictionary(spec.environments.map { ($0.name, $0) }, uniquingKeysWith: { first, _ in first })
        return HyperstackHandler.success("Getting keypairs successful", [
            ("keypairs", .array(page.map { keypair in
                let environment = environments[keypair.environment]
                let digest = SimIDs.uuid("keypair", keypair.id).replacingOccurrences(of: "-", with: "")
                let fingerprint = stride(from: 0, to: 32, by: 2).map { offset -> String in
                    let start = digest.index(digest.startIndex, offsetBy: offset)
                    return String(digest[start..<digest.index(start, offsetBy: 2)])
                }.joined(separator: ":")
                return [
                    "id": .int(keypair.id),
                    "name": .string(keypair.name),
                    "environment": [
                        "id": .int(environment?.id ?? 0), "name": .string(keypair.environment),
                        "region": .string(environment?.region ?? ""), "created_at": .string(Self.catalogueCreatedAt),
                        "features": Self.features,
                    ],
                    "public_key": .string("ssh-ed25519 AAAAC3NzaC1lZDI1NTE5AAAAI\(digest.prefix(24)) \(keypair.name)@simulated"),
                    "fingerprint": .string(fingerprint),
                    "created_at": .string(Self.catalogueCreatedAt),
                ]
            })),
            ("count", .int(keypairs.count)), ("page", .int(number)), ("page_size", .int(size)),
        ])
    }

    // MARK: firewalls

    /// `GET /core/firewalls`: `FirewallsListResponse`, whose items are `FirewallDetailFields` (with
    /// rules and attachments).
    func firewalls() -> SimResponse {
        var firewalls = spec.firewalls.sorted { $0.id < $1.id }
        if let environment = request.query("environment"), !environment.isEmpty {
            firewalls = firewalls.filter { $0.environment == environment }
        }
        if let search = request.query("search")?.lowercased(), !search.isEmpty {
            firewalls = firewalls.filter { $0.name.lowercased().contains(search) || String($0.id) == search }
        }
        let (page, number, size) = HyperstackHandler.page(firewalls, request: request)
        return HyperstackHandler.success("Getting firewalls successful", [
            ("firewalls", .array(page.map(detail))),
            ("count", .int(firewalls.count)), ("page", .int(number)), ("page_size", .int(size)),
        ])
    }

    /// `GET /core/firewalls/{id}`: `FirewallDetailResponse`, with the attachments (each with its
    /// VM, whose `flavor` and `environment` are plain names here). Attachments that name a VM the
    /// world no longer has are left out.
    func firewall(_ id: String) -> SimResponse {
        guard let number = Int(id), let firewall = spec.firewalls.first(where: { $0.id == number }) else {
            return HyperstackHandler.failure(404, "Firewall \(id) not found")
        }
        return HyperstackHandler.success("Getting firewall successful", [("firewall", detail(firewall))])
    }

    /// A firewall as `FirewallDetailFields`.
    private func detail(_ firewall: FirewallSpec) -> JSON {
        let attachments: [JSON] = firewall.attachments.compactMap { vmID in
            guard let vm = spec.vms.first(where: { $0.id == vmID }) else { return nil }
            return [
                "id": .int(Self.attachmentID(firewall: firewall.id, vm: vmID)),
                "status": "ATTACHED",
                "created_at": .string(vm.createdAt),
                "vm": [
                    "id": .int(vm.id), "name": .string(vm.name), "flavor": .string(vm.flavor),
                    "environment": .string(vm.environment), "status": .string(vm.status), "created_at": .string(vm.createdAt),
                ],
            ]
        }
        var fields = firewallFields(firewall)
        fields.append(("rules", []))
        fields.append(("attachments", .array(attachments)))
        return .object(fields)
    }

    /// An attachment's id, stable for a firewall and a VM.
    static func attachmentID(firewall: Int, vm: Int) -> Int { firewall * 1_000_000 + vm }

    private func firewallFields(_ firewall: FirewallSpec) -> [(String, JSON)] {
        let environment = spec.environments.first { $0.name == firewall.environment }
        return [
            ("id", .int(firewall.id)),
            ("name", .string(firewall.name)),
            ("description", .string(firewall.description)),
            ("status", "CREATED"),
            ("created_at", .string(Self.catalogueCreatedAt)),
            ("environment", [
                "id": .int(environment?.id ?? 0), "name": .string(firewall.environment),
                "region": .string(environment?.region ?? ""),
            ]),
        ]
    }
}

/// `POST /core/firewalls/{firewall_id}/update-attachments`.
enum HyperstackFirewalls {
    /// Sets the firewall's attachments to exactly the VMs in `{"vms": [ids]}`.
    ///
    /// The Infrahub documentation does not say whether update-attachments adds to the current
    /// attachments or replaces them; its sibling `attach-firewalls` on a VM is documented as
    /// replacing. The simulator treats update-attachments as REPLACING too: VMs left out of the
    /// list are detached. So a client that sends only the VM it wants to add detaches every other
    /// VM, which is why clients must read the firewall, add to its attachment list and write the
    /// whole list back (and refuse to write when the read failed).
    static func updateAttachments(_ id: String, request: SimRequest, state: CloudState) async -> SimResponse {
        guard let body = request.json, body.object != nil else {
            return HyperstackHandler.failure(400, "The request body must be a JSON object: {\"vms\": [<vm id>, ...]}")
        }
        guard let list = body["vms"]?.array else {
            return HyperstackHandler.failure(400, "vms: this field is required and must be a list of virtual machine ids")
        }
        let ids = list.compactMap(\.int)
        guard ids.count == list.count else {
            return HyperstackHandler.failure(400, "vms: every element must be an integer virtual machine id")
        }
        guard let firewallID = Int(id) else {
            return HyperstackHandler.failure(404, "Firewall \(id) not found")
        }
        let (response, write) = await state.mutate { world -> (SimResponse, HyperstackRecords.FirewallWrite?) in
            guard let index = world.hyperstack.firewalls.firstIndex(where: { $0.id == firewallID }) else {
                return (HyperstackHandler.failure(404, "Firewall \(id) not found"), nil)
            }
            let known = Set(world.hyperstack.vms.map(\.id))
            if let missing = ids.first(where: { !known.contains($0) }) {
                return (HyperstackHandler.failure(404, "Virtual machine \(missing) not found"), nil)
            }
            var unique: [Int] = []
            for vm in ids where !unique.contains(vm) { unique.append(vm) }
            let before = world.hyperstack.firewalls[index].attachments
            world.hyperstack.firewalls[index].attachments = unique
            return (HyperstackHandler.success("Firewall attachments updated successfully"),
                    HyperstackRecords.FirewallWrite(firewall: firewallID, before: before, vms: unique))
        }
        if let write { await state.recordFirewallWrite(write) }
        return response
    }
}
