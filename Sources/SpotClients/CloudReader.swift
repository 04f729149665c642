public import Foundation
public import SpotCore

/// The credentials of every source a cloud read uses, resolved once from the configuration and
/// an environment the caller passes in (never the process's own): OpenStack is required, NetBox
/// and Hyperstack are optional.
public struct CloudSources: Sendable {
    public let openStack: OpenStackCredentials
    public let netBox: OptionalService
    public let hyperstack: OptionalService
    public let runPodKey: Secret?

    /// Every secret that must never reach a file, a log or an error.
    public var secrets: [Secret] {
        openStack.secrets + [netBox.credentials?.key, hyperstack.credentials?.key, runPodKey].compactMap { $0 }
    }

    /// Sources that are not configured, and what that means; and a warning for each source whose
    /// TLS certificates are not verified.
    public var notes: [String] {
        var notes: [String] = []
        let insecure = ": whoever answers at that address gets the credentials and can forge the answers; turn verification on and trust the service's CA instead"
        if !openStack.verify {
            notes.append("warning: TLS certificate verification is OFF for OpenStack (`verify: false` in clouds.yaml or OS_INSECURE)" + insecure
                         + " (`cacert` in clouds.yaml or OS_CACERT)")
        }
        if let credentials = netBox.credentials, !credentials.verifyTLS {
            notes.append("warning: TLS certificate verification is OFF for NetBox (`netbox.verify: false` in spotctl.yaml)" + insecure
                         + " (`netbox.ca_file`)")
        }
        if let credentials = hyperstack.credentials, !credentials.verifyTLS {
            notes.append("warning: TLS certificate verification is OFF for Hyperstack (`hyperstack.verify: false` in spotctl.yaml)" + insecure
                         + " (`hyperstack.ca_file`)")
        }
        if case .notConfigured(let reason) = netBox {
            notes.append("NetBox is not configured (\(reason)): GPU types come from aggregates only, no tenants or reconciliation")
        }
        if case .notConfigured(let reason) = hyperstack {
            notes.append("Hyperstack is not configured (\(reason)): no images or firewalls")
        }
        return notes
    }

    public init(openStack: OpenStackCredentials, netBox: OptionalService, hyperstack: OptionalService, runPodKey: Secret?) {
        self.openStack = openStack
        self.netBox = netBox
        self.hyperstack = hyperstack
        self.runPodKey = runPodKey
    }

    public static func resolve(configuration: Configuration, environment: [String: String],
                               workingDirectory: URL) throws(CredentialsError) -> CloudSources {
        CloudSources(
            openStack: try CredentialsResolver.openStack(settings: configuration.openstack, environment: environment, cwd: workingDirectory),
            netBox: try CredentialsResolver.netBox(settings: configuration.netbox, environment: environment),
            hyperstack: try CredentialsResolver.hyperstack(settings: configuration.hyperstack, environment: environment),
            runPodKey: try CredentialsResolver.runPodKey(settings: configuration.runpod, environment: environment))
    }

    /// The secrets of whatever resolves, for scans that need no source (render): none is required.
    public static func knownSecrets(configuration: Configuration, environment: [String: String], workingDirectory: URL) -> [Secret] {
        var secrets: [Secret] = []
        if let openStack = try? CredentialsResolver.openStack(settings: configuration.openstack, environment: environment,
                                                              cwd: workingDirectory) {
            secrets += openStack.secrets
        }
        if let key = (try? CredentialsResolver.netBox(settings: configuration.netbox, environment: environment))?.credentials?.key {
            secrets.append(key)
        }
        if let key = (try? CredentialsResolver.hyperstack(settings: configuration.hyperstack, environment: environment))?.credentials?.key {
            secrets.append(key)
        }
        if let key = try? CredentialsResolver.runPodKey(settings: configuration.runpod, environment: environment) {
            secrets.append(key)
        }
        return secrets
    }
}

/// A read of the cloud that failed: which source, and the client's error.
public struct CloudReadError: Error, Sendable, CustomStringConvertible {
    public let source: String
    public let underlying: String

    public init(source: String, underlying: any Error) {
        self.source = source
        self.underlying = "\(underlying)"
    }

    public var description: String { "\(source): \(underlying)" }
}

