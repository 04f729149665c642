/// The derived views of one snapshot: every rule of the specification's section 4 applied once.
/// The site, the static API, `plan` and `serve` all read this one result.
public struct CloudView: Sendable {
    public let configuration: Configuration
    public let facts: Facts
    /// Every GPU host (Nova GPU hosts and NetBox-only GPU servers), sorted by name.
    public let hosts: [HostView]
    /// The GPU types that have a host or an aggregate, in configuration order.
    public let types: [GPUTypeView]
    /// GPU hosts whose type is unknown.
    public let unclassified: [HostView]
    /// Compute hosts that are not GPU hosts (kept as facts, shown nowhere).
    public let cpuOnlyHosts: [String]
    public let aggregates: [AggregateView]
    public let reconciliation: Reconciliation
    public let warnings: [CloudWarning]
    /// Every type's in-service overview summed: the one total across types (commit message,
    /// `diff`, summary.json, the overview page).
    public let total: GPUSummary
    /// The servers that hold resources on a host (by `UsageRules.holdsResources`).
    public let holdingServers: [ServerChange]

    private let hostIndex: [String: Int]

    public init(facts: Facts, configuration: Configuration) {
        var builder = CloudViewBuilder(facts: facts, configuration: configuration)
        builder.build()
        self.configuration = configuration
        self.facts = facts
        self.hosts = builder.hosts
        self.types = builder.types
        self.unclassified = builder.hosts.filter { $0.gpuType == nil }
        self.cpuOnlyHosts = builder.cpuOnlyHosts
        self.aggregates = builder.aggregateViews
        self.reconciliation = builder.reconciliation
        self.warnings = builder.warnings
        self.total = builder.types.reduce(GPUSummary()) { $0 + $1.overview }
        self.holdingServers = facts.servers.filter(UsageRules.holdsResources).map { ServerChange(id: $0.id, name: $0.name, host: $0.host) }
        var index: [String: Int] = [:]
        for (offset, host) in builder.hosts.enumerated() { index[host.name] = offset }
        self.hostIndex = index
    }

    /// A GPU host by its exact name, else by its name in any case.
    public func host(named name: String) -> HostView? {
        if let offset = hostIndex[name] { return hosts[offset] }
        let lowered = name.lowercased()
        return hosts.first { $0.name.lowercased() == lowered }
    }

    public func type(named name: String) -> GPUTypeView? {
        types.first { $0.name == name } ?? types.first { $0.name.lowercased() == name.lowercased() }
    }

    public func aggregate(named name: String) -> AggregateView? {
        aggregates.first { $0.aggregate.name == name }
    }

    /// Hosts out of stock, with their reasons, across all types and unclassified.
    public var outOfStockHosts: [HostView] { hosts.filter { $0.pool == .outofstock } }

