public import Foundation
public import SpotCore
import SpotSupport

/// The seed's API shapes (`../shared/seed/API_DOCUMENTATION.md`): the envelope, gpu-types,
/// aggregates by type and by pool, contract aggregates, host VMs, images and the command log,
/// encoded from the derived views (`CloudView`). `render` writes them as the static API under
/// `api/`; `serve` answers the same bytes at `/api/<path>`.
///
///     api/gpu-types.json
///     api/aggregates/<type>.json             one key per pool and gpu_overview
///     api/aggregates/<type>/<pool>.json      pool: ondemand, spot, runpod, contracts, outofstock
///     api/contract-aggregates/<type>.json    each contract with tenant_info
///     api/host-vms/<host>.json               a host's VMs with their project's name
///     api/hyperstack/images.json
///     api/command-log.json
///
/// Type and host names become file names through `SafeFileName`.
public enum SeedAPI {
    /// The seed's success envelope.
    struct Envelope<Payload: Encodable>: Encodable {
        let status = "success"
        let data: Payload
        let message: String
    }

    struct GPUTypeEntry: Encodable {
        let name: String
        let displayName: String
        let aggregates: [String: [String]]

        enum CodingKeys: String, CodingKey {
            case name, aggregates
            case displayName = "display_name"
        }
    }

    /// A host as the seed's aggregate endpoints show it, with the pool-specific fields.
    struct HostEntry: Encodable {
        let host: HostView

        enum CodingKeys: String, CodingKey {
            case hostname, status, tenant, variant, nvlink, site, rack, aggregates
            case vmCount = "vm_count"
            case hasVMs = "has_vms"
            case gpuUsed = "gpu_used"
            case gpuCapacity = "gpu_capacity"
            case tenantName = "tenant_name"
            case ownerGroup = "owner_group"
            case gpuType = "gpu_type"
            case pool
            case contractAggregate = "contract_aggregate"
            case outOfStockReason = "outofstock_reason"
            case netboxURL = "netbox_url"
        }

        func encode(to encoder: any Encoder) throws {
            var container = encoder.container(keyedBy: CodingKeys.self)
            try container.encode(host.name, forKey: .hostname)
            try container.encode(host.status, forKey: .status)
            try container.encode(host.vmCount, forKey: .vmCount)
            try container.encode(host.hasVMs, forKey: .hasVMs)
            try container.encode(host.gpuUsed, forKey: .gpuUsed)
            try container.encode(host.capacity, forKey: .gpuCapacity)
            try container.encode(host.tenant, forKey: .tenant)
            try container.encode(host.tenantName, forKey: .tenantName)
            try container.encode(host.ownerGroup, forKey: .ownerGroup)
            try container.encode(host.gpuType, forKey: .gpuType)
            try container.encode(host.pool.apiKey, forKey: .pool)
            try container.encode(host.nvlink, forKey: .nvlink)
            try container.encode(host.site, forKey: .site)
            try container.encode(host.rack, forKey: .rack)
            try container.encode(host.netboxURL, forKey: .netboxURL)
            try container.encode(host.poolAggregates, forKey: .aggregates)
            switch host.pool {
            case .ondemand: try container.encode(host.variant, forKey: .variant)
            case .contract: try container.encode(host.contractAggregate, forKey: .contractAggregate)
            case .outofstock: try container.encode(host.outOfStockReason, forKey: .outOfStockReason)
            case .spot, .runpod: break
            }
        }
    }

    struct VariantEntry: Encodable {
        let variant: VariantView

        enum CodingKeys: String, CodingKey {
            case aggregate, name, nvlink, hosts
            case hostnames
            case gpuSummary = "gpu_summary"
        }

        func encode(to encoder: any Encoder) throws {
            var container = encoder.container(keyedBy: CodingKeys.self)
            try container.encode(variant.aggregate, forKey: .aggregate)
            try container.encode(variant.aggregate, forKey: .name)
            try container.encode(variant.nvlink, forKey: .nvlink)
            try container.encode(variant.hosts.count, forKey: .hosts)
            try container.encode(variant.hosts, forKey: .hostnames)
            try container.encode(variant.summary, forKey: .gpuSummary)
        }
    }

    struct PoolEntry: Encodable {
        let pool: PoolView

