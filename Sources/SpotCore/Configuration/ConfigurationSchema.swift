import Foundation
import Yams

/// The keys of `spotctl.yaml` and how each is read. Documented key by key in docs/configuration.md.
enum ConfigurationSchema {
    static func read(_ root: Node, into config: inout Configuration, reader r: YAMLReader) {
        var c = config
        r.mapping(root, "", [
            "version": { node, path in
                guard let version = r.int(node, path) else { return }
                if version > Configuration.currentVersion {
                    r.report(node, path, "version \(version) is newer than this spotctl understands (\(Configuration.currentVersion)); upgrade spotctl")
                } else if version < 1 {
                    r.report(node, path, "version must be 1")
                } else {
                    c.version = version
                }
            },
            "openstack": { node, path in readOpenStack(node, path, &c.openstack, r) },
            "netbox": { node, path in readNetBox(node, path, &c.netbox, r) },
            "hyperstack": { node, path in readHyperstack(node, path, &c.hyperstack, r) },
            "runpod": { node, path in
                r.mapping(node, path, [
                    "api_key_env": { n, p in if let v = envName(n, p, r) { c.runpod.apiKeyEnv = v } },
                    "api_key_file": { n, p in if let v = r.secretFile(n, p) { c.runpod.apiKeyFile = v } },
                ])
            },
            "gpu_servers": { node, path in
                r.mapping(node, path, [
                    "roles": { n, p in if let v = r.stringList(n, p) { c.gpuServers.roles = v } },
                    "excluded_tags": { n, p in if let v = r.stringList(n, p) { c.gpuServers.excludedTags = v } },
                ])
            },
            "gpu_types": { node, path in if let v = readGPUTypes(node, path, r) { c.gpuTypes = v } },
            "aggregates": { node, path in
                r.mapping(node, path, [
                    "ondemand": { n, p in if let v = r.patternList(n, p, allowed: [.type]) { c.aggregates.ondemand = v } },
                    "spot": { n, p in if let v = r.patternList(n, p, allowed: [.type]) { c.aggregates.spot = v } },
                    "runpod": { n, p in if let v = r.patternList(n, p, allowed: [.type]) { c.aggregates.runpod = v } },
                    "contract": { n, p in if let v = r.patternList(n, p, allowed: [.type]) { c.aggregates.contract = v } },
                ])
            },
            "nvlink": { node, path in
                r.mapping(node, path, [
                    "aggregates": { n, p in if let v = r.patternList(n, p, allowed: [.type]) { c.nvlink.aggregates = v } },
                    "tags": { n, p in if let v = r.stringList(n, p) { c.nvlink.tags = v } },
                    "custom_field": { n, p in if let v = r.optionalString(n, p) { c.nvlink.customField = v } },
                ])
            },
            "capacity": { node, path in readCapacity(node, path, &c.capacity, r) },
            "owner_groups": { node, path in readOwnerGroups(node, path, &c.ownerGroups, r) },
            "out_of_stock": { node, path in
                r.mapping(node, path, [
                    "in_service_statuses": { n, p in if let v = r.stringList(n, p) { c.outOfStock.inServiceStatuses = v } },
                    "testing_markers": { n, p in if let v = r.stringList(n, p) { c.outOfStock.testingMarkers = v } },
                    "disabled_service": { n, p in if let v = r.bool(n, p) { c.outOfStock.disabledService = v } },
                    "down_service": { n, p in if let v = r.bool(n, p) { c.outOfStock.downService = v } },
                ])
            },
            "sites": { node, path in if let v = readSites(node, path, r) { c.sites = v } },
            "launch": { node, path in readLaunch(node, path, &c.launch, r) },
            "snapshot": { node, path in
                r.mapping(node, path, [
                    "max_host_loss": { n, p in if let v = r.double(n, p, range: 0...1) { c.snapshot.maxHostLoss = v } },
                    "max_server_loss": { n, p in if let v = r.double(n, p, range: 0...1) { c.snapshot.maxServerLoss = v } },
                    "concurrency": { n, p in if let v = r.int(n, p, minimum: 1) { c.snapshot.concurrency = v } },
                ])
            },
            "apply": { node, path in
                r.mapping(node, path, [
                    "concurrency": { n, p in if let v = r.int(n, p, minimum: 1) { c.apply.concurrency = v } },
                ])
            },
        ])
        config = c
    }

    // MARK: sections