    /// The seed's get-target-aggregate. With a wanted pool: that pool's aggregate for the host's type
    /// (on-demand: the variant matching the host's NVLink flag, else the first; contract: the named
    /// contract, or the only one). Without: spot for an idle host, on-demand for a spot host or a
    /// host with VMs. An empty aggregate is a valid target.
    public func recommendTarget(hostname: String, pool wanted: Pool? = nil, contract: String? = nil) -> Recommendation {
        guard let host = host(named: hostname) else {
            return Recommendation(hostname: hostname, gpuType: nil, pool: wanted, aggregate: nil,
                                  reasoning: "\(hostname) is not a GPU host in the snapshot")
        }
        guard let typeName = host.gpuType, let type = type(named: typeName) else {
            return Recommendation(hostname: host.name, gpuType: nil, pool: wanted, aggregate: nil,
                                  reasoning: "the GPU type of \(host.name) is unknown; tag its NetBox device with a GPU type")
        }
        let pool: Pool
        let why: String
        if let wanted {
            pool = wanted
            why = ""
        } else if host.pool == .spot {
            pool = .ondemand
            why = "Host is in spot; "
        } else if host.hasVMs {
            pool = .ondemand
            why = "Host has \(host.vmCount) VM\(host.vmCount == 1 ? "" : "s"), so it stays with on-demand; "
        } else {
            pool = .spot
            why = "Host has no running VMs, suitable for spot aggregate; "
        }
        func answer(_ aggregate: String?, _ reason: String) -> Recommendation {
            Recommendation(hostname: host.name, gpuType: type.name, pool: pool, aggregate: aggregate, reasoning: why + reason)
        }
        guard pool != .outofstock else {
            return answer(nil, "out of stock is not an aggregate; disable the compute service or set the NetBox status instead")
        }
        let candidates = type.pool(pool).aggregates
        guard !candidates.isEmpty else {
            return answer(nil, "\(type.name) has no \(pool.label) aggregate")
        }
        var chosen: String
        var reason: String
        switch pool {
        case .ondemand:
            let variants = type.pool(.ondemand).variants
            if let match = variants.first(where: { $0.nvlink == host.nvlink }) {
                chosen = match.aggregate
                reason = variants.count > 1
                    ? "\(chosen) is the on-demand variant for \(host.nvlink ? "NVLink" : "non-NVLink") \(type.name) hosts"
                    : "\(chosen) is the on-demand aggregate for \(type.name)"
            } else {
                chosen = candidates[0]
                reason = "\(chosen) is the first on-demand aggregate for \(type.name); none matches the host's NVLink flag"
            }
        case .contract:
            if let contract {
                guard candidates.contains(contract) else {
                    return answer(nil, "\(contract) is not a contract aggregate of \(type.name); known: \(candidates.joined(separator: ", "))")
                }
                chosen = contract
            } else if candidates.count == 1 {
                chosen = candidates[0]
            } else {
                return answer(nil, "\(type.name) has \(candidates.count) contract aggregates (\(candidates.joined(separator: ", "))); name one")
            }
            reason = "\(chosen) is the contract aggregate"
        default:
            chosen = candidates[0]
            reason = "\(chosen) is the \(pool.label) aggregate for \(type.name)"
        }
        if host.poolAggregates.contains(chosen) {
            reason = "already in \(chosen)"
        } else if let aggregate = aggregate(named: chosen), aggregate.aggregate.hosts.isEmpty {
            reason += " (empty, a valid target)"
        }
        return answer(chosen, reason)
    }
}

/// Builds a `CloudView`: the single implementation of GPU type, capacity, usage, pool, summaries,
/// reconciliation and warnings.
struct CloudViewBuilder {
    let facts: Facts
    let configuration: Configuration
    let typeRules: GPUTypeRules
    let hostRules: HostRules
    let placementRules: PlacementRules

    var hosts: [HostView] = []
    var types: [GPUTypeView] = []
    var cpuOnlyHosts: [String] = []
    var aggregateViews: [AggregateView] = []
    var reconciliation = Reconciliation(netBoxConfigured: false, netBoxGPUServers: 0, dashboardHosts: 0, entries: [])
    var warnings: [CloudWarning] = []

    init(facts: Facts, configuration: Configuration) {
        self.facts = facts
        self.configuration = configuration
        self.typeRules = GPUTypeRules(configuration: configuration)
        self.hostRules = HostRules(configuration: configuration)
        self.placementRules = PlacementRules(configuration: configuration)
    }

