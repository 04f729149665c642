import Foundation

/// The Hyperstack (NexGen Cloud Infrahub) API, the calls spotctl makes: the image and flavor
/// catalogues, environments, keypairs, virtual machines (create, show, list, delete) and
/// firewalls (list, show, update-attachments). Served under `/hyperstack`, so
/// `HYPERSTACK_API_URL` is `<base>/hyperstack/v1` and the paths are `/hyperstack/v1/core/...`.
///
/// Wire format (FORMATS.md section 5 and the Infrahub OpenAPI document):
/// - Authentication by the header `api_key` (with an underscore, exactly as the API documents
///   it; `api-key` or `Authorization` are not accepted). Missing or wrong → 401.
/// - Success is always 200 `{"status": true, "message": …, <payload key>: …}`, even for creation.
/// - Errors are `{"status": false, "message": …, "error_reason": …}` (`ErrorResponseModel`).
/// - Ids are integers; timestamps have no zone (`2024-07-29T15:51:28`).
struct HyperstackHandler: ServiceHandler {
    let service = SimulatorService.hyperstack

    func error(status: Int, message: String) -> SimResponse {
        Self.failure(status, message)
    }

    /// The `error_reason` category of a status.
    static func reason(for status: Int) -> String {
        switch status {
        case 400: return "bad_request"
        case 401: return "unauthorized"
        case 403: return "forbidden"
        case 404: return "not_found"
        case 405: return "method_not_allowed"
        case 406: return "not_acceptable"
        case 409: return "conflict"
        case 429: return "too_many_requests"
        case 500...599: return "internal_server_error"
        default: return "bad_request"
        }
    }

    static func failure(_ status: Int, _ message: String) -> SimResponse {
        .json(status, ["status": false, "message": .string(message), "error_reason": .string(reason(for: status))])
    }

    static func success(_ message: String, _ payload: [(String, JSON)] = []) -> SimResponse {
        .json(200, .object([("status", true), ("message", .string(message))] + payload))
    }

    /// The routes served, from the segments after `/hyperstack/v1`.
    enum Route {
        case images, flavors, environments, environment(String), keypairs
        case virtualMachines, virtualMachine(String), virtualMachineEvents(String)
        case firewalls, firewall(String), firewallAttachments(String)

        init?(_ s: [String]) {
            guard s.count >= 2, s[0] == "core" else { return nil }
            switch (s.count, s[1]) {
            case (2, "images"): self = .images
            case (2, "flavors"): self = .flavors
            case (2, "environments"): self = .environments
            case (3, "environments"): self = .environment(s[2])
            case (2, "keypairs"): self = .keypairs
            case (2, "virtual-machines"): self = .virtualMachines
            case (3, "virtual-machines"): self = .virtualMachine(s[2])
            case (4, "virtual-machines") where s[3] == "events": self = .virtualMachineEvents(s[2])
            case (2, "firewalls"): self = .firewalls
            case (3, "firewalls"): self = .firewall(s[2])
            case (4, "firewalls") where s[3] == "update-attachments": self = .firewallAttachments(s[2])
            default: return nil
            }
        }
    }

    func handle(_ request: SimRequest, state: CloudState) async -> SimResponse {
        guard request.segments.first == "v1", let route = Route(Array(request.segments.dropFirst())) else {
            return Self.failure(404, "The requested URL was not found on the server.")
        }
        let world = await state.world
        guard let key = request.header("api_key"), !key.isEmpty else {
            return Self.failure(401, "Unauthorized: the api_key header is missing.")
        }
        guard key == world.credentials.hyperstackAPIKey else {
            return Self.failure(401, "Unauthorized: the API key is invalid or has been revoked.")
        }
        let catalog = HyperstackCatalog(world: world, request: request)
        switch (request.method, route) {
        case ("GET", .images): return catalog.images()
        case ("GET", .flavors): return catalog.flavors()
        case ("GET", .environments): return catalog.environments()
        case ("GET", .environment(let id)): return catalog.environment(id)
        case ("GET", .keypairs): return catalog.keypairs()
        case ("GET", .firewalls): return catalog.firewalls()
        case ("GET", .firewall(let id)): return catalog.firewall(id)
        case ("POST", .firewallAttachments(let id)):
            return await HyperstackFirewalls.updateAttachments(id, request: request, state: state)
        case ("GET", .virtualMachines): return HyperstackVMs.list(world: world, request: request)
        case ("POST", .virtualMachines): return await HyperstackVMs.create(request: request, state: state)
        case ("GET", .virtualMachine(let id)): return HyperstackVMs.show(id, world: world)
        case ("GET", .virtualMachineEvents(let id)): return HyperstackVMs.events(id, world: world)
        case ("DELETE", .virtualMachine(let id)): return await HyperstackVMs.delete(id, state: state)
        default:
            return Self.failure(405, "The method is not allowed for the requested URL.")
        }
    }

    // MARK: shared helpers

    /// A timestamp as Hyperstack writes it (UTC, no zone, whole seconds).
    static func timestamp(_ date: Date) -> String {
        let formatter = DateFormatter()
        formatter.locale = Locale(identifier: "en_US_POSIX")
        formatter.timeZone = TimeZone(identifier: "UTC")
        formatter.dateFormat = "yyyy-MM-dd'T'HH:mm:ss"
        return formatter.string(from: date)
    }

    /// Hyperstack's page parameters: `page` (from 1) and `pageSize`.
    static func page<T>(_ items: [T], request: SimRequest, defaultSize: Int = 20) -> (items: ArraySlice<T>, page: Int, size: Int) {
        let page = max(1, Int(request.query("page") ?? "") ?? 1)
        let size = max(1, Int(request.query("pageSize") ?? request.query("page_size") ?? "") ?? defaultSize)
        let start = min(items.count, (page - 1) * size)
        return (items[start..<min(items.count, start + size)], page, size)
    }

    /// Whether a name matches a glob with `*` (any run) and `?` (one character), case-insensitively.
    static func glob(_ pattern: String, matches name: String) -> Bool {
        let p = Array(pattern.lowercased()), n = Array(name.lowercased())
        var pi = 0, ni = 0, star = -1, mark = 0
        while ni < n.count {
            if pi < p.count, p[pi] == "?" || p[pi] == n[ni] {
                pi += 1
                ni += 1
            } else if pi < p.count, p[pi] == "*" {
                star = pi
                mark = ni
                pi += 1
            } else if star >= 0 {
                pi = star + 1
                mark += 1
                ni = mark
            } else {
                return false
            }
        }
        while pi < p.count, p[pi] == "*" { pi += 1 }
        return pi == p.count
    }
}
