import Foundation
public import SpotCore

/// Nova (Compute API v2.1): aggregates, compute services, hypervisors, flavors and servers, and
/// moving hosts between aggregates. The microversion is negotiated once per client: the lower of
/// the client's maximum and the server's (read from the compute root); a server below 2.47 (no
/// embedded flavors in servers) is refused.
public struct NovaClient: Sendable {
    public let session: OpenStackSession
    public let maxMicroversion: String
    public let pageSize: Int
    let caller: ServiceCaller
    private let state = NovaState()

    /// The lowest server maximum spotctl accepts: servers embed their flavor from 2.47.
    public static let minimumMicroversion = "2.47"

    /// How many per-flavor requests (extra specs on clouds older than 2.61) run at once.
    static let concurrency = 8

    public init(session: OpenStackSession, maxMicroversion: String = "2.96", pageSize: Int = 1000) {
        self.session = session
        self.maxMicroversion = maxMicroversion
        self.pageSize = max(1, pageSize)
        self.caller = ServiceCaller(service: "Nova", style: .openStack, transport: session.transport)
    }

    // MARK: microversion

    /// The microversion every call sends: min(client max, server max), negotiated once.
    public func microversion() async throws(ClientError) -> String {
        try await state.microversion { () async throws(ClientError) -> String in try await negotiate() }
    }

    private func negotiate() async throws(ClientError) -> String {
        guard let clientMax = Version(maxMicroversion) else {
            throw ClientError(service: "Nova", method: "GET", path: "/", status: nil,
                              message: "invalid maximum microversion \(maxMicroversion) (expected MAJOR.MINOR)", attempts: 0)
        }
        let base = try await session.endpoint(type: "compute")
        let root = Self.computeRoot(base)
        let response = try await session.send(caller, "GET", root, headers: [("Accept", "application/json")], expect: [200, 300])
        let document = try caller.decode(VersionDocument.self, from: response, method: "GET", url: root, redactor: await session.redactor())
        let entries = (document.versions ?? []) + (document.version.map { [$0] } ?? [])
        let entry = entries.first { $0.id == "v2.1" } ?? entries.first { $0.status == "CURRENT" }
        guard let entry else {
            throw ClientError(service: "Nova", method: "GET", path: HTTPTransport.pathAndQuery(root), status: response.status,
                              message: "the compute root lists no v2.1 API", attempts: 1)
        }
        // An empty `version` means the API has no microversions (2.1 only).
        let serverMax = Version(entry.version ?? "") ?? Version(2, 1)
        let minimum = Version(Self.minimumMicroversion)!
        guard serverMax >= minimum else {
            throw ClientError(service: "Nova", method: "GET", path: HTTPTransport.pathAndQuery(root), status: nil,
                              message: "Nova's maximum microversion is \(serverMax); spotctl needs \(minimum) or later (servers with their embedded flavor, Nova 16 \"Pike\" or newer)",
                              attempts: 1)
        }
        if let serverMin = entry.minVersion.flatMap(Version.init), clientMax < serverMin {
            throw ClientError(service: "Nova", method: "GET", path: HTTPTransport.pathAndQuery(root), status: nil,
                              message: "Nova's minimum microversion \(serverMin) is above the client's maximum \(clientMax)", attempts: 1)
        }
        return min(clientMax, serverMax).description
    }

