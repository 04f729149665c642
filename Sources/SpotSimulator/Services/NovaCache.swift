import Foundation
import Synchronization

/// Indexes derived from the world that are costly to rebuild per request (the servers' sort order,
/// id and host lookups, ports by IP and by device). Each is kept with the array it was built
/// from and rebuilt only when that array changed: comparing an unchanged copy-on-write array is a
/// buffer-identity check, so a request against an unchanged world does no sorting at all.
final class NovaCache: Sendable {
    private struct State {
        var serversKey: [ServerSpec]?
        /// One index per sort order asked for (`sort_key`/`sort_dir`), all built from `serversKey`.
        var serverIndexes: [ServerSort: ServerIndex] = [:]
        var portsKey: [PortSpec]?
        var portIndex: PortIndex?
        var textsKey: ([ServerSpec], [PortSpec], [FlavorSpec], [HostSpec], [AggregateSpec], [ProjectSpec])?
        var texts: ServerTexts?
        var lookupsKey: ([HostSpec], [FlavorSpec], [AggregateSpec])?
        var cachedLookups: NovaLookups?
    }

    private let state = Mutex(State())

    /// Serialised server objects for this world, reused while everything a server object shows
    /// (servers, ports, flavors, hosts, aggregates, projects) is unchanged, so that a page of 1,000 servers is mostly copying.
    func serverTexts(_ world: Scenario) -> ServerTexts {
        state.withLock { state in
            if let key = state.textsKey, let texts = state.texts, key.0 == world.servers, key.1 == world.ports,
               key.2 == world.flavors, key.3 == world.hosts, key.4 == world.aggregates, key.5 == world.projects {
                return texts
            }
            let fresh = ServerTexts()
            state.textsKey = (world.servers, world.ports, world.flavors, world.hosts, world.aggregates, world.projects)
            state.texts = fresh
            return fresh
        }
    }

    /// The servers in Nova's default order (newest first), with lookups by id and by host.
    func servers(_ servers: [ServerSpec]) -> ServerIndex {
        self.servers(servers, sort: .newestFirst)
    }

    /// The servers in the order of a listing's `sort_key`/`sort_dir`: each order is sorted once
    /// per version of the servers array, so that paging through 20,000 servers by uuid, 1,000 at
    /// a time, sorts once and not per page.
    func servers(_ servers: [ServerSpec], sort: ServerSort) -> ServerIndex {
        let (cached, opposite): (ServerIndex?, ServerIndex?) = state.withLock { state in
            if let key = state.serversKey, key == servers {
                if let index = state.serverIndexes[sort] { return (index, nil) }
            } else {
                state.serversKey = servers
                state.serverIndexes = [:]
            }
            return (nil, state.serverIndexes[sort.reversed])
        }
        if let cached { return cached }
        // Built outside the lock: two requests may both build a new order once; either result is
        // the same. The opposite direction of a cached order (uuid descending after ascending, as
        // a client reading from both ends asks) is that order backwards: the keys end with the
        // uuid, so the order is total.
        let index = opposite.map { ServerIndex(reversing: $0, servers) } ?? ServerIndex(servers, sort: sort)
        state.withLock { state in
            if let key = state.serversKey, key == servers {
                // A client that asks for many different orders must not grow the cache without bound.
                if state.serverIndexes.count >= Self.maxServerOrders { state.serverIndexes = [:] }
                state.serverIndexes[sort] = index
            }
        }
        return index
    }

    static let maxServerOrders = 16

    /// Hosts, flavors and zones by name, rebuilt only when hosts, flavors or aggregates changed
    /// (a page of a 100,000-server listing would otherwise index 10,000 hosts again).
    func lookups(_ world: Scenario) -> NovaLookups {
        let cached: NovaLookups? = state.withLock { state in
            if let key = state.lookupsKey, let cachedLookups = state.cachedLookups, key.0 == world.hosts,
               key.1 == world.flavors, key.2 == world.aggregates {
                return cachedLookups
            }
            return nil
        }
        if let cached { return cached }
        let fresh = NovaLookups(world)
        state.withLock { state in
            state.lookupsKey = (world.hosts, world.flavors, world.aggregates)
            state.cachedLookups = fresh
        }
        return fresh
    }

    func ports(_ ports: [PortSpec]) -> PortIndex {
        state.withLock { state in
            if let key = state.portsKey, let index = state.portIndex, key == ports { return index }
            let index = PortIndex(ports)
            state.portsKey = ports
            state.portIndex = index
            return index
        }
    }
}

