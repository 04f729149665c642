import Foundation
import Testing
import SpotCore
import SpotSimulator
@testable import SpotClients

/// NetBox authentication and paging, TLS, and secrets.
@Suite struct NetBoxTests {
    @Test func aV1TokenIsSentAsTokenAndAV2TokenAsBearer() async throws {
        try await ClientFixture.run { f in
            let c = await f.cloud.state.world.credentials
            #expect(NetBoxClient.authorization(Secret(c.netboxToken)) == "Token " + c.netboxToken)
            #expect(NetBoxClient.authorization(Secret(c.netboxTokenV2)) == "Bearer " + c.netboxTokenV2)
            let v1 = try await f.netBox(key: c.netboxToken).devices()
            let v2 = try await f.netBox(key: c.netboxTokenV2).devices()
            #expect(v1.count == 13)
            #expect(v1 == v2)
            // A v2 token sent the v1 way is refused (so the keyword really matters).
            let error = try #require(await expectClientError { () async throws(ClientError) in
                try await f.netBox(key: "nbt_simulatedkey01").devices()
            })
            #expect(error.status == 403)
            #expect(error.attempts == 1)
        }
    }

    @Test func aServerCappedPageSizeIsFollowedToTheEnd() async throws {
        var simulator = SimulatorOptions()
        simulator.pageLimit = 5
        try await ClientFixture.run(simulator: simulator) { f in
            let seen = Recorder<Int>()
            let devices = try await f.netBox(pageSize: 1000).devices(progress: { seen.record($0) })
            #expect(devices.count == 13)
            #expect(Set(devices.map(\.id)) == Set(1...13))
            #expect(seen.values == [5, 10, 13])
            #expect(await f.count("netbox", "GET /netbox/api/dcim/devices") == 3)
        }
    }

    @Test func theNetBoxURLMayEndInAPI() async throws {
        try await ClientFixture.run { f in
            let client = NetBoxClient(credentials: ServiceCredentials(url: f.environment["NETBOX_URL"]! + "/api/",
                                                                      key: Secret(f.environment["NETBOX_API_KEY"]!)),
                                      transport: f.transport)
            let devices = try await client.devices()
            #expect(devices.count == 13)
        }
    }
}

@Suite struct TLSTests {
    @Test func httpsWorksWithTheCABundleAndFailsClearlyWithoutIt() async throws {
        var simulator = SimulatorOptions()
        simulator.tls = true
        try await ClientFixture.run(simulator: simulator) { f in
            #expect(f.cloud.baseURL.hasPrefix("https://"))
            let session = try f.session()
            #expect(try await f.nova(session).aggregates().count == 12)
            #expect(try await f.netBox().devices().count == 13)

            // Without the CA bundle: a clear TLS error, not retried.
            let start = ContinuousClock.now
            let untrusting = try HTTPTransport(options: ClientFixture.fastOptions())
            let plain = OpenStackSession(credentials: try f.credentials(), transport: untrusting)
            let error = await expectClientError { () async throws(ClientError) in try await plain.endpoint(type: "compute") }
            let netbox = await expectClientError { () async throws(ClientError) in
                try await NetBoxClient(credentials: ServiceCredentials(url: f.environment["NETBOX_URL"]!, key: Secret(f.environment["NETBOX_API_KEY"]!)),
                                       transport: untrusting).devices()
            }
            await untrusting.shutdown()
            // Reported at once, not after the 60 s deadline.
            #expect(seconds(since: start) < 30)
            let failure = try #require(error)
            #expect(failure.service == "Keystone")
            #expect(failure.status == nil)
            #expect(failure.attempts == 1)
            #expect(failure.message.contains("TLS"))
            #expect(failure.message.localizedCaseInsensitiveContains("certificate"))
            #expect(failure.message.contains("OS_CACERT"))
            #expect(netbox?.message.contains("TLS") == true)
        }
    }

    @Test func theCloudsCABundleAndVerifySettingReachTheOptions() async throws {
        var simulator = SimulatorOptions()
        simulator.tls = true
        try await ClientFixture.run(simulator: simulator) { f in
            // The simulator's environment carries OS_CACERT; the credentials pick it up.
            let credentials = try f.credentials()
            #expect(credentials.caFile == f.cloud.caFile?.path)
            let options = ClientFixture.fastOptions().applying(credentials)
            #expect(options.caFile == f.cloud.caFile?.path)
            #expect(options.verifyTLS)
            let transport = try HTTPTransport(options: options)
            let result = await expectNoClientError { () async throws(ClientError) in
                try await NovaClient(session: OpenStackSession(credentials: credentials, transport: transport)).aggregates().count
            }
            await transport.shutdown()
            #expect(result == 12)
            var insecure = credentials
            insecure.verify = false
            insecure.caFile = nil
            #expect(ClientOptions().applying(insecure).verifyTLS == false)
        }
    }

