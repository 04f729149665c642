import Foundation

/// A Neutron network, as far as spotctl needs one (finding the storage network by name).
public struct NeutronNetwork: Sendable, Hashable {
    public var id: String
    public var name: String
    public var projectID: String?
    public var shared: Bool
    public var status: String?
    /// The ids of the network's subnets.
    public var subnets: [String]

    public init(id: String, name: String, projectID: String? = nil, shared: Bool = false, status: String? = nil,
                subnets: [String] = []) {
        self.id = id
        self.name = name
        self.projectID = projectID
        self.shared = shared
        self.status = status
        self.subnets = subnets
    }
}

/// Neutron (Networking API v2.0). The catalog's network URL has no `/v2.0`; this client adds it.
public struct NeutronClient: Sendable {
    public let session: OpenStackSession
    let caller: ServiceCaller

    public init(session: OpenStackSession) {
        self.session = session
        self.caller = ServiceCaller(service: "Neutron", style: .openStack, transport: session.transport)
    }

    /// The `/v2.0` root under the catalog's network URL (kept when the catalog already has it).
    static func v2Root(_ url: String) -> String {
        var base = url
        while base.hasSuffix("/") { base.removeLast() }
        return base.hasSuffix("/v2.0") ? base : base + "/v2.0"
    }

    /// Networks with exactly this name (`GET /v2.0/networks?name=`; names are not unique, so the
    /// caller decides what several mean), following `networks_links`.
    public func networks(named name: String) async throws(ClientError) -> [NeutronNetwork] {
        let base = URLText.join(Self.v2Root(try await session.endpoint(type: "network")), "networks")
        let query = [("name", name)]
        var url = URLText.with(base, query: query)
        var seen: Set<String> = [url]
        var networks: [NeutronNetwork] = []
        while true {
            let response = try await session.send(caller, "GET", url, headers: [("Accept", "application/json")])
            let page = try caller.decode(NetworkPage.self, from: response, method: "GET", url: url, redactor: await session.redactor())
            networks += page.networks.map {
                $0.model
            }
            guard !page.networks.isEmpty, let link = page.networksLinks?.first(where: { $0.rel == "next" })?.href else { break }
            let redactor = await session.redactor()
            guard let next = URLText.nextPage(base: base, ownQuery: query, link: link) else {
                throw ClientError(service: "Neutron", method: "GET", path: redactor.redact(HTTPTransport.pathAndQuery(url)),
                                  status: response.status, message: redactor.redact(URLText.unusableNextLink(link)), attempts: 1)
            }
            guard seen.insert(next).inserted else {
                throw ClientError(service: "Neutron", method: "GET", path: redactor.redact(HTTPTransport.pathAndQuery(next)),
                                  status: response.status, message: "the next link leads back to a page already read", attempts: 1)
            }
            url = next
        }
        return networks
    }
}

struct NetworkWire: Decodable {
    let id: String
    let name: String?
    let projectID: String?
    let tenantID: String?
    let shared: Bool?
    let status: String?
    let subnets: [String]?

    enum CodingKeys: String, CodingKey {
        case id, name, shared, status, subnets
        case projectID = "project_id"
        case tenantID = "tenant_id"
    }

    var model: NeutronNetwork {
        NeutronNetwork(id: id, name: name ?? "", projectID: projectID ?? tenantID, shared: shared ?? false, status: status,
                       subnets: subnets ?? [])
    }
}

private struct NetworkPage: Decodable {
    let networks: [NetworkWire]
    let networksLinks: [PageLink]?

    enum CodingKeys: String, CodingKey {
        case networks
        case networksLinks = "networks_links"
    }
}
