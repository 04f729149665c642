public import Foundation
import Synchronization
public import SpotApply
import SpotAPI
public import SpotClients
import SpotCore
public import SpotKit
import SpotSite
import SpotSupport

/// How serve runs.
public struct ServeOptions: Sendable {
    /// The address to listen on; loopback unless a token is configured.
    public var bind = "127.0.0.1"
    public var port = 6969
    /// The bearer token every request must carry (required off loopback).
    public var token: Secret?
    /// Whether the execute routes may write to the cloud (through the apply engine).
    public var allowExecute = false
    /// Host names (besides the loopback ones) the server answers to.
    public var allowedHosts: [String] = []
    /// How often HEAD is checked for a new snapshot.
    public var pollInterval: Duration = .seconds(1)
    public var clientOptions: ClientOptions?
    /// For tests: how launches wait (the simulator's clock instead of sleeping).
    public var launchOptions: LaunchRunner.Options?

    public init() {}

    public static func isLoopback(_ address: String) -> Bool {
        ["127.0.0.1", "::1", "localhost"].contains(address.lowercased()) || address.hasPrefix("127.")
    }
}

/// The seed's REST API (`../shared/seed/API_DOCUMENTATION.md`) over the operations repository:
/// GETs from the site rendered in memory from the latest snapshot (the same bytes as the static
/// API), previews through the planner, executes through the apply engine, lookups live.
/// Independent of the HTTP server: `ServeServer` hands it each request.
public final class ServeApp: Sendable {
    let repository: OperationsRepository
    let context: RunContext
    let options: ServeOptions
    let site: ServedSite
    private let port: Mutex<Int>
    /// Launches answered BUILDING and still running, so shutdown can wait for them.
    let background = BackgroundWork()

    public init(repository: OperationsRepository, context: RunContext, options: ServeOptions) {
        self.repository = repository
        self.context = context
        self.options = options
        self.site = ServedSite(repository: repository, context: context)
        self.port = Mutex(options.port)
    }

    /// The port actually bound (with `--port 0`, known once listening).
    public func setPort(_ value: Int) { port.withLock { $0 = value } }

    var requestGuard: RequestGuard {
        var names = options.allowedHosts.map { $0.lowercased() }
        if !ServeOptions.isLoopback(options.bind), options.bind != "0.0.0.0", options.bind != "::" { names.append(options.bind.lowercased()) }
        return RequestGuard(port: port.withLock { $0 }, names: names, token: options.token)
    }

    /// Renders the latest snapshot's site when HEAD moved; true when it rendered.
    @discardableResult
    public func refresh() async throws(SpotError) -> Bool {
        try await site.refresh()
    }

    /// Waits for launches still running in the background.
    public func finishBackgroundWork() async {
        await background.waitForAll()
    }

    // MARK: dispatch

    public func respond(_ request: ServeRequest) async -> ServeResponse {
        var response = await answer(request)
        // Files of the site go gzipped to a client that accepts it (made once per render).
        if let gzipped = response.gzipped {
            if request.acceptsGzip {
                response.buffer = gzipped
                response.headers.append(("Content-Encoding", "gzip"))
            }
            response.gzipped = nil
            response.headers.append(("Vary", "Accept-Encoding"))
        }
        return response
    }

    func answer(_ request: ServeRequest) async -> ServeResponse {
        if let refusal = requestGuard.check(request) { return refusal }
        guard request.body.count <= RequestBody.maximumBytes else {
            return .error(400, "the body is larger than 1 MiB", details: ["limit_bytes": RequestBody.maximumBytes])
        }
        guard let segments = request.segments else {
            return .error(400, "the path \(request.path) is not valid percent-encoding")
        }
        var allowed: [String] = []
        for route in Route.all {
            guard let values = route.match(segments) else { continue }
            guard route.method == request.method || (route.method == "GET" && request.method == "HEAD") else {
                allowed.append(route.method)
                continue
            }
            do {
                return try await handle(route, values, request)
            } catch {
                return error.response
            }
        }
        if !allowed.isEmpty {
            return .error(405, "\(request.method) is not allowed on \(request.path); use \(allowed.joined(separator: ", "))",
                          headers: [("Allow", allowed.joined(separator: ", "))])
        }
        if segments.first == "api" {
            // The static API's families with a `.json` ending, as the site's files are named.
            if request.method == "GET" || request.method == "HEAD", let current = try? await currentSite(),
               case let path = "api/" + segments.dropFirst().joined(separator: "/"), let buffer = current.buffers[path] {
                return .file(buffer, gzipped: current.gzipped[path])
            }
            return .error(404, "no endpoint \(request.method) \(request.path)", details: ["hint": "GET /api/openapi.json lists every route"])
        }
        guard request.method == "GET" || request.method == "HEAD" else {
            return .error(405, "the site answers GET only", headers: [("Allow", "GET")])
        }
        do {
            return try await sitePage(segments, path: request.path)
        } catch {
            return error.response
        }
    }