    mutating func build() {
        aggregateViews = facts.aggregates
            .map { AggregateView(aggregate: $0, kind: typeRules.kind(ofAggregate: $0.name)) }
            .sorted { $0.aggregate.name < $1.aggregate.name }
        for view in aggregateViews {
            if case .unknownType(let pool) = view.kind {
                warnings.append(.init(kind: .unknownTypeAggregate, subject: view.aggregate.name,
                                      message: "matches the \(pool.label) pattern but names no known GPU type; its hosts count as in no aggregate"))
            }
        }
        var membership: [String: [AggregateView]] = [:]
        for view in aggregateViews {
            for host in Set(view.aggregate.hosts) { membership[host, default: []].append(view) }
        }

        var services: [String: ComputeService] = [:]
        for service in facts.services where service.binary == "nova-compute" {
            if services[service.host] == nil { services[service.host] = service }
        }

        var devicesByName: [String: NetBoxDevice] = [:]
        for device in (facts.devices ?? []).sorted(by: { $0.id < $1.id }) {
            let key = device.name.lowercased()
            if let existing = devicesByName[key] {
                warnings.append(.init(kind: .duplicateDevice, subject: device.name,
                                      message: "NetBox devices \(existing.id) and \(device.id) share this name; using \(existing.id)"))
                continue
            }
            devicesByName[key] = device
        }

        let flavorSpecs = Dictionary(facts.flavors.map { ($0.name, $0.extraSpecs) }, uniquingKeysWith: { first, _ in first })
        let projectNames = Dictionary(facts.projects.map { ($0.id, $0.name) }, uniquingKeysWith: { first, _ in first })
        var serversByHost: [String: [ServerView]] = [:]
        for server in facts.servers {
            guard let host = server.host else { continue }
            let specs = server.flavorExtraSpecs ?? flavorSpecs[server.flavorName]
            let view = ServerView(
                id: server.id, name: server.name, status: server.status, flavor: server.flavorName,
                tenant: projectNames[server.projectID] ?? server.projectID, tenantID: server.projectID,
                created: server.created, gpus: UsageRules.gpuCount(flavorName: server.flavorName, extraSpecs: specs),
                holdsResources: UsageRules.holdsResources(server))
            serversByHost[host, default: []].append(view)
        }

        let novaHosts = Set(services.keys).union(membership.keys)
        var joinedDevices = Set<String>()
        var entries: [Reconciliation.Entry] = []
        let netBoxConfigured = facts.devices != nil

        for name in novaHosts.sorted() {
            let device = devicesByName[name.lowercased()]
            if device != nil { joinedDevices.insert(name.lowercased()) }
            let memberOf = membership[name] ?? []
            let isGPUServer = device.map(typeRules.isGPUServer) ?? false
            guard placementRules.isGPUHost(device: device, memberOf: memberOf.map { AggregateMembership(name: $0.aggregate.name, kind: $0.kind) }) else {
                cpuOnlyHosts.append(name)
                continue
            }
            let host = makeHost(name: name, device: device, service: services[name], memberOf: memberOf,
                                servers: serversByHost[name] ?? [])
            hosts.append(host)
            if netBoxConfigured {
                if device == nil {
                    entries.append(.init(host: name, finding: .notInNetBox))
                } else if !isGPUServer {
                    entries.append(.init(host: name, finding: .notAGPUServerInNetBox))
                }
            }
            if host.gpuType == nil { entries.append(.init(host: name, finding: .unclassified)) }
        }

        // NetBox GPU servers with no compute host.
        var netBoxGPUServers = 0
        for device in devicesByName.values.sorted(by: { $0.name < $1.name }) where typeRules.isGPUServer(device) {
            netBoxGPUServers += 1
            guard !joinedDevices.contains(device.name.lowercased()) else { continue }
            let host = makeHost(name: device.name, device: device, service: nil, memberOf: [], servers: [])
            hosts.append(host)
            entries.append(.init(host: device.name, finding: .notInOpenStack))
            if host.gpuType == nil { entries.append(.init(host: device.name, finding: .unclassified)) }
        }

        hosts.sort { $0.name < $1.name }
        reconciliation = Reconciliation(
            netBoxConfigured: netBoxConfigured, netBoxGPUServers: netBoxGPUServers, dashboardHosts: hosts.count,
            entries: entries.sorted { ($0.host, $0.finding.rawValue) < ($1.host, $1.finding.rawValue) })
        types = buildTypes()
        warnings.sort { ($0.subject, $0.kind.rawValue, $0.message) < ($1.subject, $1.kind.rawValue, $1.message) }
    }

    // MARK: one host

