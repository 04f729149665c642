/// Writes a configuration as `spotctl.yaml` text, every key spelt out, with short comments. What it
/// writes reads back to an equal configuration. It never writes a secret: the configuration holds
/// only the names of the variables and files that hold them.
public enum ConfigurationWriter {
    public static func yaml(_ c: Configuration) -> String {
        var w = Writer()
        w.comment("spotctl configuration. Every key is documented in docs/configuration.md of spotctl.")
        w.comment("Secrets are never written here: name the environment variable or file that holds them.")
        w.line("version: \(c.version)")
        w.blank()
        w.comment("The OpenStack cloud: a clouds.yaml entry (else OS_CLOUD, else the OS_* variables).")
        w.line("openstack:")
        w.line("  cloud: \(q(c.openstack.cloud))")
        w.line("  region: \(q(c.openstack.region))")
        w.line("  interface: \(q(c.openstack.interface))")
        w.line("  timeout_seconds: \(c.openstack.timeoutSeconds)")
        w.line("  page_size: \(c.openstack.pageSize)")
        w.blank()
        w.comment("NetBox: the URL (else NETBOX_URL) and where its token is.")
        w.line("netbox:")
        w.line("  url: \(q(c.netbox.url))")
        w.line("  token_env: \(q(c.netbox.tokenEnv))")
        w.line("  token_file: \(q(c.netbox.tokenFile))")
        w.line("  timeout_seconds: \(c.netbox.timeoutSeconds)")
        w.line("  page_size: \(c.netbox.pageSize)")
        w.line("  # Device custom fields stored in the snapshot; every other one is dropped when read.")
        w.line("  custom_fields: \(list(c.netbox.customFields))")
        w.line("  # TLS: NetBox's own (OpenStack's verify does not apply); ca_file null: OpenStack's CA bundle.")
        w.line("  verify: \(c.netbox.verify)")
        w.line("  ca_file: \(q(c.netbox.caFile))")
        w.blank()
        w.line("hyperstack:")
        w.line("  url: \(q(c.hyperstack.url))")
        w.line("  api_key_env: \(q(c.hyperstack.apiKeyEnv))")
        w.line("  api_key_file: \(q(c.hyperstack.apiKeyFile))")
        w.line("  timeout_seconds: \(c.hyperstack.timeoutSeconds)")
        w.line("  verify: \(c.hyperstack.verify)")
        w.line("  ca_file: \(q(c.hyperstack.caFile))")
        w.blank()
        w.line("runpod:")
        w.line("  api_key_env: \(q(c.runpod.apiKeyEnv))")
        w.line("  api_key_file: \(q(c.runpod.apiKeyFile))")
        w.blank()
        w.comment("A NetBox device is a GPU server when a tag names a GPU type or its role is one of these.")
        w.line("gpu_servers:")
        w.line("  roles: \(list(c.gpuServers.roles))")
        w.line("  excluded_tags: \(list(c.gpuServers.excludedTags))")
        w.blank()
        w.comment("Canonical GPU types and the NetBox tags (any case, name or slug) that identify them.")
        w.line("gpu_types:")
        for type in c.gpuTypes {
            w.line("  \(key(type.name)):")
            if let display = type.displayName { w.line("    display_name: \(q(display))") }
            w.line("    tags: \(list(type.tags))")
            if let gpus = type.gpusPerHost { w.line("    gpus_per_host: \(gpus)") }
        }
        w.blank()
        w.comment("Aggregate name patterns per pool: <TYPE> is the type's name, * any run of characters.")
        w.comment("A pattern without <TYPE> takes the longest type name its aggregate mentions as a token.")
        w.line("aggregates:")
        w.line("  ondemand: \(patterns(c.aggregates.ondemand))")
        w.line("  spot: \(patterns(c.aggregates.spot))")
        w.line("  runpod: \(patterns(c.aggregates.runpod))")
        w.line("  contract: \(patterns(c.aggregates.contract))")
        w.blank()
        w.comment("NVLink hosts: on-demand variants whose hosts have NVLink, and NetBox tags that mark one.")
        w.line("nvlink:")
        w.line("  aggregates: \(patterns(c.nvlink.aggregates))")
        w.line("  tags: \(list(c.nvlink.tags))")
        w.comment("  The device's boolean custom field (case-sensitive): when a device has it, it decides (null means")
        w.comment("  false); without it, the tags above, then membership of an NVLink aggregate.")
        w.line("  custom_field: \(q(c.nvlink.customField))")
        w.blank()
        w.comment("GPUs per host: NetBox custom field, else first matching hostname pattern, else the type's")
        w.comment("gpus_per_host, else the default.")
        w.line("capacity:")
        w.line("  default_gpus_per_host: \(c.capacity.defaultGPUsPerHost)")
        w.line("  netbox_custom_field: \(q(c.capacity.netboxCustomField))")
        if c.capacity.hostPatterns.isEmpty {
            w.line("  host_patterns: []")
        } else {
            w.line("  host_patterns:")
            for rule in c.capacity.hostPatterns {
                w.line("    - pattern: \(q(rule.pattern.template))")
                w.line("      gpus: \(rule.gpus)")
            }
        }
        w.blank()
        w.comment("Owner groups by NetBox tenant (slug or name, any case).")
        w.line("owner_groups:")
        if c.ownerGroups.tenants.isEmpty {
            w.line("  tenants: {}")
        } else {
            w.line("  tenants:")
            for entry in c.ownerGroups.tenants { w.line("    \(key(entry.tenant)): \(q(entry.group))") }
        }
        w.line("  other: \(q(c.ownerGroups.other))")
        w.line("  unassigned: \(q(c.ownerGroups.unassigned))")
        w.blank()
        w.line("out_of_stock:")
        w.line("  in_service_statuses: \(list(c.outOfStock.inServiceStatuses))")
        w.line("  testing_markers: \(list(c.outOfStock.testingMarkers))")
        w.line("  disabled_service: \(c.outOfStock.disabledService)")
        w.line("  down_service: \(c.outOfStock.downService)")
        w.blank()
        w.comment("Sites inside the region, by hostname prefix: Hyperstack region, environment, firewall, storage network.")
        w.line(c.sites.isEmpty ? "sites: {}" : "sites:")
        for site in c.sites {
            w.line("  \(key(site.prefix)):")
            w.line("    hyperstack_region: \(q(site.hyperstackRegion))")
            w.line("    environment: \(q(site.environment))")
            w.line("    firewall: \(site.firewall.map(String.init) ?? "null")")
            w.line("    storage_network: \(q(site.storageNetwork))")
        }
        w.blank()
        w.comment("RunPod launches: <N> is the host's GPU count. The RunPod key is inserted at apply time only.")
        w.line("launch:")
        w.line("  flavor: \(q(c.launch.flavor.template))")
        w.line("  nvlink_flavor: \(q(c.launch.nvlinkFlavor?.template))")
        w.line("  key_name: \(q(c.launch.keyName))")
        w.line("  assign_floating_ip: \(c.launch.assignFloatingIP)")
        w.line("  cloud_init_template: \(q(c.launch.cloudInitTemplate))")
        w.line("  wait_timeout_seconds: \(c.launch.waitTimeoutSeconds)")
        w.comment("  A server that lands on another hypervisor than its host: fail (stop the launch) or warn.")
        w.line("  on_wrong_host: \(q(c.launch.onWrongHost.rawValue))")
        if c.launch.securityRules.isEmpty {
            w.line("  security_rules: []")
        } else {
            w.line("  security_rules:")
            for rule in c.launch.securityRules {
                w.line("    - direction: \(q(rule.direction))")
                w.line("      ethertype: \(q(rule.ethertype))")
                w.line("      protocol: \(q(rule.protocol))")
                w.line("      remote_ip_prefix: \(q(rule.remoteIPPrefix))")
                w.line("      port_range_min: \(rule.portRangeMin.map(String.init) ?? "null")")
                w.line("      port_range_max: \(rule.portRangeMax.map(String.init) ?? "null")")
            }
        }
        w.blank()
        w.comment("The snapshot guard refuses to lose more than these shares of hosts or servers unless forced.")
        w.line("snapshot:")
        w.line("  max_host_loss: \(c.snapshot.maxHostLoss)")
        w.line("  max_server_loss: \(c.snapshot.maxServerLoss)")
        w.line("  concurrency: \(c.snapshot.concurrency)")
        w.blank()
        w.comment("spotctl apply moves this many hosts at once (each host: add to the target, then remove from the source).")
        w.line("apply:")
        w.line("  concurrency: \(c.apply.concurrency)")
        return w.text
    }