    func handle(_ route: Route, _ values: [String: String], _ request: ServeRequest) async throws(ServeFailure) -> ServeResponse {
        if route.executes, !options.allowExecute {
            throw ServeFailure(403, "\(route.method) \(route.path) changes the cloud, and this server was started without --allow-execute",
                               details: ["hint": "commit a change file under changes/ and let `spotctl apply` run it after review (docs/change-files.md), or restart serve with --allow-execute"])
        }
        switch route.handler {
        case .gpuTypes: return try await staticFile("api/gpu-types.json")
        case .aggregates:
            let type = try await gpuType(values["gpu_type"]!)
            return try await staticFile("api/aggregates/\(SeedAPI.typeFileName(type)).json")
        case .pool:
            let type = try await gpuType(values["gpu_type"]!)
            let pool = values["aggregate_type"]!
            let keys = Pool.allCases.map(\.apiKey)
            guard keys.contains(pool) else {
                throw ServeFailure(404, "unknown aggregate type \(pool)", details: ["aggregate_types": keys])
            }
            let path = "api/aggregates/\(SeedAPI.typeFileName(type))/\(pool).json"
            let current = try await currentSite()
            guard let buffer = current.buffers[path] else {
                throw ServeFailure(404, "GPU type \(type) has no \(pool) pool in the latest snapshot", details: ["gpu_type": type])
            }
            return .file(buffer, gzipped: current.gzipped[path])
        case .contracts:
            let type = try await gpuType(values["gpu_type"]!)
            return try await staticFile("api/contract-aggregates/\(SeedAPI.typeFileName(type)).json")
        case .hostVMs: return try await hostVMs(values["hostname"]!, live: request.query["live"].map { ["1", "true", "yes"].contains($0.lowercased()) } ?? false)
        case .images:
            let cloud = try await currentSite().rendered.cloud
            if let region = request.query["region"], !region.isEmpty {
                return .document(SeedAPI.imagesDocument(cloud: cloud, region: region))
            }
            return try await staticFile("api/hyperstack/images.json")
        case .commandLog: return try await staticFile("api/command-log.json")
        case .clearLog: return try await clearLog()
        case .previewMigration: return try await previewMigration(RequestBody(request.body))
        case .executeMigration: return try await executeMigration(RequestBody(request.body))
        case .targetAggregate: return try await targetAggregate(RequestBody(request.body))
        case .previewLaunch: return try await previewLaunch(RequestBody(request.body))
        case .executeLaunch: return try await executeLaunch(RequestBody(request.body))
        case .networkShow: return try await networkShow(RequestBody(request.body))
        case .serverUUID: return try await serverUUID(RequestBody(request.body))
        case .serverStatus: return try await serverStatus(RequestBody(request.body))
        case .firewallGet: return try await firewallGet(RequestBody(request.body))
        case .portCreate: return try await portCreate(RequestBody(request.body))
        case .addNetwork: return try await addNetwork(RequestBody(request.body))
        case .firewallUpdate: return try await firewallUpdate(RequestBody(request.body))
        case .openAPI: return .document(OpenAPIDocument.json())
        case .metrics: return try await metrics()
        }
    }

    // MARK: the rendered site

    func currentSite() async throws(ServeFailure) -> ServedSite.Current {
        if let current = site.site { return current }
        do {
            try await site.refresh()
        } catch {
            throw ServeFailure(503, "the latest snapshot could not be read: \(error.message)", details: ["hint": error.hint ?? "take one with `spotctl snapshot`"])
        }
        guard let current = site.site else { throw ServeFailure(503, "there is no snapshot to answer from", details: ["hint": "take one with `spotctl snapshot`"]) }
        return current
    }

    func staticFile(_ path: String) async throws(ServeFailure) -> ServeResponse {
        let current = try await currentSite()
        guard let buffer = current.buffers[path] else {
            throw ServeFailure(404, "nothing at \(path) in the latest snapshot")
        }
        return .file(buffer, gzipped: current.gzipped[path])
    }

