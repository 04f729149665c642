import Testing
@testable import SpotCore

@Suite struct GPUTypeRulesTests {
    let rules = GPUTypeRules(configuration: .defaults)

    @Test(arguments: [
        ("NVIDIA L40", "L40"),
        ("nvidia-l40", "L40"),
        ("NVIDIA l40", "L40"),
        ("NVIDIA RTX A6000", "RTX-A6000"),
        ("nvidia-rtx-a6000-ada", "RTX-A6000-ADA"),
        ("NVIDIA A100 80GB PCIe", "A100"),
        ("nvidia-a100-sxm4", "A100"),
        ("NVIDIA H100 PCIe", "H100"),
        ("NVIDIA H100 80GB SXM5", "H100-SXM5"),
        ("nvidia-h100-sxm", "H100-SXM5"),
        ("NVIDIA H200 141GB SXM5", "H200-SXM5"),
        ("NVIDIA GH200 480GB", "GH200"),
        ("NVIDIA RTX 4090", "RTX-4090"),
        ("nvidia-rtx-5090", "RTX-5090"),
        ("NVIDIA RTX 6000 PRO SE", "RTX-PRO6000-SE"),
        ("RTX A4000", "RTX-A4000"),
        ("rtx-a4000", "RTX-A4000"),
        ("NVIDIA A40", "A40"),
    ])
    func tagsInDisplayAndSlugFormNameTheirType(tag: String, type: String) {
        #expect(rules.type(forTag: NetBoxRef(slug: Slug.make(tag), name: tag)) == type)
        // The slug alone is enough, whatever the name says.
        #expect(rules.type(forTag: NetBoxRef(slug: Slug.make(tag), name: "renamed")) == type)
    }

    @Test(arguments: ["NVIDIA L40S", "NVIDIA A4000", "nvlink", "UNPOPULATED CHASSIS", "gpu"])
    func otherTagsNameNoType(tag: String) {
        #expect(rules.type(forTag: NetBoxRef(slug: Slug.make(tag), name: tag)) == nil)
    }

    @Test(arguments: [
        ("L40-n3", AggregateKind.gpuPool(type: "L40", pool: .ondemand, nvlink: false)),
        ("L40-n3-NVLink", .gpuPool(type: "L40", pool: .ondemand, nvlink: true)),
        ("L40-n3-spot", .gpuPool(type: "L40", pool: .spot, nvlink: false)),
        ("RTX-A6000-n3-runpod", .gpuPool(type: "RTX-A6000", pool: .runpod, nvlink: false)),
        ("RTX-A6000-ADA-n3", .gpuPool(type: "RTX-A6000-ADA", pool: .ondemand, nvlink: false)),
        ("H100-SXM5-n3-spot", .gpuPool(type: "H100-SXM5", pool: .spot, nvlink: false)),
        ("Contract-L40-Customer1", .gpuPool(type: "L40", pool: .contract, nvlink: false)),
        ("Contract-Helix-384xH100-SXM5", .gpuPool(type: "H100-SXM5", pool: .contract, nvlink: false)),
        ("Contract-Acme-16xH100", .gpuPool(type: "H100", pool: .contract, nvlink: false)),
        ("Contract-A40_foo", .gpuPool(type: "A40", pool: .contract, nvlink: false)),
        ("Contract-A4000-Foo", .unknownType(pool: .contract)),
        ("Contract-L40S-Foo", .unknownType(pool: .contract)),
        ("Contract-Helix-xL40", .unknownType(pool: .contract)),
        ("tempest-L40-n3", .testing),
        ("L40-n3-Tempest", .testing),
        ("az-canada-1", .other),
        ("L40-n4", .other),
        ("l40-n3", .other),
    ])
    func aggregateNamesMapToTypeAndPool(name: String, kind: AggregateKind) {
        #expect(rules.kind(ofAggregate: name) == kind)
    }

    @Test func theLongestMentionedTypeWins() {
        #expect(rules.typeMentioned(in: "Contract-Helix-384xH100-SXM5") == "H100-SXM5")
        #expect(rules.typeMentioned(in: "Contract-RTX-A6000-ADA-X") == "RTX-A6000-ADA")
        #expect(rules.typeMentioned(in: "Contract-RTX-A6000-X") == "RTX-A6000")
        #expect(rules.typeMentioned(in: "Contract-Nothing") == nil)
    }

    @Test(arguments: [
        (["NVIDIA L40"], "Storage", true),
        ([], "GPU Servers", true),
        ([], "gpu-servers", true),
        ([], "gpu server", true),
        ([], "Storage", false),
        (["NVIDIA L40", "UNPOPULATED CHASSIS"], "GPU Servers", false),
        (["unpopulated-chassis"], "GPU Servers", false),
        (["customer-x"], "Compute", false),
    ] as [([String], String, Bool)])
    func gpuServerDetection(tags: [String], role: String, expected: Bool) {
        let device = NetBoxDevice(id: 1, name: "d", role: NetBoxRef(slug: Slug.make(role), name: role),
                                  tags: tags.map { NetBoxRef(slug: Slug.make($0), name: $0) })
        #expect(rules.isGPUServer(device) == expected)
    }

    @Test func slugsFoldCaseAndPunctuation() {
        #expect(Slug.make("NVIDIA RTX A6000 ADA") == "nvidia-rtx-a6000-ada")
        #expect(Slug.make("  GPU  Servers ") == "gpu-servers")
        #expect(Slug.same("UNPOPULATED CHASSIS", "unpopulated-chassis"))
        #expect(!Slug.same("NVIDIA L40", "NVIDIA L40S"))
    }
}

/// The ASCII fast path of `Slug.make` gives exactly what the general path gives.
@Suite struct SlugTests {
    @Test func theASCIIPathAgreesWithTheGeneralOne() throws {
        var texts = ["", "NVIDIA L40", "nvidia-l40", "  H100 -- SXM5 ", "a_b.c/d", "GPU Servers", "--", "9x", "A--b__C"]
        texts += (0..<128).map { String(UnicodeScalar(UInt8($0))) }
        texts += (0..<128).map { "x" + String(UnicodeScalar(UInt8($0))) + "Y" }
        for text in texts {
            let fast = try #require(Slug.makeASCII(text), "\(text.debugDescription)")
            #expect(fast == Slug.makeUnicode(text), "\(text.debugDescription)")
        }
        #expect(Slug.make("NVIDIA  L40s!") == "nvidia-l40s")
        // Anything else goes the general way.
        #expect(Slug.makeASCII("Jörg's GPU") == nil)
        #expect(Slug.make("Jörg's GPU") == "jörg-s-gpu")
        #expect(Slug.make("ÄRGER") == "ärger")
    }
}
