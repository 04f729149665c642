import Foundation

/// One route of serve: its method and path pattern (`{name}` matches one segment), what it
/// does, the body fields it reads, and whether it writes to the cloud (allowed only with
/// `--allow-execute`). The router dispatches on this table and `/api/openapi.json` is written
/// from it, so the two cannot disagree.
struct Route: Sendable {
    enum Handler: Sendable {
        case gpuTypes, aggregates, pool, contracts, hostVMs, images, commandLog, clearLog
        case previewMigration, executeMigration, targetAggregate, previewLaunch, executeLaunch
        case networkShow, portCreate, addNetwork, serverUUID, serverStatus, firewallGet, firewallUpdate
        case openAPI, metrics
    }

    struct Field: Sendable {
        let name: String
        /// `string`, `integer`, `boolean`, `integer-list`.
        let type: String
        let required: Bool
        let about: String
    }

    let method: String
    let pattern: [String]
    let handler: Handler
    let summary: String
    var fields: [Field] = []
    var query: [(name: String, about: String)] = []
    /// Writes to the cloud or the repository through the apply engine: needs `--allow-execute`.
    var executes = false
    /// Answered by the seed's tool too (the 20 endpoints of API_DOCUMENTATION.md).
    var seed = true

    var path: String { "/" + pattern.joined(separator: "/") }

    /// The values of the `{…}` segments when the path matches.
    func match(_ segments: [String]) -> [String: String]? {
        guard segments.count == pattern.count else { return nil }
        var values: [String: String] = [:]
        for (part, segment) in zip(pattern, segments) {
            if part.hasPrefix("{") {
                guard !segment.isEmpty else { return nil }
                values[String(part.dropFirst().dropLast())] = segment
            } else if part != segment {
                return nil
            }
        }
        return values
    }

    static func f(_ name: String, _ about: String, type: String = "string", required: Bool = true) -> Field {
        Field(name: name, type: type, required: required, about: about)
    }

