import Foundation

/// Keystone v3: version discovery, password and application-credential authentication (201 with
/// `X-Subject-Token`), token validation, the catalog and projects. Errors use Keystone's
/// `{"error": {"code", "title", "message"}}` body.
struct KeystoneHandler: ServiceHandler {
    let service = SimulatorService.keystone

    func error(status: Int, message: String) -> SimResponse {
        KeystoneHandler.errorResponse(status: status, message: message)
    }

    static func errorResponse(status: Int, message: String, identityURL: String? = nil) -> SimResponse {
        var headers: [(String, String)] = []
        if status == 401, let identityURL { headers.append(("WWW-Authenticate", "Keystone uri=\"\(identityURL)\"")) }
        return .json(status, ["error": [
            "code": .int(status), "title": .string(HTTPStatusText.text(status)), "message": .string(message),
        ]], headers: headers)
    }

    /// The 401 every service answers for a missing or expired token (keystonemiddleware's body).
    static func unauthorized(_ request: SimRequest) -> SimResponse {
        errorResponse(status: 401, message: "The request you have made requires authentication.",
                      identityURL: request.baseURL + "/identity")
    }

    func handle(_ request: SimRequest, state: CloudState) async -> SimResponse {
        let s = request.segments
        let identityURL = request.baseURL + "/identity"
        switch (request.method, s) {
        case ("GET", []):
            return .json(300, ["versions": ["values": [versionDocument(identityURL)]]])
        case ("GET", ["v3"]):
            return .json(200, ["version": versionDocument(identityURL)])
        case ("POST", ["v3", "auth", "tokens"]):
            return await authenticate(request, state: state)
        case ("GET", ["v3", "auth", "tokens"]), ("HEAD", ["v3", "auth", "tokens"]):
            guard await state.isValid(token: request.header("X-Auth-Token")) else { return Self.unauthorized(request) }
            guard let subject = request.header("X-Subject-Token"), await state.isValid(token: subject),
                  let expires = await state.expiry(of: subject) else {
                return error(status: 404, message: "Could not find token.")
            }
            let world = await state.world
            let body = tokenBody(world: world, method: "password", scoped: true, issued: expires.addingTimeInterval(-state.options.tokenLifetime),
                                 expires: expires, baseURL: request.baseURL)
            return .json(200, body, headers: [("X-Subject-Token", subject)])
        case ("DELETE", ["v3", "auth", "tokens"]):
            guard await state.isValid(token: request.header("X-Auth-Token")) else { return Self.unauthorized(request) }
            if let subject = request.header("X-Subject-Token") { await state.revoke(token: subject) }
            return .empty(204)
        case ("GET", ["v3", "auth", "catalog"]):
            guard await state.isValid(token: request.header("X-Auth-Token")) else { return Self.unauthorized(request) }
            let world = await state.world
            return .json(200, ["catalog": catalog(world: world, baseURL: request.baseURL),
                               "links": ["self": .string(identityURL + "/v3/auth/catalog"), "previous": nil, "next": nil]])
        case ("GET", ["v3", "projects"]):
            guard await state.isValid(token: request.header("X-Auth-Token")) else { return Self.unauthorized(request) }
            let world = await state.world
            var projects = allProjects(world)
            if let name = request.query("name") { projects = projects.filter { $0.name == name } }
            return .json(200, ["projects": .array(projects.map { projectJSON($0, identityURL) }),
                               "links": ["self": .string(identityURL + "/v3/projects"), "previous": nil, "next": nil]])
        case ("GET", let path) where path.count == 3 && path[0] == "v3" && path[1] == "projects":
            guard await state.isValid(token: request.header("X-Auth-Token")) else { return Self.unauthorized(request) }
            let world = await state.world
            guard let project = allProjects(world).first(where: { $0.id == path[2] }) else {
                return error(status: 404, message: "Could not find project: \(path[2]).")
            }
            return .json(200, ["project": projectJSON(project, identityURL)])
        default:
            return error(status: 404, message: "The resource could not be found.")
        }
    }