    @Test func anUnreadableCABundleIsAnError() {
        #expect(throws: ClientError.self) {
            try HTTPTransport(options: ClientOptions(caFile: "/nonexistent/ca.pem"))
        }
    }
}

@Suite struct SecretTests {
    @Test func theRedactorRemovesSecretsAndTheirEncodings() {
        let secret = "simulated-password"
        let redactor = Redactor(secrets: [Secret(secret)])
        let basic = Data("admin:\(secret)".utf8).base64EncodedString()
        let texts = [
            "password \(secret) rejected",
            "plain base64 \(Data(secret.utf8).base64EncodedString())",
            "basic auth \(basic)",
            "shifted \(Data("ab\(secret)cd".utf8).base64EncodedString())",
            "url-safe \(Data("x\(secret)".utf8).base64EncodedString().replacingOccurrences(of: "+", with: "-").replacingOccurrences(of: "/", with: "_"))",
            "query password=\(secret.addingPercentEncoding(withAllowedCharacters: .alphanumerics)!)",
        ]
        for text in texts {
            let clean = redactor.redact(text)
            #expect(!clean.contains(secret), "\(clean)")
            #expect(!redactor.leaks(clean), "\(clean)")
            #expect(clean.contains("***"))
        }
        // Base64 of the secret alone, at any alignment, is gone.
        for prefix in ["", "a", "ab", "abc"] {
            let encoded = Data((prefix + secret).utf8).base64EncodedString()
            let core = Redactor.base64Cores(Array(secret.utf8))
            #expect(core.contains { encoded.contains($0) })
        }
        #expect(Redactor(secrets: [Secret("abc")]).redact("abc") == "abc")
        #expect(Redactor(secrets: []).redact("nothing") == "nothing")
    }

    @Test func noClientErrorShowsASecretEvenWhenAServiceEchoesIt() async throws {
        try await ClientFixture.run { f in
            let session = try f.session()
            let nova = f.nova(session)
            // Register the NetBox and Hyperstack keys with the transport, as a snapshot does.
            _ = f.netBox()
            _ = f.netBox(key: await f.cloud.state.world.credentials.netboxTokenV2)
            _ = f.hyperstack()
            f.transport.protect([Secret(f.environment["RUNPOD_API_KEY"]!)])
            let token = try await session.token().reveal
            let secrets = await f.secrets() + [token]
            var errors: [ClientError] = []

            // Nova echoes the host name: "Compute host <x> could not be found."
            for secret in secrets {
                for form in [secret, Data(secret.utf8).base64EncodedString(), Data("user:\(secret)".utf8).base64EncodedString()] {
                    if let error = await expectClientError({ () async throws(ClientError) in try await nova.addHost(form, toAggregate: 1) }) {
                        #expect(error.status == 404)
                        #expect(error.message.hasPrefix("Compute host "))
                        errors.append(error)
                    }
                }
            }
            // Failures of every service.
            let c = await f.cloud.state.world.credentials
            let wrongPassword = try f.session(overrides: ["OS_PASSWORD": c.password + "x"])
            if let e = await expectClientError({ () async throws(ClientError) in try await wrongPassword.endpoint(type: "compute") }) { errors.append(e) }
            if let e = await expectClientError({ () async throws(ClientError) in try await f.netBox(key: c.netboxToken + "0").devices() }) { errors.append(e) }
            if let e = await expectClientError({ () async throws(ClientError) in try await f.netBox(key: "nbt_" + c.hyperstackAPIKey).devices() }) { errors.append(e) }
            if let e = await expectClientError({ () async throws(ClientError) in try await f.hyperstack(key: c.runpodAPIKey).images() }) { errors.append(e) }
            await f.fault(FaultRule(service: "nova", status: 503))
            if let e = await expectClientError({ () async throws(ClientError) in try await nova.servers() }) { errors.append(e) }

            #expect(errors.count == secrets.count * 3 + 5)
            let checker = Redactor(values: secrets)
            for error in errors {
                let texts = [error.description, error.message, error.path, String(describing: error), String(reflecting: error)]
                for text in texts {
                    #expect(!checker.leaks(text), "a secret leaked: \(text)")
                    for secret in secrets {
                        #expect(!text.contains(secret))
                        #expect(!text.contains(Data(secret.utf8).base64EncodedString()))
                    }
                }
            }
            #expect(errors.first?.message.contains("***") == true)
            // Credentials print their secrets as ***.
            let credentials = try f.credentials()
            #expect(!String(describing: credentials).contains(c.password))
            #expect(!String(reflecting: credentials).contains(c.password))
        }
    }
}