        enum CodingKeys: String, CodingKey {
            case name, hosts, variants, aggregates
            case gpuSummary = "gpu_summary"
        }

        func encode(to encoder: any Encoder) throws {
            var container = encoder.container(keyedBy: CodingKeys.self)
            try container.encode(pool.name, forKey: .name)
            try container.encode(pool.aggregates, forKey: .aggregates)
            try container.encode(pool.hosts.map(HostEntry.init), forKey: .hosts)
            try container.encode(pool.summary, forKey: .gpuSummary)
            if pool.pool == .ondemand {
                try container.encode(pool.variants.map(VariantEntry.init), forKey: .variants)
            }
        }
    }

    /// `aggregates/<type>`: one key per pool, plus `gpu_overview`.
    struct TypeAggregates: Encodable {
        let type: GPUTypeView

        struct Key: CodingKey {
            var stringValue: String
            var intValue: Int? { nil }
            init(stringValue: String) { self.stringValue = stringValue }
            init?(intValue: Int) { nil }
        }

        func encode(to encoder: any Encoder) throws {
            var container = encoder.container(keyedBy: Key.self)
            for pool in type.pools {
                try container.encode(PoolEntry(pool: pool), forKey: Key(stringValue: pool.pool.apiKey))
            }
            try container.encode(type.overview, forKey: Key(stringValue: "gpu_overview"))
        }
    }

    struct ContractEntry: Encodable {
        let contract: ContractView

        struct TenantInfo: Encodable {
            let primaryTenant: String?
            let ownerGroup: String

            enum CodingKeys: String, CodingKey {
                case primaryTenant = "primary_tenant"
                case ownerGroup = "owner_group"
            }

            func encode(to encoder: any Encoder) throws {
                var container = encoder.container(keyedBy: CodingKeys.self)
                try container.encode(primaryTenant, forKey: .primaryTenant)
                try container.encode(ownerGroup, forKey: .ownerGroup)
            }
        }

        enum CodingKeys: String, CodingKey {
            case aggregate, hosts
            case gpuSummary = "gpu_summary"
            case tenantInfo = "tenant_info"
        }

        func encode(to encoder: any Encoder) throws {
            var container = encoder.container(keyedBy: CodingKeys.self)
            try container.encode(contract.aggregate, forKey: .aggregate)
            try container.encode(contract.hosts.map(HostEntry.init), forKey: .hosts)
            try container.encode(contract.summary, forKey: .gpuSummary)
            try container.encode(TenantInfo(primaryTenant: contract.primaryTenant, ownerGroup: contract.ownerGroup), forKey: .tenantInfo)
        }
    }

    struct HostVMs: Encodable {
        struct VM: Encodable {
            let id: String
            let name: String
            let status: String
            let flavor: String
            let tenant: String
            let tenantID: String
            let created: String
            let gpus: Int

            enum CodingKeys: String, CodingKey {
                case id, name, status, flavor, tenant, created, gpus
                case tenantID = "tenant_id"
            }
        }

        let hostname: String
        let vms: [VM]
        let totalVMs: Int

        enum CodingKeys: String, CodingKey {
            case hostname, vms
            case totalVMs = "total_vms"
        }

        init(host: HostView) {
            hostname = host.name
            vms = host.servers.map {
                VM(id: $0.id, name: $0.name, status: $0.status, flavor: $0.flavor, tenant: $0.tenant,
                   tenantID: $0.tenantID, created: $0.created, gpus: $0.gpus)
            }
            totalVMs = vms.count
        }
    }

    struct ImageEntry: Encodable {
        let image: HyperstackImage

        enum CodingKeys: String, CodingKey {
            case id, name, region, size, type, version
        }

        func encode(to encoder: any Encoder) throws {
            var container = encoder.container(keyedBy: CodingKeys.self)
            try container.encode(image.id, forKey: .id)
            try container.encode(image.name, forKey: .name)
            try container.encode(image.region, forKey: .region)
            try container.encode(SeedAPI.imageSize(image), forKey: .size)
            try container.encode(image.type, forKey: .type)
            try container.encode(image.version, forKey: .version)
        }
    }

    /// An image's size as the seed shows it ("10GB"): Hyperstack's display size, else whole GB.
    public static func imageSize(_ image: HyperstackImage) -> String? {
        if let display = image.displaySize, !display.isEmpty { return display.replacingOccurrences(of: " ", with: "") }
        guard let bytes = image.sizeBytes else { return nil }
        return "\(Int((Double(bytes) / 1_000_000_000).rounded()))GB"
    }