    private func versionDocument(_ identityURL: String) -> JSON {
        [
            "id": "v3.14", "status": "stable", "updated": "2020-04-07T00:00:00Z",
            "links": [["rel": "self", "href": .string(identityURL + "/v3/")]],
            "media-types": [["base": "application/json", "type": "application/vnd.openstack.identity-v3+json"]],
        ]
    }

    private func allProjects(_ world: Scenario) -> [ProjectSpec] {
        var projects = world.projects
        if !projects.contains(where: { $0.id == world.credentials.projectID }) {
            projects.insert(ProjectSpec(id: world.credentials.projectID, name: world.credentials.project), at: 0)
        }
        return projects.sorted { $0.id < $1.id }
    }

    private func projectJSON(_ project: ProjectSpec, _ identityURL: String) -> JSON {
        [
            "id": .string(project.id), "name": .string(project.name), "domain_id": .string(project.domainID),
            "description": "", "enabled": true, "is_domain": false, "parent_id": .string(project.domainID), "tags": [],
            "options": [:], "links": ["self": .string(identityURL + "/v3/projects/" + project.id)],
        ]
    }

    // MARK: authentication

    private func authenticate(_ request: SimRequest, state: CloudState) async -> SimResponse {
        guard let body = request.json, let auth = body["auth"], let identity = auth["identity"],
              let methods = identity["methods"]?.array?.compactMap(\.string), !methods.isEmpty else {
            return error(status: 400, message: "Expecting to find identity in auth. The server could not comply with the request since it is either malformed or otherwise incorrect. The client is assumed to be in error.")
        }
        let world = await state.world
        let c = world.credentials
        let method: String
        if methods.contains("password") {
            method = "password"
            guard let user = identity["password"]?["user"] else {
                return error(status: 400, message: "Expecting to find user in password.")
            }
            let password = user["password"]?.string
            if let id = user["id"]?.string {
                guard id == c.userID, password == c.password else { return unauthorizedAuth(request) }
            } else if let name = user["name"]?.string {
                guard let domain = user["domain"] else {
                    return error(status: 400, message: "Expecting to find domain in user. The server could not comply with the request since it is either malformed or otherwise incorrect. The client is assumed to be in error.")
                }
                let domainOK = domain["name"]?.string == c.userDomain || domain["id"]?.string == c.userDomain.lowercased()
                guard name == c.username, password == c.password, domainOK else { return unauthorizedAuth(request) }
            } else {
                return error(status: 400, message: "Expecting to find id or name in user.")
            }
        } else if methods.contains("application_credential") {
            method = "application_credential"
            guard let credential = identity["application_credential"] else {
                return error(status: 400, message: "Expecting to find application_credential in identity.")
            }
            let secret = credential["secret"]?.string
            let match = c.applicationCredentials.first {
                ($0.id == credential["id"]?.string || ($0.name == credential["name"]?.string && credential["user"] != nil))
                    && $0.secret == secret
            }
            guard match != nil else { return unauthorizedAuth(request) }
        } else if methods.contains("token") {
            method = "token"
            guard await state.isValid(token: identity["token"]?["id"]?.string) else { return unauthorizedAuth(request) }
        } else {
            return error(status: 401, message: "The request you have made requires authentication.")
        }

        // Scope: a project by id, or by name with its domain; none gives an unscoped token.
        var scoped = false
        if method == "application_credential" {
            scoped = true
        } else if let scope = auth["scope"], scope.object != nil {
            if let project = scope["project"] {
                if let id = project["id"]?.string {
                    guard id == c.projectID else { return unauthorizedAuth(request) }
                } else if let name = project["name"]?.string {
                    guard let domain = project["domain"] else {
                        return error(status: 400, message: "Expecting to find domain in project. The server could not comply with the request since it is either malformed or otherwise incorrect. The client is assumed to be in error.")
                    }
                    let domainOK = domain["name"]?.string == c.projectDomain || domain["id"]?.string == c.projectDomain.lowercased()
                    guard name == c.project, domainOK else { return unauthorizedAuth(request) }
                } else {
                    return error(status: 400, message: "Expecting to find id or name in project.")
                }
                scoped = true
            } else if scope["system"] != nil || scope["domain"] != nil {
                scoped = false
            }
        }
        let (token, expires, issued) = await state.issueToken()
        var tokenJSON = tokenBody(world: world, method: method, scoped: scoped, issued: issued, expires: expires, baseURL: request.baseURL)
        if request.hasQuery("nocatalog"), case .object(var pairs) = tokenJSON, case .object(var inner)? = pairs.first?.1 {
            inner.removeAll { $0.0 == "catalog" }
            pairs[0].1 = .object(inner)
            tokenJSON = .object(pairs)
        }
        return .json(201, tokenJSON, headers: [("X-Subject-Token", token), ("Vary", "X-Auth-Token")])
    }

