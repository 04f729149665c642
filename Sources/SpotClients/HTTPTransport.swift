import AsyncHTTPClient
import Foundation
import NIOCore
import NIOHTTP1
import NIOSSL
import Synchronization

/// An HTTP client for one service or a group of services with the same TLS settings: one
/// AsyncHTTPClient `HTTPClient` with TLS verification on (plus the CA bundle of the options), an
/// overall deadline on every attempt (connecting, the headers and the whole body), and retries
/// with exponential backoff and full jitter on connection errors, timeouts, 429 (honouring
/// `Retry-After`), 502, 503 and 504. Redirects are not followed, so a token or key is never sent
/// to another host.
///
/// Only idempotent requests are retried blindly (see `Repetition`): a POST that may have reached
/// the service (a timeout, a dropped connection, a 502/503/504) is sent again only when the
/// caller's read-back says it did not take effect.
///
/// Call `shutdown()` when done.
public final class HTTPTransport: Sendable {
    public let options: ClientOptions
    private let client: HTTPClient
    private let state = TransportState()

    public init(options: ClientOptions = ClientOptions()) throws(ClientError) {
        self.options = options
        var tls = TLSConfiguration.makeClientConfiguration()
        if !options.verifyTLS {
            tls.certificateVerification = .none
        }
        if let caFile = options.caFile, !caFile.isEmpty {
            do {
                let certificates = try NIOSSLCertificate.fromPEMFile(caFile)
                guard !certificates.isEmpty else {
                    throw ClientError(service: "TLS", method: "LOAD", path: caFile, status: nil,
                                      message: "the CA bundle holds no PEM certificate", attempts: 1)
                }
                tls.additionalTrustRoots = [.certificates(certificates)]
            } catch let error as ClientError {
                throw error
            } catch {
                throw ClientError(service: "TLS", method: "LOAD", path: caFile, status: nil,
                                  message: "cannot read the CA bundle: \(error)", attempts: 1)
            }
        }
        let timeout = TimeAmount.nanoseconds(Int64(max(0.001, options.timeoutSeconds) * 1_000_000_000))
        var configuration = HTTPClient.Configuration(
            tlsConfiguration: tls,
            redirectConfiguration: .disallow,
            timeout: HTTPClient.Configuration.Timeout(connect: timeout, read: timeout),
            decompression: .disabled)
        configuration.httpVersion = .http1Only
        configuration.connectionPool = HTTPClient.Configuration.ConnectionPool(
            idleTimeout: .seconds(30), concurrentHTTP1ConnectionsPerHostSoftLimit: 16)
        // A failed connection fails the attempt at once: the retries (and their count) are ours,
        // and a certificate that is not trusted is reported now, not after the timeout.
        configuration.connectionPool.retryConnectionEstablishment = false
        client = HTTPClient(eventLoopGroup: HTTPClient.defaultEventLoopGroup, configuration: configuration)
    }

    deinit {
        // The owner should have called shutdown(); if not, shut down in the background (the
        // callback keeps the client alive until it is done, as AsyncHTTPClient requires).
        if state.markShutDown() {
            let client = self.client
            client.shutdown { _ in withExtendedLifetime(client) {} }
        }
    }

    /// Closes the connections. Idempotent.
    public func shutdown() async {
        guard state.markShutDown() else { return }
        try? await client.shutdown()
    }

    /// Requests sent so far, each retry counted.
    public var requestCount: Int {
        get async { state.requestCount }
    }

    /// Adds secrets that no error of this transport may show, whichever service echoes them
    /// (clients register their keys, passwords and tokens; callers can add others, such as the
    /// RunPod key).
    public func protect(_ secrets: [Secret]) {
        state.protect(Redactor(secrets: secrets))
    }

    /// The given redactor plus every secret registered with this transport.
    func redactor(adding redactor: Redactor) -> Redactor {
        redactor.adding(state.redactor)
    }

    // MARK: sending

    /// One exchange: the status, headers and whole body.
    struct Response: Sendable {
        let status: Int
        let headers: [(String, String)]
        let body: Data

        func header(_ name: String) -> String? {
            headers.first { $0.0.caseInsensitiveCompare(name) == .orderedSame }?.1
        }
    }

    struct Request: Sendable {
        var service: String
        var method: String
        var url: String
        var headers: [(String, String)] = []
        var body: Data? = nil
        /// Whether the request may be sent again; by default from its method.
        var repetition: Repetition? = nil
    }

    /// The final answer of a request, how many times it was sent, and, when a retryable answer
    /// was not retried because the request is not idempotent, why.
    struct Sent: Sendable {
        let response: Response
        let attempts: Int
        let notRepeated: String?
    }

