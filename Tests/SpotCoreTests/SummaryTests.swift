import Foundation
import Testing
@testable import SpotCore

@Suite struct SummaryTests {
    @Test(arguments: [
        (24, 80, "24/80", 30.0, "30"),
        (156, 320, "156/320", 48.8, "48.8"),
        (1, 3, "1/3", 33.3, "33.3"),
        (2, 3, "2/3", 66.7, "66.7"),
        (1, 16, "1/16", 6.3, "6.3"),
        (1, 8, "1/8", 12.5, "12.5"),
        (0, 0, "0/0", 0.0, "0"),
        (5, 0, "5/0", 0.0, "0"),
        (12, 8, "12/8", 150.0, "150"),
        (1, 2000, "1/2000", 0.1, "0.1"),
        (1, 2001, "1/2001", 0.0, "0"),
    ] as [(Int, Int, String, Double, String)])
    func ratioAndPercentageRoundHalfUpToOneDecimal(used: Int, capacity: Int, ratio: String, percentage: Double, text: String) {
        let summary = GPUSummary(gpuUsed: used, gpuCapacity: capacity)
        #expect(summary.gpuUsageRatio == ratio)
        #expect(summary.gpuUsagePercentage == percentage)
        #expect(summary.percentageText == text)
    }

    @Test func summariesEncodeWithTheSeedsFieldNames() throws {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys]
        let data = try encoder.encode(GPUSummary(gpuUsed: 156, gpuCapacity: 320, hostCount: 40))
        let text = String(decoding: data, as: UTF8.self)
        #expect(text == #"{"gpu_capacity":320,"gpu_usage_percentage":48.8,"gpu_usage_ratio":"156\/320","gpu_used":156,"host_count":40}"#)
        let back = try JSONDecoder().decode(GPUSummary.self, from: data)
        #expect(back == GPUSummary(gpuUsed: 156, gpuCapacity: 320, hostCount: 40))
    }

    @Test func poolNamesParseAsOperatorsWriteThem() {
        #expect(Pool(userText: "on-demand") == .ondemand)
        #expect(Pool(userText: "OnDemand") == .ondemand)
        #expect(Pool(userText: "contracts") == .contract)
        #expect(Pool(userText: "out_of_stock") == .outofstock)
        #expect(Pool(userText: "reserved") == nil)
        #expect(Pool.contract.apiKey == "contracts")
        #expect(Pool.ondemand.apiKey == "ondemand")
    }
}

@Suite struct SecretMaskTests {
    @Test(arguments: [
        ("abcdefghijklmnopqrstuvwx", "abcd***uvwx"),
        ("nbt_0123456789abcdef.0123456789abcdef", "nbt_***cdef"),
        ("short-key", "***_KEY"),
        ("abcdefghijklmnopqrstuvw", "***_KEY"),
        ("", "***_KEY"),
    ])
    func apiKeysAreMasked(key: String, masked: String) {
        #expect(SecretMask.apiKey(key) == masked)
        if !key.isEmpty { #expect(!SecretMask.apiKey(key).contains(key)) }
    }
}
