import Foundation
public import SpotCore

/// A Hyperstack flavor of one region (`GET /core/flavors?region=`, flattened).
public struct HyperstackFlavor: Sendable, Hashable {
    public var id: Int
    public var name: String
    public var region: String
    public var gpu: String
    public var gpuCount: Int
    public var stockAvailable: Bool?

    public init(id: Int, name: String, region: String, gpu: String, gpuCount: Int, stockAvailable: Bool? = nil) {
        self.id = id
        self.name = name
        self.region = region
        self.gpu = gpu
        self.gpuCount = gpuCount
        self.stockAvailable = stockAvailable
    }
}

/// A Hyperstack environment: a name in one region (VM create names it).
public struct HyperstackEnvironment: Sendable, Hashable {
    public var id: Int
    public var name: String
    public var region: String
}

/// A key pair of one environment (only its name and environment: never the key).
public struct HyperstackKeyPair: Sendable, Hashable {
    public var id: Int
    public var name: String
    public var environment: String
}

/// What `POST /core/virtual-machines` is asked to make: one VM (`count` 1, so the VM is named
/// exactly `name`). `userData` is a secret: it may hold the RunPod key.
public struct HyperstackVMRequest: Sendable {
    /// One `security_rules` item.
    public struct SecurityRule: Sendable, Hashable {
        public var direction: String
        public var ethertype: String
        public var protocolName: String
        public var remoteIPPrefix: String
        public var portRangeMin: Int?
        public var portRangeMax: Int?

        public init(direction: String, ethertype: String = "IPv4", protocolName: String, remoteIPPrefix: String,
                    portRangeMin: Int? = nil, portRangeMax: Int? = nil) {
            self.direction = direction
            self.ethertype = ethertype
            self.protocolName = protocolName
            self.remoteIPPrefix = remoteIPPrefix
            self.portRangeMin = portRangeMin
            self.portRangeMax = portRangeMax
        }
    }

    public var name: String
    public var environment: String
    public var flavor: String
    public var image: String
    public var keyName: String
    public var assignFloatingIP: Bool
    public var securityRules: [SecurityRule]
    public var labels: [String]
    public var userData: Secret?

    public init(name: String, environment: String, flavor: String, image: String, keyName: String,
                assignFloatingIP: Bool = false, securityRules: [SecurityRule] = [], labels: [String] = [], userData: Secret? = nil) {
        self.name = name
        self.environment = environment
        self.flavor = flavor
        self.image = image
        self.keyName = keyName
        self.assignFloatingIP = assignFloatingIP
        self.securityRules = securityRules
        self.labels = labels
        self.userData = userData
    }

    /// The JSON body (`Create_Instances_Payload`), keys sorted.
    func body() -> Data {
        var object: [String: Any] = [
            "name": name, "environment_name": environment, "flavor_name": flavor, "image_name": image,
            "key_name": keyName, "count": 1, "assign_floating_ip": assignFloatingIP, "labels": labels,
        ]
        if !securityRules.isEmpty {
            object["security_rules"] = securityRules.map { rule -> [String: Any] in
                var item: [String: Any] = ["direction": rule.direction, "ethertype": rule.ethertype, "protocol": rule.protocolName,
                                           "remote_ip_prefix": rule.remoteIPPrefix]
                if let low = rule.portRangeMin { item["port_range_min"] = low }
                if let high = rule.portRangeMax { item["port_range_max"] = high }
                return item
            }
        }
        if let userData { object["user_data"] = userData.reveal }
        return (try? JSONSerialization.data(withJSONObject: object, options: [.sortedKeys])) ?? Data()
    }
}

/// The calls a RunPod launch needs: the catalogue it checks against, VMs by exact name, a create
/// that is never repeated blindly, and firewall attachments written as a whole list.
extension HyperstackClient {
    /// The page size of the VM, environment and key pair listings.
    static let listPageSize = 100

    /// The flavors of a region (every region when nil), flattened from the GPU groups.
    public func flavors(region: String?) async throws(ClientError) -> [HyperstackFlavor] {
        var address = url("core/flavors")
        if let region { address = URLText.with(address, query: [("region", region)]) }
        let document: FlavorsDocument = try await get(address)
        guard let groups = document.data else {
            throw malformed("GET", address, "the answer has no flavor list (`data`)")
        }
        return groups.flatMap { group in
            (group.flavors ?? []).map {
                HyperstackFlavor(id: $0.id, name: $0.name, region: $0.regionName ?? group.regionName ?? "", gpu: $0.gpu ?? group.gpu ?? "",
                                 gpuCount: $0.gpuCount ?? 0, stockAvailable: $0.stockAvailable)
            }
        }
    }