    private mutating func makeHost(name: String, device: NetBoxDevice?, service: ComputeService?,
                                   memberOf: [AggregateView], servers: [ServerView]) -> HostView {
        var gpuPool: [(name: String, type: String, pool: Pool, nvlink: Bool)] = []
        for view in memberOf {
            if case .gpuPool(let type, let pool, let nvlink) = view.kind { gpuPool.append((view.aggregate.name, type, pool, nvlink)) }
        }
        gpuPool.sort { $0.name < $1.name }

        // GPU type: tags first, else the aggregates; unknown when either is ambiguous.
        let tagTypes = device.map { typeRules.types(forTags: $0.tags) } ?? []
        if tagTypes.count > 1 {
            warnings.append(.init(kind: .ambiguousTags, subject: name,
                                  message: "NetBox tags name \(tagTypes.count) GPU types (\(tagTypes.joined(separator: ", "))); the type is unknown"))
        }
        let aggregateTypes = Array(Set(gpuPool.map(\.type))).sorted()
        let tagType = tagTypes.count == 1 ? tagTypes[0] : nil
        let aggregateType = aggregateTypes.count == 1 ? aggregateTypes[0] : nil
        let gpuType: String?
        let typeSource: TypeSource
        if let tagType {
            gpuType = tagType
            typeSource = .tags
            if !aggregateTypes.isEmpty && aggregateTypes != [tagType] {
                warnings.append(.init(kind: .tagAggregateMismatch, subject: name,
                                      message: "NetBox tags say \(tagType) but its aggregates are \(aggregateTypes.joined(separator: ", ")); the tags win"))
            }
        } else if tagTypes.isEmpty, let aggregateType {
            gpuType = aggregateType
            typeSource = .aggregates
        } else {
            gpuType = nil
            typeSource = .unknown
        }

        // Usage.
        let holding = servers.filter(\.holdsResources).sorted { ($0.name, $0.id) < ($1.name, $1.id) }
        let used = holding.reduce(0) { $0 + $1.gpus }
        let capacity = hostRules.capacity(hostname: name, type: gpuType, device: device)
        if used > capacity {
            warnings.append(.init(kind: .overCapacity, subject: name,
                                  message: "uses \(used) GPUs but has \(capacity)"))
        }

        // Pool: the placement rule (PlacementRules), the one every output reads.
        let (placement, placementWarnings) = placementRules.placement(
            name: name, device: device, service: service,
            memberOf: memberOf.map { AggregateMembership(name: $0.aggregate.name, kind: $0.kind) })
        warnings.append(contentsOf: placementWarnings)
        let pool = placement.pool
        let reason = placement.outOfStockReason
        let poolAggregates = placement.poolAggregates

        let nvlink = typeRules.nvlink(device: device, inNVLinkAggregate: gpuPool.contains { $0.nvlink })
        let status: String
        if let device {
            status = device.status
        } else if let service {
            status = service.isEnabled ? "enabled" : "disabled"
        } else {
            status = "unknown"
        }
        let tenant = device?.tenant
        return HostView(
            name: name, gpuType: gpuType, typeSource: typeSource, capacity: capacity, gpuUsed: used,
            vmCount: holding.count, servers: servers.sorted { ($0.name, $0.id) < ($1.name, $1.id) },
            tenant: tenant?.slug, tenantName: tenant?.name, ownerGroup: hostRules.ownerGroup(tenant: tenant),
            nvlink: nvlink, site: device?.site?.name, rack: device?.rack, sitePrefix: hostRules.site(hostname: name)?.prefix,
            netboxURL: device?.webURL, status: status, pool: pool, outOfStockReason: reason,
            aggregates: memberOf.map(\.aggregate.name).sorted(), poolAggregates: poolAggregates,
            variant: pool == .ondemand ? poolAggregates.first : nil,
            contractAggregate: pool == .contract ? poolAggregates.first : nil,
            inNova: service != nil || !memberOf.isEmpty, inNetBox: device != nil,
            computeServiceStatus: service?.status, computeServiceState: service?.state)
    }

    // MARK: types and pools