    static let all: [Route] = [
        Route(method: "GET", pattern: ["api", "gpu-types"], handler: .gpuTypes,
              summary: "GPU types and their aggregates per pool, from the latest snapshot."),
        Route(method: "GET", pattern: ["api", "aggregates", "{gpu_type}"], handler: .aggregates,
              summary: "Every pool of a GPU type with its hosts and GPU summary, and the type's overview."),
        Route(method: "GET", pattern: ["api", "aggregates", "{gpu_type}", "{aggregate_type}"], handler: .pool,
              summary: "One pool of a GPU type: ondemand, spot, runpod, contracts or outofstock."),
        Route(method: "GET", pattern: ["api", "contract-aggregates", "{gpu_type}"], handler: .contracts,
              summary: "The contract aggregates of a GPU type with their hosts and tenant."),
        Route(method: "GET", pattern: ["api", "host-vms", "{hostname}"], handler: .hostVMs,
              summary: "The VMs on a host, from the latest snapshot, or from Nova with live=1.",
              query: [("live", "1 asks Nova now instead of reading the snapshot")]),
        Route(method: "GET", pattern: ["api", "hyperstack", "images"], handler: .images,
              summary: "Hyperstack's images, from the latest snapshot.",
              query: [("region", "only this region (exact, as Hyperstack names it)")]),
        Route(method: "GET", pattern: ["api", "command-log"], handler: .commandLog,
              summary: "The command log at HEAD, newest last."),
        Route(method: "POST", pattern: ["api", "clear-log"], handler: .clearLog,
              summary: "Archives the command log (log/archive/) in a commit; nothing is deleted."),
        Route(method: "POST", pattern: ["api", "preview-migration"], handler: .previewMigration,
              summary: "Plans moving a host between aggregates: its commands (add before remove) and checks.",
              fields: [f("host", "the compute host"), f("source_aggregate", "the aggregate it leaves"),
                       f("target_aggregate", "the aggregate it joins"),
                       f("allow_vms", "let a host with VMs leave a pool other than spot", type: "boolean", required: false)]),
        Route(method: "POST", pattern: ["api", "execute-migration"], handler: .executeMigration,
              summary: "Moves a host through the apply engine (lock, command log, verification, commit).",
              fields: [f("host", "the compute host"), f("source_aggregate", "the aggregate it leaves"),
                       f("target_aggregate", "the aggregate it joins"),
                       f("allow_vms", "let a host with VMs leave a pool other than spot", type: "boolean", required: false)],
              executes: true),
        Route(method: "POST", pattern: ["api", "get-target-aggregate"], handler: .targetAggregate,
              summary: "The aggregate a host should join for a pool (spot unless pool says otherwise).",
              fields: [f("hostname", "the compute host"), f("gpu_type", "checked against the host's type when given", required: false),
                       f("pool", "spot (default), ondemand, runpod, contract or contract:<aggregate>", required: false)]),
        Route(method: "POST", pattern: ["api", "preview-runpod-launch"], handler: .previewLaunch,
              summary: "Plans a RunPod VM on a host: the masked request, the flavor and the steps.",
              fields: [f("hostname", "a host in the RunPod pool"), f("image_name", "the Hyperstack image"),
                       f("image_id", "accepted for the seed's clients; the image is found by name in the host's region", required: false),
                       f("flavor", "overrides the flavor from the naming rule", required: false)]),
        Route(method: "POST", pattern: ["api", "execute-runpod-launch"], handler: .executeLaunch,
              summary: "Launches a RunPod VM through the apply engine; answers BUILDING at once and continues in the background.",
              fields: [f("hostname", "a host in the RunPod pool"), f("image_name", "the Hyperstack image"),
                       f("image_id", "accepted for the seed's clients", required: false),
                       f("flavor", "overrides the flavor from the naming rule", required: false)],
              executes: true),
        Route(method: "POST", pattern: ["api", "openstack", "network", "show"], handler: .networkShow,
              summary: "One Neutron network by exact name or id.",
              fields: [f("network_name", "the network's exact name or id")]),
        Route(method: "POST", pattern: ["api", "openstack", "port", "create"], handler: .portCreate,
              summary: "Creates a port on a network (reused when one of exactly that name is there).",
              fields: [f("network_id", "the network's id or exact name"), f("port_name", "the port's name")],
              executes: true),
        Route(method: "POST", pattern: ["api", "openstack", "server", "add-network"], handler: .addNetwork,
              summary: "Attaches a port to a server (os-interface); nothing is done when it is attached already.",
              fields: [f("server_uuid", "the server's id or exact name"), f("port_id", "the port's id")],
              executes: true),
        Route(method: "POST", pattern: ["api", "openstack", "server", "get-uuid"], handler: .serverUUID,
              summary: "A server's id by exact name (several is an error, never the first).",
              fields: [f("server_name", "the server's exact name")]),
        Route(method: "POST", pattern: ["api", "openstack", "server", "status"], handler: .serverStatus,
              summary: "A server's status, host and addresses.",
              fields: [f("server_uuid", "the server's id or exact name")]),
        Route(method: "POST", pattern: ["api", "hyperstack", "firewall", "get-attachments"], handler: .firewallGet,
              summary: "The VMs attached to a Hyperstack firewall.",
              fields: [f("firewall_id", "the firewall's id", type: "integer")]),
        Route(method: "POST", pattern: ["api", "hyperstack", "firewall", "update-attachments"], handler: .firewallUpdate,
              summary: "Adds VMs to a firewall (one write of the whole list); a list that drops attached VMs needs replace: true.",
              fields: [f("firewall_id", "the firewall's id", type: "integer"), f("vm_ids", "the VMs the firewall should hold", type: "integer-list"),
                       f("replace", "write exactly vm_ids, detaching the VMs it leaves out", type: "boolean", required: false)],
              executes: true),
        Route(method: "GET", pattern: ["api", "openapi.json"], handler: .openAPI,
              summary: "This document.", seed: false),
        Route(method: "GET", pattern: ["metrics"], handler: .metrics,
              summary: "Prometheus text: GPUs used and capacity per type and pool, hosts per pool, snapshot age, apply outcomes.",
              seed: false),
    ]
}
