import Foundation

/// Hyperstack virtual machines: create (`Create_Instances_Payload` → `CreateInstancesResponse`),
/// show (`Instance`), list (`Instances`) and delete. A created VM is CREATING, then BUILD, then
/// ACTIVE (or ERROR) once the build delay has passed; `CloudState.advanceClock()` moves it along
/// and puts the ACTIVE VM into Nova as a server on the compute host its name names.
enum HyperstackVMs {
    /// Hyperstack limits a VM name to 50 characters.
    static let maxNameLength = 50
    /// The most VMs one create call makes.
    static let maxCount = 20

    // MARK: create

    static func create(request: SimRequest, state: CloudState) async -> SimResponse {
        guard let body = request.json, body.object != nil else {
            return HyperstackHandler.failure(400, "The request body must be a JSON object (Create_Instances_Payload).")
        }
        // Required fields and their types.
        var missing: [String] = []
        func string(_ key: String, required: Bool) -> String? {
            guard let value = body[key], !value.isNull else {
                if required { missing.append(key) }
                return nil
            }
            guard let text = value.string, !text.isEmpty else {
                if required { missing.append(key) }
                return nil
            }
            return text
        }
        let name = string("name", required: true)
        let environmentName = string("environment_name", required: true)
        let flavorName = string("flavor_name", required: true)
        let keyName = string("key_name", required: true)
        let imageName = string("image_name", required: false)
        let volumeName = string("volume_name", required: false)
        let count = body["count"]?.int
        if count == nil { missing.append("count") }
        guard missing.isEmpty, let name, let environmentName, let flavorName, let keyName, let count else {
            return HyperstackHandler.failure(400, "Missing or invalid required field(s): \(missing.joined(separator: ", "))")
        }
        guard name.count <= maxNameLength else {
            return HyperstackHandler.failure(400, "name: ensure this value has at most \(maxNameLength) characters")
        }
        guard (1...maxCount).contains(count) else {
            return HyperstackHandler.failure(400, "count: must be between 1 and \(maxCount)")
        }
        guard imageName != nil || volumeName != nil else {
            return HyperstackHandler.failure(400, "Either image_name or volume_name is required")
        }
        var labels: [String] = []
        if let value = body["labels"], !value.isNull {
            guard let items = value.array, items.allSatisfy({ $0.string != nil }) else {
                return HyperstackHandler.failure(400, "labels: must be a list of strings")
            }
            labels = items.compactMap(\.string)
        }
        for key in ["assign_floating_ip", "create_bootable_volume", "enable_port_randomization"] {
            if let value = body[key], !value.isNull, value.bool == nil {
                return HyperstackHandler.failure(400, "\(key): must be a boolean")
            }
        }
        if let value = body["user_data"], !value.isNull, value.string == nil {
            return HyperstackHandler.failure(400, "user_data: must be a string")
        }
        if let value = body["security_rules"], !value.isNull, value.array == nil {
            return HyperstackHandler.failure(400, "security_rules: must be a list")
        }
        let floatingIP = body["assign_floating_ip"]?.bool ?? false
        let userData = body["user_data"]?.string
        let names = count == 1 ? [name] : (1...count).map { "\(name)-\($0)" }
        let now = await state.uptime
        let readyAt = now + state.options.buildDelay
        let createdAt = HyperstackHandler.timestamp(Date())

        // Validate against the world and record the VMs in one step, so that two concurrent
        // creates cannot both take a name.
        let (response, made) = await state.mutate { world -> (SimResponse, [HyperstackRecords.VMCreate]) in
            let spec = world.hyperstack
            guard let environment = spec.environments.first(where: { $0.name == environmentName }) else {
                return (HyperstackHandler.failure(404, "Environment \(environmentName) not found"), [])
            }
            if let imageName, !spec.images.contains(where: { $0.name == imageName && $0.region == environment.region }) {
                return (HyperstackHandler.failure(404, "Image \(imageName) not found in region \(environment.region)"), [])
            }
            guard spec.flavors.contains(where: { $0.name == flavorName && $0.region == environment.region }) else {
                return (HyperstackHandler.failure(404, "Flavor \(flavorName) not found in region \(environment.region)"), [])
            }
            guard spec.keypairs.contains(where: { $0.name == keyName && $0.environment == environment.name }) else {
                return (HyperstackHandler.failure(404, "Keypair \(keyName) not found in environment \(environment.name)"), [])
            }
            let taken = Set(spec.vms.map(\.name))
            if let clash = names.first(where: taken.contains) {
                return (HyperstackHandler.failure(409, "A virtual machine named \(clash) already exists"), [])
            }
            var nextID = (spec.vms.map(\.id).max() ?? 0) + 1
            var created: [VMSpec] = []
            for vmName in names {
                let id = nextID
                nextID += 1
                created.append(VMSpec(
                    id: id, name: vmName, status: "CREATING", environment: environment.name, flavor: flavorName,
                    image: imageName ?? volumeName ?? "", keyName: keyName,
                    floatingIP: floatingIP ? "203.0.113.\(id % 254 + 1)" : nil,
                    createdAt: createdAt, readyAt: readyAt, labels: labels, userData: userData))
            }
            world.hyperstack.vms.append(contentsOf: created)
            let message = created.count == 1 ? "Creating virtual machine" : "Creating \(created.count) virtual machines"
            return (HyperstackHandler.success(message, [("instances", .array(created.map { instance($0, world: world) }))]),
                    created.map { HyperstackRecords.VMCreate(id: $0.id, name: $0.name) })
        }
        if !made.isEmpty { await state.recordVMCreates(made) }
        return response
    }

