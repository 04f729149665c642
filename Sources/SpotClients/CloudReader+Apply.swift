public import SpotCore
import SpotSupport

/// The reads and writes `apply` needs, each a few requests: membership changes of one host, the
/// servers of given hosts. Errors are the client's (`ClientError`), already redacted.
extension CloudReader {
    /// The Nova page size in use (`openstack.page_size`), for estimating a listing's requests.
    public var serverPageSize: Int { nova.pageSize }

    /// Every server of the cloud, through the paged listing (its cost grows with pages).
    public func allServers() async throws(ClientError) -> [Server] {
        _ = try await nova.microversion()
        return try await nova.servers()
    }

    /// The servers of each host, one query per host (`GET /servers/detail?all_tenants=1&host=H`),
    /// `concurrency` at a time.
    public func servers(onHosts hosts: [String], concurrency: Int) async throws(ClientError) -> [Server] {
        _ = try await nova.microversion()
        let nova = self.nova
        let lists = try await boundedMap(hosts, limit: max(1, concurrency)) { (host: String) async throws(ClientError) -> [Server] in
            try await nova.servers(onHost: host)
        }
        return lists.flatMap { $0 }
    }

    /// `openstack aggregate add host`: the aggregate after the change. A repeat (409 "already has
    /// host") is success once the aggregate read back holds the host.
    public func addHost(_ host: String, toAggregate id: Int) async throws(ClientError) -> Aggregate {
        try await nova.addHost(host, toAggregate: id)
    }

    /// `openstack aggregate remove host`: the aggregate after the change. A 404 is success once
    /// the aggregate read back lacks the host.
    public func removeHost(_ host: String, fromAggregate id: Int) async throws(ClientError) -> Aggregate {
        try await nova.removeHost(host, fromAggregate: id)
    }
}

/// The clients behind the read commands and a launch's steps, over this reader's transports
/// (so the secrets each transport protects stay out of every error).
extension CloudReader {
    /// The Nova client (its microversion negotiated once).
    public var novaClient: NovaClient { nova }

    /// A Neutron client on the reader's OpenStack session.
    public var neutronClient: NeutronClient { NeutronClient(session: session) }

    /// A Hyperstack client, or nil when Hyperstack is not configured.
    public var hyperstackClient: HyperstackClient? {
        guard let credentials = sources.hyperstack.credentials, let transport = hyperstackTransport else { return nil }
        return HyperstackClient(credentials: credentials, transport: transport)
    }
}

extension CloudReader {
    /// Hyperstack's flavors (per region), environments (with their region) and key pairs (per
    /// environment, names only), read live and read-only, for checking launches
    /// (`Planner.LaunchContext.catalog`); nil when Hyperstack is not configured. Three listings,
    /// side by side; any failure is an error, never an empty catalogue.
    public func hyperstackCatalog() async throws(ClientError) -> HyperstackCatalog? {
        guard let client = hyperstackClient else { return nil }
        async let flavors = client.flavors(region: nil)
        async let environments = client.environments()
        async let keyPairs = client.keyPairs(environment: nil)
        var catalog = HyperstackCatalog()
        do {
            for flavor in try await flavors { catalog.flavors[flavor.region, default: []].insert(flavor.name) }
            for environment in try await environments { catalog.environments[environment.name] = environment.region }
            for keyPair in try await keyPairs { catalog.keyPairs[keyPair.environment, default: []].insert(keyPair.name) }
        } catch let error as ClientError {
            throw error
        } catch {
            throw ClientError(service: "Hyperstack", method: "GET", path: "/", status: nil, message: "\(error)", attempts: 1)
        }
        return catalog
    }
}