/// Reads the cloud: all of it for a snapshot, or only the aggregates and the hosts a change
/// touches (apply's re-read and verification). One HTTP transport per source, each with that
/// source's own timeout and TLS settings (OpenStack's `verify: false` never reaches NetBox or
/// Hyperstack), whose request counts the caller can read together; `shutdown()` when done.
public final class CloudReader: Sendable {
    public let configuration: Configuration
    public let sources: CloudSources
    /// OpenStack's transport (Keystone, Nova, Neutron).
    public let transport: HTTPTransport
    /// NetBox's and Hyperstack's, when configured.
    public let netBoxTransport: HTTPTransport?
    public let hyperstackTransport: HTTPTransport?
    let session: OpenStackSession
    /// One Nova client, so that the microversion is negotiated once.
    let nova: NovaClient

    public init(configuration: Configuration, sources: CloudSources, options: ClientOptions = ClientOptions()) throws(ClientError) {
        self.configuration = configuration
        self.sources = sources
        var openStackOptions = options
        openStackOptions.timeoutSeconds = Double(configuration.openstack.timeoutSeconds)
        let transport = try HTTPTransport(options: openStackOptions.applying(sources.openStack))
        /// A service's own TLS settings; its CA bundle defaults to OpenStack's (a bundle only adds
        /// trust, it never turns checking off).
        func serviceTransport(_ credentials: ServiceCredentials?, timeout: Int) throws(ClientError) -> HTTPTransport? {
            guard let credentials else { return nil }
            var serviceOptions = options
            serviceOptions.timeoutSeconds = Double(timeout)
            serviceOptions.verifyTLS = options.verifyTLS && credentials.verifyTLS
            serviceOptions.caFile = credentials.caFile ?? options.caFile ?? sources.openStack.caFile
            return try HTTPTransport(options: serviceOptions)
        }
        let netBoxTransport: HTTPTransport?
        let hyperstackTransport: HTTPTransport?
        do throws(ClientError) {
            netBoxTransport = try serviceTransport(sources.netBox.credentials, timeout: configuration.netbox.timeoutSeconds)
            do throws(ClientError) {
                hyperstackTransport = try serviceTransport(sources.hyperstack.credentials, timeout: configuration.hyperstack.timeoutSeconds)
            } catch {
                if let netBoxTransport { Task { await netBoxTransport.shutdown() } }
                throw error
            }
        } catch {
            Task { await transport.shutdown() }
            throw error
        }
        for each in [transport, netBoxTransport, hyperstackTransport].compactMap({ $0 }) { each.protect(sources.secrets) }
        self.transport = transport
        self.netBoxTransport = netBoxTransport
        self.hyperstackTransport = hyperstackTransport
        session = OpenStackSession(credentials: sources.openStack, transport: transport)
        nova = NovaClient(session: session, pageSize: configuration.openstack.pageSize)
    }

    private var transports: [HTTPTransport] {
        [transport, netBoxTransport, hyperstackTransport].compactMap { $0 }
    }

    /// Requests sent so far by every source, each retry counted.
    public var requestCount: Int {
        get async {
            var total = 0
            for each in transports { total += await each.requestCount }
            return total
        }
    }

    public func shutdown() async {
        for each in transports { await each.shutdown() }
    }

    /// Authenticates and negotiates the Nova microversion (once; later calls reuse it).
    public func connect() async throws(CloudReadError) -> String {
        do {
            return try await nova.microversion()
        } catch {
            throw CloudReadError(source: "OpenStack (\(sources.openStack.source))", underlying: error)
        }
    }