    private static func readOpenStack(_ node: Node, _ path: String, _ s: inout OpenStackSettings, _ r: YAMLReader) {
        var v = s
        r.mapping(node, path, [
            "cloud": { n, p in if let x = r.optionalString(n, p) { v.cloud = x } },
            "region": { n, p in if let x = r.optionalString(n, p) { v.region = x } },
            "interface": { n, p in
                guard let x = r.string(n, p) else { return }
                let known = ["public", "internal", "admin"]
                if known.contains(x) { v.interface = x } else {
                    r.report(n, p, "must be one of \(known.joined(separator: ", ")), found \"\(x)\"")
                }
            },
            "timeout_seconds": { n, p in if let x = r.int(n, p, minimum: 1) { v.timeoutSeconds = x } },
            "page_size": { n, p in if let x = r.int(n, p, minimum: 1) { v.pageSize = x } },
        ])
        s = v
    }

    private static func readNetBox(_ node: Node, _ path: String, _ s: inout NetBoxSettings, _ r: YAMLReader) {
        var v = s
        r.mapping(node, path, [
            "url": { n, p in if let x = optionalURL(n, p, r) { v.url = x } },
            "token_env": { n, p in if let x = envName(n, p, r) { v.tokenEnv = x } },
            "token_file": { n, p in if let x = r.secretFile(n, p) { v.tokenFile = x } },
            "timeout_seconds": { n, p in if let x = r.int(n, p, minimum: 1) { v.timeoutSeconds = x } },
            "page_size": { n, p in if let x = r.int(n, p, minimum: 1) { v.pageSize = x } },
            "custom_fields": { n, p in if let x = r.stringList(n, p) { v.customFields = x } },
            "verify": { n, p in if let x = r.bool(n, p) { v.verify = x } },
            "ca_file": { n, p in if let x = r.optionalString(n, p) { v.caFile = x } },
        ])
        s = v
    }

    private static func readHyperstack(_ node: Node, _ path: String, _ s: inout HyperstackSettings, _ r: YAMLReader) {
        var v = s
        r.mapping(node, path, [
            "url": { n, p in if let x = optionalURL(n, p, r) { v.url = x ?? HyperstackSettings.defaultURL } },
            "api_key_env": { n, p in if let x = envName(n, p, r) { v.apiKeyEnv = x } },
            "api_key_file": { n, p in if let x = r.secretFile(n, p) { v.apiKeyFile = x } },
            "timeout_seconds": { n, p in if let x = r.int(n, p, minimum: 1) { v.timeoutSeconds = x } },
            "verify": { n, p in if let x = r.bool(n, p) { v.verify = x } },
            "ca_file": { n, p in if let x = r.optionalString(n, p) { v.caFile = x } },
        ])
        s = v
    }

    private static func readGPUTypes(_ node: Node, _ path: String, _ r: YAMLReader) -> [GPUTypeDefinition]? {
        guard let entries = r.mappingEntries(node, path) else { return nil }
        var types: [GPUTypeDefinition] = []
        var tagOwner: [String: String] = [:]
        var ok = true
        for (keyNode, valueNode, name) in entries {
            let typePath = "\(path).\(name)"
            guard isValidTypeName(name) else {
                r.report(keyNode, typePath, "a GPU type name may hold letters, digits, '.', '_' and '-' and must start with a letter or digit")
                ok = false
                continue
            }
            var definition = GPUTypeDefinition(name: name, tags: [])
            var sawTags = false
            r.mapping(valueNode, typePath, [
                "display_name": { n, p in if let x = r.optionalString(n, p) { definition.displayName = x } },
                "tags": { n, p in
                    sawTags = true
                    guard let tags = r.sequence(n, p) else { ok = false; return }
                    for (index, tagNode) in tags.enumerated() {
                        let tagPath = "\(p)[\(index)]"
                        guard let tag = r.string(tagNode, tagPath) else { ok = false; continue }
                        let key = Slug.make(tag)
                        if let owner = tagOwner[key], owner != name {
                            r.report(tagNode, tagPath, "the tag \"\(tag)\" already identifies \(owner); a tag can identify one type only")
                            ok = false
                            continue
                        }
                        tagOwner[key] = name
                        definition.tags.append(tag)
                    }
                },
                "gpus_per_host": { n, p in if let x = r.optionalInt(n, p, minimum: 1) { definition.gpusPerHost = x } },
            ])
            if !sawTags, case .mapping = valueNode {
                // A type without tags is allowed: it is then known from aggregate names only.
            }
            types.append(definition)
        }
        return ok ? types : nil
    }

