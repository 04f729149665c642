import NIOHTTP1

/// A request to a service that failed for good: after the retries the failure allows, or at once
/// for a status that retrying cannot fix. It names the service, the request (path and query only:
/// never a host's credentials or a token), the status, the service's own message and the number of
/// attempts. Every text in it has been through a `Redactor`, so it carries no secret.
public struct ClientError: Error, Equatable, Sendable, CustomStringConvertible {
    /// `Keystone`, `Nova`, `Neutron`, `NetBox` or `Hyperstack`.
    public let service: String
    public let method: String
    /// The path and query of the request.
    public let path: String
    /// The HTTP status; nil for connection errors, timeouts and TLS failures.
    public let status: Int?
    /// The service's own message (parsed from its error body), or the transport error.
    public let message: String
    /// How many times the request was sent.
    public let attempts: Int
    /// A request that is not idempotent failed, but the caller's read-back showed it took effect
    /// (see `Repetition.checked`): it was not sent again, and its result is to be read back.
    public let tookEffect: Bool

    public init(service: String, method: String, path: String, status: Int?, message: String, attempts: Int,
                tookEffect: Bool = false) {
        self.service = service
        self.method = method
        self.path = path
        self.status = status
        self.message = message
        self.attempts = attempts
        self.tookEffect = tookEffect
    }

    /// `Nova GET /compute/v2.1/servers/detail?all_tenants=1&limit=1000: 503 Service Unavailable:
    /// Simulated fault: Service Unavailable (gave up after 4 attempts)`.
    public var description: String {
        var text = "\(service) \(method) \(path): "
        if let status {
            text += "\(status) \(ClientError.reasonPhrase(status))"
            if !message.isEmpty { text += ": " + message }
        } else {
            text += message
        }
        if attempts > 1 { text += " (gave up after \(attempts) attempts)" }
        return text
    }

    /// Whether the service said the thing is not there (404).
    public var isNotFound: Bool { status == 404 }

    static func reasonPhrase(_ status: Int) -> String {
        let phrase = HTTPResponseStatus(statusCode: status).reasonPhrase
        return phrase.isEmpty ? "HTTP \(status)" : phrase
    }
}

/// How the clients talk to services: timeouts, retries and TLS.
public struct ClientOptions: Sendable {
    /// The overall deadline of one attempt, in seconds: connecting, waiting for the answer and
    /// reading all of its body (a body that trickles in does not stretch it).
    public var timeoutSeconds: Double = 30
    /// Attempts in all (the first one included) for failures worth retrying: connection errors,
    /// timeouts, 429, 502, 503 and 504; a request that is not idempotent is retried only as its
    /// `Repetition` allows.
    public var maxAttempts: Int = 4
    /// The backoff before retry n is a random delay in 0...min(maxDelay, baseDelay * 2^(n-1))
    /// ("full jitter"); a `Retry-After` on 429 or 503 is honoured instead, capped at `maxDelay`.
    public var baseDelay: Double = 0.2
    public var maxDelay: Double = 10
    /// A CA bundle (PEM) to trust in addition to the system's roots.
    public var caFile: String? = nil
    /// TLS certificate verification; on unless explicitly turned off (`verify: false`, `OS_INSECURE`).
    public var verifyTLS: Bool = true

    public init() {}

    public init(timeoutSeconds: Double = 30, maxAttempts: Int = 4, baseDelay: Double = 0.2, maxDelay: Double = 10,
                caFile: String? = nil, verifyTLS: Bool = true) {
        self.timeoutSeconds = timeoutSeconds
        self.maxAttempts = maxAttempts
        self.baseDelay = baseDelay
        self.maxDelay = maxDelay
        self.caFile = caFile
        self.verifyTLS = verifyTLS
    }
}

extension ClientOptions {
    /// These options with the TLS settings of the OpenStack credentials (`cacert`/`OS_CACERT`,
    /// `verify`/`OS_INSECURE`): the bundle adds to the system's roots, so other services that use
    /// public certificates still verify.
    public func applying(_ credentials: OpenStackCredentials) -> ClientOptions {
        var options = self
        if let caFile = credentials.caFile, !caFile.isEmpty { options.caFile = caFile }
        if !credentials.verify { options.verifyTLS = false }
        return options
    }
}