    /// Every fact of a snapshot, the sources side by side. NetBox devices are filtered by
    /// `DeviceRules.relevant`.
    public func readAll(report: @escaping @Sendable (String) -> Void = { _ in }) async throws(CloudReadError) -> Facts {
        let microversion = try await connect()
        report("OpenStack: authenticated at \(sources.openStack.authURL), Nova microversion \(microversion)")
        let nova = self.nova
        let keystone = KeystoneClient(session: session)
        let configuration = self.configuration
        let netBoxTransport = self.netBoxTransport
        let hyperstackTransport = self.hyperstackTransport
        let netBox = sources.netBox
        let hyperstack = sources.hyperstack
        // The allow-list, and the capacity and NVLink fields the rules read.
        let customFields = configuration.netbox.customFields
            + [configuration.capacity.netboxCustomField, configuration.nvlink.customField].compactMap { $0 }

        async let aggregates = nova.aggregates()
        async let services = nova.computeServices()
        async let hypervisors = nova.hypervisors()
        async let flavors = nova.flavors()
        async let projects = keystone.projects()
        async let servers = nova.servers(progress: { count in report("OpenStack: \(count) servers") })
        async let devices: [NetBoxDevice]? = {
            guard let credentials = netBox.credentials, let transport = netBoxTransport else { return nil }
            let client = NetBoxClient(credentials: credentials, transport: transport, pageSize: configuration.netbox.pageSize,
                                      customFields: customFields)
            return try await client.devices(progress: { count in report("NetBox: \(count) devices") })
        }()
        async let hyperstackFacts: ([HyperstackImage], [HyperstackFirewall], [HyperstackVM])? = {
            guard let credentials = hyperstack.credentials, let transport = hyperstackTransport else { return nil }
            let client = HyperstackClient(credentials: credentials, transport: transport)
            let images = try await client.images()
            var firewalls: [HyperstackFirewall] = []
            for id in Set(configuration.sites.compactMap(\.firewall)).sorted() {
                firewalls.append(try await client.firewall(id: id))
            }
            let vms = try await client.virtualMachines()
            return (images, firewalls, vms)
        }()

        var facts = Facts()
        do {
            facts.aggregates = try await aggregates
            facts.services = try await services
            facts.hypervisors = try await hypervisors
            facts.flavors = try await flavors
            facts.projects = try await projects
            facts.servers = try await servers
        } catch {
            throw CloudReadError(source: "OpenStack", underlying: error)
        }
        report("OpenStack: \(facts.aggregates.count) aggregates, \(facts.services.count) compute hosts, \(facts.servers.count) servers")
        do {
            if let all = try await devices {
                facts.devices = DeviceRules.relevant(all, facts: facts, configuration: configuration)
                report("NetBox: \(all.count) devices, \(facts.devices!.count) kept")
            }
        } catch {
            throw CloudReadError(source: "NetBox", underlying: error)
        }
        do {
            if let (images, firewalls, vms) = try await hyperstackFacts {
                facts.images = images
                facts.firewalls = firewalls
                facts.vms = Self.linking(vms, to: facts.servers)
                report("Hyperstack: \(images.count) images, \(firewalls.count) firewalls, \(vms.count) VMs")
            }
        } catch {
            throw CloudReadError(source: "Hyperstack", underlying: error)
        }
        return facts
    }

    /// Every aggregate, in one request (apply's verification).
    public func readAggregates() async throws(CloudReadError) -> [Aggregate] {
        _ = try await connect()
        do {
            return try await nova.aggregates()
        } catch {
            throw CloudReadError(source: "OpenStack", underlying: error)
        }
    }

    /// The part of the cloud a change touches: every aggregate, and the compute services and
    /// servers of the given hosts. The servers come from the paged listing (its cost grows with
    /// pages, not hosts); per-host queries come with apply, where they are fewer requests.
    public func read(hosts: Set<String>) async throws(CloudReadError) -> Facts {
        _ = try await connect()
        let nova = self.nova
        async let aggregates = nova.aggregates()
        async let services = nova.computeServices()
        async let servers = nova.servers()
        var facts = Facts()
        do {
            facts.aggregates = try await aggregates
            facts.services = (try await services).filter { hosts.contains($0.host) }
            facts.servers = (try await servers).filter { $0.host.map(hosts.contains) ?? false }
        } catch {
            throw CloudReadError(source: "OpenStack", underlying: error)
        }
        return facts
    }

    /// Each VM with the OpenStack server it is: the one server of exactly its name (Hyperstack
    /// names the Nova server as the VM); none or several leave it unlinked.
    static func linking(_ vms: [HyperstackVM], to servers: [Server]) -> [HyperstackVM] {
        var byName: [String: [String]] = [:]
        for server in servers { byName[server.name, default: []].append(server.id) }
        return vms.map { vm in
            var linked = vm
            if let ids = byName[vm.name], ids.count == 1 { linked.serverID = ids[0] }
            return linked
        }
    }
}