    /// The GPU type named in a path, exactly as the snapshot names it.
    func gpuType(_ name: String) async throws(ServeFailure) -> String {
        let cloud = try await currentSite().rendered.cloud
        if let type = cloud.type(named: name) { return type.name }
        throw ServeFailure(404, "unknown GPU type \(name)", details: ["gpu_types": cloud.types.map(\.name)])
    }

    func host(_ name: String, in cloud: CloudView) throws(ServeFailure) -> HostView {
        if let host = cloud.host(named: name) { return host }
        let lower = name.lowercased()
        if let host = cloud.hosts.first(where: { $0.name.lowercased() == lower }) { return host }
        let near = cloud.hosts.map(\.name).filter { $0.lowercased().contains(lower) || lower.contains($0.lowercased()) }.prefix(5)
        throw ServeFailure(404, "unknown host \(name): not a GPU host in the latest snapshot",
                           details: near.isEmpty ? ["hint": "check the name, or take a new snapshot"] : ["similar": Array(near)])
    }

    func hostVMs(_ name: String, live: Bool) async throws(ServeFailure) -> ServeResponse {
        let current = try await currentSite()
        let host = try host(name, in: current.rendered.cloud)
        guard live else {
            return try await staticFile("api/host-vms/\(SafeFileName.encode(host.name)).json")
        }
        let servers = try await withReader { (reader: CloudReader) async throws(ServeFailure) -> [Server] in
            do throws(ClientError) {
                return try await reader.novaClient.servers(onHost: host.name)
            } catch {
                throw Self.failure(error)
            }
        }
        var facts = current.rendered.cloud.facts
        facts.servers.removeAll { $0.host == host.name }
        facts.servers.append(contentsOf: servers.filter { $0.host == host.name })
        let cloud = CloudView(facts: facts, configuration: current.rendered.cloud.configuration)
        guard let view = cloud.host(named: host.name) else { throw ServeFailure(500, "host \(host.name) vanished from its own view") }
        return .document(SeedAPI.hostVMsDocument(view))
    }

    /// A site page: `/` is `index.html`, a folder its `index.html`; the path is decoded once.
    func sitePage(_ segments: [String], path: String) async throws(ServeFailure) -> ServeResponse {
        let current = try await currentSite()
        var key = segments.joined(separator: "/")
        if key.isEmpty || path.hasSuffix("/") { key += key.isEmpty ? "index.html" : "/index.html" }
        guard let buffer = current.buffers[key] else {
            throw ServeFailure(404, "no page \(path) in the site")
        }
        return .file(buffer, gzipped: current.gzipped[key], contentType: Self.contentType(key))
    }

    static func contentType(_ path: String) -> String {
        switch (path as NSString).pathExtension.lowercased() {
        case "html": return "text/html; charset=utf-8"
        case "css": return "text/css; charset=utf-8"
        case "js": return "text/javascript; charset=utf-8"
        case "json": return ServeResponse.json
        case "svg": return "image/svg+xml"
        case "txt": return "text/plain; charset=utf-8"
        default: return "application/octet-stream"
        }
    }

    func metrics() async throws(ServeFailure) -> ServeResponse {
        let current = try await currentSite()
        var text = String(decoding: current.rendered.files[SiteRenderer.metricsPath] ?? Data(), as: UTF8.self)
        if let date = current.rendered.snapshot.date {
            text += "# HELP spotctl_snapshot_age_seconds Seconds since the snapshot was committed.\n"
            text += "# TYPE spotctl_snapshot_age_seconds gauge\n"
            text += "spotctl_snapshot_age_seconds \(Int(max(0, context.clock.now().timeIntervalSince(date))))\n"
        }
        return ServeResponse(status: 200, contentType: "text/plain; version=0.0.4; charset=utf-8", body: Data(text.utf8))
    }

    // MARK: live reads

    func withReader<T: Sendable>(_ body: (CloudReader) async throws(ServeFailure) -> T) async throws(ServeFailure) -> T {
        let configuration: Configuration
        let sources: CloudSources
        do {
            configuration = try repository.loadConfiguration(displayedFrom: context.workingDirectory)
            sources = try CloudSources.resolve(configuration: configuration, environment: context.environment,
                                               workingDirectory: context.workingDirectory)
        } catch let error as SpotError {
            throw ServeFailure(500, error.message, details: ["hint": error.hint ?? ""])
        } catch let error as CredentialsError {
            throw ServeFailure(500, error.message, details: ["hint": error.hint ?? ""])
        } catch {
            throw ServeFailure(500, "\(error)")
        }
        let reader: CloudReader
        do {
            reader = try CloudReader(configuration: configuration, sources: sources, options: options.clientOptions ?? ClientOptions())
        } catch {
            throw ServeFailure(500, "cannot set up the HTTP client: \(error)")
        }
        do throws(ServeFailure) {
            let value = try await body(reader)
            await reader.shutdown()
            return value
        } catch {
            await reader.shutdown()
            throw error
        }
    }