    /// Every environment (paged).
    public func environments() async throws(ClientError) -> [HyperstackEnvironment] {
        try await pages("core/environments", query: [], key: "environments", EnvironmentsPage.self, id: \.id) { page in
            page.environments.map { HyperstackEnvironment(id: $0.id, name: $0.name, region: $0.region ?? "") }
        }
    }

    /// The key pairs of an environment (every key pair when nil), paged; names only.
    public func keyPairs(environment: String?) async throws(ClientError) -> [HyperstackKeyPair] {
        let all = try await pages("core/keypairs", query: [], key: "keypairs", KeyPairsPage.self, id: \.id) { page in
            page.keypairs.map { HyperstackKeyPair(id: $0.id, name: $0.name, environment: $0.environment?.name ?? "") }
        }
        guard let environment else { return all }
        return all.filter { $0.environment == environment }
    }

    /// Every VM (paged, oldest first).
    public func virtualMachines() async throws(ClientError) -> [HyperstackVM] {
        try await pages("core/virtual-machines", query: [], key: "instances", InstancesPage.self, id: \.id) { page in
            page.instances.map(\.model)
        }
    }

    /// The VMs named exactly `name`: Hyperstack's `search` matches parts of names, so the
    /// answer is filtered here. Several is possible (Hyperstack does not refuse a second VM of a
    /// name in every case); the caller decides what several mean. What `search` matches is not
    /// documented, so when it finds no VM of exactly that name the whole list is read before
    /// saying "none" (this answer decides whether a VM is created).
    public func virtualMachines(named name: String) async throws(ClientError) -> [HyperstackVM] {
        let found = try await pages("core/virtual-machines", query: [("search", name)], key: "instances", InstancesPage.self, id: \.id) { page in
            page.instances.map(\.model)
        }
        let exact = found.filter { $0.name == name }
        guard exact.isEmpty else { return exact }
        return try await virtualMachines().filter { $0.name == name }
    }

    /// The one VM named exactly `name`: `.notFound` and `.several` are different errors.
    public func virtualMachine(named name: String) async throws(LookupError) -> HyperstackVM {
        let found: [HyperstackVM]
        do throws(ClientError) {
            found = try await virtualMachines(named: name)
        } catch {
            throw .failed(error)
        }
        let request = "GET " + HTTPTransport.pathAndQuery(URLText.with(url("core/virtual-machines"), query: [("search", name)]))
        if found.count > 1 {
            throw .several(service: "Hyperstack", request: request, what: "VM named \(name)", ids: found.map { String($0.id) })
        }
        guard let vm = found.first else { throw .notFound(service: "Hyperstack", request: request, what: "VM named \(name)") }
        return vm
    }

    /// One VM by id (`GET /core/virtual-machines/{id}`); a 404 is a `ClientError` with status 404.
    public func virtualMachine(id: Int) async throws(ClientError) -> HyperstackVM {
        let address = url("core/virtual-machines/\(id)")
        let document: InstanceDocument = try await get(address)
        guard let instance = document.instance else { throw malformed("GET", address, "the answer has no instance") }
        return instance.model
    }

    /// A VM's history (`GET /core/virtual-machines/{id}/events`), oldest first: where Hyperstack
    /// says why a VM went to ERROR.
    public func virtualMachineEvents(id: Int) async throws(ClientError) -> [HyperstackVMEvent] {
        let address = url("core/virtual-machines/\(id)/events")
        let document: InstanceEventsDocument = try await get(address)
        guard let events = document.instanceEvents else { throw malformed("GET", address, "the answer has no instance_events") }
        return events.enumerated().sorted { ($0.element.time ?? "", $0.offset) < ($1.element.time ?? "", $1.offset) }.map { entry in
            HyperstackVMEvent(time: entry.element.time, type: entry.element.type, reason: entry.element.reason, message: entry.element.message)
        }
    }