/// Serialised server objects (UTF-8 JSON) by (microversion, base URL, server id).
final class ServerTexts: Sendable {
    private let texts = Mutex<[String: [UInt8]]>([:])

    func text(_ key: String, build: () -> [UInt8]) -> [UInt8] {
        if let text = texts.withLock({ $0[key] }) { return text }
        let text = build()
        texts.withLock { $0[key] = text }
        return text
    }
}

/// Servers in a listing order (by default newest first: created descending, then id
/// descending), with lookups by id and by host.
struct ServerIndex: Sendable {
    /// Indices into `world.servers`, in list order.
    let order: [Int]
    /// Server id → position in `order`.
    let position: [String: Int]
    /// Compute host → positions in `order`, ascending.
    let byHost: [String: [Int]]

    init(_ servers: [ServerSpec], sort: ServerSort = .newestFirst) {
        let keys = sort.effectiveKeys
        // One column of values per key, read once, rather than per comparison.
        let columns: [[ServerSortValue]] = keys.map { key in servers.map { key.field.value(of: $0) } }
        let order = servers.indices.sorted { a, b in
            for (k, key) in keys.enumerated() {
                let x = columns[k][a], y = columns[k][b]
                if x != y { return key.ascending ? x < y : x > y }
            }
            return a < b
        }
        var position: [String: Int] = [:]
        position.reserveCapacity(order.count)
        var byHost: [String: [Int]] = [:]
        for (pos, index) in order.enumerated() {
            let server = servers[index]
            if position[server.id] == nil { position[server.id] = pos }
            if let host = server.host { byHost[host, default: []].append(pos) }
        }
        self.order = order
        self.position = position
        self.byHost = byHost
    }

    /// `other`'s order backwards.
    init(reversing other: ServerIndex, _ servers: [ServerSpec]) {
        let order = Array(other.order.reversed())
        let last = order.count - 1
        var position: [String: Int] = [:]
        position.reserveCapacity(order.count)
        for (pos, index) in order.enumerated() where position[servers[index].id] == nil { position[servers[index].id] = pos }
        self.order = order
        self.position = position
        self.byHost = other.byHost.mapValues { positions in positions.reversed().map { last - $0 } }
    }

    func index(of id: String) -> Int? {
        position[id].map { order[$0] }
    }
}

/// Ports by fixed IP (for the MAC shown in a server's addresses) and by device (server) id.
struct PortIndex: Sendable {
    let macByIP: [String: String]
    /// device id → indices into `world.ports`.
    let byDevice: [String: [Int]]
    let byID: [String: Int]

    init(_ ports: [PortSpec]) {
        var macByIP: [String: String] = [:]
        var byDevice: [String: [Int]] = [:]
        var byID: [String: Int] = [:]
        for (index, port) in ports.enumerated() {
            for ip in port.fixedIPs where macByIP[ip.ipAddress] == nil || !port.deviceID.isEmpty {
                macByIP[ip.ipAddress] = port.macAddress
            }
            if !port.deviceID.isEmpty { byDevice[port.deviceID, default: []].append(index) }
            byID[port.id] = index
        }
        self.macByIP = macByIP
        self.byDevice = byDevice
        self.byID = byID
    }
}

/// Lookups every Nova view needs, built once per request from the world.
struct NovaLookups: Sendable {
    let hosts: [String: HostSpec]
    let hostIndex: [String: Int]
    let flavorsByName: [String: FlavorSpec]
    /// Compute host → availability zone (from an aggregate's `availability_zone`, else the host's zone).
    let zones: [String: String]

    init(_ world: Scenario) {
        var hosts: [String: HostSpec] = [:]
        var hostIndex: [String: Int] = [:]
        for (index, host) in world.hosts.enumerated() where hosts[host.name] == nil {
            hosts[host.name] = host
            hostIndex[host.name] = index
        }
        var flavors: [String: FlavorSpec] = [:]
        for flavor in world.flavors where flavors[flavor.name] == nil { flavors[flavor.name] = flavor }
        var zones: [String: String] = [:]
        for aggregate in world.aggregates.sorted(by: { $0.id < $1.id }) {
            guard let zone = aggregate.zone else { continue }
            for host in aggregate.hosts where zones[host] == nil { zones[host] = zone }
        }
        self.hosts = hosts
        self.hostIndex = hostIndex
        self.flavorsByName = flavors
        self.zones = zones
    }

    func zone(of host: HostSpec) -> String { zones[host.name] ?? host.zone }
}
