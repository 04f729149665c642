import Foundation
import Testing
import TestSupport
@testable import SpotSimulator

/// The simulator answers only requests addressed to a loopback name (a web page reaching it
/// through DNS rebinding sends its own name), and its control endpoints, which return and
/// replace the simulated credentials, need the simulator's own token.
@Suite struct ControlSecurityTests {
    static let curl = URL(fileURLWithPath: "/usr/bin/curl")

    /// One request with curl (which sends the Host header it is given): status and body.
    static func request(_ url: String, method: String = "GET", headers: [String: String] = [:], body: String? = nil) async throws -> (Int, String) {
        var arguments = ["-s", "-X", method, "-o", "-", "-w", "\n%{http_code}"]
        for (name, value) in headers.sorted(by: { $0.key < $1.key }) { arguments += ["-H", "\(name): \(value)"] }
        if let body { arguments += ["--data-binary", body] }
        let result = try await runProcessOffPool(curl, arguments + [url])
        let text = result.stdout
        let split = text.range(of: "\n", options: .backwards)!
        return (Int(text[split.upperBound...]) ?? -1, String(text[..<split.lowerBound]))
    }

    @Test func onlyLoopbackHostNamesAreAnswered() async throws {
        try await SimulatorFixture.run(DemoScenario.load()) { sim in
            let token = sim.cloud.controlToken
            let password = await sim.cloud.state.world.credentials.password
            for host in ["evil.example", "evil.example:\(sim.cloud.port)", "127.0.0.1.nip.io", "localhost.evil.example", "10.0.0.1", "[::2]"] {
                for path in ["/__sim/state", "/identity/v3", "/"] {
                    let (status, body) = try await Self.request(sim.base + path, headers: ["Host": host, "X-Simulator-Token": token])
                    #expect(status == 421, "Host \(host) \(path): \(status) \(body)")
                    #expect(body.contains("localhost, 127.0.0.1 or [::1] only") && body.contains("DNS rebinding"), "\(body)")
                    #expect(!body.contains(password))
                }
            }
            for host in ["localhost:\(sim.cloud.port)", "127.0.0.1:\(sim.cloud.port)", "[::1]:\(sim.cloud.port)", "LocalHost", "127.0.0.1"] {
                let (status, body) = try await Self.request(sim.base + "/__sim/stats", headers: ["Host": host, "X-Simulator-Token": token])
                #expect(status == 200, "Host \(host): \(status) \(body)")
            }
        }
    }

    @Test func controlEndpointsNeedTheSimulatorsOwnToken() async throws {
        try await SimulatorFixture.run(DemoScenario.load()) { sim in
            let token = sim.cloud.controlToken
            #expect(token.count == 64 && token.allSatisfy(\.isHexDigit))
            let other = try await SimulatedCloud.start(scenario: Scenario(name: "other"))
            #expect(other.controlToken != token)
            await other.stop()

            let password = await sim.cloud.state.world.credentials.password
            let state = try ScenarioFile.encode(Scenario(name: "replaced"))
            for (method, path, body) in [("GET", "/__sim/state", nil), ("PUT", "/__sim/state", String(decoding: state, as: UTF8.self)),
                                         ("GET", "/__sim/stats", nil), ("POST", "/__sim/faults", "{\"drop\": true}"),
                                         ("DELETE", "/__sim/faults", nil), ("POST", "/__sim/clock", "{\"advance_seconds\": 9999}")] as [(String, String, String?)] {
                for headers in [[:], ["X-Simulator-Token": "wrong"], ["X-Simulator-Token": String(token.dropLast())]] {
                    let (status, text) = try await Self.request(sim.base + path, method: method, headers: headers, body: body)
                    #expect(status == 401, "\(method) \(path) \(headers): \(status)")
                    #expect(text.contains("X-Simulator-Token") && text.contains("SPOTCTL_SIMULATOR_TOKEN"), "\(text)")
                    #expect(!text.contains(password))
                }
            }
            // Nothing changed: no world replaced, no fault added, no clock moved.
            #expect(await sim.cloud.state.world.name == DemoScenario.load().name)
            #expect(await sim.cloud.state.faultRules().isEmpty)
            #expect(await sim.cloud.state.uptime < 9999)

            let (status, text) = try await Self.request(sim.base + "/__sim/state", headers: ["X-Simulator-Token": token])
            #expect(status == 200)
            #expect(text.contains(password))
            #expect(try await Self.request(sim.base + "/__sim/health").0 == 200) // health needs no token
        }
    }
}