    /// The compute root for version discovery: the catalog URL without `/v2.1[/<project>]`.
    static func computeRoot(_ url: String) -> String {
        guard var components = URLComponents(string: url) else { return url }
        let segments = components.percentEncodedPath.split(separator: "/").map(String.init)
        guard let index = segments.lastIndex(where: { $0.range(of: #"^v2(\.\d+)?$"#, options: .regularExpression) != nil }) else {
            return url
        }
        components.percentEncodedPath = "/" + segments[..<index].joined(separator: "/")
        components.percentEncodedQuery = nil
        return components.string ?? url
    }

    // MARK: reads

    public func aggregates() async throws(ClientError) -> [Aggregate] {
        let list: AggregateList = try await get("os-aggregates")
        return list.aggregates.map(\.model)
    }

    /// The nova-compute services (`/os-services?binary=nova-compute`). A service of a cell Nova
    /// cannot reach (2.69+: status `UNKNOWN`, nothing else) fails the read: its host's state is
    /// not known.
    public func computeServices() async throws(ClientError) -> [ComputeService] {
        let query = [("binary", "nova-compute")]
        let list: ServiceList = try await get("os-services", query: query)
        let services = list.services.filter { ($0.binary ?? "nova-compute") == "nova-compute" }
        let unreachable = services.filter { $0.status?.uppercased() == "UNKNOWN" && $0.state == nil }
        if !unreachable.isEmpty {
            throw try await downCell("os-services", query: query, what: "compute services", names: unreachable.map(\.host))
        }
        return services.map(\.model)
    }

    /// Records of a Nova cell that cannot be reached (microversion 2.69+ answers them with status
    /// `UNKNOWN` and no host or flavor): read as they are, their hosts would look free.
    private func downCell(_ path: String, query: [(String, String)], what: String,
                          names: [String]) async throws(ClientError) -> ClientError {
        let url = URLText.with(URLText.join(try await session.endpoint(type: "compute"), path), query: query)
        let redactor = await session.redactor()
        let shown = names.sorted().prefix(5).joined(separator: ", ") + (names.count > 5 ? " and \(names.count - 5) more" : "")
        let message = "Nova answers \(names.count) \(what) from a cell it cannot reach (status UNKNOWN, no host or flavor): \(shown). "
            + "Read as they are, their hosts would look free, so the read stops here: bring the cell back (its database and message queue; "
            + "`nova-manage cell_v2 list_cells`, nova-conductor's log) and run it again"
        return ClientError(service: "Nova", method: "GET", path: redactor.redact(HTTPTransport.pathAndQuery(url)), status: 200,
                           message: redactor.redact(message), attempts: 1)
    }

    /// Every hypervisor (`/os-hypervisors/detail`, paged by `hypervisors_links` from 2.33).
    public func hypervisors() async throws(ClientError) -> [Hypervisor] {
        let version = try await Version(microversion()) ?? Version(2, 1)
        let query: [(String, String)] = version >= Version(2, 33) ? [("limit", String(pageSize))] : []
        return try await paged("os-hypervisors/detail", query: query, HypervisorPage.self, progress: nil).map(\.model)
    }

    /// Every flavor, public and private (`/flavors/detail?is_public=None`), with its extra specs:
    /// in the body from 2.61, else one `os-extra_specs` request per flavor (a few at a time).
    public func flavors() async throws(ClientError) -> [Flavor] {
        let version = try await Version(microversion()) ?? Version(2, 1)
        var flavors = try await paged("flavors/detail", query: [("is_public", "None"), ("limit", String(pageSize))],
                                      FlavorPage.self, progress: nil).map(\.model)
        if version < Version(2, 61) {
            let ids = flavors.map(\.id)
            let specs = try await boundedMap(ids, limit: Self.concurrency) { (id: String) async throws(ClientError) -> [String: String] in
                let specs: ExtraSpecs = try await get("flavors/\(URLText.encode(id))/os-extra_specs")
                return specs.extraSpecs?.values ?? [:]
            }
            for index in flavors.indices { flavors[index].extraSpecs = specs[index] }
        }
        return flavors
    }

    /// Every server of every project, each once, in uuid order: ONE listing for the whole cloud
    /// (`/servers/detail?all_tenants=1&limit=<pageSize>`), never one per host, read from both ends
    /// of the uuid order at once (`sort_key=uuid`, `sort_dir=asc` and `desc`, each following its
    /// `servers_links`) until the two meet, which halves the chain of pages; see
    /// `listServers`. `progress` gets the running count of distinct servers after each page.
    public func servers(progress: (@Sendable (Int) -> Void)? = nil) async throws(ClientError) -> [Server] {
        let version = try await Version(microversion()) ?? Version(2, 1)
        let wires = try await listServers(progress: progress)
        let unreachable = wires.filter { $0.isInDownCell }
        if !unreachable.isEmpty {
            throw try await downCell("servers/detail", query: [("all_tenants", "1"), ("limit", String(pageSize))],
                                     what: "servers", names: unreachable.map(\.id))
        }
        var flavorsByID: [String: Flavor] = [:]
        if version < Version(2, 47) {
            // Before 2.47 a server names its flavor by id only.
            for flavor in try await flavors() { flavorsByID[flavor.id] = flavor }
        }
        return wires.map { $0.model(flavorsByID: flavorsByID) }
    }

    // MARK: aggregate membership

    /// Adds a compute service host to an aggregate and returns the updated aggregate. Idempotent:
    /// "already has host" (409) is success once a re-read shows the host in the aggregate.
    public func addHost(_ host: String, toAggregate id: Int) async throws(ClientError) -> Aggregate {
        do throws(ClientError) {
            return try await aggregateAction(id, ["add_host": ["host": host]])
        } catch {
            guard error.status == 409, let current = try? await aggregate(id: id), current.hosts.contains(host) else { throw error }
            return current
        }
    }

    /// Removes a compute service host from an aggregate and returns the updated aggregate.
    /// Idempotent: Nova's generic 404 ("Cannot remove host X in aggregate Y") is success once a
    /// re-read shows the aggregate without the host.
    public func removeHost(_ host: String, fromAggregate id: Int) async throws(ClientError) -> Aggregate {
        do throws(ClientError) {
            return try await aggregateAction(id, ["remove_host": ["host": host]])
        } catch {
            guard error.status == 404, let current = try? await aggregate(id: id), !current.hosts.contains(host) else { throw error }
            return current
        }
    }

    /// One aggregate (`/os-aggregates/{id}`).
    public func aggregate(id: Int) async throws(ClientError) -> Aggregate {
        let wrapper: AggregateWrapper = try await get("os-aggregates/\(id)")
        return wrapper.aggregate.model
    }

    private func aggregateAction(_ id: Int, _ action: [String: [String: String]]) async throws(ClientError) -> Aggregate {
        let version = try await microversion()
        let url = URLText.join(try await session.endpoint(type: "compute"), "os-aggregates/\(id)/action")
        let body = (try? JSONSerialization.data(withJSONObject: action, options: [.sortedKeys])) ?? Data()
        // Repeating add_host or remove_host is harmless: the repeat answers 409 or 404, which
        // addHost/removeHost turn into success once the aggregate read back agrees.
        let response = try await session.send(caller, "POST", url, headers: headers(version) + [("Content-Type", "application/json")],
                                              body: body, repetition: .idempotent)
        let wrapper = try caller.decode(AggregateWrapper.self, from: response, method: "POST", url: url, redactor: await session.redactor())
        return wrapper.aggregate.model
    }

    // MARK: plumbing

    func headers(_ version: String) -> [(String, String)] {
        [("Accept", "application/json"), ("OpenStack-API-Version", "compute \(version)"), ("X-OpenStack-Nova-API-Version", version)]
    }

    private func get<T: Decodable>(_ path: String, query: [(String, String)] = []) async throws(ClientError) -> T {
        let version = try await microversion()
        let url = URLText.with(URLText.join(try await session.endpoint(type: "compute"), path), query: query)
        let response = try await session.send(caller, "GET", url, headers: headers(version))
        return try caller.decode(T.self, from: response, method: "GET", url: url, redactor: await session.redactor())
    }

    /// A listing followed page by page through its `next` link, whose paging parameters are
    /// re-applied to the client's own URL. A link that leads back to a page already read is an
    /// error, not the end of the list.
    func paged<Page: LinkedPage>(_ path: String, query: [(String, String)], _ type: Page.Type,
                                 progress: (@Sendable (Int) -> Void)?) async throws(ClientError) -> [Page.Item] {
        var items: [Page.Item] = []
        try await pages(path, query: query, type) { (page: [Page.Item], _: Bool) -> Bool in
            items += page
            progress?(items.count)
            return true
        }
        return items
    }

    /// Reads a listing page by page, handing each page's items to `onPage` with whether a next
    /// page follows; `onPage` returning false stops the listing there (a next page being fetched
    /// is cancelled). Before the next page is asked for early (while this one is decoded),
    /// `ahead` sees its link and may say no: a listing about to stop should not cost a request.
    /// Cancelling the calling task stops the listing too, with a "cancelled" error.
    func pages<Page: LinkedPage>(_ path: String, query: [(String, String)], _ type: Page.Type,
                                 ahead: (String) -> Bool = { _ in true },
                                 onPage: ([Page.Item], _ hasNext: Bool) throws(ClientError) -> Bool) async throws(ClientError) {
        let version = try await microversion()
        let base = URLText.join(try await session.endpoint(type: "compute"), path)
        let headers = headers(version)
        var url = URLText.with(base, query: query)
        var seen: Set<String> = [url]
        // The next page, asked for while this one is read when its link can be seen cheaply
        // (`Page.peekNextLink`). The link read from the decoded page decides: a guess that
        // differs is dropped and the right page fetched.
        var prefetch: (url: String, task: Task<Result<HTTPTransport.Response, ClientError>, Never>)?
        defer { prefetch?.task.cancel() }
        while true {
            let response: HTTPTransport.Response
            if let early = prefetch, early.url == url {
                prefetch = nil
                // Waiting on an unstructured task does not pass cancellation on by itself.
                let result = await withTaskCancellationHandler {
                    await early.task.value
                } onCancel: {
                    early.task.cancel()
                }
                response = try result.get()
            } else {
                prefetch?.task.cancel()
                prefetch = nil
                response = try await session.send(caller, "GET", url, headers: headers)
            }
            if let link = Page.peekNextLink(response.body), let next = URLText.nextPage(base: base, ownQuery: query, link: link),
               !seen.contains(next), ahead(link) {
                let session = session, caller = caller
                prefetch = (next, Task { () async -> Result<HTTPTransport.Response, ClientError> in
                    do throws(ClientError) {
                        return .success(try await session.send(caller, "GET", next, headers: headers))
                    } catch {
                        return .failure(error)
                    }
                })
            }
            let page: Page
            if let fast = Page.fastDecode(response.body) {
                page = fast
            } else {
                page = try caller.decode(Page.self, from: response, method: "GET", url: url, redactor: await session.redactor())
            }
            var next: String?
            if !page.items.isEmpty, let link = page.links?.first(where: { $0.rel == "next" })?.href {
                next = URLText.nextPage(base: base, ownQuery: query, link: link)
                if next == nil {
                    let redactor = await session.redactor()
                    throw ClientError(service: "Nova", method: "GET", path: redactor.redact(HTTPTransport.pathAndQuery(url)),
                                      status: response.status, message: redactor.redact(URLText.unusableNextLink(link)), attempts: 1)
                }
            }
            guard try onPage(page.items, next != nil), let next else { return }
            guard seen.insert(next).inserted else {
                throw ClientError(service: "Nova", method: "GET", path: await session.redactor().redact(HTTPTransport.pathAndQuery(next)),
                                  status: response.status, message: "the next link leads back to a page already read", attempts: 1)
            }
            url = next
        }
    }
}

/// The negotiated microversion, shared by the copies of one client.
private actor NovaState {
    private var negotiated: String?
    private var pending: Task<Result<String, ClientError>, Never>?

    func microversion(_ negotiate: @escaping @Sendable () async throws(ClientError) -> String) async throws(ClientError) -> String {
        if let negotiated { return negotiated }
        if let pending { return try await pending.value.get() }
        let task = Task { () async -> Result<String, ClientError> in
            do throws(ClientError) {
                return .success(try await negotiate())
            } catch {
                return .failure(error)
            }
        }
        pending = task
        let result = await task.value
        pending = nil
        if case .success(let version) = result { negotiated = version }
        return try result.get()
    }
}

/// A microversion such as 2.47, ordered numerically (2.100 > 2.96).
struct Version: Comparable, CustomStringConvertible, Sendable {
    let major: Int
    let minor: Int

    init(_ major: Int, _ minor: Int) {
        self.major = major
        self.minor = minor
    }

    init?(_ text: String) {
        let parts = text.trimmingCharacters(in: .whitespaces).split(separator: ".", omittingEmptySubsequences: false)
        guard parts.count == 2, let major = Int(parts[0]), let minor = Int(parts[1]), major >= 0, minor >= 0 else { return nil }
        self.init(major, minor)
    }

    var description: String { "\(major).\(minor)" }

    static func < (lhs: Version, rhs: Version) -> Bool { (lhs.major, lhs.minor) < (rhs.major, rhs.minor) }
}

// MARK: wire types (only the fields the model keeps are decoded)

protocol LinkedPage: Decodable {
    associatedtype Item: Sendable
    var items: [Item] { get }
    var links: [PageLink]? { get }
    /// A faster reading of an ordinary page, or nil to decode it with JSONDecoder.
    static func fastDecode(_ data: Data) -> Self?
    /// The page's `next` link found without decoding the page, or nil; only a guess, used to
    /// ask for the next page early (the decoded page's link decides).
    static func peekNextLink(_ data: Data) -> String?
}

extension LinkedPage {
    static func fastDecode(_ data: Data) -> Self? { nil }
    static func peekNextLink(_ data: Data) -> String? { nil }
}

private struct VersionDocument: Decodable {
    struct Entry: Decodable {
        let id: String?
        let status: String?
        let version: String?
        let minVersion: String?

        enum CodingKeys: String, CodingKey {
            case id, status, version
            case minVersion = "min_version"
        }
    }

    let versions: [Entry]?
    let version: Entry?
}

private struct AggregateWire: Decodable {
    let id: Int
    let uuid: String?
    let name: String
    let availabilityZone: String?
    let hosts: [String]?
    let metadata: LenientStringMap?

    enum CodingKeys: String, CodingKey {
        case id, uuid, name, hosts, metadata
        case availabilityZone = "availability_zone"
    }

    var model: Aggregate {
        Aggregate(id: id, uuid: uuid, name: name, availabilityZone: availabilityZone, hosts: hosts ?? [],
                  metadata: metadata?.values ?? [:])
    }
}

private struct AggregateList: Decodable {
    let aggregates: [AggregateWire]
}

private struct AggregateWrapper: Decodable {
    let aggregate: AggregateWire
}

private struct ServiceWire: Decodable {
    let id: FlexibleID?
    let binary: String?
    let host: String
    let zone: String?
    let status: String?
    let state: String?
    let disabledReason: String?
    let forcedDown: Bool?

    enum CodingKeys: String, CodingKey {
        case id, binary, host, zone, status, state
        case disabledReason = "disabled_reason"
        case forcedDown = "forced_down"
    }

    var model: ComputeService {
        ComputeService(id: id?.value ?? "", host: host, binary: binary ?? "nova-compute", zone: zone,
                       status: status ?? "unknown", state: state ?? "unknown", disabledReason: disabledReason,
                       forcedDown: forcedDown)
    }
}

private struct ServiceList: Decodable {
    let services: [ServiceWire]
}

struct HypervisorWire: Decodable, Sendable {
    struct ServiceRef: Decodable, Sendable {
        let host: String?
    }

    let id: FlexibleID
    let hypervisorHostname: String?
    let state: String?
    let status: String?
    let hypervisorType: String?
    let hostIP: String?
    let service: ServiceRef?

    enum CodingKeys: String, CodingKey {
        case id, state, status, service
        case hypervisorHostname = "hypervisor_hostname"
        case hypervisorType = "hypervisor_type"
        case hostIP = "host_ip"
    }

    var model: Hypervisor {
        Hypervisor(id: id.value, hypervisorHostname: hypervisorHostname ?? "", serviceHost: service?.host ?? "",
                   state: state ?? "unknown", status: status ?? "unknown", hypervisorType: hypervisorType, hostIP: hostIP)
    }
}

private struct HypervisorPage: LinkedPage {
    let hypervisors: [HypervisorWire]
    let hypervisorsLinks: [PageLink]?

    enum CodingKeys: String, CodingKey {
        case hypervisors
        case hypervisorsLinks = "hypervisors_links"
    }

    var items: [HypervisorWire] { hypervisors }
    var links: [PageLink]? { hypervisorsLinks }
}

struct FlavorWire: Decodable, Sendable {
    let id: FlexibleID
    let name: String
    let vcpus: Int?
    let ram: Int?
    let disk: Int?
    let isPublic: Bool?
    let extraSpecs: LenientStringMap?

    enum CodingKeys: String, CodingKey {
        case id, name, vcpus, ram, disk
        case isPublic = "os-flavor-access:is_public"
        case extraSpecs = "extra_specs"
    }

    var model: Flavor {
        Flavor(id: id.value, name: name, vcpus: vcpus ?? 0, ramMiB: ram ?? 0, diskGiB: disk ?? 0, isPublic: isPublic ?? true,
               extraSpecs: extraSpecs?.values ?? [:])
    }
}

private struct FlavorPage: LinkedPage {
    let flavors: [FlavorWire]
    let flavorsLinks: [PageLink]?

    enum CodingKeys: String, CodingKey {
        case flavors
        case flavorsLinks = "flavors_links"
    }

    var items: [FlavorWire] { flavors }
    var links: [PageLink]? { flavorsLinks }
}

private struct ExtraSpecs: Decodable {
    let extraSpecs: LenientStringMap?

    enum CodingKeys: String, CodingKey {
        case extraSpecs = "extra_specs"
    }
}

/// A server, admin view: only the allow-listed fields (no `user_data`, `progress`, `updated`).
struct ServerWire: Decodable, Sendable {
    /// The embedded flavor (2.47+: `original_name`, `extra_specs`) or, before, `{"id", "links"}`.
    struct FlavorRef: Decodable, Sendable {
        let id: FlexibleID?
        let originalName: String?
        let extraSpecs: LenientStringMap?

        enum CodingKeys: String, CodingKey {
            case id
            case originalName = "original_name"
            case extraSpecs = "extra_specs"
        }
    }

    let id: String
    let name: String?
    let status: String?
    let vmState: String?
    let host: String?
    let tenantID: String?
    let projectID: String?
    let userID: String?
    let flavor: FlavorRef?
    let created: String?
    let availabilityZone: String?
    /// The network names of `addresses` (its keys; the addresses themselves are not kept).
    let addresses: NetworkNames?

    /// The keys of an object, its values skipped.
    struct NetworkNames: Decodable, Sendable, Hashable {
        let names: [String]

        init(names: [String]) { self.names = names }

        init(from decoder: any Decoder) throws {
            let container = try decoder.container(keyedBy: Key.self)
            names = container.allKeys.map(\.stringValue).sorted()
        }

        struct Key: CodingKey {
            let stringValue: String
            init(stringValue: String) { self.stringValue = stringValue }
            var intValue: Int? { nil }
            init?(intValue: Int) { nil }
        }
    }

    enum CodingKeys: String, CodingKey {
        case id, name, status, flavor, created, addresses
        case vmState = "OS-EXT-STS:vm_state"
        case host = "OS-EXT-SRV-ATTR:host"
        case tenantID = "tenant_id"
        case projectID = "project_id"
        case userID = "user_id"
        case availabilityZone = "OS-EXT-AZ:availability_zone"
    }

    /// A record of a cell Nova cannot reach (2.69+): status `UNKNOWN`, no flavor, no host.
    var isInDownCell: Bool {
        status?.uppercased() == "UNKNOWN" && flavor == nil && (host ?? "").isEmpty
    }

    func model(flavorsByID: [String: Flavor]) -> Server {
        var flavorName = flavor?.originalName ?? ""
        var specs = flavor?.extraSpecs?.values
        if flavor?.originalName == nil, let id = flavor?.id?.value {
            let known = flavorsByID[id]
            flavorName = known?.name ?? id
            specs = known?.extraSpecs
        }
        return Server(id: id, name: name ?? "", status: status ?? "UNKNOWN", vmState: vmState,
                      host: host.flatMap { $0.isEmpty ? nil : $0 }, projectID: tenantID ?? projectID ?? "", userID: userID,
                      flavorName: flavorName, flavorExtraSpecs: specs, created: created ?? "",
                      availabilityZone: availabilityZone.flatMap { $0.isEmpty ? nil : $0 },
                      networks: addresses?.names)
    }
}

struct ServerPage: LinkedPage {
    let servers: [ServerWire]
    let serversLinks: [PageLink]?

    init(servers: [ServerWire], serversLinks: [PageLink]?) {
        self.servers = servers
        self.serversLinks = serversLinks
    }

    static func fastDecode(_ data: Data) -> ServerPage? {
        ServerListDecoder.decode(data).map { ServerPage(servers: $0.servers, serversLinks: $0.links) }
    }

    static func peekNextLink(_ data: Data) -> String? {
        ServerListDecoder.peekNextLink(data)
    }

    enum CodingKeys: String, CodingKey {
        case servers
        case serversLinks = "servers_links"
    }

    var items: [ServerWire] { servers }
    var links: [PageLink]? { serversLinks }
}
