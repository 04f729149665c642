import Foundation

/// Nova (Compute API v2.1): version discovery, microversions, host aggregates, compute services,
/// hypervisors, availability zones, flavors (with extra specs), servers and os-interface. Every API
/// path works as `/compute/v2.1/<path>` and as `/compute/v2.1/<project_id>/<path>`. Shapes follow
/// `reference/nova/doc/api_samples` at each microversion (admin view). Errors use Nova's
/// `{"<faultName>": {"code", "message"}}` body; a missing or expired token gets keystonemiddleware's
/// 401.
struct NovaHandler: ServiceHandler {
    let service = SimulatorService.nova
    /// Orders and indexes derived from the world, reused while the world's arrays are unchanged.
    let cache = NovaCache()

    func error(status: Int, message: String) -> SimResponse {
        Self.fault(status, message, requestID: Self.newRequestID())
    }

    /// An injected fault: a 429 or 413 carries its `retryAfter` in the body too, as Nova's does.
    func fault(status: Int, message: String, retryAfter: Int?) -> SimResponse {
        Self.fault(status, message, requestID: Self.newRequestID(), retryAfter: retryAfter)
    }

    // MARK: faults and headers

    /// Nova's fault name for a status (`nova/api/openstack/wsgi.py`); anything else is `computeFault`.
    static func faultName(_ status: Int) -> String {
        switch status {
        case 400: return "badRequest"
        case 401: return "unauthorized"
        case 403: return "forbidden"
        case 404: return "itemNotFound"
        case 405: return "badMethod"
        case 409: return "conflictingRequest"
        case 413, 429: return "overLimit"
        case 415: return "badMediaType"
        case 501: return "notImplemented"
        case 503: return "serviceUnavailable"
        default: return "computeFault"
        }
    }

    static func fault(_ status: Int, _ message: String, requestID: String, retryAfter: Int? = nil,
                      extraHeaders: [(String, String)] = []) -> SimResponse {
        var inner: [(String, JSON)] = [("code", .int(status)), ("message", .string(message))]
        if status == 413 || status == 429 { inner.append(("retryAfter", .string(String(retryAfter ?? 0)))) }
        let body = JSON.object([(faultName(status), .object(inner))])
        var headers: [(String, String)] = [("Content-Type", "application/json; charset=UTF-8")]
        headers += requestIDHeaders(requestID)
        headers += extraHeaders
        if let retryAfter { headers.append(("Retry-After", String(retryAfter))) }
        return SimResponse(status: status, headers: headers, body: body.data)
    }

    static func newRequestID() -> String { "req-" + UUID().uuidString.lowercased() }

    static func requestIDHeaders(_ id: String) -> [(String, String)] {
        [("X-OpenStack-Request-ID", id), ("X-Compute-Request-Id", id)]
    }

    static func versionHeaders(_ version: Microversion) -> [(String, String)] {
        [("OpenStack-API-Version", "compute \(version)"), ("X-OpenStack-Nova-API-Version", "\(version)"),
         ("Vary", "OpenStack-API-Version, X-OpenStack-Nova-API-Version")]
    }

    // MARK: microversions

    /// The microversion a request asks for: `OpenStack-API-Version: compute X.Y` (or `latest`),
    /// else the legacy `X-OpenStack-Nova-API-Version`, else 2.1.
    static func requestedVersion(_ request: SimRequest, max: Microversion) -> Result<Microversion, NovaFault> {
        var value: String?
        if let header = request.header("OpenStack-API-Version") {
            for part in header.split(separator: ",") {
                let words = part.split(whereSeparator: { $0 == " " || $0 == "\t" })
                if let first = words.first, first.lowercased() == "compute" {
                    value = words.count > 1 ? words[1...].joined(separator: " ") : ""
                }
            }
        }
        if value == nil, let legacy = request.header("X-OpenStack-Nova-API-Version") {
            value = legacy.trimmingCharacters(in: .whitespaces)
        }
        guard let value else { return .success(.minimum) }
        if value.lowercased() == "latest" { return .success(max) }
        guard let version = Microversion(value), version.major >= 0, version.minor >= 0 else {
            return .failure(NovaFault(400, "API Version String \(value) is of invalid format. Must be of format MajorNum.MinorNum."))
        }
        guard version >= .minimum, version <= max else {
            return .failure(NovaFault(406, "Version \(version) is not supported by the API. Minimum is \(Microversion.minimum) and maximum is \(max)."))
        }
        return .success(version)
    }

    // MARK: version discovery