    private struct Writer {
        var text = ""
        mutating func line(_ s: String) { text += s + "\n" }
        mutating func comment(_ s: String) { text += "# " + s + "\n" }
        mutating func blank() { text += "\n" }
    }

    /// A double-quoted YAML string, or null.
    static func q(_ value: String?) -> String {
        guard let value else { return "null" }
        var out = "\""
        for scalar in value.unicodeScalars {
            switch scalar {
            case "\"": out += "\\\""
            case "\\": out += "\\\\"
            case "\n": out += "\\n"
            case "\t": out += "\\t"
            case "\r": out += "\\r"
            default:
                if scalar.value < 0x20 || scalar.value == 0x7F {
                    out += "\\x" + String(scalar.value, radix: 16).leftPadded(to: 2)
                } else {
                    out.unicodeScalars.append(scalar)
                }
            }
        }
        return out + "\""
    }

    private static func key(_ value: String) -> String {
        let plain = !value.isEmpty && value.unicodeScalars.allSatisfy {
            $0.isASCII && ($0.properties.isAlphabetic || ("0"..."9").contains($0) || "-_.".unicodeScalars.contains($0))
        } && !["true", "false", "null", "yes", "no", "on", "off", "~"].contains(value.lowercased())
        return plain ? value : q(value)
    }

    private static func list(_ values: [String]) -> String {
        "[" + values.map { q($0) }.joined(separator: ", ") + "]"
    }

    private static func patterns(_ values: [NamePattern]) -> String {
        list(values.map(\.template))
    }
}

extension String {
    fileprivate func leftPadded(to width: Int) -> String {
        count >= width ? self : String(repeating: "0", count: width - count) + self
    }
}
