import Foundation

/// A Neutron port, as far as attaching the storage network needs one.
public struct NeutronPort: Sendable, Hashable {
    public var id: String
    public var name: String
    public var networkID: String
    public var status: String?
    /// The server it is bound to ("" when unbound).
    public var deviceID: String
    public var deviceOwner: String
    public var macAddress: String?
    public var fixedIPs: [String]

    public init(id: String, name: String, networkID: String, status: String? = nil, deviceID: String = "", deviceOwner: String = "",
                macAddress: String? = nil, fixedIPs: [String] = []) {
        self.id = id
        self.name = name
        self.networkID = networkID
        self.status = status
        self.deviceID = deviceID
        self.deviceOwner = deviceOwner
        self.macAddress = macAddress
        self.fixedIPs = fixedIPs
    }
}

extension NeutronClient {
    /// One network by id or exact name: an id (`GET /v2.0/networks/{id}`) first when the text
    /// could be one, then by name. Nothing is `.notFound`, several of the name is `.several`; a
    /// failed request is `.failed` (never "not found").
    public func network(_ nameOrID: String) async throws(LookupError) -> NeutronNetwork {
        let base: String
        do throws(ClientError) {
            base = Self.v2Root(try await session.endpoint(type: "network"))
        } catch {
            throw .failed(error)
        }
        if Self.looksLikeID(nameOrID) {
            let url = URLText.join(base, "networks/\(nameOrID)")
            do throws(ClientError) {
                let response = try await session.send(caller, "GET", url, headers: [("Accept", "application/json")])
                let wrapper = try caller.decode(NetworkWrapper.self, from: response, method: "GET", url: url,
                                                redactor: await session.redactor())
                return wrapper.network.model
            } catch {
                guard error.isNotFound else { throw .failed(error) }
            }
        }
        let found: [NeutronNetwork]
        do throws(ClientError) {
            found = try await networks(named: nameOrID)
        } catch {
            throw .failed(error)
        }
        let request = "GET " + HTTPTransport.pathAndQuery(URLText.with(URLText.join(base, "networks"), query: [("name", nameOrID)]))
        let exact = found.filter { $0.name == nameOrID }
        if exact.count > 1 {
            throw .several(service: "Neutron", request: request, what: "network named \(nameOrID)", ids: exact.map(\.id).sorted())
        }
        guard let network = exact.first else {
            throw .notFound(service: "Neutron", request: request, what: "network named or with id \(nameOrID)")
        }
        return network
    }

    /// The ports named exactly `name` (`GET /v2.0/ports?name=`, and `network_id=` when given),
    /// following `ports_links`.
    public func ports(named name: String, networkID: String? = nil) async throws(ClientError) -> [NeutronPort] {
        let base = URLText.join(Self.v2Root(try await session.endpoint(type: "network")), "ports")
        var query = [("name", name)]
        if let networkID { query.append(("network_id", networkID)) }
        var url = URLText.with(base, query: query)
        var seen: Set<String> = [url]
        var ports: [NeutronPort] = []
        while true {
            let response = try await session.send(caller, "GET", url, headers: [("Accept", "application/json")])
            let page = try caller.decode(PortPage.self, from: response, method: "GET", url: url, redactor: await session.redactor())
            ports += page.ports.map(\.model)
            guard !page.ports.isEmpty, let link = page.portsLinks?.first(where: { $0.rel == "next" })?.href else { break }
            let redactor = await session.redactor()
            guard let next = URLText.nextPage(base: base, ownQuery: query, link: link), seen.insert(next).inserted else {
                throw ClientError(service: "Neutron", method: "GET", path: redactor.redact(HTTPTransport.pathAndQuery(url)),
                                  status: response.status, message: redactor.redact(URLText.unusableNextLink(link)), attempts: 1)
            }
            url = next
        }
        return ports.filter { $0.name == name }
    }

    /// Creates a port named `name` on a network (`POST /v2.0/ports`, 201). The POST is not
    /// idempotent: after a lost answer the ports of that name on that network are read back, and
    /// the one found is returned instead of making a second.
    public func createPort(name: String, networkID: String) async throws(ClientError) -> NeutronPort {
        let url = URLText.join(Self.v2Root(try await session.endpoint(type: "network")), "ports")
        let body = (try? JSONSerialization.data(withJSONObject: ["port": ["name": name, "network_id": networkID]],
                                                options: [.sortedKeys])) ?? Data()
        let client = self
        let readBack: @Sendable () async -> ReadBack = {
            do throws(ClientError) {
                return try await client.ports(named: name, networkID: networkID).isEmpty ? .notApplied : .applied
            } catch {
                return .unknown
            }
        }
        do throws(ClientError) {
            let response = try await session.send(caller, "POST", url, headers: [("Accept", "application/json"), ("Content-Type", "application/json")],
                                                  body: body, expect: [201], repetition: .checked(readBack))
            return try caller.decode(PortWrapper.self, from: response, method: "POST", url: url, redactor: await session.redactor()).port.model
        } catch {
            guard error.tookEffect else { throw error }
            let found = try await ports(named: name, networkID: networkID)
            guard found.count == 1, let port = found.first else { throw error }
            return port
        }
    }

    /// One port by id (`GET /v2.0/ports/{id}`): none is `.notFound`, a failed request `.failed`.
    public func port(id: String) async throws(LookupError) -> NeutronPort {
        let url: String
        do throws(ClientError) {
            url = URLText.join(Self.v2Root(try await session.endpoint(type: "network")), "ports/\(id)")
        } catch {
            throw .failed(error)
        }
        do throws(ClientError) {
            let response = try await session.send(caller, "GET", url, headers: [("Accept", "application/json")])
            return try caller.decode(PortWrapper.self, from: response, method: "GET", url: url, redactor: await session.redactor()).port.model
        } catch {
            guard error.isNotFound else { throw .failed(error) }
            throw .notFound(service: "Neutron", request: "GET " + HTTPTransport.pathAndQuery(url), what: "port with id \(id)")
        }
    }

    /// Whether a text has the form of a Neutron id (a UUID).
    static func looksLikeID(_ text: String) -> Bool {
        UUID(uuidString: text) != nil
    }
}

private struct NetworkWrapper: Decodable {
    let network: NetworkWire
}

struct PortWire: Decodable {
    struct FixedIP: Decodable {
        let ipAddress: String?
        enum CodingKeys: String, CodingKey { case ipAddress = "ip_address" }
    }

    let id: String
    let name: String?
    let networkID: String
    let status: String?
    let deviceID: String?
    let deviceOwner: String?
    let macAddress: String?
    let fixedIPs: [FixedIP]?

    enum CodingKeys: String, CodingKey {
        case id, name, status
        case networkID = "network_id"
        case deviceID = "device_id"
        case deviceOwner = "device_owner"
        case macAddress = "mac_address"
        case fixedIPs = "fixed_ips"
    }

    var model: NeutronPort {
        NeutronPort(id: id, name: name ?? "", networkID: networkID, status: status, deviceID: deviceID ?? "",
                    deviceOwner: deviceOwner ?? "", macAddress: macAddress, fixedIPs: (fixedIPs ?? []).compactMap(\.ipAddress))
    }
}

private struct PortWrapper: Decodable {
    let port: PortWire
}

private struct PortPage: Decodable {
    let ports: [PortWire]
    let portsLinks: [PageLink]?

    enum CodingKeys: String, CodingKey {
        case ports
        case portsLinks = "ports_links"
    }
}