    /// Creates one VM named exactly `request.name` and returns it as the answer describes it.
    ///
    /// The POST is not idempotent, so it is never sent again blindly: after a timeout, a dropped
    /// connection or a 502/503/504, the VMs named exactly so are read back first; when one is there
    /// it is returned (the create took effect), when none is the POST is sent again, and when the
    /// read-back fails the error says it could not tell. Callers look for the name before calling
    /// this too (a re-run must not make a second VM).
    public func createVirtualMachine(_ request: HyperstackVMRequest) async throws(ClientError) -> HyperstackVM {
        let address = url("core/virtual-machines")
        let name = request.name
        let client = self
        let readBack: @Sendable () async -> ReadBack = {
            do throws(ClientError) {
                return try await client.virtualMachines(named: name).isEmpty ? .notApplied : .applied
            } catch {
                return .unknown
            }
        }
        var redactor = self.redactor
        if let userData = request.userData { redactor = redactor.adding(Redactor(secrets: [userData])) }
        let response: HTTPTransport.Response
        do throws(ClientError) {
            response = try await caller.call("POST", address, headers: headers, body: request.body(), redactor: redactor,
                                             repetition: .checked(readBack))
        } catch {
            guard error.tookEffect else { throw error }
            // The answer was lost but the VM is there: it is the result.
            let found = try await virtualMachines(named: name)
            guard found.count == 1, let vm = found.first else { throw error }
            return vm
        }
        if let envelope = try? JSONDecoder().decode(HyperstackEnvelope.self, from: response.body), envelope.status == false {
            throw ClientError(service: "Hyperstack", method: "POST", path: HTTPTransport.pathAndQuery(address), status: response.status,
                              message: redactor.redact(ErrorStyle.hyperstack.message(from: response.body)), attempts: 1)
        }
        let document = try caller.decode(InstancesDocument.self, from: response, method: "POST", url: address, redactor: redactor)
        guard let vm = document.instances?.map(\.model).first(where: { $0.name == name }) else {
            throw malformed("POST", address, "the answer names no VM \(name); read the VMs back before trying again")
        }
        return vm
    }

    /// The ids of the VMs attached to a firewall, in the order listed. A failed or malformed read
    /// throws (never an empty list).
    public func firewallAttachments(id: Int) async throws(ClientError) -> [Int] {
        try await firewall(id: id).attachments.map(\.vmID)
    }

    /// `POST /core/firewalls/{id}/update-attachments` with the whole list: the call replaces the
    /// attachments, so `vms` must be every VM to keep plus the ones to add. Writing the same list
    /// twice gives the same result, so a lost answer is retried.
    public func updateFirewallAttachments(id: Int, vms: [Int]) async throws(ClientError) {
        let address = url("core/firewalls/\(id)/update-attachments")
        let body = (try? JSONSerialization.data(withJSONObject: ["vms": vms], options: [.sortedKeys])) ?? Data()
        let response = try await caller.call("POST", address, headers: headers, body: body, redactor: redactor, repetition: .idempotent)
        if let envelope = try? JSONDecoder().decode(HyperstackEnvelope.self, from: response.body), envelope.status == false {
            throw ClientError(service: "Hyperstack", method: "POST", path: HTTPTransport.pathAndQuery(address), status: response.status,
                              message: redactor.redact(ErrorStyle.hyperstack.message(from: response.body)), attempts: 1)
        }
    }

    /// Adds VMs to a firewall without detaching any: reads the attachments (a failed or malformed
    /// read stops before any write), writes the union when something is missing (one write), and
    /// reads the list back. Returns the attachments after, and whether a write was made.
    @discardableResult
    public func attachToFirewall(id: Int, vms: [Int]) async throws(ClientError) -> (attachments: [Int], wrote: Bool) {
        let current = try await firewallAttachments(id: id)
        let missing = vms.filter { !current.contains($0) }
        guard !missing.isEmpty else { return (current, false) }
        var list = current
        for vm in missing where !list.contains(vm) { list.append(vm) }
        try await updateFirewallAttachments(id: id, vms: list)
        let after = try await firewallAttachments(id: id)
        let address = url("core/firewalls/\(id)")
        if let lost = list.first(where: { !after.contains($0) }) {
            throw malformed("GET", address, "after the write, VM \(lost) is not attached to firewall \(id); read the firewall and write again")
        }
        return (after, true)
    }

    // MARK: plumbing

    func malformed(_ method: String, _ address: String, _ message: String) -> ClientError {
        ClientError(service: "Hyperstack", method: method, path: redactor.redact(HTTPTransport.pathAndQuery(address)), status: 200,
                    message: message, attempts: 1)
    }