    // MARK: show, list, delete

    static func show(_ id: String, world: Scenario) -> SimResponse {
        guard let number = Int(id), let vm = world.hyperstack.vms.first(where: { $0.id == number }) else {
            return HyperstackHandler.failure(404, "Virtual machine \(id) not found")
        }
        return HyperstackHandler.success("Getting virtual machine successful", [("instance", instance(vm, world: world))])
    }

    /// `GET /core/virtual-machines/{id}/events` (InstanceEvents): the VM's creation, then its
    /// failure for a VM in ERROR (Nova's scheduler text, which is what Hyperstack passes on).
    static func events(_ id: String, world: Scenario) -> SimResponse {
        guard let number = Int(id), let vm = world.hyperstack.vms.first(where: { $0.id == number }) else {
            return HyperstackHandler.failure(404, "Virtual machine \(id) not found")
        }
        func event(_ type: String, _ reason: String, _ message: String) -> JSON {
            .object([("instance_id", .int(vm.id)), ("object", "virtual_machine"), ("type", .string(type)), ("reason", .string(reason)),
                     ("message", .string(message)), ("time", .string(vm.createdAt)), ("user_id", .int(1)), ("org_id", .int(1))])
        }
        var events = [event("info", "Creating", "Virtual machine \(vm.name) is being created")]
        if vm.status == "ERROR" {
            events.append(event("error", "No valid host was found", "There are not enough hosts available."))
        }
        return HyperstackHandler.success("Getting virtual machine events successful", [("instance_events", .array(events))])
    }

    /// `GET /core/virtual-machines?page=&pageSize=&search=&environment=`, oldest first. The page
    /// size defaults to 20 (the API documents no default; a client must page).
    static func list(world: Scenario, request: SimRequest) -> SimResponse {
        var vms = world.hyperstack.vms.sorted { $0.id < $1.id }
        if let environment = request.query("environment"), !environment.isEmpty {
            let exact = request.query("exact_environment_match")?.lowercased() == "true"
            vms = vms.filter { exact ? $0.environment == environment : $0.environment.lowercased().contains(environment.lowercased()) }
        }
        if let search = request.query("search")?.lowercased(), !search.isEmpty {
            vms = vms.filter { $0.name.lowercased().contains(search) || String($0.id) == search }
        }
        let (page, number, size) = HyperstackHandler.page(vms, request: request)
        return HyperstackHandler.success("Getting virtual machines successful", [
            ("count", .int(vms.count)), ("page", .int(number)), ("page_size", .int(size)),
            ("instances", .array(page.map { instance($0, world: world) })),
        ])
    }