    private func versionEntry(_ base: String, id: String, max: Microversion, full: Bool) -> JSON {
        let v21 = id == "v2.1"
        var links: [JSON] = [["href": .string(base + (v21 ? "/compute/v2.1/" : "/compute/v2/")), "rel": "self"]]
        if full { links.append(["href": "http://docs.openstack.org/", "rel": "describedby", "type": "text/html"]) }
        var pairs: [(String, JSON)] = [("id", .string(id)), ("links", .array(links))]
        if full {
            pairs.append(("media-types", [["base": "application/json",
                                           "type": .string("application/vnd.openstack.compute+json;version=\(v21 ? "2.1" : "2")")]]))
        }
        pairs += [
            ("status", .string(v21 ? "CURRENT" : "DEPRECATED")),
            ("version", .string(v21 ? max.description : "")),
            ("min_version", .string(v21 ? Microversion.minimum.description : "")),
            ("updated", .string(v21 ? "2013-07-23T11:33:21Z" : "2025-07-04T12:00:00Z")),
        ]
        return .object(pairs)
    }

    private func plain(_ status: Int, _ body: JSON, requestID: String) -> SimResponse {
        SimResponse(status: status, headers: [("Content-Type", "application/json")] + Self.requestIDHeaders(requestID), body: body.data)
    }

    // MARK: dispatch

    func handle(_ request: SimRequest, state: CloudState) async -> SimResponse {
        let requestID = Self.newRequestID()
        let maxVersion = state.options.novaMaxMicroversion
        var segments = request.segments
        switch (request.method, segments) {
        case ("GET", []):
            return plain(200, ["versions": [versionEntry(request.baseURL, id: "v2.0", max: maxVersion, full: false),
                                            versionEntry(request.baseURL, id: "v2.1", max: maxVersion, full: false)]], requestID: requestID)
        case ("GET", ["v2.1"]):
            return plain(200, ["version": versionEntry(request.baseURL, id: "v2.1", max: maxVersion, full: true)], requestID: requestID)
        case ("GET", ["v2"]):
            return plain(200, ["version": versionEntry(request.baseURL, id: "v2.0", max: maxVersion, full: true)], requestID: requestID)
        default:
            break
        }
        guard segments.first == "v2.1" else {
            return Self.fault(404, "The resource could not be found.", requestID: requestID)
        }
        segments.removeFirst()
        guard await state.isValid(token: request.header("X-Auth-Token")) else {
            var response = KeystoneHandler.unauthorized(request)
            response.headers += Self.requestIDHeaders(requestID)
            return response
        }
        let world = await state.world
        let projectID = world.credentials.projectID
        var prefix = request.baseURL + "/compute/v2.1"
        if let first = segments.first, !Self.routeRoots.contains(first) {
            if first == projectID {
                segments.removeFirst()
                prefix += "/" + projectID
                if segments.isEmpty, request.method == "GET" {
                    return plain(200, ["version": versionEntry(request.baseURL, id: "v2.1", max: maxVersion, full: true)], requestID: requestID)
                }
            } else if Self.looksLikeProjectID(first) {
                return Self.fault(400, "Malformed request URL: URL's project_id '\(first)' doesn't match Context's project_id '\(projectID)'",
                                  requestID: requestID)
            }
        }
        let version: Microversion
        switch Self.requestedVersion(request, max: maxVersion) {
        case .success(let v): version = v
        case .failure(let fault): return Self.fault(fault.status, fault.message, requestID: requestID)
        }
        let context = NovaContext(request: request, world: world, version: version, state: state, cache: cache,
                                  apiRoot: prefix, bookmarkRoot: request.baseURL + "/compute/" + projectID,
                                  projectID: projectID, maxLimit: max(1, state.options.pageLimit))
        var response: SimResponse
        do {
            response = try await route(segments, context)
        } catch let fault as NovaFault {
            response = Self.fault(fault.status, fault.message, requestID: requestID)
        } catch {
            response = Self.fault(500, "Unexpected API Error. \(error)", requestID: requestID)
        }
        response.headers += Self.versionHeaders(version)
        if !response.headers.contains(where: { $0.0 == "X-OpenStack-Request-ID" }) {
            response.headers += Self.requestIDHeaders(requestID)
        }
        return response
    }

    static let routeRoots: Set<String> = [
        "servers", "flavors", "os-aggregates", "os-hypervisors", "os-services", "os-availability-zone",
        "limits", "extensions", "images", "os-keypairs",
    ]

    static func looksLikeProjectID(_ text: String) -> Bool {
        let hex = text.replacingOccurrences(of: "-", with: "")
        return hex.count == 32 && hex.allSatisfy(\.isHexDigit)
    }

    private func route(_ s: [String], _ c: NovaContext) async throws -> SimResponse {
        let method = c.request.method
        guard let root = s.first else { throw NovaFault.notFound }
        let rest = Array(s.dropFirst())
        switch root {
        case "os-aggregates": return try await aggregates(method, rest, c)
        case "os-services": return try await services(method, rest, c)
        case "os-hypervisors": return try hypervisors(method, rest, c)
        case "os-availability-zone": return try availabilityZones(method, rest, c)
        case "flavors": return try await flavors(method, rest, c)
        case "servers": return try await servers(method, rest, c)
        default: throw NovaFault.notFound
        }
    }
}