    static let maxBodyBytes = 512 * 1024 * 1024

    /// Sends a request, retrying what is worth retrying, and returns the final answer whatever its
    /// status, with the number of attempts. Throws only when no answer came (connection errors,
    /// timeouts, TLS failures), after the retries, or when a request that is not idempotent may
    /// have taken effect (see `Repetition`).
    func send(_ request: Request, redactor given: Redactor) async throws(ClientError) -> Sent {
        var redactor: Redactor { self.redactor(adding: given) }
        let maxAttempts = max(1, options.maxAttempts)
        let path = Self.pathAndQuery(request.url)
        let repetition = request.repetition ?? Repetition.default(for: request.method)
        func failure(_ message: String, status: Int? = nil, attempts: Int, tookEffect: Bool = false) -> ClientError {
            ClientError(service: request.service, method: request.method, path: redactor.redact(path), status: status,
                        message: redactor.redact(message), attempts: attempts, tookEffect: tookEffect)
        }
        var attempt = 0
        while true {
            attempt += 1
            if Task.isCancelled { throw failure("cancelled", attempts: attempt - 1) }
            state.countRequest()
            let outcome = await sendOnce(request)
            var delay: Double?
            // What went wrong, when the request may have reached the service and done its work.
            var afterReaching: (what: String, status: Int?, response: Response?)?
            switch outcome {
            case .success(let response):
                guard Self.retryableStatuses.contains(response.status), attempt < maxAttempts else {
                    return Sent(response: response, attempts: attempt, notRepeated: nil)
                }
                delay = retryAfter(response) ?? backoff(attempt: attempt)
                // A 429 is a refusal before any work; a 502, 503 or 504 can come after it.
                if response.status != 429 {
                    afterReaching = ("\(response.status) \(ClientError.reasonPhrase(response.status))", response.status, response)
                }
            case .failure(let failed):
                guard failed.retryable, attempt < maxAttempts else {
                    throw failure(failed.message, attempts: attempt)
                }
                delay = backoff(attempt: attempt)
                if failed.mayHaveReachedService { afterReaching = (failed.message, nil, nil) }
            }
            if let afterReaching {
                switch repetition {
                case .idempotent:
                    break
                case .once:
                    let reason = "not sent again: a \(request.method) that may have reached the service is never repeated blindly (it could take effect twice); check whether it took effect before trying again"
                    if let response = afterReaching.response {
                        return Sent(response: response, attempts: attempt, notRepeated: reason)
                    }
                    throw failure(afterReaching.what + "; " + reason, attempts: attempt)
                case .checked(let check):
                    switch await check() {
                    case .notApplied:
                        break
                    case .applied:
                        throw failure(afterReaching.what + "; reading back shows the request took effect, so it was not sent again",
                                      status: afterReaching.status, attempts: attempt, tookEffect: true)
                    case .unknown:
                        throw failure(afterReaching.what + "; reading back could not tell whether the request took effect, so it was not sent again: check before trying again",
                                      status: afterReaching.status, attempts: attempt)
                    }
                }
            }
            if let delay, delay > 0 {
                do {
                    try await Task.sleep(nanoseconds: UInt64(delay * 1_000_000_000))
                } catch {
                    throw failure("cancelled", attempts: attempt)
                }
            }
        }
    }

    static let retryableStatuses: Set<Int> = [429, 502, 503, 504]

    /// The full-jitter backoff before the retry that follows attempt `attempt` (1-based).
    func backoff(attempt: Int) -> Double {
        let ceiling = min(options.maxDelay, options.baseDelay * pow(2, Double(attempt - 1)))
        guard ceiling > 0 else { return 0 }
        return Double.random(in: 0...ceiling)
    }

    /// `Retry-After` on a 429 or 503, in seconds or as an HTTP date, capped at `maxDelay`.
    func retryAfter(_ response: Response) -> Double? {
        guard response.status == 429 || response.status == 503, let value = response.header("Retry-After") else { return nil }
        guard let seconds = Self.retryAfterSeconds(value, now: Date()) else { return nil }
        return min(max(0, seconds), options.maxDelay)
    }

    static func retryAfterSeconds(_ value: String, now: Date) -> Double? {
        let text = value.trimmingCharacters(in: .whitespaces)
        if let seconds = Double(text) { return seconds }
        let formatter = DateFormatter()
        formatter.locale = Locale(identifier: "en_US_POSIX")
        formatter.timeZone = TimeZone(identifier: "GMT")
        for format in ["EEE, dd MMM yyyy HH:mm:ss zzz", "EEEE, dd-MMM-yy HH:mm:ss zzz", "EEE MMM d HH:mm:ss yyyy"] {
            formatter.dateFormat = format
            if let date = formatter.date(from: text) { return date.timeIntervalSince(now) }
        }
        return nil
    }

