import Foundation
import Testing
import SpotCore
import SpotSimulator
@testable import SpotClients

/// Retries, timeouts and errors: what is retried, how often, and what a failure says.
@Suite struct RetryTests {
    // One request per call: the server listing reads from both ends at once, so its request
    // count depends on which end's retry wins.
    static let aggregatesRoute = "GET /compute/v2.1/os-aggregates"

    @Test func twoServiceUnavailableAnswersAreRetriedAway() async throws {
        try await ClientFixture.run { f in
            let nova = f.nova(try f.session())
            _ = try await nova.microversion()
            await f.fault(FaultRule(service: "nova", path: "/compute/v2.1/os-aggregates", status: 503, remaining: 2))
            let before = await f.transport.requestCount
            let aggregates = try await nova.aggregates()
            let world = await f.cloud.state.world
            #expect(!aggregates.isEmpty && aggregates.count == world.aggregates.count)
            #expect(await f.count("nova", Self.aggregatesRoute) == 3)
            #expect(await f.transport.requestCount - before == 3)
        }
    }

    @Test func aServiceThatStaysUnavailableIsAClearErrorAfterMaxAttempts() async throws {
        try await ClientFixture.run(client: ClientFixture.fastOptions(attempts: 3)) { f in
            let nova = f.nova(try f.session())
            _ = try await nova.microversion()
            await f.fault(FaultRule(service: "nova", path: "/compute/v2.1/os-aggregates", status: 503))
            let error = try #require(await expectClientError { () async throws(ClientError) in try await nova.aggregates() })
            #expect(error.service == "Nova")
            #expect(error.method == "GET")
            #expect(error.path == "/compute/v2.1/os-aggregates")
            #expect(error.status == 503)
            #expect(error.message == "Simulated fault: Service Unavailable")
            #expect(error.attempts == 3)
            #expect(error.description == "Nova GET /compute/v2.1/os-aggregates: 503 Service Unavailable: Simulated fault: Service Unavailable (gave up after 3 attempts)")
            #expect(await f.count("nova", Self.aggregatesRoute) == 3)
        }
    }

    @Test func retryAfterIsWaitedOut() async throws {
        try await ClientFixture.run { f in
            let netbox = f.netBox()
            await f.fault(FaultRule(service: "netbox", status: 429, retryAfter: 1, remaining: 1))
            let start = ContinuousClock.now
            let devices = try await netbox.devices()
            // The backoff alone would be at most 10 ms.
            #expect(seconds(since: start) >= 1.0)
            #expect(devices.count == 13)
            #expect(await f.count("netbox", "GET /netbox/api/dcim/devices") == 2)
        }
    }

    @Test func retryAfterAsAnHTTPDate() {
        let now = Date(timeIntervalSince1970: 1_700_000_000)
        let formatter = DateFormatter()
        formatter.locale = Locale(identifier: "en_US_POSIX")
        formatter.timeZone = TimeZone(identifier: "GMT")
        formatter.dateFormat = "EEE, dd MMM yyyy HH:mm:ss 'GMT'"
        let later = formatter.string(from: now.addingTimeInterval(7))
        #expect(HTTPTransport.retryAfterSeconds(later, now: now) == 7)
        #expect(HTTPTransport.retryAfterSeconds("3", now: now) == 3)
        #expect(HTTPTransport.retryAfterSeconds("soon", now: now) == nil)
    }

    @Test func backoffHasFullJitterUnderACap() async throws {
        let transport = try HTTPTransport(options: ClientOptions(baseDelay: 0.5, maxDelay: 3))
        for attempt in 1...8 {
            let ceiling = min(3, 0.5 * pow(2, Double(attempt - 1)))
            let delays = (0..<200).map { _ in transport.backoff(attempt: attempt) }
            #expect(delays.allSatisfy { $0 >= 0 && $0 <= ceiling })
            // Jitter: not one fixed value.
            #expect(Set(delays).count > 1)
        }
        await transport.shutdown()
    }

