import Foundation
import Hummingbird
import HTTPTypes
import NIOCore

/// Routes each request to its service, after counting it and applying any fault rules.
final class Dispatcher: Sendable {
    let state: CloudState
    let handlers: [SimulatorService: any ServiceHandler]
    let control: ControlHandler

    init(state: CloudState) {
        self.state = state
        let all: [any ServiceHandler] = [
            KeystoneHandler(), NovaHandler(), NeutronHandler(), NetBoxHandler(), HyperstackHandler(),
        ]
        var byService: [SimulatorService: any ServiceHandler] = [:]
        for handler in all { byService[handler.service] = handler }
        self.handlers = byService
        self.control = ControlHandler()
    }

    func respond(to request: Request, context: SimContext) async throws -> Response {
        var request = request
        let buffer = try await request.collectBody(upTo: context.maxUploadSize)
        let body = Data(buffer.readableBytesView)
        let rawPath = request.uri.path
        let segments = rawPath.split(separator: "/", omittingEmptySubsequences: true).map {
            String($0).removingPercentEncoding ?? String($0)
        }
        var headers: [String: String] = [:]
        for field in request.headers {
            let name = field.name.canonicalName
            headers[name] = headers[name].map { $0 + ", " + field.value } ?? field.value
        }
        let scheme = state.options.tls ? "https" : "http"
        // DNS rebinding: a web page whose name now points at 127.0.0.1 reaches the simulator with
        // its own name in Host. Only loopback names are served.
        if let refusal = ControlHandler.refusingHost(request.head.authority ?? headers["host"]) {
            return Self.response(from: refusal)
        }
        let host = request.head.authority ?? headers["host"] ?? "127.0.0.1"
        let method = request.method.rawValue
        let path = "/" + segments.joined(separator: "/")

        guard let first = segments.first else {
            let services: [(String, JSON)] = SimulatorService.allCases.map { ($0.rawValue, JSON.string("\(scheme)://\(host)/\($0.prefix)")) }
            return Self.response(from: .json(200, .object([
                ("name", .string("spotctl simulated cloud")),
                ("services", .object(services)),
                ("control", .string("\(scheme)://\(host)/__sim/")),
            ])))
        }
        if first == "__sim" {
            let simRequest = SimRequest(method: method, path: path, rawPath: rawPath, segments: Array(segments.dropFirst()),
                                        query: QueryString.parse(request.uri.query), headers: headers, body: body,
                                        baseURL: "\(scheme)://\(host)", rawQuery: request.uri.query)
            if let refusal = ControlHandler.refusingToken(simRequest, expected: state.options.controlToken) {
                return Self.response(from: refusal)
            }
            return Self.response(from: await control.handle(simRequest, state: state))
        }
        guard let service = SimulatorService(prefix: first), let handler = handlers[service] else {
            return Self.response(from: .json(404, ["error": .string("no simulated service at /\(first); see / for the list")]))
        }
        let simRequest = SimRequest(method: method, path: path, rawPath: rawPath, segments: Array(segments.dropFirst()),
                                    query: QueryString.parse(request.uri.query), headers: headers, body: body,
                                    baseURL: "\(scheme)://\(host)", rawQuery: request.uri.query)
        await state.count(service: service.rawValue, route: "\(method) \(Self.routeTemplate(segments))")
        await state.advanceClock()

        let faults = await state.takeFaults(service: service.rawValue, method: method, path: path)
        let trickle = faults.compactMap(\.trickleMS).first { $0 > 0 }
        // Faults before the service sees the request, then the service, then faults that replace
        // or delay its answer (the service's effect stays).
        if let answer = try await apply(faults.filter { !$0.after }, handler: handler, context: context) {
            return Self.response(from: answer, trickleMS: trickle)
        }
        let answer = FaultRule.mangle(await handler.handle(simRequest, state: state),
                                      stripPaging: faults.contains(where: \.stripPaging),
                                      countOffset: faults.compactMap(\.countOffset).first)
        if let replaced = try await apply(faults.filter(\.after), handler: handler, context: context) {
            return Self.response(from: replaced, trickleMS: trickle)
        }
        return Self.response(from: answer, trickleMS: trickle)
    }

    /// Waits out the faults' latency, drops the connection or answers with a fault's status; nil
    /// when none of them answers.
    private func apply(_ faults: [FaultRule], handler: any ServiceHandler, context: SimContext) async throws -> SimResponse? {
        for fault in faults {
            if let latency = fault.latencyMS, latency > 0 {
                try? await Task.sleep(nanoseconds: UInt64(latency) * 1_000_000)
            }
            if fault.drop {
                try? await context.channel.close()
                throw SimulatorError("connection dropped by a fault rule")
            }
            if let body = fault.body {
                return SimResponse(status: fault.status ?? 200, headers: [("Content-Type", "application/json")], body: Data(body.utf8))
            }
            if let status = fault.status {
                return handler.fault(status: status, message: fault.message ?? "Simulated fault: \(HTTPStatusText.text(status))",
                                     retryAfter: fault.retryAfter)
            }
        }
        return nil
    }

    /// The route a request counts under: ids (numbers, UUIDs, long hex) become `{id}`.
    static func routeTemplate(_ segments: [String]) -> String {
        "/" + segments.enumerated().map { index, segment in
            guard index > 1 else { return segment }
            let isNumber = !segment.isEmpty && segment.allSatisfy(\.isNumber)
            let isUUID = segment.count == 36 && segment.filter { $0 == "-" }.count == 4
            let isHex = segment.count >= 32 && segment.allSatisfy(\.isHexDigit)
            return isNumber || isUUID || isHex ? "{id}" : segment
        }.joined(separator: "/")
    }

    /// The response; with `trickleMS`, its headers at once and its body one byte every
    /// `trickleMS` milliseconds (a fault: a proxy or a service that stalls mid-answer).
    static func response(from sim: SimResponse, trickleMS: Int? = nil) -> Response {
        var fields = HTTPFields()
        for (name, value) in sim.headers {
            if let fieldName = HTTPField.Name(name) { fields.append(HTTPField(name: fieldName, value: value)) }
        }
        let status = HTTPResponse.Status(code: sim.status, reasonPhrase: HTTPStatusText.text(sim.status))
        guard let trickleMS, !sim.body.isEmpty else {
            return Response(status: status, headers: fields, body: ResponseBody(byteBuffer: ByteBuffer(bytes: sim.body)))
        }
        let bytes = sim.body
        return Response(status: status, headers: fields, body: ResponseBody(contentLength: bytes.count) { writer in
            for byte in bytes {
                try await writer.write(ByteBuffer(bytes: [byte]))
                try await Task.sleep(nanoseconds: UInt64(trickleMS) * 1_000_000)
            }
            try await writer.finish(nil)
        })
    }
}
