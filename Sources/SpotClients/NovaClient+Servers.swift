import Foundation

/// One server as `spotctl server show` and a launch's checks read it.
public struct ServerDetail: Sendable, Hashable {
    /// One address of the server: the network's name, the IP, `fixed` or `floating`, and 4 or 6.
    public struct Address: Sendable, Hashable {
        public var network: String
        public var ip: String
        public var type: String?
        public var version: Int?
    }

    public var id: String
    public var name: String
    public var status: String
    public var vmState: String?
    public var taskState: String?
    /// `OS-EXT-SRV-ATTR:host` (nil unless the caller may see it, or while unscheduled).
    public var host: String?
    public var hypervisorHostname: String?
    public var flavor: String?
    public var projectID: String?
    public var addresses: [Address]
    /// Nova's fault message of an ERROR server.
    public var fault: String?
}

/// How often and how long an interface attach is retried on Nova's "not ready" conflict.
public struct AttachRetryPolicy: Sendable {
    /// Attempts in all for Nova's "not ready" 409 (the server is building or busy).
    public var attempts: Int
    /// The first wait, doubled after each attempt up to `maxDelay` (seconds).
    public var baseDelay: Double
    public var maxDelay: Double

    public init(attempts: Int = 6, baseDelay: Double = 2, maxDelay: Double = 30) {
        self.attempts = max(1, attempts)
        self.baseDelay = max(0, baseDelay)
        self.maxDelay = max(0, maxDelay)
    }

    /// The wait after attempt `attempt` (1-based).
    public func delay(after attempt: Int) -> Double {
        min(maxDelay, baseDelay * pow(2, Double(attempt - 1)))
    }
}

extension NovaClient {
    /// One server by UUID or exact name, all projects. A UUID is read with `GET /servers/{id}`;
    /// a name with `GET /servers/detail?all_tenants=1&name=^NAME$` (Nova reads `name` as a
    /// regular expression, so the name is escaped and anchored) and filtered here to names equal to
    /// it (never a substring or a case-insensitive match). None is `.notFound`, several `.several`.
    public func server(_ nameOrID: String) async throws(LookupError) -> ServerDetail {
        let version: String
        do throws(ClientError) { version = try await microversion() } catch { throw .failed(error) }
        let base: String
        do throws(ClientError) { base = try await session.endpoint(type: "compute") } catch { throw .failed(error) }
        if UUID(uuidString: nameOrID) != nil {
            let url = URLText.join(base, "servers/\(nameOrID)")
            do throws(ClientError) {
                let response = try await session.send(caller, "GET", url, headers: headers(version))
                return try caller.decode(ServerDetailWrapper.self, from: response, method: "GET", url: url,
                                         redactor: await session.redactor()).server.model
            } catch {
                guard error.isNotFound else { throw .failed(error) }
            }
        }
        let query = [("all_tenants", "1"), ("name", "^" + Self.regexEscaped(nameOrID) + "$")]
        let url = URLText.with(URLText.join(base, "servers/detail"), query: query)
        let servers: [ServerDetail]
        do throws(ClientError) {
            let response = try await session.send(caller, "GET", url, headers: headers(version))
            servers = try caller.decode(ServerDetailPage.self, from: response, method: "GET", url: url,
                                        redactor: await session.redactor()).servers.map(\.model)
        } catch {
            throw .failed(error)
        }
        let exact = servers.filter { $0.name == nameOrID }
        let request = "GET " + HTTPTransport.pathAndQuery(url)
        if exact.count > 1 {
            throw .several(service: "Nova", request: request, what: "server named \(nameOrID)", ids: exact.map(\.id).sorted())
        }
        guard let server = exact.first else {
            throw .notFound(service: "Nova", request: request, what: "server named or with UUID \(nameOrID)")
        }
        return server
    }

    /// A server's status by UUID (`GET /servers/{id}`).
    public func serverStatus(id: String) async throws(ClientError) -> String {
        let version = try await microversion()
        let url = URLText.join(try await session.endpoint(type: "compute"), "servers/\(id)")
        let response = try await session.send(caller, "GET", url, headers: headers(version))
        return try caller.decode(ServerDetailWrapper.self, from: response, method: "GET", url: url,
                                 redactor: await session.redactor()).server.model.status
    }

    /// The ports attached to a server (`GET /servers/{id}/os-interface`).
    public func interfaces(serverID: String) async throws(ClientError) -> [String] {
        let version = try await microversion()
        let url = URLText.join(try await session.endpoint(type: "compute"), "servers/\(serverID)/os-interface")
        let response = try await session.send(caller, "GET", url, headers: headers(version))
        return try caller.decode(InterfaceList.self, from: response, method: "GET", url: url,
                                 redactor: await session.redactor()).interfaceAttachments.map(\.portID)
    }