    @Test func aRefusedConnectionIsRetriedThenReported() async throws {
        // A port nothing listens on: bind one, note it, close it.
        let cloud = try await SimulatedCloud.start(scenario: DemoScenario.load())
        let url = cloud.netboxURL
        await cloud.stop()
        let transport = try HTTPTransport(options: ClientFixture.fastOptions(attempts: 3))
        let client = NetBoxClient(credentials: ServiceCredentials(url: url, key: Secret("0123456789abcdef0123456789abcdef01234567")),
                                  transport: transport)
        let error = await expectClientError { () async throws(ClientError) in try await client.devices() }
        let requests = await transport.requestCount
        await transport.shutdown()
        let failure = try #require(error)
        #expect(failure.service == "NetBox")
        #expect(failure.status == nil)
        #expect(failure.attempts == 3)
        #expect(requests == 3)
        #expect(failure.message.hasPrefix("connection failed"))
        #expect(failure.description.hasSuffix("(gave up after 3 attempts)"))
        #expect(!failure.description.contains("0123456789abcdef0123456789abcdef01234567"))
    }

    @Test func aDroppedConnectionIsRetried() async throws {
        try await ClientFixture.run { f in
            let hyperstack = f.hyperstack()
            await f.fault(FaultRule(service: "hyperstack", drop: true, remaining: 1))
            let images = try await hyperstack.images()
            #expect(images.count == 4)
            #expect(await f.count("hyperstack", "GET /hyperstack/v1/core/images") == 2)
        }
    }

    @Test func aSlowAnswerTimesOutAndIsRetried() async throws {
        // Generous timeout and attempts: the whole suite runs in parallel on two cores, and only the
        // first attempt is meant to be slow.
        try await ClientFixture.run(client: ClientFixture.fastOptions(attempts: 6, timeout: 3)) { f in
            await f.fault(FaultRule(service: "netbox", latencyMS: 8000, remaining: 1))
            let start = ContinuousClock.now
            let devices = try await f.netBox().devices()
            #expect(devices.count == 13)
            #expect(seconds(since: start) >= 3)
            // The slow attempt and its retry (another one if the machine is busy).
            #expect(await f.count("netbox", "GET /netbox/api/dcim/devices") >= 2)
        }
    }

