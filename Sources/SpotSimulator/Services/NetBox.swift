import Foundation

/// NetBox 4.6's REST API, the read side spotctl uses: the API root, `status/`, and
/// `dcim/devices/` (list and detail) with NetBox's filters, offset pagination, `brief`,
/// `exclude=config_context`, `fields` and `omit`. Served under `/netbox`, so `NETBOX_URL` is
/// `<base>/netbox` and the paths are `/netbox/api/...`.
///
/// Behaviour taken from NetBox's own source (4.6, `netbox/netbox/api/authentication.py`,
/// `pagination.py`, `dcim/filtersets.py`) and FORMATS.md section 4:
/// - Authentication: `Authorization: Token <v1>` or `Bearer nbt_<key>.<secret>` (v2, NetBox 4.5+).
///   The token version comes from the `nbt_` prefix, not from the keyword; the keyword is
///   case-insensitive. Every failure is 403 with `{"detail": ...}` (NetBox sends no challenge).
///   A header whose keyword is neither `Token` nor `Bearer` is ignored by NetBox, so the request is
///   anonymous and gets "Authentication credentials were not provided."; a `Token`/`Bearer` header
///   with no value or with extra words gets "Invalid authorization header: Must be in the form …".
/// - Paths need their trailing slash: without it Django answers 301 to the slashed URL (before
///   authentication, as its middleware runs first).
/// - Every response carries `API-Version: 4.6` and an `X-Request-ID`.
struct NetBoxHandler: ServiceHandler {
    let service = SimulatorService.netbox

    static let apiVersion = "4.6"
    static let netboxVersion = "4.6.8"

    func error(status: Int, message: String) -> SimResponse {
        Self.respond(status, ["detail": .string(message)])
    }

    /// A JSON response with NetBox's headers.
    static func respond(_ status: Int, _ body: JSON, headers: [(String, String)] = []) -> SimResponse {
        .json(status, body, headers: standardHeaders + headers)
    }

    static var standardHeaders: [(String, String)] {
        [("API-Version", apiVersion), ("X-Request-ID", UUID().uuidString.lowercased()),
         ("Vary", "Accept, Cookie, Origin"), ("Allow", "GET, HEAD, OPTIONS")]
    }

    /// The routes served, from the segments after `/netbox`.
    enum Route: Equatable {
        case root
        case status
        case devices
        case device(String)

        init?(_ segments: [String]) {
            switch segments {
            case ["api"]: self = .root
            case ["api", "status"]: self = .status
            case ["api", "dcim", "devices"]: self = .devices
            case let s where s.count == 4 && s[0] == "api" && s[1] == "dcim" && s[2] == "devices": self = .device(s[3])
            default: return nil
            }
        }
    }

    func handle(_ request: SimRequest, state: CloudState) async -> SimResponse {
        let route = Route(request.segments)
        // Django's APPEND_SLASH: a known route without its trailing slash is redirected with 301
        // (query kept) by middleware, before any view, and so before authentication, runs.
        if route != nil, !Self.endsWithSlash(request) {
            let path = "/netbox/" + request.segments.map(Self.encodePathSegment).joined(separator: "/") + "/"
            let query = request.rawQuery.map { $0.isEmpty ? "" : "?" + $0 } ?? ""
            return SimResponse(status: 301, headers: Self.standardHeaders + [
                ("Location", request.baseURL + path + query), ("Content-Type", "text/html; charset=utf-8"),
            ])
        }
        guard let route else {
            return error(status: 404, message: "Not found.")
        }
        let world = await state.world
        if let failure = Self.authenticate(request.header("Authorization"), credentials: world.credentials) {
            return error(status: 403, message: failure)
        }
        guard request.method == "GET" || request.method == "HEAD" else {
            return error(status: 405, message: "Method \"\(request.method)\" not allowed.")
        }
        var response: SimResponse
        switch route {
        case .root:
            response = Self.respond(200, apiRoot(request))
        case .status:
            response = Self.respond(200, statusDocument())
        case .devices:
            response = NetBoxDevices(world: world, request: request, pageLimit: state.options.pageLimit).list()
        case .device(let id):
            response = NetBoxDevices(world: world, request: request, pageLimit: state.options.pageLimit).detail(id)
        }
        if request.method == "HEAD" { response.body = Data() }
        return response
    }

    // MARK: authentication

    static let notProvided = "Authentication credentials were not provided."

    /// Checks an `Authorization` header the way NetBox 4.6's `TokenAuthentication` does; returns
    /// the 403 message, or nil when the request is authenticated.
    static func authenticate(_ header: String?, credentials: Credentials) -> String? {
        // Python's bytes.split(): runs of whitespace separate, leading and trailing ones vanish.
        let parts = (header ?? "").split(whereSeparator: { $0 == " " || $0 == "\t" }).map(String.init)
        guard let keyword = parts.first?.lowercased(), keyword == "token" || keyword == "bearer" else {
            // No header, or a scheme NetBox does not know: the request stays anonymous.
            return notProvided
        }
        guard parts.count == 2 else {
            return "Invalid authorization header: Must be in the form \"Bearer <key>.<token>\" or \"Token <token>\""
        }
        let value = parts[1]
        if value.hasPrefix("nbt_") {
            guard value.dropFirst(4).contains(".") else {
                return "Invalid authorization header: Could not parse key from v2 token. Did you mean to use 'Token' instead of 'Bearer'?"
            }
            return value == credentials.netboxTokenV2 ? nil : "Invalid v2 token"
        }
        return value == credentials.netboxToken ? nil : "Invalid v1 token"
    }

    // MARK: small documents

    private func apiRoot(_ request: SimRequest) -> JSON {
        let api = request.baseURL + "/netbox/api/"
        let apps = ["circuits", "core", "dcim", "extras", "ipam", "plugins", "status", "tenancy", "users",
                    "virtualization", "vpn", "wireless"]
        return .object(apps.map { ($0, .string(api + $0 + "/")) })
    }

    private func statusDocument() -> JSON {
        [
            "django-version": "5.2.8",
            "installed-apps": ["django_filters": "25.1", "django_prometheus": "2.4.1", "django_rq": "3.1",
                               "django_tables2": "2.7.5", "drf_spectacular": "0.28.0", "mptt": "0.17.0",
                               "rest_framework": "3.16.1", "taggit": "6.1.0"],
            "netbox-version": .string(Self.netboxVersion),
            "netbox-full-version": .string(Self.netboxVersion),
            "plugins": [:],
            "python-version": "3.12.3",
            "rq-workers-running": 1,
        ]
    }

    // MARK: paths

    /// Whether the client's path ended in `/` (the segments lose it; the raw path keeps it).
    static func endsWithSlash(_ request: SimRequest) -> Bool {
        request.rawPath.isEmpty || request.rawPath.hasSuffix("/")
    }

    static func encodePathSegment(_ segment: String) -> String {
        var allowed = CharacterSet.alphanumerics
        allowed.insert(charactersIn: "-._~")
        return segment.addingPercentEncoding(withAllowedCharacters: allowed) ?? segment
    }
}
