public import SpotClients
public import SpotCore

/// Why a cloud action failed, for the command log and the report: the client's message (already
/// redacted: no token or password), the HTTP status when there was one, and whether the request
/// timed out.
public struct ActionFailure: Error, Sendable, Hashable, CustomStringConvertible {
    public let message: String
    public let status: Int?
    public let timedOut: Bool

    public init(message: String, status: Int? = nil, timedOut: Bool = false) {
        self.message = message
        self.status = status
        self.timedOut = timedOut
    }

    public init(_ error: ClientError) {
        self.init(message: error.description, status: error.status,
                  timedOut: error.status == nil && error.message.hasPrefix("timed out"))
    }

    public var description: String { message }
}

/// What `apply` does to the cloud, and nothing more: read every aggregate (one request), read
/// the servers of some hosts (the whole paged listing, or one query per host), add a host to an
/// aggregate, remove it from one. `LiveCloudActions` does it with the real clients; tests run it
/// against the simulator.
public protocol CloudActions: Sendable {
    /// Every aggregate, in one request.
    func readAggregates() async throws(ActionFailure) -> [Aggregate]
    /// Every server, through the paged listing.
    func readAllServers() async throws(ActionFailure) -> [Server]
    /// The servers of these hosts, one query per host.
    func readServers(onHosts hosts: [String]) async throws(ActionFailure) -> [Server]
    /// Adds the host; the aggregate as the cloud answered it (holding the host).
    func addHost(_ host: String, to aggregate: Aggregate) async throws(ActionFailure) -> Aggregate
    /// Removes the host; the aggregate as the cloud answered it (without the host).
    func removeHost(_ host: String, from aggregate: Aggregate) async throws(ActionFailure) -> Aggregate
    /// Servers per page of the listing, to estimate its requests.
    var serverPageSize: Int { get }
}

/// `CloudActions` through `CloudReader` (Nova).
public struct LiveCloudActions: CloudActions {
    public let reader: CloudReader
    /// Per-host server queries at once.
    public let concurrency: Int

    public init(reader: CloudReader, concurrency: Int) {
        self.reader = reader
        self.concurrency = concurrency
    }

    public func readAggregates() async throws(ActionFailure) -> [Aggregate] {
        do {
            return try await reader.readAggregates()
        } catch {
            throw ActionFailure(message: error.description)
        }
    }

    public func readAllServers() async throws(ActionFailure) -> [Server] {
        do {
            return try await reader.allServers()
        } catch {
            throw ActionFailure(error)
        }
    }

    public func readServers(onHosts hosts: [String]) async throws(ActionFailure) -> [Server] {
        do {
            return try await reader.servers(onHosts: hosts, concurrency: concurrency)
        } catch {
            throw ActionFailure(error)
        }
    }

    public func addHost(_ host: String, to aggregate: Aggregate) async throws(ActionFailure) -> Aggregate {
        do {
            return try await reader.addHost(host, toAggregate: aggregate.id)
        } catch {
            throw ActionFailure(error)
        }
    }

    public func removeHost(_ host: String, from aggregate: Aggregate) async throws(ActionFailure) -> Aggregate {
        do {
            return try await reader.removeHost(host, fromAggregate: aggregate.id)
        } catch {
            throw ActionFailure(error)
        }
    }

    public var serverPageSize: Int { reader.serverPageSize }
}
