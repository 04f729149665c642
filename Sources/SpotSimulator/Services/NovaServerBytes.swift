import Foundation

/// JSON written straight into bytes, with the same separators and escapes as `JSON.serialized`
/// (`", "` between members, `": "` after keys). For the hot path: a page of 1,000 servers.
struct JSONBytes {
    var bytes: [UInt8] = []

    init(capacity: Int = 0) { bytes.reserveCapacity(capacity) }

    mutating func raw(_ text: StaticString) {
        bytes.append(contentsOf: UnsafeBufferPointer(start: text.utf8Start, count: text.utf8CodeUnitCount))
    }

    mutating func raw(_ other: [UInt8]) { bytes.append(contentsOf: other) }

    /// A string, escaped exactly as `JSON.writeString` escapes it.
    mutating func string(_ value: String) {
        bytes.append(UInt8(ascii: "\""))
        var value = value
        value.withUTF8 { utf8 in
            var start = 0
            for (index, byte) in utf8.enumerated() where byte < 0x20 || byte == UInt8(ascii: "\"") || byte == UInt8(ascii: "\\") {
                bytes.append(contentsOf: UnsafeBufferPointer(rebasing: utf8[start..<index]))
                start = index + 1
                switch byte {
                case UInt8(ascii: "\""): raw("\\\"")
                case UInt8(ascii: "\\"): raw("\\\\")
                case 0x0A: raw("\\n")
                case 0x0D: raw("\\r")
                case 0x09: raw("\\t")
                default:
                    let hex = String(byte, radix: 16)
                    raw("\\u")
                    bytes.append(contentsOf: Array(repeating: UInt8(ascii: "0"), count: 4 - hex.utf8.count))
                    bytes.append(contentsOf: hex.utf8)
                }
            }
            bytes.append(contentsOf: UnsafeBufferPointer(rebasing: utf8[start...]))
        }
        bytes.append(UInt8(ascii: "\""))
    }

    mutating func optionalString(_ value: String?) {
        if let value { string(value) } else { raw("null") }
    }

    mutating func int(_ value: Int) { bytes.append(contentsOf: String(value).utf8) }

    /// `{"k1": "v1", ...}` with the keys sorted.
    mutating func stringMap(_ map: [String: String]) {
        raw("{")
        for (index, key) in map.keys.sorted().enumerated() {
            if index > 0 { raw(", ") }
            string(key)
            raw(": ")
            string(map[key]!)
        }
        raw("}")
    }
}