    @Test func aServiceThatNeverAnswersInTimeIsATimeoutError() async throws {
        try await ClientFixture.run(client: ClientFixture.fastOptions(attempts: 2, timeout: 0.3)) { f in
            await f.fault(FaultRule(service: "hyperstack", latencyMS: 1200, remaining: 2))
            let error = try #require(await expectClientError { () async throws(ClientError) in try await f.hyperstack().images() })
            #expect(error == ClientError(service: "Hyperstack", method: "GET", path: "/hyperstack/v1/core/images", status: nil,
                                         message: "timed out after 0.3 s", attempts: 2))
        }
    }

    @Test func notFoundIsNotRetried() async throws {
        try await ClientFixture.run { f in
            let nova = f.nova(try f.session())
            let error = try #require(await expectClientError { () async throws(ClientError) in try await nova.aggregate(id: 999) })
            #expect(error.status == 404)
            #expect(error.attempts == 1)
            #expect(error.message == "Aggregate 999 could not be found.")
            #expect(error.description == "Nova GET /compute/v2.1/os-aggregates/999: 404 Not Found: Aggregate 999 could not be found.")
            #expect(await f.count("nova", "GET /compute/v2.1/os-aggregates/{id}") == 1)
        }
    }

    @Test func anInternalServerErrorIsNotRetried() async throws {
        try await ClientFixture.run { f in
            await f.fault(FaultRule(service: "hyperstack", status: 500, remaining: 1))
            let error = try #require(await expectClientError { () async throws(ClientError) in try await f.hyperstack().firewall(id: 971) })
            #expect(error.status == 500)
            #expect(error.attempts == 1)
            #expect(error.message == "Simulated fault: Internal Server Error (internal_server_error)")
            #expect(await f.count("hyperstack", "GET /hyperstack/v1/core/firewalls/{id}") == 1)
        }
    }

    @Test func eachServiceErrorBodyGivesItsOwnMessage() async throws {
        try await ClientFixture.run { f in
            let session = try f.session()
            // NetBox: {"detail": ...} with 403 for a bad token.
            let netbox = try #require(await expectClientError { () async throws(ClientError) in
                try await f.netBox(key: "ffffffffffffffffffffffffffffffffffffffff").devices()
            })
            #expect(netbox.status == 403)
            #expect(netbox.message == "Invalid v1 token")
            // Hyperstack: message (+ error_reason).
            let hyperstack = try #require(await expectClientError { () async throws(ClientError) in
                try await f.hyperstack(key: "wrong-key-000000").images()
            })
            #expect(hyperstack.status == 401)
            #expect(hyperstack.message == "Unauthorized: the API key is invalid or has been revoked. (unauthorized)")
            let missing = try #require(await expectClientError { () async throws(ClientError) in try await f.hyperstack().firewall(id: 12345) })
            #expect(missing.status == 404)
            #expect(missing.message == "Firewall 12345 not found (not_found)")
            // Neutron: NeutronError.message.
            await f.fault(FaultRule(service: "neutron", status: 409, remaining: 1))
            let neutron = try #require(await expectClientError { () async throws(ClientError) in
                try await NeutronClient(session: session).networks(named: "private")
            })
            #expect(neutron == ClientError(service: "Neutron", method: "GET", path: "/network/v2.0/networks?name=private", status: 409,
                                           message: "Simulated fault: Conflict", attempts: 1))
            // Keystone: {"error": {"message"}} for a wrong password, not retried.
            let wrong = try f.session(overrides: ["OS_PASSWORD": "not-the-password"])
            let keystone = try #require(await expectClientError { () async throws(ClientError) in try await wrong.endpoint(type: "compute") })
            #expect(keystone.service == "Keystone")
            #expect(keystone.method == "POST")
            #expect(keystone.path == "/identity/v3/auth/tokens")
            #expect(keystone.status == 401)
            #expect(keystone.message == "The request you have made requires authentication.")
            #expect(keystone.attempts == 1)
        }
    }

    @Test func errorBodiesAreParsedPerService() {
        func body(_ text: String) -> Data { Data(text.utf8) }
        #expect(ErrorStyle.openStack.message(from: body(#"{"itemNotFound": {"code": 404, "message": "Instance x could not be found."}}"#))
            == "Instance x could not be found.")
        #expect(ErrorStyle.openStack.message(from: body(#"{"computeFault": {"code": 406, "message": "Version 2.200 is not supported by the API."}}"#))
            == "Version 2.200 is not supported by the API.")
        #expect(ErrorStyle.openStack.message(from: body(#"{"NeutronError": {"type": "PortNotFound", "message": "Port 3a could not be found.", "detail": ""}}"#))
            == "Port 3a could not be found.")
        #expect(ErrorStyle.openStack.message(from: body(#"{"error": {"code": 401, "title": "Unauthorized", "message": "The request you have made requires authentication."}}"#))
            == "The request you have made requires authentication.")
        #expect(ErrorStyle.netBox.message(from: body(#"{"tenant": ["Select a valid choice. foo is not one of the available choices."]}"#))
            == "tenant: Select a valid choice. foo is not one of the available choices.")
        #expect(ErrorStyle.netBox.message(from: body(#"{"non_field_errors": ["The fields name, site must make a unique set."]}"#))
            == "The fields name, site must make a unique set.")
        #expect(ErrorStyle.hyperstack.message(from: body(#"{"status": false, "message": "Not enough balance"}"#)) == "Not enough balance")
        #expect(ErrorStyle.openStack.message(from: body("<html><body><h1>502 Bad Gateway</h1></body></html>")) == "502 Bad Gateway")
    }
}