    /// A listing read page by page (`page`, `pageSize`). With a `count` in the answer, pages are
    /// read until that many items (or an empty page); without one, until a page is empty or
    /// shorter than asked. A page that brings no item not seen before (a service that ignores
    /// `page`) is an error, as is an answer without the list: never the end of the list.
    func pages<Page: Decodable, Item>(_ path: String, query: [(String, String)], key: String, _ type: Page.Type,
                                      id: (Item) -> Int, items: (Page) -> [Item]) async throws(ClientError) -> [Item] {
        var all: [Item] = []
        var seen: Set<Int> = []
        var page = 1
        while true {
            let address = URLText.with(url(path), query: query + [("page", String(page)), ("pageSize", String(Self.listPageSize))])
            let document: ListDocument<Page> = try await get(address)
            guard let body = document.page else { throw malformed("GET", address, "the answer has no `\(key)` list") }
            let found = items(body)
            if found.isEmpty { return all }
            let fresh = found.filter { seen.insert(id($0)).inserted }
            guard !fresh.isEmpty else {
                throw malformed("GET", address, "page \(page) repeats items already read; the paging does not advance")
            }
            all += fresh
            if let count = document.count {
                if all.count >= count { return all }
            } else if found.count < Self.listPageSize {
                return all
            }
            page += 1
        }
    }
}

// MARK: wire types

/// A listing: the page's own type decoded from the same object, plus `count`. A missing list
/// fails the page's decoding, which `page` turns into nil.
private struct ListDocument<Page: Decodable>: Decodable {
    let page: Page?
    let count: Int?

    enum CodingKeys: String, CodingKey { case count }

    init(from decoder: any Decoder) throws {
        let c = try decoder.container(keyedBy: CodingKeys.self)
        count = try c.decodeIfPresent(Int.self, forKey: .count)
        page = try? Page(from: decoder)
    }
}

private struct FlavorsDocument: Decodable {
    struct Group: Decodable {
        let gpu: String?
        let regionName: String?
        let flavors: [Flavor]?

        enum CodingKeys: String, CodingKey {
            case gpu, flavors
            case regionName = "region_name"
        }
    }

    struct Flavor: Decodable {
        let id: Int
        let name: String
        let regionName: String?
        let gpu: String?
        let gpuCount: Int?
        let stockAvailable: Bool?

        enum CodingKeys: String, CodingKey {
            case id, name, gpu
            case regionName = "region_name"
            case gpuCount = "gpu_count"
            case stockAvailable = "stock_available"
        }
    }

    let data: [Group]?
}

private struct EnvironmentsPage: Decodable {
    struct Entry: Decodable {
        let id: Int
        let name: String
        let region: String?
    }

    let environments: [Entry]
}

private struct KeyPairsPage: Decodable {
    struct Entry: Decodable {
        struct Environment: Decodable { let name: String? }
        let id: Int
        let name: String
        let environment: Environment?
    }

    let keypairs: [Entry]
}

/// `Instance_Fields`, the allow-listed part (never `user_data`, keys or security rules).
struct InstanceWire: Decodable {
    struct Named: Decodable { let name: String? }
    struct Environment: Decodable {
        let name: String?
        let region: String?
    }

    let id: Int
    let name: String
    let status: String?
    let environment: Environment?
    let flavor: Named?
    let image: Named?
    let keypair: Named?
    let fixedIP: String?
    let floatingIP: String?
    let createdAt: String?

    enum CodingKeys: String, CodingKey {
        case id, name, status, environment, flavor, image, keypair
        case fixedIP = "fixed_ip"
        case floatingIP = "floating_ip"
        case createdAt = "created_at"
    }

    var model: HyperstackVM {
        HyperstackVM(id: id, name: name, status: status ?? "", environment: environment?.name ?? "", region: environment?.region,
                     flavor: flavor?.name ?? "", image: image?.name, keyName: keypair?.name, fixedIP: fixedIP,
                     floatingIP: floatingIP, createdAt: createdAt)
    }
}

private struct InstancesPage: Decodable {
    let instances: [InstanceWire]
}

private struct InstancesDocument: Decodable {
    let instances: [InstanceWire]?
}

private struct InstanceDocument: Decodable {
    let instance: InstanceWire?
}

private struct InstanceEventsDocument: Decodable {
    struct Event: Decodable {
        let time: String?
        let type: String?
        let reason: String?
        let message: String?
    }
    let instanceEvents: [Event]?

    enum CodingKeys: String, CodingKey { case instanceEvents = "instance_events" }
}

/// One entry of a VM's history.
public struct HyperstackVMEvent: Sendable, Hashable {
    public var time: String?
    public var type: String?
    public var reason: String?
    public var message: String?

    public init(time: String?, type: String?, reason: String?, message: String?) {
        self.time = time
        self.type = type
        self.reason = reason
        self.message = message
    }

    /// "reason: message", whichever are present and not empty.
    public var text: String? {
        let parts = [reason, message].compactMap { $0?.trimmingCharacters(in: .whitespacesAndNewlines) }.filter { !$0.isEmpty }
        return parts.isEmpty ? nil : parts.joined(separator: ": ")
    }
}