extension NovaHandler {
    /// The bytes of `serverJSON(server, c, l, ports).serialized` (a server of a list, not `show`),
    /// written directly rather than through a `JSON` tree: listing 20,000 servers from a fresh
    /// simulator is dominated by this. A test compares the two at every microversion.
    static func serverBytes(_ server: ServerSpec, _ c: NovaContext, _ l: NovaLookups, _ ports: PortIndex) -> [UInt8] {
        var w = JSONBytes(capacity: 2600)
        let host = server.host.flatMap { l.hosts[$0] }
        let zone = host.map(l.zone(of:)) ?? server.availabilityZone ?? ""
        w.raw("{\"OS-DCF:diskConfig\": \"MANUAL\", \"OS-EXT-AZ:availability_zone\": ")
        w.string(zone)
        w.raw(", \"OS-EXT-SRV-ATTR:host\": ")
        w.optionalString(server.host)
        if c.at(2, 3) {
            w.raw(", \"OS-EXT-SRV-ATTR:hostname\": ")
            w.string(hostname(server.name))
        }
        w.raw(", \"OS-EXT-SRV-ATTR:hypervisor_hostname\": ")
        w.optionalString(host?.hypervisorHostname)
        w.raw(", \"OS-EXT-SRV-ATTR:instance_name\": ")
        w.string("instance-" + NovaFake.hex("instance/" + server.id, length: 8))
        if c.at(2, 3) {
            w.raw(", \"OS-EXT-SRV-ATTR:kernel_id\": \"\", \"OS-EXT-SRV-ATTR:launch_index\": 0, \"OS-EXT-SRV-ATTR:ramdisk_id\": \"\", \"OS-EXT-SRV-ATTR:reservation_id\": ")
            w.string("r-" + NovaFake.hex("reservation/" + server.id, length: 8))
            w.raw(", \"OS-EXT-SRV-ATTR:root_device_name\": \"/dev/vda\", \"OS-EXT-SRV-ATTR:user_data\": ")
            w.optionalString(server.userData)
        }
        let launched = server.status != "BUILD" && server.host != nil
        w.raw(", \"OS-EXT-STS:power_state\": ")
        w.int(server.powerState)
        w.raw(", \"OS-EXT-STS:task_state\": ")
        w.optionalString(server.taskState)
        w.raw(", \"OS-EXT-STS:vm_state\": ")
        w.string(server.vmState)
        w.raw(", \"OS-SRV-USG:launched_at\": ")
        w.optionalString(launched ? NovaFake.naive(server.created) : nil)
        w.raw(", \"OS-SRV-USG:terminated_at\": null, \"accessIPv4\": \"\", \"accessIPv6\": \"\", \"addresses\": {")
        for (n, network) in server.addresses.keys.sorted().enumerated() {
            if n > 0 { w.raw(", ") }
            w.string(network)
            w.raw(": [")
            for (i, ip) in server.addresses[network]!.enumerated() {
                if i > 0 { w.raw(", ") }
                w.raw("{\"OS-EXT-IPS-MAC:mac_addr\": ")
                w.string(ports.macByIP[ip] ?? NovaFake.mac(server.id + "/" + network))
                w.raw(", \"OS-EXT-IPS:type\": \"fixed\", \"addr\": ")
                w.string(ip)
                w.raw(", \"version\": ")
                w.int(ip.contains(":") ? 6 : 4)
                w.raw("}")
            }
            w.raw("]")
        }
        w.raw("}, \"config_drive\": \"\", \"created\": ")
        w.string(server.created)
        if c.at(2, 19) { w.raw(", \"description\": null") }
        w.raw(", \"flavor\": ")
        let flavor = l.flavorsByName[server.flavor]
        if c.at(2, 47) {
            let f = flavor ?? FlavorSpec(id: server.flavor, name: server.flavor, vcpus: 0, ram: 0, disk: 0)
            w.raw("{\"disk\": ")
            w.int(f.disk)
            w.raw(", \"ephemeral\": ")
            w.int(f.ephemeral)
            w.raw(", \"extra_specs\": ")
            w.stringMap(f.extraSpecs)
            w.raw(", \"original_name\": ")
            w.string(server.flavor)
            w.raw(", \"ram\": ")
            w.int(f.ram)
            w.raw(", \"swap\": ")
            w.int(f.swap)
            w.raw(", \"vcpus\": ")
            w.int(f.vcpus)
            w.raw("}")
        } else {
            let id = flavor?.id ?? server.flavor
            w.raw("{\"id\": ")
            w.string(id)
            w.raw(", \"links\": [{\"href\": ")
            w.string(c.bookmarkRoot + "/flavors/" + id)
            w.raw(", \"rel\": \"bookmark\"}]}")
        }
        w.raw(", \"hostId\": ")
        w.string(server.host.map { NovaFake.hex(server.projectID + $0, length: 56) } ?? "")
        if c.at(2, 16) {
            w.raw(", \"host_status\": ")
            w.string(hostStatus(server, l))
        }
        w.raw(", \"id\": ")
        w.string(server.id)
        w.raw(", \"image\": ")
        if let image = server.imageID {
            w.raw("{\"id\": ")
            w.string(image)
            w.raw(", \"links\": [{\"href\": ")
            w.string(c.bookmarkRoot + "/images/" + image)
            w.raw(", \"rel\": \"bookmark\"}]")
            if c.at(2, 98) { w.raw(", \"properties\": {\"architecture\": \"x86_64\", \"auto_disk_config\": \"False\"}") }
            w.raw("}")
        } else {
            w.raw("\"\"")
        }
        w.raw(", \"key_name\": ")
        w.optionalString(server.keyName)
        w.raw(", \"links\": [{\"href\": ")
        w.string(c.apiRoot + "/servers/" + server.id)
        w.raw(", \"rel\": \"self\"}, {\"href\": ")
        w.string(c.bookmarkRoot + "/servers/" + server.id)
        w.raw(", \"rel\": \"bookmark\"}]")
        if c.at(2, 9) { w.raw(server.locked ? ", \"locked\": true" : ", \"locked\": false") }
        if c.at(2, 73) { w.raw(", \"locked_reason\": null") }
        w.raw(", \"metadata\": ")
        w.stringMap(server.metadata)
        w.raw(", \"name\": ")
        w.string(server.name)
        w.raw(", \"os-extended-volumes:volumes_attached\": []")
        if c.at(2, 96) {
            w.raw(", \"pinned_availability_zone\": ")
            w.optionalString(server.availabilityZone)
        }
        if progressStatuses.contains(server.status) { w.raw(", \"progress\": 0") }
        if c.at(2, 100) { w.raw(", \"scheduler_hints\": {}") }
        w.raw(", \"security_groups\": [{\"name\": \"default\"}], \"status\": ")
        w.string(server.status)
        if c.at(2, 26) { w.raw(", \"tags\": []") }
        w.raw(", \"tenant_id\": ")
        w.string(server.projectID)
        if c.at(2, 63) { w.raw(", \"trusted_image_certificates\": null") }
        w.raw(", \"updated\": ")
        w.string(server.updated)
        w.raw(", \"user_id\": ")
        w.string(server.userID)
        w.raw("}")
        return w.bytes
    }
}