    private func patternRank(_ aggregate: String, type: String, pool: Pool) -> Int {
        configuration.aggregates.patterns(for: pool).firstIndex { $0.matches(aggregate, type: $0.usesType ? type : nil) } ?? Int.max
    }

    private func buildTypes() -> [GPUTypeView] {
        var aggregatesByType: [String: [Pool: [(name: String, nvlink: Bool)]]] = [:]
        for view in aggregateViews {
            if case .gpuPool(let type, let pool, let nvlink) = view.kind {
                aggregatesByType[type, default: [:]][pool, default: []].append((view.aggregate.name, nvlink))
            }
        }
        let hostsByType = Dictionary(grouping: hosts.filter { $0.gpuType != nil }, by: { $0.gpuType! })
        var result: [GPUTypeView] = []
        for definition in configuration.gpuTypes {
            let type = definition.name
            let typeHosts = hostsByType[type] ?? []
            let typeAggregates = aggregatesByType[type] ?? [:]
            guard !typeHosts.isEmpty || !typeAggregates.isEmpty else { continue }
            var pools: [PoolView] = []
            for pool in Pool.allCases {
                let aggregates = (typeAggregates[pool] ?? [])
                    .sorted { (patternRank($0.name, type: type, pool: pool), $0.name) < (patternRank($1.name, type: type, pool: pool), $1.name) }
                let poolHosts = typeHosts.filter { $0.pool == pool }
                let variants: [VariantView] = pool == .ondemand ? aggregates.map { aggregate -> VariantView in
                    let members = poolHosts.filter { $0.variant == aggregate.name }
                    return VariantView(aggregate: aggregate.name, nvlink: aggregate.nvlink, hosts: members.map(\.name),
                                       summary: GPUSummary(hosts: members))
                } : []
                let contracts: [ContractView] = pool == .contract ? aggregates.map { aggregate -> ContractView in
                    let members = poolHosts.filter { $0.contractAggregate == aggregate.name }
                    let tenant = Self.mostCommonTenant(members)
                    return ContractView(aggregate: aggregate.name, hosts: members, summary: GPUSummary(hosts: members),
                                        primaryTenant: tenant?.slug,
                                        ownerGroup: hostRules.ownerGroup(tenant: tenant))
                } : []
                pools.append(PoolView(pool: pool, name: poolName(pool, type: type, aggregates: aggregates.map(\.name)),
                                      aggregates: aggregates.map(\.name), hosts: poolHosts,
                                      summary: GPUSummary(hosts: poolHosts), variants: variants, contracts: contracts))
            }
            let overview = pools.filter { $0.pool != .outofstock }.reduce(GPUSummary()) { $0 + $1.summary }
            result.append(GPUTypeView(name: type, displayName: definition.shownName, pools: pools, overview: overview))
        }
        return result
    }

    private func poolName(_ pool: Pool, type: String, aggregates: [String]) -> String {
        if pool == .outofstock { return Pool.outofstock.label }
        switch aggregates.count {
        case 0:
            // The name the first pattern expects, when it names one exactly.
            if let pattern = configuration.aggregates.patterns(for: pool).first, !pattern.template.contains("*") {
                return pattern.expanded(type: type)
            }
            return "\(type) \(pool.label)"
        case 1:
            return aggregates[0]
        default:
            return pool == .ondemand
                ? "\(aggregates[0]) (\(aggregates.count) variants)"
                : "\(type) \(pool.label) (\(aggregates.count) aggregates)"
        }
    }

    private static func mostCommonTenant(_ hosts: [HostView]) -> NetBoxRef? {
        var counts: [String: (ref: NetBoxRef, count: Int)] = [:]
        for host in hosts {
            guard let slug = host.tenant else { continue }
            let ref = NetBoxRef(slug: slug, name: host.tenantName ?? slug)
            counts[slug, default: (ref, 0)].count += 1
        }
        return counts.values.sorted { ($1.count, $0.ref.slug) < ($0.count, $1.ref.slug) }.first?.ref
    }
}

extension String {
    var capitalizedFirst: String {
        guard let first else { return self }
        return first.uppercased() + dropFirst()
    }
}
