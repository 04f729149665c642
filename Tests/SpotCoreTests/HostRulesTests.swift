import Testing
@testable import SpotCore

@Suite struct HostRulesTests {
    let rules = HostRules(configuration: .defaults)

    @Test(arguments: [
        ("CA1-ESC812-171", "L40", nil, 8),
        ("CA1-ESC812-172", "RTX-A4000", nil, 10),
        ("US1-RTX-A4000-03", nil, nil, 10),
        ("us1-rtx-a4000-04", "L40", nil, 10),
        ("CA1-ESC812-173", "L40", JSONValue.int(4), 4),
        ("CA1-A4000-1", "RTX-A4000", JSONValue.string("6"), 6),
        ("CA1-ESC812-174", "L40", JSONValue.null, 8),
        ("CA1-ESC812-175", "L40", JSONValue.string("eight"), 8),
        ("CA1-ESC812-176", nil, nil, 8),
    ] as [(String, String?, JSONValue?, Int)])
    func capacity(hostname: String, type: String?, gpuCount: JSONValue?, expected: Int) {
        let device = gpuCount.map { NetBoxDevice(id: 1, name: hostname, customFields: ["GPU_Count": $0]) }
        #expect(rules.capacity(hostname: hostname, type: type, device: device) == expected)
    }

    @Test(arguments: [
        (NetBoxRef(slug: "nexgen-cloud", name: "NexGen Cloud"), "Nexgen Cloud"),
        (NetBoxRef(slug: "ngc", name: "NEXGEN-CLOUD"), "Nexgen Cloud"),
        (NetBoxRef(slug: "customer1", name: "Customer 1"), "Investors"),
    ])
    func ownerGroupByTenant(tenant: NetBoxRef, group: String) {
        #expect(rules.ownerGroup(tenant: tenant) == group)
    }

    @Test func aHostWithNoTenantIsUnassigned() {
        #expect(rules.ownerGroup(tenant: nil) == "Unassigned")
    }

    @Test(arguments: [
        ("CA1-ESC812-171", "CA1"),
        ("ca1-esc812-171", "CA1"),
        ("US1-H100-01", "US1"),
        ("NO1_gpu", "NO1"),
        ("CA10-X", nil),
        ("gpu-host-001", nil),
    ] as [(String, String?)])
    func siteByHostnamePrefix(hostname: String, prefix: String?) {
        #expect(rules.site(hostname: hostname)?.prefix == prefix)
    }

    @Test func siteSettingsCarryRegionFirewallAndNetwork() {
        let site = rules.site(hostname: "CA1-ESC812-171")
        #expect(site?.hyperstackRegion == "CANADA-1")
        #expect(site?.environment == "CA1-RunPod")
        #expect(site?.firewall == 971)
        #expect(rules.site(hostname: "NO1-X")?.storageNetwork == nil)
    }
}