    static func isValidTypeName(_ name: String) -> Bool {
        guard let first = name.unicodeScalars.first, first.properties.isASCIIHexDigit || CharacterSet.letters.contains(first) else {
            return false
        }
        return name.unicodeScalars.allSatisfy { scalar in
            scalar.isASCII && (CharacterSet.alphanumerics.contains(scalar) || "._-".unicodeScalars.contains(scalar))
        }
    }

    private static func readCapacity(_ node: Node, _ path: String, _ s: inout CapacitySettings, _ r: YAMLReader) {
        var v = s
        r.mapping(node, path, [
            "default_gpus_per_host": { n, p in if let x = r.int(n, p, minimum: 1) { v.defaultGPUsPerHost = x } },
            "netbox_custom_field": { n, p in if let x = r.optionalString(n, p) { v.netboxCustomField = x } },
            "host_patterns": { n, p in
                guard let items = r.sequence(n, p) else { return }
                var rules: [HostCapacityRule] = []
                var ok = true
                for (index, item) in items.enumerated() {
                    let itemPath = "\(p)[\(index)]"
                    var pattern: NamePattern?
                    var gpus: Int?
                    r.mapping(item, itemPath, [
                        "pattern": { n2, p2 in pattern = r.pattern(n2, p2, allowed: []) },
                        "gpus": { n2, p2 in gpus = r.int(n2, p2, minimum: 1) },
                    ])
                    if let pattern, let gpus {
                        rules.append(HostCapacityRule(pattern: pattern, gpus: gpus))
                    } else {
                        if case .mapping = item {
                            if pattern == nil && gpus != nil { r.report(item, itemPath, "needs a pattern") }
                            if gpus == nil && pattern != nil { r.report(item, itemPath, "needs gpus") }
                        }
                        ok = false
                    }
                }
                if ok { v.hostPatterns = rules }
            },
        ])
        s = v
    }

    private static func readOwnerGroups(_ node: Node, _ path: String, _ s: inout OwnerGroupSettings, _ r: YAMLReader) {
        var v = s
        r.mapping(node, path, [
            "tenants": { n, p in
                guard let entries = r.mappingEntries(n, p) else { return }
                var groups: [OwnerGroupSettings.TenantGroup] = []
                var ok = true
                for (_, valueNode, tenant) in entries {
                    if let group = r.string(valueNode, "\(p).\(tenant)") {
                        groups.append(.init(tenant: tenant, group: group))
                    } else {
                        ok = false
                    }
                }
                if ok { v.tenants = groups }
            },
            "other": { n, p in if let x = r.string(n, p) { v.other = x } },
            "unassigned": { n, p in if let x = r.string(n, p) { v.unassigned = x } },
        ])
        s = v
    }

    private static func readSites(_ node: Node, _ path: String, _ r: YAMLReader) -> [SiteDefinition]? {
        guard let entries = r.mappingEntries(node, path) else { return nil }
        var sites: [SiteDefinition] = []
        var ok = true
        for (keyNode, valueNode, prefix) in entries {
            let sitePath = "\(path).\(prefix)"
            if prefix.isEmpty || !prefix.unicodeScalars.allSatisfy({ $0.isASCII && CharacterSet.alphanumerics.contains($0) }) {
                r.report(keyNode, sitePath, "a site prefix holds letters and digits only, like CA1")
                ok = false
                continue
            }
            var region: String?
            var environment: String?
            var firewall: Int?
            var storage: String?
            r.mapping(valueNode, sitePath, [
                "hyperstack_region": { n, p in region = r.string(n, p) },
                "environment": { n, p in environment = r.string(n, p) },
                "firewall": { n, p in if let x = r.optionalInt(n, p, minimum: 1) { firewall = x } },
                "storage_network": { n, p in if let x = r.optionalString(n, p) { storage = x } },
            ])
            guard let region, let environment else {
                if region == nil { r.report(valueNode, sitePath, "needs hyperstack_region") }
                if environment == nil { r.report(valueNode, sitePath, "needs environment") }
                ok = false
                continue
            }
            sites.append(SiteDefinition(prefix: prefix, hyperstackRegion: region, environment: environment,
                                        firewall: firewall, storageNetwork: storage))
        }
        return ok ? sites : nil
    }

