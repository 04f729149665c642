import Foundation

extension CloudState {
    /// Moves time-driven state forward: a Hyperstack VM is CREATING for the first half of its
    /// build delay, BUILD for the second half, and ACTIVE (or ERROR, when its name matches a
    /// `failing_launches` glob) once `readyAt` has passed. A VM that becomes ACTIVE lands in Nova
    /// as a server on the compute host its name names. Called before every request, so it returns
    /// after one pass over the Hyperstack VMs (not the servers) when nothing is building.
    func advanceClock() {
        guard world.hyperstack.vms.contains(where: { $0.readyAt != nil }) else { return }
        let now = uptime
        let buildPhase = options.buildDelay / 2
        func due(_ vm: VMSpec) -> Bool {
            guard let readyAt = vm.readyAt else { return false }
            return now >= readyAt || (vm.status == "CREATING" && now >= readyAt - buildPhase)
        }
        guard world.hyperstack.vms.contains(where: due) else { return }
        let wallClock = Date()
        mutate { world in
            for index in world.hyperstack.vms.indices where due(world.hyperstack.vms[index]) {
                if now >= world.hyperstack.vms[index].readyAt! {
                    Self.finishBuild(&world, index: index, at: wallClock)
                } else {
                    world.hyperstack.vms[index].status = "BUILD"
                }
            }
        }
    }

    /// Ends a VM's build: ERROR for a failing launch; otherwise ACTIVE, with a fixed IP and a Nova
    /// server (id, name, host, project of the scenario's credentials, flavor) that it points to.
    static func finishBuild(_ world: inout Scenario, index: Int, at date: Date) {
        var vm = world.hyperstack.vms[index]
        vm.readyAt = nil
        defer { world.hyperstack.vms[index] = vm }
        if world.hyperstack.failingLaunches.contains(where: { HyperstackHandler.glob($0, matches: vm.name) }) {
            vm.status = "ERROR"
            return
        }
        vm.status = "ACTIVE"
        let host = computeHost(named: vm.name, in: world.hosts)
        var serverID = SimIDs.uuid("hyperstack-vm", vm.id)
        var attempt = 1
        while world.servers.contains(where: { $0.id == serverID }) {
            serverID = SimIDs.uuid("hyperstack-vm", "\(vm.id)-\(attempt)")
            attempt += 1
        }
        let flavor = world.flavors.contains { $0.name == vm.flavor } ? vm.flavor : (world.flavors.first?.name ?? vm.flavor)
        let zone = host.flatMap { name in world.hosts.first { $0.name == name }?.zone }
        if vm.fixedIP == nil {
            vm.fixedIP = "10.\(100 + (vm.id >> 16) % 100).\((vm.id >> 8) % 256).\(vm.id % 256)"
        }
        let formatter = DateFormatter()
        formatter.locale = Locale(identifier: "en_US_POSIX")
        formatter.timeZone = TimeZone(identifier: "UTC")
        formatter.dateFormat = "yyyy-MM-dd'T'HH:mm:ss'Z'"
        world.servers.append(ServerSpec(
            id: serverID, name: vm.name, status: "ACTIVE", host: host, projectID: world.credentials.projectID,
            userID: world.credentials.userID, flavor: flavor, imageID: SimIDs.uuid("image", vm.image), keyName: vm.keyName,
            created: formatter.string(from: date), metadata: ["hyperstack_vm_id": String(vm.id)],
            userData: vm.userData.map { Data($0.utf8).base64EncodedString() }, availabilityZone: zone ?? "nova"))
        vm.novaServerID = serverID
        vm.host = host
    }

    /// The compute host whose name the VM's name contains (case-insensitive; the longest such
    /// name wins, so `gpu-10` beats `gpu-1`), or nil.
    static func computeHost(named vmName: String, in hosts: [HostSpec]) -> String? {
        let name = vmName.lowercased()
        var best: String?
        for host in hosts where host.name.count > (best?.count ?? 0) && name.contains(host.name.lowercased()) {
            best = host.name
        }
        return best
    }
}
