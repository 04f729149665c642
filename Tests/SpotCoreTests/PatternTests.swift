import Testing
@testable import SpotCore

@Suite struct NamePatternTests {
    @Test(arguments: [
        ("<TYPE>-n3", "L40", "L40-n3", true),
        ("<TYPE>-n3", "L40", "L40-n3-spot", false),
        ("<TYPE>-n3", "L40", "l40-n3", false),
        ("<TYPE>-n3-NVLink", "H100", "H100-n3-NVLink", true),
        ("Contract-*", nil, "Contract-L40-Customer1", true),
        ("Contract-*", nil, "contract-L40", false),
        ("*-spot", nil, "L40-n3-spot", true),
        ("a*b*c", nil, "abbbc", true),
        ("a*b*c", nil, "acb", false),
    ] as [(String, String?, String, Bool)])
    func matching(template: String, type: String?, name: String, expected: Bool) throws {
        let pattern = try NamePattern(template)
        #expect(pattern.matches(name, type: type) == expected)
    }

    @Test func expansionFillsPlaceholders() throws {
        let flavor = try NamePattern("n3-<TYPE>x<N>-NVLink", allowed: [.type, .count])
        #expect(flavor.expanded(type: "H100", count: 8) == "n3-H100x8-NVLink")
        #expect(flavor.usesType && flavor.usesCount)
        #expect(try NamePattern("*A4000*", allowed: []).matches("ca1-rtx-a4000-01", caseInsensitive: true))
    }

    @Test(arguments: ["", "<TYPE", "TYPE>", "<type>-n3", "<>", "<N>-n3"])
    func malformedTemplatesAreRejected(template: String) {
        #expect(throws: PatternError.self) { try NamePattern(template) }
    }
}
