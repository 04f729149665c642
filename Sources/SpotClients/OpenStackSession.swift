import Foundation

/// A Keystone v3 session: a project-scoped token (password or application credential), the
/// service catalog that came with it, and the calls made with it. A token that is about to
/// expire is renewed before use; a 401 from a service re-authenticates once and repeats the call
/// (FORMATS.md 1.4: an expired token gets keystonemiddleware's 401 from Nova and Neutron too).
public actor OpenStackSession {
    public nonisolated let credentials: OpenStackCredentials
    public nonisolated let transport: HTTPTransport
    private nonisolated let keystone: ServiceCaller

    private struct Authentication: Sendable {
        let token: Secret
        let catalog: [CatalogService]
        /// The expiry on the local clock (the token's lifetime as Keystone stated it, from the
        /// moment it arrived), so that clock skew does not matter.
        let expires: Date?
        let lifetime: Double?
    }

    private var current: Authentication?
    private var pending: Task<Result<Authentication, ClientError>, Never>?
    /// Every token this session has held, so that none can reach an error text.
    private var tokens: [Secret] = []
    private var count = 0

    public init(credentials: OpenStackCredentials, transport: HTTPTransport) {
        self.credentials = credentials
        self.transport = transport
        self.keystone = ServiceCaller(service: "Keystone", style: .openStack, transport: transport)
        transport.protect(credentials.secrets)
    }

    /// How many times this session has authenticated (tokens obtained).
    public var authentications: Int { count }

    /// `{auth_url}/v3/auth/tokens`, or `{auth_url}/auth/tokens` when the URL already ends in `/v3`.
    public nonisolated var tokensURL: String {
        URLText.join(Self.identityV3(credentials.authURL), "auth/tokens")
    }

    /// The v3 root of an identity URL (`…/identity` → `…/identity/v3`; `…/v3/` → `…/v3`).
    static func identityV3(_ url: String) -> String {
        var base = url
        while base.hasSuffix("/") { base.removeLast() }
        return base.hasSuffix("/v3") ? base : base + "/v3"
    }

    // MARK: catalog

    /// The URL of a service in the catalog: by `type` (never by name), then the credentials'
    /// interface (default `public`), then region (the credentials' region; when unset, the only
    /// region the service has). Compute URLs come with or without the project id; network URLs
    /// without `/v2.0` (the client appends it).
    public func endpoint(type: String) async throws(ClientError) -> String {
        let authentication = try await valid()
        return try select(type: type, in: authentication.catalog)
    }

    private func select(type: String, in catalog: [CatalogService]) throws(ClientError) -> String {
        let interface = Self.normalised(interface: credentials.interface)
        let candidates = catalog.filter { $0.type == type }.flatMap(\.endpoints)
            .filter { Self.normalised(interface: $0.interface ?? "") == interface }
        func fail(_ message: String) -> ClientError {
            let listed = catalog.flatMap { service in
                service.endpoints.map { "\(service.type) \($0.interface ?? "?") \($0.regionName ?? "-")" }
            }.sorted()
            return ClientError(service: "Keystone", method: "POST", path: HTTPTransport.pathAndQuery(tokensURL), status: nil,
                               message: message + (listed.isEmpty ? " (the catalog is empty)" : " (the catalog lists: \(listed.joined(separator: ", ")))"),
                               attempts: 1)
        }
        let chosen: [CatalogEndpoint]
        if let region = credentials.region, !region.isEmpty {
            chosen = candidates.filter { $0.regionName == region }
            if chosen.isEmpty { throw fail("the catalog has no \(type) endpoint with interface \(interface) in region \(region)") }
        } else {
            let regions = Set(candidates.map { $0.regionName ?? "" })
            if candidates.isEmpty { throw fail("the catalog has no \(type) endpoint with interface \(interface)") }
            if regions.count > 1 {
                throw fail("the catalog has \(type) endpoints in several regions (\(regions.sorted().joined(separator: ", "))): set OS_REGION_NAME or the configuration's openstack.region")
            }
            chosen = candidates
        }
        return chosen[0].url
    }

    /// `publicURL` (Keystone v2 style) → `public`; empty → `public`.
    static func normalised(interface: String) -> String {
        var text = interface.trimmingCharacters(in: .whitespaces).lowercased()
        if text.hasSuffix("url") { text.removeLast(3) }
        return text.isEmpty ? "public" : text
    }

    // MARK: tokens

    /// The current token, authenticating when there is none or it is about to expire.
    func token() async throws(ClientError) -> Secret {
        try await valid().token
    }

    private func valid() async throws(ClientError) -> Authentication {
        if let current, !Self.expiring(current) { return current }
        return try await authenticate()
    }

    private static func expiring(_ authentication: Authentication) -> Bool {
        guard let expires = authentication.expires else { return false }
        let margin = min(30, (authentication.lifetime ?? 300) / 10)
        return Date().addingTimeInterval(margin) >= expires
    }

    /// Drops `used` (the token that got a 401) and authenticates again, unless another call has
    /// already replaced it.
    func reauthenticate(replacing used: Secret) async throws(ClientError) {
        if let current, current.token != used { return }
        current = nil
        _ = try await authenticate()
    }

    /// One authentication at a time: concurrent callers share the one in flight.
    private func authenticate() async throws(ClientError) -> Authentication {
        if let pending { return try await pending.value.get() }
        let credentials = self.credentials, keystone = self.keystone, url = self.tokensURL
        let task = Task { () async -> Result<Authentication, ClientError> in
            do throws(ClientError) {
                return .success(try await Self.requestToken(credentials: credentials, keystone: keystone, url: url))
            } catch {
                return .failure(error)
            }
        }
        pending = task
        let result = await task.value
        pending = nil
        switch result {
        case .success(let authentication):
            current = authentication
            tokens.append(authentication.token)
            transport.protect([authentication.token])
            count += 1
            return authentication
        case .failure(let error):
            throw error
        }
    }

    /// The secrets of this session: the credentials' and every token it has held.
    func redactor() -> Redactor {
        Redactor(secrets: credentials.secrets + tokens)
    }

    private static func requestToken(credentials: OpenStackCredentials, keystone: ServiceCaller,
                                     url: String) async throws(ClientError) -> Authentication {
        let redactor = Redactor(secrets: credentials.secrets)
        let body = authBody(credentials)
        let data: Data
        do {
            data = try JSONSerialization.data(withJSONObject: body, options: [.sortedKeys])
        } catch {
            throw ClientError(service: "Keystone", method: "POST", path: HTTPTransport.pathAndQuery(url), status: nil,
                              message: "cannot encode the authentication request", attempts: 0)
        }
        // Asking for a token changes nothing in Keystone (another token is issued): idempotent.
        let response = try await keystone.call("POST", url, headers: [("Content-Type", "application/json"), ("Accept", "application/json")],
                                               body: data, redactor: redactor, expect: [200, 201], repetition: .idempotent)
        guard let token = response.header("X-Subject-Token"), !token.isEmpty else {
            throw ClientError(service: "Keystone", method: "POST", path: HTTPTransport.pathAndQuery(url), status: response.status,
                              message: "the answer has no X-Subject-Token header", attempts: 1)
        }
        let secret = Secret(token)
        let full = redactor.adding(Redactor(secrets: [secret]))
        let decoded = try keystone.decode(TokenResponse.self, from: response, method: "POST", url: url, redactor: full)
        guard let catalog = decoded.token.catalog, !catalog.isEmpty else {
            throw ClientError(service: "Keystone", method: "POST", path: HTTPTransport.pathAndQuery(url), status: response.status,
                              message: "the token has no service catalog: scope it to a project (OS_PROJECT_NAME with OS_PROJECT_DOMAIN_NAME, or OS_PROJECT_ID)",
                              attempts: 1)
        }
        var expires: Date?
        var lifetime: Double?
        if let expiresAt = decoded.token.expiresAt.flatMap(Timestamp.parse) {
            let issuedAt = decoded.token.issuedAt.flatMap(Timestamp.parse) ?? Date()
            lifetime = expiresAt.timeIntervalSince(issuedAt)
            expires = Date().addingTimeInterval(lifetime ?? 0)
        }
        return Authentication(token: secret, catalog: catalog, expires: expires, lifetime: lifetime)
    }

    /// The `auth` document of FORMATS.md 1.1: the user by id or by name with its domain, the
    /// project by id or by name with its domain; an application credential by id, or by name
    /// with its user (it carries its own scope).
    static func authBody(_ c: OpenStackCredentials) -> [String: Any] {
        func domain(id: String?, name: String?) -> [String: Any]? {
            if let id, !id.isEmpty { return ["id": id] }
            if let name, !name.isEmpty { return ["name": name] }
            return nil
        }
        func user(id: String?, name: String?, domainID: String?, domainName: String?) -> [String: Any] {
            if let id, !id.isEmpty { return ["id": id] }
            var user: [String: Any] = [:]
            if let name { user["name"] = name }
            if let domain = domain(id: domainID, name: domainName) { user["domain"] = domain }
            return user
        }
        var auth: [String: Any] = [:]
        switch c.method {
        case .password(let userID, let username, let userDomainID, let userDomainName, let password):
            var entry = user(id: userID, name: username, domainID: userDomainID, domainName: userDomainName)
            entry["password"] = password.reveal
            auth["identity"] = ["methods": ["password"], "password": ["user": entry]]
            if let id = c.projectID, !id.isEmpty {
                auth["scope"] = ["project": ["id": id]]
            } else if let name = c.projectName, !name.isEmpty {
                var project: [String: Any] = ["name": name]
                if let domain = domain(id: c.projectDomainID, name: c.projectDomainName) { project["domain"] = domain }
                auth["scope"] = ["project": project]
            }
        case .applicationCredential(let id, let name, let secret, let userID, let username, let userDomainID, let userDomainName):
            var credential: [String: Any] = ["secret": secret.reveal]
            if let id, !id.isEmpty {
                credential["id"] = id
            } else {
                credential["name"] = name ?? ""
                credential["user"] = user(id: userID, name: username, domainID: userDomainID, domainName: userDomainName)
            }
            auth["identity"] = ["methods": ["application_credential"], "application_credential": credential]
        }
        return ["auth": auth]
    }

    // MARK: calls

    /// Sends a request with the token; a 401 re-authenticates once and sends it again (a 401 is
    /// a refusal before any work, so this holds for any request). `repetition`: see `Repetition`.
    nonisolated func send(_ caller: ServiceCaller, _ method: String, _ url: String, headers: [(String, String)] = [],
                          body: Data? = nil, expect: Set<Int> = [200],
                          repetition: Repetition? = nil) async throws(ClientError) -> HTTPTransport.Response {
        let token = try await token()
        do throws(ClientError) {
            return try await caller.call(method, url, headers: headers + [("X-Auth-Token", token.reveal)], body: body,
                                         redactor: await redactor(), expect: expect, repetition: repetition)
        } catch {
            guard error.status == 401 else { throw error }
            try await reauthenticate(replacing: token)
            let fresh = try await self.token()
            return try await caller.call(method, url, headers: headers + [("X-Auth-Token", fresh.reveal)], body: body,
                                         redactor: await redactor(), expect: expect, repetition: repetition)
        }
    }
}

