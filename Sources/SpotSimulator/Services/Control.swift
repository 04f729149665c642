import Foundation

extension SimulatedCloud {
    /// The token the control endpoints require in `X-Simulator-Token` (`spotctl simulate`
    /// prints it as `SPOTCTL_SIMULATOR_TOKEN`).
    public var controlToken: String { state.options.controlToken }
}

/// The control endpoints under `/__sim/`: request statistics, faults, the clock and the world's
/// state (which holds the simulated credentials). Every one but `GET /__sim/health` needs the
/// simulator's own token in `X-Simulator-Token`, and like every route of the simulator they
/// answer only requests addressed to a loopback name. Documented in docs/simulator.md.
struct ControlHandler: Sendable {
    static let tokenHeader = "X-Simulator-Token"

    /// 32 random bytes in hex.
    static func makeToken() -> String {
        var generator = SystemRandomNumberGenerator()
        return (0..<4).map { _ in
            let word = generator.next() as UInt64
            let hex = String(word, radix: 16)
            return String(repeating: "0", count: 16 - hex.count) + hex
        }.joined()
    }

    /// The names a request may be addressed to: loopback only, with any port.
    static let loopbackNames: Set<String> = ["localhost", "127.0.0.1", "[::1]"]

    /// A 421 answer unless `host` (the `Host` header or HTTP/2 authority) names loopback; a
    /// request without one (HTTP/1.0) is served.
    static func refusingHost(_ host: String?) -> SimResponse? {
        guard let host else { return nil }
        var name = host.trimmingCharacters(in: .whitespaces).lowercased()
        if name.hasPrefix("[") {
            if let end = name.firstIndex(of: "]") { name = String(name[...end]) }
        } else if let colon = name.lastIndex(of: ":") {
            name = String(name[..<colon])
        }
        guard !loopbackNames.contains(name) else { return nil }
        return .json(421, ["error": .string(
            "the simulator answers requests addressed to localhost, 127.0.0.1 or [::1] only, not Host \(host) "
                + "(a protection against DNS rebinding); use http://127.0.0.1:PORT as printed by spotctl simulate")])
    }

    /// A 401 answer unless the control request carries the simulator's token (`GET /__sim/health`
    /// needs none).
    static func refusingToken(_ request: SimRequest, expected: String) -> SimResponse? {
        if request.method == "GET" && request.segments == ["health"] { return nil }
        let given = Array((request.header(tokenHeader) ?? "").utf8)
        let wanted = Array(expected.utf8)
        // Compared in time that does not depend on where the first difference is.
        var difference = given.count ^ wanted.count
        for index in wanted.indices { difference |= Int(wanted[index] ^ (index < given.count ? given[index] : 0)) }
        guard difference != 0 else { return nil }
        let what = given.isEmpty ? "no \(tokenHeader) header" : "a wrong \(tokenHeader)"
        return .json(401, ["error": .string(
            "\(request.method) \(request.path) needs the simulator's token and the request had \(what); send the header "
                + "\(tokenHeader): $SPOTCTL_SIMULATOR_TOKEN (printed by spotctl simulate; SimulatedCloud.controlToken in tests)")])
    }

    func handle(_ request: SimRequest, state: CloudState) async -> SimResponse {
        switch (request.method, request.segments) {
        case ("GET", []), ("GET", ["health"]):
            return .json(200, ["status": "ok", "uptime_seconds": .double(await state.uptime)])
        case ("POST", ["clock"]):
            guard let seconds = request.json?["advance_seconds"], let value = seconds.int.map(Double.init) ?? (seconds.isNull ? nil : Self.double(seconds)) else {
                return .json(400, ["error": "expected {\"advance_seconds\": N}"])
            }
            await state.advanceClock(by: value)
            return .json(200, ["uptime_seconds": .double(await state.uptime)])
        case ("GET", ["hyperstack", "records"]):
            return .json(200, await state.hyperstackRecords().json)
        case ("GET", ["stats"]):
            return .json(200, await state.statistics().json)
        case ("DELETE", ["stats"]), ("POST", ["stats", "reset"]):
            await state.resetStatistics()
            return .empty(204)
        case ("GET", ["faults"]):
            return .json(200, ["faults": .array(await state.faultRules().map(Self.json))])
        case ("POST", ["faults"]):
            guard let rule = try? JSONDecoder().decode(FaultRule.self, from: request.body) else {
                return .json(400, ["error": "expected a fault rule: {\"service\", \"path\", \"method\", \"latency_ms\", \"status\", \"retry_after\", \"drop\", \"trickle_ms\", \"after\", \"strip_paging\", \"count_offset\", \"remaining\", \"message\", \"body\"}"])
            }
            if let service = rule.service, !SimulatorService.names.contains(service) {
                return .json(400, ["error": .string("unknown service \(service)")])
            }
            return .json(201, ["fault": Self.json(await state.addFault(rule))])
        case ("DELETE", ["faults"]):
            await state.clearFaults()
            return .empty(204)
        case ("DELETE", let s) where s.count == 2 && s[0] == "faults":
            guard let id = Int(s[1]), await state.removeFault(id: id) else {
                return .json(404, ["error": .string("no fault \(s[1])")])
            }
            return .empty(204)
        case ("GET", ["state"]):
            let encoder = JSONEncoder()
            encoder.outputFormatting = [.prettyPrinted, .sortedKeys]
            let data = (try? encoder.encode(await state.world)) ?? Data()
            return SimResponse(status: 200, headers: [("Content-Type", "application/json")], body: data)
        case ("PUT", ["state"]):
            do {
                let scenario = try ScenarioFile.decode(request.body, name: "request body")
                await state.replaceWorld(scenario)
                return .empty(204)
            } catch {
                return .json(400, ["error": .string("\(error)")])
            }
        default:
            return .json(404, ["error": .string("unknown control endpoint \(request.method) \(request.path); see docs/simulator.md")])
        }
    }

    static func double(_ value: JSON) -> Double? {
        if case .double(let number) = value { return number }
        return nil
    }

    static func json(_ rule: FaultRule) -> JSON {
        var pairs: [(String, JSON)] = [("id", .int(rule.id))]
        pairs.append(("service", rule.service.map(JSON.string) ?? .null))
        pairs.append(("method", rule.method.map(JSON.string) ?? .null))
        pairs.append(("path", rule.path.map(JSON.string) ?? .null))
        pairs.append(("latency_ms", rule.latencyMS.map(JSON.int) ?? .null))
        pairs.append(("status", rule.status.map(JSON.int) ?? .null))
        pairs.append(("retry_after", rule.retryAfter.map(JSON.int) ?? .null))
        pairs.append(("drop", .bool(rule.drop)))
        pairs.append(("trickle_ms", rule.trickleMS.map(JSON.int) ?? .null))
        pairs.append(("after", .bool(rule.after)))
        pairs.append(("strip_paging", .bool(rule.stripPaging)))
        pairs.append(("count_offset", rule.countOffset.map(JSON.int) ?? .null))
        pairs.append(("remaining", rule.remaining.map(JSON.int) ?? .null))
        if let message = rule.message { pairs.append(("message", .string(message))) }
        if let body = rule.body { pairs.append(("body", .string(body))) }
        return .object(pairs)
    }
}