    /// Attaches a Neutron port to a server (`POST /servers/{id}/os-interface`). Already attached
    /// (the server's interfaces list the port) is success without a request. Nova's documented "not
    /// ready" conflict (409 "Cannot 'attach_interface' instance … while it is in vm_state/task_state
    /// …") is retried, `policy.attempts` in all with doubling waits; any other 409 ("still in use",
    /// "locked") and every other error is not. A lost answer is read back through the interfaces
    /// before the POST is sent again.
    @discardableResult
    public func attachPort(_ portID: String, toServer serverID: String, policy: AttachRetryPolicy = AttachRetryPolicy(),
                           sleep: @Sendable (Double) async -> Void = { seconds in
                               _ = try? await Task.sleep(nanoseconds: UInt64(seconds * 1_000_000_000))
                           }) async throws(ClientError) -> Int {
        if try await interfaces(serverID: serverID).contains(portID) { return 0 }
        let version = try await microversion()
        let url = URLText.join(try await session.endpoint(type: "compute"), "servers/\(serverID)/os-interface")
        let body = (try? JSONSerialization.data(withJSONObject: ["interfaceAttachment": ["port_id": portID]], options: [.sortedKeys])) ?? Data()
        let client = self
        let readBack: @Sendable () async -> ReadBack = {
            do throws(ClientError) {
                return try await client.interfaces(serverID: serverID).contains(portID) ? .applied : .notApplied
            } catch {
                return .unknown
            }
        }
        var attempt = 0
        while true {
            attempt += 1
            do throws(ClientError) {
                _ = try await session.send(caller, "POST", url, headers: headers(version) + [("Content-Type", "application/json")],
                                           body: body, repetition: .checked(readBack))
                return attempt
            } catch {
                if error.tookEffect { return attempt }
                guard Self.isNotReady(error), attempt < policy.attempts else {
                    if Self.isNotReady(error) {
                        throw ClientError(service: error.service, method: error.method, path: error.path, status: error.status,
                                          message: error.message + "; still not ready after \(attempt) attempts: wait until the server is ACTIVE with no task, then retry",
                                          attempts: attempt)
                    }
                    throw error
                }
                await sleep(policy.delay(after: attempt))
            }
        }
    }

    /// Nova's 409 for a server that cannot take an interface yet (building, or a task running).
    static func isNotReady(_ error: ClientError) -> Bool {
        guard error.status == 409 else { return false }
        let text = error.message
        return text.contains("Cannot 'attach_interface' instance") && (text.contains("vm_state") || text.contains("task_state"))
    }

    /// A name as a literal regular expression (Nova's `name` filter is one).
    static func regexEscaped(_ text: String) -> String {
        var out = ""
        for character in text {
            if "\\^$.|?*+()[]{}".contains(character) { out.append("\\") }
            out.append(character)
        }
        return out
    }
}

// MARK: wire types

struct ServerDetailWire: Decodable {
    struct Address: Decodable {
        let addr: String?
        let version: Int?
        let type: String?

        enum CodingKeys: String, CodingKey {
            case addr, version
            case type = "OS-EXT-IPS:type"
        }
    }

    struct FlavorRef: Decodable {
        let originalName: String?
        let id: FlexibleID?
        enum CodingKeys: String, CodingKey {
            case id
            case originalName = "original_name"
        }
    }

    struct Fault: Decodable { let message: String? }

    let id: String
    let name: String
    let status: String?
    let vmState: String?
    let taskState: String?
    let host: String?
    let hypervisorHostname: String?
    let tenantID: String?
    let flavor: FlavorRef?
    let addresses: [String: [Address]]?
    let fault: Fault?

    enum CodingKeys: String, CodingKey {
        case id, name, status, flavor, addresses, fault
        case vmState = "OS-EXT-STS:vm_state"
        case taskState = "OS-EXT-STS:task_state"
        case host = "OS-EXT-SRV-ATTR:host"
        case hypervisorHostname = "OS-EXT-SRV-ATTR:hypervisor_hostname"
        case tenantID = "tenant_id"
    }

    var model: ServerDetail {
        var list: [ServerDetail.Address] = []
        for network in (addresses ?? [:]).keys.sorted() {
            for address in addresses?[network] ?? [] {
                guard let ip = address.addr else { continue }
                list.append(ServerDetail.Address(network: network, ip: ip, type: address.type, version: address.version))
            }
        }
        return ServerDetail(id: id, name: name, status: status ?? "", vmState: vmState, taskState: taskState, host: host,
                            hypervisorHostname: hypervisorHostname, flavor: flavor?.originalName ?? flavor?.id?.value,
                            projectID: tenantID, addresses: list, fault: fault?.message)
    }
}

private struct ServerDetailWrapper: Decodable {
    let server: ServerDetailWire
}

private struct ServerDetailPage: Decodable {
    let servers: [ServerDetailWire]
}

private struct InterfaceList: Decodable {
    struct Attachment: Decodable {
        let portID: String
        enum CodingKeys: String, CodingKey { case portID = "port_id" }
    }

    let interfaceAttachments: [Attachment]
}