    private func unauthorizedAuth(_ request: SimRequest) -> SimResponse {
        Self.errorResponse(status: 401, message: "The request you have made requires authentication.",
                           identityURL: request.baseURL + "/identity")
    }

    static func timestamp(_ date: Date) -> String {
        let formatter = DateFormatter()
        formatter.locale = Locale(identifier: "en_US_POSIX")
        formatter.timeZone = TimeZone(identifier: "UTC")
        formatter.dateFormat = "yyyy-MM-dd'T'HH:mm:ss.SSSSSS'Z'"
        return formatter.string(from: date)
    }

    private func tokenBody(world: Scenario, method: String, scoped: Bool, issued: Date, expires: Date, baseURL: String) -> JSON {
        let c = world.credentials
        let domain: JSON = ["id": "default", "name": .string(c.userDomain)]
        var token: [(String, JSON)] = [
            ("audit_ids", .array([.string(String(SimIDs.uuid("audit", issued.timeIntervalSince1970).prefix(22)))])),
        ]
        if scoped { token.append(("catalog", catalog(world: world, baseURL: baseURL))) }
        token.append(("expires_at", .string(Self.timestamp(expires))))
        if scoped { token.append(("is_domain", .bool(false))) }
        token.append(("issued_at", .string(Self.timestamp(issued))))
        token.append(("methods", .array([.string(method)])))
        if scoped {
            token.append(("project", ["domain": ["id": "default", "name": .string(c.projectDomain)],
                                      "id": .string(c.projectID), "name": .string(c.project)]))
            token.append(("roles", [["id": "51cc68287d524c759f47c811e6463340", "name": "admin"],
                                    ["id": "9fe2ff9ee4384b1894a90878d3e92bab", "name": "member"]]))
        }
        token.append(("user", ["domain": domain, "id": .string(c.userID), "name": .string(c.username),
                               "password_expires_at": nil]))
        return ["token": .object(token)]
    }

    /// The catalog: compute (public without the project id, internal and admin with it), network
    /// (no `/v2.0`), identity, and the placement service clients expect to see.
    private func catalog(world: Scenario, baseURL: String) -> JSON {
        let region = world.region
        let project = world.credentials.projectID
        func endpoints(_ kind: String, _ urls: [(String, String)]) -> JSON {
            .array(urls.map { interface, url in
                ["id": .string(SimIDs.uuid("endpoint", "\(kind)-\(interface)").replacingOccurrences(of: "-", with: "")),
                 "interface": .string(interface), "region": .string(region), "region_id": .string(region), "url": .string(url)]
            })
        }
        func service(_ type: String, _ name: String, _ urls: [(String, String)]) -> JSON {
            ["endpoints": endpoints(type, urls), "type": .string(type),
             "id": .string(SimIDs.uuid("service", type).replacingOccurrences(of: "-", with: "")), "name": .string(name)]
        }
        let compute = baseURL + "/compute/v2.1"
        return [
            service("identity", "keystone", [("public", baseURL + "/identity"), ("internal", baseURL + "/identity"), ("admin", baseURL + "/identity")]),
            service("compute", "nova", [("public", compute), ("internal", compute + "/" + project), ("admin", compute + "/" + project)]),
            service("network", "neutron", [("public", baseURL + "/network"), ("internal", baseURL + "/network/"), ("admin", baseURL + "/network")]),
        ]
    }
}