    /// A text as the static API's encoder writes it inside a JSON string (quotes removed), for
    /// the secret scan.
    public static func jsonString(_ text: String) -> String {
        let data = (try? encoder().encode(text)) ?? Data()
        return data.count >= 2 ? String(decoding: data.dropFirst().dropLast(), as: UTF8.self) : text
    }

    static func encoder() -> JSONEncoder {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.prettyPrinted, .sortedKeys, .withoutEscapingSlashes]
        return encoder
    }

    static func document<T: Encodable>(_ data: T, message: String) -> Data {
        // The documents hold only strings, numbers and booleans: encoding cannot fail.
        var bytes = (try? encoder().encode(Envelope(data: data, message: message))) ?? Data()
        bytes.append(0x0A)
        return bytes
    }

    /// `api/host-vms/<host>.json` of one host (serve's `?live=1` answers it from Nova's servers).
    public static func hostVMsDocument(_ host: HostView) -> Data {
        document(HostVMs(host: host), message: "\(host.servers.count) VMs on \(host.name)")
    }

    /// `api/hyperstack/images.json`, of one region when given (serve's `?region=`).
    public static func imagesDocument(cloud: CloudView, region: String?) -> Data {
        guard let all = cloud.facts.images else {
            return document([ImageEntry](), message: "Hyperstack was not configured for this snapshot")
        }
        let images = all.filter { image in region.map { image.region.lowercased() == $0.lowercased() } ?? true }.map(ImageEntry.init)
        return document(images, message: region.map { "\(images.count) images in \($0)" } ?? "\(images.count) images")
    }

    /// The path of a type's file under `api/aggregates/`.
    public static func typeFileName(_ type: String) -> String { SafeFileName.encode(type) }

    /// Every file of the static API, keyed by its path under the site's root (`api/...`).
    public static func files(cloud: CloudView, commandLog: [CommandLogEntry]) -> [String: Data] {
        // One job per file group, encoded on every core (a host-vms file per host is most of them).
        enum Job: Sendable {
            case gpuTypes, type(GPUTypeView), host(HostView), images, log
        }
        let jobs: [Job] = [.gpuTypes, .images, .log] + cloud.types.map { .type($0) } + cloud.hosts.map { .host($0) }
        let groups = parallelMap(jobs) { job -> [(String, Data)] in
            switch job {
            case .gpuTypes:
                let types = cloud.types.map { type in
                    var aggregates: [String: [String]] = [:]
                    for pool in type.pools where pool.pool != .outofstock {
                        aggregates[pool.pool.apiKey] = pool.aggregates
                    }
                    return GPUTypeEntry(name: type.name, displayName: type.displayName, aggregates: aggregates)
                }
                return [("api/gpu-types.json", document(types, message: "\(types.count) GPU types"))]
            case .type(let type):
                let name = typeFileName(type.name)
                var files = [("api/aggregates/\(name).json", document(TypeAggregates(type: type), message: "Aggregates of \(type.name)"))]
                for pool in type.pools {
                    files.append(("api/aggregates/\(name)/\(pool.pool.apiKey).json",
                                  document(PoolEntry(pool: pool), message: "\(pool.pool.label) of \(type.name)")))
                }
                let contracts = type.pool(.contract).contracts.map(ContractEntry.init)
                files.append(("api/contract-aggregates/\(name).json", document(contracts, message: "\(contracts.count) contracts of \(type.name)")))
                return files
            case .host(let host):
                return [("api/host-vms/\(SafeFileName.encode(host.name)).json",
                         document(HostVMs(host: host), message: "\(host.servers.count) VMs on \(host.name)"))]
            case .images:
                let images = (cloud.facts.images ?? []).map(ImageEntry.init)
                return [("api/hyperstack/images.json", document(
                    images,
                    message: cloud.facts.images == nil ? "Hyperstack was not configured for this snapshot" : "\(images.count) images"))]
            case .log:
                return [("api/command-log.json", document(commandLog, message: "\(commandLog.count) commands"))]
            }
        }
        return Dictionary(groups.joined().map { ($0.0, $0.1) }, uniquingKeysWith: { first, _ in first })
    }
}