    struct Failure: Error {
        let message: String
        let retryable: Bool
        /// False only when the request surely never reached the service (no connection was made).
        var mayHaveReachedService = true
    }

    /// One attempt, within one overall deadline: connecting, the answer's headers and its whole
    /// body. AsyncHTTPClient's own deadline ends with the headers and its read timeout restarts
    /// with every byte, so a body that trickles in would otherwise be read long past the timeout;
    /// the attempt is raced against a timer, and the loser is cancelled.
    private func sendOnce(_ request: Request) async -> Result<Response, Failure> {
        var outgoing = HTTPClientRequest(url: request.url)
        outgoing.method = HTTPMethod(rawValue: request.method)
        for (name, value) in request.headers { outgoing.headers.add(name: name, value: value) }
        if !outgoing.headers.contains(name: "User-Agent") { outgoing.headers.add(name: "User-Agent", value: "spotctl") }
        if let body = request.body {
            outgoing.body = .bytes(ByteBuffer(bytes: body))
        }
        let timeout = max(0.001, options.timeoutSeconds)
        let nanoseconds = Int64(timeout * 1_000_000_000)
        let deadline = NIODeadline.now() + .nanoseconds(nanoseconds)
        let client = self.client
        let exchange = outgoing
        return await withTaskGroup(of: Result<Response, Failure>?.self) { group in
            group.addTask {
                do {
                    let response = try await client.execute(exchange, deadline: deadline)
                    let buffer = try await response.body.collect(upTo: Self.maxBodyBytes)
                    let headers = response.headers.map { ($0.name, $0.value) }
                    return .success(Response(status: Int(response.status.code), headers: headers,
                                             body: Data(buffer.readableBytesView)))
                } catch {
                    return .failure(Self.classify(error, timeout: timeout))
                }
            }
            group.addTask {
                do {
                    try await Task.sleep(nanoseconds: UInt64(nanoseconds))
                } catch {
                    return nil
                }
                return .failure(Failure(message: "timed out after \(Self.seconds(timeout)) s", retryable: true))
            }
            var outcome: Result<Response, Failure>?
            for await result in group {
                guard let result else { continue }
                if outcome == nil { outcome = result }
                group.cancelAll()
            }
            return outcome ?? .failure(Failure(message: "cancelled", retryable: false))
        }
    }

    static func seconds(_ timeout: Double) -> String {
        timeout == timeout.rounded() ? String(Int(timeout)) : String(timeout)
    }

    /// Says what went wrong in words, and whether another attempt might help.
    static func classify(_ error: any Error, timeout: Double) -> Failure {
        let seconds = Self.seconds(timeout)
        if let error = error as? HTTPClientError {
            switch error {
            case .deadlineExceeded, .readTimeout, .writeTimeout:
                return Failure(message: "timed out after \(seconds) s", retryable: true)
            case .connectTimeout, .tlsHandshakeTimeout, .getConnectionFromPoolTimeout:
                return Failure(message: "timed out connecting after \(seconds) s", retryable: true, mayHaveReachedService: false)
            case .remoteConnectionClosed:
                return Failure(message: "the connection was closed before the answer arrived", retryable: true)
            case .cancelled:
                return Failure(message: "cancelled", retryable: false)
            case .invalidURL, .emptyHost, .emptyScheme:
                return Failure(message: "invalid URL", retryable: false)
            case .alreadyShutdown:
                return Failure(message: "the HTTP transport was shut down", retryable: false)
            case .bodyLengthMismatch:
                return Failure(message: "the answer's body was cut short", retryable: true)
            default:
                if String(describing: error).contains("responseBodyTooLarge") {
                    return Failure(message: "the answer is larger than \(maxBodyBytes / 1024 / 1024) MiB", retryable: false)
                }
                return Failure(message: "HTTP error: \(error)", retryable: true)
            }
        }
        if error is CancellationError {
            return Failure(message: "cancelled", retryable: false)
        }
        if error is NIOSSLError || error is NIOSSLExtraError {
            return Failure(message: tlsMessage(String(describing: error)), retryable: false)
        }
        if let error = error as? IOError {
            let reason = String(cString: strerror(error.errnoCode))
            // Refused or unreachable: no connection, so nothing was sent.
            let unsent = [ECONNREFUSED, ENETUNREACH, EHOSTUNREACH].contains(error.errnoCode)
            return Failure(message: "connection failed: \(reason.isEmpty ? error.description : reason)", retryable: true,
                           mayHaveReachedService: !unsent)
        }
        let text = String(describing: error)
        if text.localizedCaseInsensitiveContains("certificate") || text.contains("SSL") {
            return Failure(message: tlsMessage(text), retryable: false)
        }
        return Failure(message: "connection failed: \(text)", retryable: true)
    }

