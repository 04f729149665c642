import Testing
@testable import SpotCore

@Suite struct UsageRulesTests {
    @Test(arguments: [
        ("n3-L40x4", 4),
        ("n3-RTX-A6000x1-spot", 1),
        ("n3-H100x8-NVLink", 8),
        ("n3-L40-8", 8),
        ("n3-RTX-A4000x10", 10),
        ("n3-H100x8-NVLink-spot", 8),
        ("n3-L40", 0),
        ("m1.large", 0),
        ("x8", 0),
        ("n3-A100x2-80gb", 0),
        ("", 0),
    ])
    func gpuCountFromTheFlavorName(name: String, count: Int) {
        #expect(UsageRules.gpuCount(flavorName: name) == count)
    }

    @Test(arguments: [
        (["pci_passthrough:alias": "a100:8"], 8),
        (["pci_passthrough:alias": "a1:1, a2:1"], 2),
        (["pci_passthrough:alias": "l40:2,l40-nvlink:2"], 4),
        (["resources:VGPU": "1"], 1),
        (["pci_passthrough:alias": "a100:2", "resources:VGPU": "1"], 3),
    ] as [([String: String], Int)])
    func gpuCountFromExtraSpecs(specs: [String: String], count: Int) {
        #expect(UsageRules.gpuCount(extraSpecs: specs) == count)
    }

    @Test func extraSpecsComeBeforeTheName() {
        #expect(UsageRules.gpuCount(flavorName: "n3-L40x4", extraSpecs: ["pci_passthrough:alias": "l40:2"]) == 2)
        // Extra specs that say nothing about GPUs leave the name to decide.
        #expect(UsageRules.gpuCount(flavorName: "n3-L40x4", extraSpecs: ["hw:cpu_policy": "dedicated"]) == 4)
        #expect(UsageRules.gpuCount(flavorName: "n3-L40x4", extraSpecs: nil) == 4)
    }

    @Test(arguments: [
        ("ACTIVE", nil, "h", true),
        ("BUILD", nil, "h", true),
        ("SHUTOFF", "stopped", "h", true),
        ("ERROR", "error", "h", true),
        ("SHELVED", "shelved", "h", true),
        ("PAUSED", nil, "h", true),
        ("SHELVED_OFFLOADED", "shelved_offloaded", "h", false),
        ("SOFT_DELETED", "soft-delete", "h", false),
        ("DELETED", "deleted", "h", false),
        ("ACTIVE", "shelved_offloaded", "h", false),
        ("BUILD", "building", nil, false),
    ] as [(String, String?, String?, Bool)])
    func whichServerStatesHoldGPUs(status: String, vmState: String?, host: String?, holds: Bool) {
        let server = Server(id: "s", name: "s", status: status, vmState: vmState, host: host, flavorName: "n3-L40x1")
        #expect(UsageRules.holdsResources(server) == holds)
    }
}