    /// Deletes the VM at once (its Nova server goes with it, and it leaves every firewall).
    static func delete(_ id: String, state: CloudState) async -> SimResponse {
        guard let number = Int(id) else {
            return HyperstackHandler.failure(404, "Virtual machine \(id) not found")
        }
        return await state.mutate { world -> SimResponse in
            guard let index = world.hyperstack.vms.firstIndex(where: { $0.id == number }) else {
                return HyperstackHandler.failure(404, "Virtual machine \(id) not found")
            }
            let vm = world.hyperstack.vms.remove(at: index)
            if let server = vm.novaServerID {
                world.servers.removeAll { $0.id == server }
            }
            for firewall in world.hyperstack.firewalls.indices {
                world.hyperstack.firewalls[firewall].attachments.removeAll { $0 == number }
            }
            return HyperstackHandler.success("Virtual machine \(vm.name) deleted successfully")
        }
    }

    // MARK: rendering

    /// A VM as `Instance_Fields`. Values the simulator does not know are null (`contract_id`,
    /// `callback_url`, and `fixed_ip`/`floating_ip` until assigned), as the real API sends them.
    static func instance(_ vm: VMSpec, world: Scenario) -> JSON {
        let spec = world.hyperstack
        let environment = spec.environments.first { $0.name == vm.environment }
        let region = environment?.region ?? ""
        let flavor = spec.flavors.first { $0.name == vm.flavor && $0.region == region }
            ?? spec.flavors.first { $0.name == vm.flavor }
        let image = spec.images.first { $0.name == vm.image && $0.region == region }
        let publicIP = vm.floatingIP != nil
        return [
            "id": .int(vm.id),
            "name": .string(vm.name),
            "status": .string(vm.status),
            "vm_state": .string(vmState(vm.status)),
            "power_state": .string(vm.status == "ACTIVE" ? "RUNNING" : vm.status == "SHUTOFF" ? "SHUTDOWN" : "NOSTATE"),
            "fixed_ip": vm.fixedIP.map(JSON.string) ?? .null,
            "floating_ip": vm.floatingIP.map(JSON.string) ?? .null,
            "floating_ip_status": publicIP ? (vm.status == "ACTIVE" ? "ATTACHED" : "ATTACHING") : "NOT_ATTACHED",
            "environment": [
                "id": .int(environment?.id ?? 0), "name": .string(vm.environment), "region": .string(region),
                "org_id": 1, "features": HyperstackCatalog.features,
            ],
            "flavor": [
                "id": .int(flavor?.id ?? 0), "name": .string(vm.flavor), "cpu": .int(flavor?.cpu ?? 0),
                "ram": .double(flavor?.ram ?? 0), "disk": .int(flavor?.disk ?? 0), "ephemeral": 0,
                "gpu": .string(flavor?.gpu ?? ""), "gpu_count": .int(flavor?.gpuCount ?? 0), "labels": [], "features": [:],
            ],
            "image": ["name": .string(vm.image)],
            "keypair": ["name": .string(vm.keyName)],
            "labels": .array(vm.labels.map(JSON.string)),
            "security_rules": [],
            "volume_attachments": [],
            "os": .string(image.map { "\($0.type) \($0.version)" } ?? ""),
            "locked": false,
            "contract_id": nil,
            "callback_url": nil,
            "requires_public_ip": .bool(publicIP),
            "port_randomization": .bool(publicIP),
            "port_randomization_status": .string(publicIP ? "ENABLED" : "DISABLED"),
            "created_at": .string(vm.createdAt),
            "features": [:],
        ]
    }

    /// The OpenStack `vm_state` behind a Hyperstack status.
    static func vmState(_ status: String) -> String {
        switch status {
        case "CREATING", "BUILD": return "building"
        case "ACTIVE": return "active"
        case "ERROR": return "error"
        case "SHUTOFF": return "stopped"
        case "HIBERNATED": return "shelved_offloaded"
        default: return status.lowercased()
        }
    }
}