    /// A failed request: 404 for not found, 503 when NetBox or Hyperstack is unavailable, 500
    /// for an OpenStack error; the message names the service and the request.
    static func failure(_ error: ClientError) -> ServeFailure {
        let request = "\(error.method) \(error.path)"
        if error.isNotFound { return ServeFailure(404, error.description, details: ["service": error.service, "request": request]) }
        let external = ["NetBox", "Hyperstack"].contains(error.service)
        let unavailable = error.status == nil || [502, 503, 504].contains(error.status ?? 0)
        return ServeFailure(external || unavailable ? 503 : 500, error.description,
                            details: ["service": error.service, "request": request])
    }

    static func failure(_ error: LookupError) -> ServeFailure {
        switch error {
        case .failed(let client): return failure(client)
        case .notFound(let service, let request, _):
            return ServeFailure(404, error.description, details: ["service": service, "request": request])
        case .several(let service, let request, _, let ids):
            return ServeFailure(409, error.description, details: ["service": service, "request": request, "ids": ids])
        }
    }

    static func hyperstack(_ reader: CloudReader) throws(ServeFailure) -> HyperstackClient {
        guard let client = reader.hyperstackClient else {
            throw ServeFailure(503, "Hyperstack is not configured", details: ["hint": "set HYPERSTACK_API_URL and HYPERSTACK_API_KEY (or hyperstack: in spotctl.yaml)"])
        }
        return client
    }

    static func object(_ json: String) -> Any {
        (try? JSONSerialization.jsonObject(with: Data(json.utf8), options: [.fragmentsAllowed])) ?? json
    }

    func networkShow(_ body: RequestBody) async throws(ServeFailure) -> ServeResponse {
        let name = try body.string("network_name")
        let network = try await withReader { (reader: CloudReader) async throws(ServeFailure) -> NeutronNetwork in
            do throws(LookupError) { return try await reader.neutronClient.network(name) } catch { throw Self.failure(error) }
        }
        return .success(Self.object(CloudQueries.json(network: network)), message: "network \(network.name)")
    }

    func serverUUID(_ body: RequestBody) async throws(ServeFailure) -> ServeResponse {
        let name = try body.string("server_name")
        let server = try await withReader { (reader: CloudReader) async throws(ServeFailure) -> ServerDetail in
            do throws(LookupError) { return try await reader.novaClient.server(name) } catch { throw Self.failure(error) }
        }
        return .success(["server_name": server.name, "server_uuid": server.id], message: "server \(server.name) is \(server.id)")
    }

    func serverStatus(_ body: RequestBody) async throws(ServeFailure) -> ServeResponse {
        let name = try body.string("server_uuid")
        let server = try await withReader { (reader: CloudReader) async throws(ServeFailure) -> ServerDetail in
            do throws(LookupError) { return try await reader.novaClient.server(name) } catch { throw Self.failure(error) }
        }
        return .success(Self.object(CloudQueries.json(server: server)), message: "server \(server.name) is \(server.status)")
    }

    func firewallGet(_ body: RequestBody) async throws(ServeFailure) -> ServeResponse {
        let id = try body.integer("firewall_id")
        let firewall = try await withReader { (reader: CloudReader) async throws(ServeFailure) -> HyperstackFirewall in
            let client = try Self.hyperstack(reader)
            do throws(ClientError) { return try await client.firewall(id: id) } catch { throw Self.failure(error) }
        }
        return .success(Self.object(CloudQueries.json(firewall: firewall)), message: "\(firewall.attachments.count) VMs in firewall \(firewall.id)")
    }
}

/// Tasks that outlive their request (a launch answered BUILDING), awaited at shutdown.
actor BackgroundWork {
    private var tasks: [Int: Task<Void, Never>] = [:]
    private var next = 0

    func start(_ body: @escaping @Sendable () async -> Void) {
        let id = next
        next += 1
        tasks[id] = Task {
            await body()
            await self.finished(id)
        }
    }

    private func finished(_ id: Int) { tasks[id] = nil }

    func waitForAll() async {
        while !tasks.isEmpty {
            for task in Array(tasks.values) { await task.value }
        }
    }
}