// MARK: wire types

struct TokenResponse: Decodable {
    struct Token: Decodable {
        let expiresAt: String?
        let issuedAt: String?
        let catalog: [CatalogService]?

        enum CodingKeys: String, CodingKey {
            case catalog
            case expiresAt = "expires_at"
            case issuedAt = "issued_at"
        }
    }

    let token: Token
}

struct CatalogService: Decodable, Sendable {
    let type: String
    let endpoints: [CatalogEndpoint]

    enum CodingKeys: String, CodingKey { case type, endpoints }

    init(from decoder: any Decoder) throws {
        let c = try decoder.container(keyedBy: CodingKeys.self)
        type = try c.decode(String.self, forKey: .type)
        endpoints = try c.decodeIfPresent([CatalogEndpoint].self, forKey: .endpoints) ?? []
    }
}

struct CatalogEndpoint: Decodable, Sendable {
    let interface: String?
    let region: String?
    let regionID: String?
    let url: String

    var regionName: String? { regionID ?? region }

    enum CodingKeys: String, CodingKey {
        case interface, region, url
        case regionID = "region_id"
    }
}

/// The timestamp forms of FORMATS.md section 6: with or without fraction, with `Z`, an offset or
/// no zone (read as UTC).
enum Timestamp {
    static func parse(_ text: String) -> Date? {
        var value = text.trimmingCharacters(in: .whitespaces)
        var offset: TimeInterval = 0
        if value.hasSuffix("Z") || value.hasSuffix("z") {
            value.removeLast()
        } else if value.count > 6 {
            let tail = value.suffix(6)
            if let sign = tail.first, sign == "+" || sign == "-", tail.dropFirst().count == 5, tail[tail.index(tail.startIndex, offsetBy: 3)] == ":" {
                let hours = Int(tail.dropFirst().prefix(2)) ?? 0
                let minutes = Int(tail.suffix(2)) ?? 0
                offset = TimeInterval((hours * 60 + minutes) * 60) * (sign == "+" ? 1 : -1)
                value.removeLast(6)
            }
        }
        var fraction: Double = 0
        if let dot = value.firstIndex(of: ".") {
            fraction = Double("0" + value[dot...]) ?? 0
            value = String(value[..<dot])
        }
        let formatter = DateFormatter()
        formatter.locale = Locale(identifier: "en_US_POSIX")
        formatter.timeZone = TimeZone(identifier: "UTC")
        formatter.dateFormat = value.contains("T") ? "yyyy-MM-dd'T'HH:mm:ss" : "yyyy-MM-dd HH:mm:ss"
        guard let date = formatter.date(from: value) else { return nil }
        return date.addingTimeInterval(fraction - offset)
    }
}