/// A Nova error to answer with (status and explanation).
struct NovaFault: Error, Sendable {
    let status: Int
    let message: String
    init(_ status: Int, _ message: String) {
        self.status = status
        self.message = message
    }

    static let notFound = NovaFault(404, "The resource could not be found.")
    static let badMethod = NovaFault(405, "The method specified is not allowed for this resource.")
}

/// What a route needs to answer one request.
struct NovaContext: Sendable {
    let request: SimRequest
    /// The world as it was when the request arrived (read once).
    let world: Scenario
    let version: Microversion
    let state: CloudState
    let cache: NovaCache
    /// `http://host/compute/v2.1` or `.../v2.1/<project>`, as the client called it (for links).
    let apiRoot: String
    let bookmarkRoot: String
    let projectID: String
    /// Nova's `max_limit`.
    let maxLimit: Int

    func at(_ major: Int, _ minor: Int) -> Bool { version.atLeast(major, minor) }

    /// `limit` (capped by max_limit) and `marker` query parameters.
    func limitAndMarker() throws -> (limit: Int, marker: String?) {
        var limit = maxLimit
        if let text = request.query("limit") {
            guard let value = Int(text) else { throw NovaFault(400, "limit param must be an integer") }
            guard value >= 0 else { throw NovaFault(400, "limit param must be positive") }
            limit = min(value, maxLimit)
        }
        return (limit, request.query("marker"))
    }

    /// A `<collection>_links` next link: the request's query with `marker` replaced.
    func nextLink(path: String, marker: String, limit: Int) -> JSON {
        var pairs = request.query.filter { $0.0 != "marker" && $0.0 != "limit" }
        pairs.insert(("limit", String(limit)), at: 0)
        pairs.append(("marker", marker))
        let query = pairs.map { QueryString.encode($0.0) + "=" + QueryString.encode($0.1) }.joined(separator: "&")
        return [["href": .string(apiRoot + path + "?" + query), "rel": "next"]]
    }

    /// The request body as a JSON object, or a 400.
    func body() throws -> JSON {
        guard let json = request.json, json.object != nil else {
            throw NovaFault(400, "Malformed request body")
        }
        return json
    }

    func ok(_ body: JSON, status: Int = 200) -> SimResponse {
        .json(status, body)
    }
}

/// Parsing of Nova's boolean query parameters (oslo `bool_from_string`, strict).
enum NovaBool {
    static let truthy: Set<String> = ["1", "t", "true", "on", "y", "yes"]
    static let falsey: Set<String> = ["0", "f", "false", "off", "n", "no"]

    /// `nil` when the text is not a recognised word.
    static func parse(_ text: String) -> Bool? {
        let word = text.trimmingCharacters(in: .whitespaces).lowercased()
        if truthy.contains(word) { return true }
        if falsey.contains(word) { return false }
        return nil
    }

    static func strict(_ text: String, name: String) throws -> Bool {
        guard let value = parse(text) else {
            throw NovaFault(400, "Invalid input for query parameters \(name). Value: \(text). Unrecognized value '\(text)', acceptable values are: '0', '1', 'f', 'false', 'n', 'no', 'off', 'on', 't', 'true', 'y', 'yes'")
        }
        return value
    }
}

/// Deterministic stand-ins for values the world does not hold.
enum NovaFake {
    /// A hex digest of `length` characters (Nova's hostId is a 56-character sha224).
    static func hex(_ key: String, length: Int) -> String {
        var out = ""
        var round = 0
        while out.count < length {
            out += SimIDs.hex32("hex\(round)", key)
            round += 1
        }
        return String(out.prefix(length))
    }

    /// A Neutron-style MAC address (`fa:16:3e:xx:xx:xx`).
    static func mac(_ key: String) -> String {
        let h = Array(hex("mac/" + key, length: 6))
        return "fa:16:3e:\(h[0])\(h[1]):\(h[2])\(h[3]):\(h[4])\(h[5])"
    }

    /// Naive ISO-8601 with microseconds, from a `...Z` timestamp (`2024-01-15T10:30:00.000000`).
    static func naive(_ timestamp: String) -> String {
        var text = timestamp
        if text.hasSuffix("Z") { text.removeLast() }
        if let plus = text.range(of: "+", options: .backwards) { text = String(text[..<plus.lowerBound]) }
        if !text.contains(".") { text += ".000000" }
        return text
    }

    static func now(naive: Bool) -> String {
        let formatter = DateFormatter()
        formatter.locale = Locale(identifier: "en_US_POSIX")
        formatter.timeZone = TimeZone(identifier: "UTC")
        formatter.dateFormat = naive ? "yyyy-MM-dd'T'HH:mm:ss.SSSSSS" : "yyyy-MM-dd'T'HH:mm:ss'Z'"
        return formatter.string(from: Date())
    }
}
