import Foundation

/// The control endpoints under `/__sim/` (no token needed): request statistics, faults, and the
/// world's state. Documented in docs/simulator.md.
struct ControlHandler: Sendable {
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
        case ("GET", ["stats"]):
            return .json(200, await state.statistics().json)
        case ("DELETE", ["stats"]), ("POST", ["stats", "reset"]):
            await state.resetStatistics()
            return .empty(204)
        case ("GET", ["faults"]):
            return .json(200, ["faults": .array(await state.faultRules().map(Self.json))])
        case ("POST", ["faults"]):
            guard let rule = try? JSONDecoder().decode(FaultRule.self, from: request.body) else {
                return .json(400, ["error": "expected a fault rule: {\"service\", \"path\", \"method\", \"latency_ms\", \"status\", \"retry_after\", \"drop\", \"trickle_ms\", \"after\", \"strip_paging\", \"count_offset\", \"remaining\"}"])
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
        return .object(pairs)
    }
}
