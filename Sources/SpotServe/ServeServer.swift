public import Foundation
import Hummingbird
import HummingbirdCore
import HTTPTypes
import Logging
import NIOCore
import ServiceLifecycle
import UnixSignals
public import SpotKit

/// `ServeApp` on Hummingbird: listens, turns each request into a `ServeRequest`, and shuts down
/// gracefully (requests in flight, and so a running apply step, finish first; launches running
/// in the background are awaited).
public final class ServeServer: Sendable {
    public let app: ServeApp
    public let port: Int
    private let group: ServiceGroup
    private let runner: Task<Void, any Error>
    private let poller: Task<Void, Never>

    private init(app: ServeApp, port: Int, group: ServiceGroup, runner: Task<Void, any Error>, poller: Task<Void, Never>) {
        self.app = app
        self.port = port
        self.group = group
        self.runner = runner
        self.poller = poller
    }

    public var baseURL: String { "http://127.0.0.1:\(port)" }

    /// Renders the latest snapshot, then listens; returns once listening. `signals`: stop
    /// gracefully on SIGTERM and SIGINT (the command), or only through `stop()` (tests).
    public static func start(repository: OperationsRepository, context: RunContext, options: ServeOptions,
                             signals: Bool = false) async throws -> ServeServer {
        if !ServeOptions.isLoopback(options.bind), options.token == nil {
            throw SpotError("serve binds \(options.bind), which is not loopback, without a token",
                            hint: "pass --token-env VAR naming a variable that holds the bearer token every request must carry, or bind 127.0.0.1")
        }
        let app = ServeApp(repository: repository, context: context, options: options)
        // A repository with no snapshot still serves (GETs answer 503 until one is taken).
        _ = try? await app.refresh()
        var logger = Logger(label: "spotctl.serve")
        logger.logLevel = .error
        let (portStream, portContinuation) = AsyncStream.makeStream(of: Int.self)
        let hummingbird = Application(
            responder: CallbackResponder { (request: Request, context: ServeContext) in
                await Self.respond(request, app: app)
            },
            server: .http1(),
            configuration: ApplicationConfiguration(address: .hostname(options.bind, port: options.port), serverName: "spotctl"),
            onServerRunning: { channel in
                portContinuation.yield(channel.localAddress?.port ?? 0)
                portContinuation.finish()
            },
            logger: logger)
        let group = ServiceGroup(configuration: .init(services: [hummingbird],
                                                      gracefulShutdownSignals: signals ? [.sigterm, .sigint] : [],
                                                      logger: logger))
        let runner = Task {
            do {
                try await group.run()
            } catch {
                portContinuation.finish()
                throw error
            }
        }
        var port = 0
        for await bound in portStream {
            port = bound
            break
        }
        guard port > 0 else {
            if case .failure(let error) = await runner.result {
                throw SpotError("serve could not listen on \(options.bind):\(options.port): \(error)",
                                hint: "another process may hold the port: choose another with --port (0 picks a free one)")
            }
            throw SpotError("serve could not listen on \(options.bind):\(options.port)")
        }
        app.setPort(port)
        let interval = options.pollInterval
        let poller = Task {
            while !Task.isCancelled {
                try? await Task.sleep(for: interval)
                if Task.isCancelled { break }
                _ = try? await app.refresh()
            }
        }
        return ServeServer(app: app, port: port, group: group, runner: runner, poller: poller)
    }

    static func respond(_ request: Request, app: ServeApp) async -> Response {
        var request = request
        var headers: [String: String] = [:]
        for field in request.headers {
            let name = field.name.canonicalName
            headers[name] = headers[name].map { $0 + ", " + field.value } ?? field.value
        }
        if headers["host"] == nil, let authority = request.head.authority { headers["host"] = authority }
        let body: Data
        do {
            let buffer = try await request.collectBody(upTo: RequestBody.maximumBytes)
            body = Data(buffer.readableBytesView)
        } catch {
            return response(from: .error(400, "the body is larger than 1 MiB", details: ["limit_bytes": RequestBody.maximumBytes]))
        }
        var query: [String: String] = [:]
        for (name, value) in request.uri.queryParameters { query[String(name)] = String(value) }
        let served = ServeRequest(method: request.method.rawValue, path: request.uri.path, query: query, headers: headers, body: body)
        var answer = await app.respond(served)
        if request.method == .head {
            answer.body = Data()
            answer.buffer = nil
        }
        return response(from: answer)
    }

    static func response(from answer: ServeResponse) -> Response {
        var fields = HTTPFields()
        fields[.contentType] = answer.contentType
        fields[.cacheControl] = "no-store"
        fields[HTTPField.Name("X-Content-Type-Options")!] = "nosniff"
        for (name, value) in answer.headers {
            if let field = HTTPField.Name(name) { fields[field] = value }
        }
        return Response(status: .init(code: answer.status), headers: fields,
                        body: .init(byteBuffer: answer.buffer ?? ByteBuffer(bytes: answer.body)))
    }

    /// Stops listening once requests in flight are answered, then waits for background launches.
    public func stop() async {
        poller.cancel()
        await group.triggerGracefulShutdown()
        _ = await runner.result
        await app.finishBackgroundWork()
    }

    /// Runs until SIGTERM or SIGINT (with `signals`), then finishes background launches.
    public func wait() async throws {
        defer { poller.cancel() }
        try await runner.value
        await app.finishBackgroundWork()
    }
}

struct ServeContext: RequestContext {
    var coreContext: CoreRequestContextStorage

    init(source: ApplicationRequestContextSource) {
        coreContext = .init(source: source)
    }

    var maxUploadSize: Int { RequestBody.maximumBytes }
}