    private static func readLaunch(_ node: Node, _ path: String, _ s: inout LaunchSettings, _ r: YAMLReader) {
        var v = s
        r.mapping(node, path, [
            "flavor": { n, p in if let x = r.pattern(n, p, allowed: [.type, .count]) { v.flavor = x } },
            "nvlink_flavor": { n, p in
                if r.isNull(n) { v.nvlinkFlavor = nil } else if let x = r.pattern(n, p, allowed: [.type, .count]) { v.nvlinkFlavor = x }
            },
            "key_name": { n, p in if let x = r.string(n, p) { v.keyName = x } },
            "assign_floating_ip": { n, p in if let x = r.bool(n, p) { v.assignFloatingIP = x } },
            "cloud_init_template": { n, p in if let x = r.optionalString(n, p) { v.cloudInitTemplate = x } },
            "wait_timeout_seconds": { n, p in if let x = r.int(n, p, minimum: 1) { v.waitTimeoutSeconds = x } },
            "on_wrong_host": { n, p in
                guard let x = r.string(n, p) else { return }
                if let policy = LaunchSettings.WrongHostPolicy(rawValue: x) {
                    v.onWrongHost = policy
                } else {
                    r.report(n, p, "expected fail or warn, found \"\(x)\"")
                }
            },
            "security_rules": { n, p in
                guard let items = r.sequence(n, p) else { return }
                var rules: [SecurityRule] = []
                var ok = true
                for (index, item) in items.enumerated() {
                    let itemPath = "\(p)[\(index)]"
                    var direction: String?, ethertype = "IPv4", proto: String?, prefix = "0.0.0.0/0"
                    var low: Int?, high: Int?
                    r.mapping(item, itemPath, [
                        "direction": { n2, p2 in
                            guard let x = r.string(n2, p2) else { return }
                            if ["ingress", "egress"].contains(x) { direction = x } else { r.report(n2, p2, "must be ingress or egress, found \"\(x)\"") }
                        },
                        "ethertype": { n2, p2 in
                            guard let x = r.string(n2, p2) else { return }
                            if ["IPv4", "IPv6"].contains(x) { ethertype = x } else { r.report(n2, p2, "must be IPv4 or IPv6, found \"\(x)\"") }
                        },
                        "protocol": { n2, p2 in proto = r.string(n2, p2) },
                        "remote_ip_prefix": { n2, p2 in if let x = r.string(n2, p2) { prefix = x } },
                        "port_range_min": { n2, p2 in if let x = r.optionalInt(n2, p2, minimum: 0) { low = x } },
                        "port_range_max": { n2, p2 in if let x = r.optionalInt(n2, p2, minimum: 0) { high = x } },
                    ])
                    if let direction, let proto {
                        rules.append(SecurityRule(direction: direction, ethertype: ethertype, protocol: proto,
                                                  remoteIPPrefix: prefix, portRangeMin: low, portRangeMax: high))
                    } else {
                        r.report(item, itemPath, "a security rule needs direction and protocol")
                        ok = false
                    }
                }
                if ok { v.securityRules = rules }
            },
        ])
        s = v
    }

    // MARK: values

    private static func envName(_ node: Node, _ path: String, _ r: YAMLReader) -> String? {
        guard let name = r.string(node, path) else { return nil }
        let valid = name.unicodeScalars.allSatisfy { $0.isASCII && (CharacterSet.alphanumerics.contains($0) || $0 == "_") }
            && !(name.first?.isNumber ?? true)
        guard valid else {
            r.report(node, path, "must name an environment variable (letters, digits and _), not hold a secret; put the secret in that variable")
            return nil
        }
        return name
    }

    private static func optionalURL(_ node: Node, _ path: String, _ r: YAMLReader) -> String?? {
        guard let value = r.optionalString(node, path) else { return nil }
        guard let url = value else { return .some(nil) }
        guard let components = URLComponents(string: url), let scheme = components.scheme?.lowercased(),
              scheme == "http" || scheme == "https", components.host?.isEmpty == false else {
            r.report(node, path, "expected an http:// or https:// URL, found \"\(url)\"")
            return nil
        }
        if components.user != nil || components.password != nil {
            r.report(node, path, "a URL here must not carry credentials; use the token variable instead")
            return nil
        }
        return .some(url)
    }
}