    /// A TLS failure in words, with what to do about an untrusted certificate.
    static func tlsMessage(_ text: String) -> String {
        let hint = "if the service uses a private CA, name its bundle (OS_CACERT, `cacert` in clouds.yaml)"
        if text.contains("CERTIFICATE_VERIFY_FAILED") {
            return "TLS handshake failed: the server's certificate could not be verified (CERTIFICATE_VERIFY_FAILED); " + hint
        }
        if text.contains("failedToValidateHostname") {
            return "TLS handshake failed: the server's certificate does not name this host; " + hint
        }
        // BoringSSL's reason code (`…:OPENSSL_internal:REASON at file:line`), without the file.
        if let range = text.range(of: #"OPENSSL_internal:[A-Z0-9_]+"#, options: .regularExpression) {
            return "TLS handshake failed (\(text[range].dropFirst("OPENSSL_internal:".count)))"
        }
        return "TLS handshake failed: \(text)" + (text.localizedCaseInsensitiveContains("certificate") ? "; " + hint : "")
    }

    /// The path and query of a URL, without scheme, host or user info.
    static func pathAndQuery(_ url: String) -> String {
        guard let components = URLComponents(string: url) else {
            // Never return the raw text: it could hold user info.
            return "(unparsable URL)"
        }
        var text = components.percentEncodedPath.isEmpty ? "/" : components.percentEncodedPath
        if let query = components.percentEncodedQuery, !query.isEmpty { text += "?" + query }
        return text
    }
}

/// Whether a request may be sent again after a failure that can come after the service acted on
/// it: a timeout, a dropped connection, a body cut short, or a 502, 503 or 504. Failures before
/// anything was sent (a refused connection, a connect timeout) and 429 (a refusal before any
/// work) are retried whatever the request.
public enum Repetition: Sendable {
    /// Sending it twice does what sending it once does, so it is retried: HTTP's idempotent
    /// methods (GET, HEAD, OPTIONS, PUT, DELETE) and the POSTs a client knows to be so (Keystone's
    /// token request changes nothing; Nova's `add_host`/`remove_host` answer a repeat with 409/404,
    /// which the client turns into success after reading the aggregate back).
    case idempotent
    /// Never sent again once it may have reached the service: the failure is reported, saying so.
    /// The default for POST, PATCH and any other method.
    case once
    /// Before any retry after a failure that may have come after the service acted, the caller's
    /// read-back ("did it already happen?") decides: `.notApplied` sends it again, `.applied`
    /// stops with a `ClientError` whose `tookEffect` is true (the caller reads the result back),
    /// `.unknown` stops with an error that says so.
    case checked(@Sendable () async -> ReadBack)

    /// Retried for GET, HEAD, OPTIONS, PUT and DELETE; sent once for anything else.
    public static func `default`(for method: String) -> Repetition {
        ["GET", "HEAD", "OPTIONS", "PUT", "DELETE"].contains(method.uppercased()) ? .idempotent : .once
    }
}

/// What reading the service back says about a request whose answer was lost.
public enum ReadBack: Sendable {
    /// It did not take effect: sending it again is safe.
    case notApplied
    /// It took effect: it must not be sent again.
    case applied
    /// The read-back could not tell.
    case unknown
}

/// The transport's mutable bookkeeping, behind a lock so that it can be read from `deinit`.
private final class TransportState: Sendable {
    private struct State {
        var requests = 0
        var shutDown = false
        var secrets = Redactor(values: [])
    }

    private let state = Mutex(State())

    func protect(_ more: Redactor) {
        state.withLock { $0.secrets = $0.secrets.adding(more) }
    }

    var redactor: Redactor {
        state.withLock { $0.secrets }
    }

    func countRequest() {
        state.withLock { $0.requests += 1 }
    }

    var requestCount: Int {
        state.withLock { $0.requests }
    }

    /// Marks the transport shut down; true the first time only.
    func markShutDown() -> Bool {
        state.withLock { state in
            if state.shutDown { return false }
            state.shutDown = true
            return true
        }
    }
}
