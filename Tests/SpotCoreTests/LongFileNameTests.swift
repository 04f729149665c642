import Foundation
import Testing
import SpotSupport
@testable import SpotCore

/// Host names whose percent-encoding would pass the file systems' 255-byte limit get a bounded,
/// distinct file name; every other name keeps the file name it always had.
@Suite struct LongFileNameTests {
    /// 40 CJK characters: 120 bytes of UTF-8, 360 bytes percent-encoded.
    static let cjk40 = String(repeating: "图形服务器", count: 8)

    /// The encoding every name had before long names were bounded, as an independent oracle.
    static func plainEncoding(_ name: String) -> String {
        var out = ""
        for (index, byte) in name.utf8.enumerated() {
            let safe = (0x41...0x5A).contains(byte) || (0x61...0x7A).contains(byte) || (0x30...0x39).contains(byte)
                || byte == 0x5F || byte == 0x2D || (byte == 0x2E && index > 0)
            out += safe ? String(UnicodeScalar(byte)) : String(format: "%%%02X", byte)
        }
        return out.isEmpty ? "%00" : out
    }

    @Test func aFortyCharacterCJKNameGetsABoundedFileNameEndingInItsHash() throws {
        #expect(Self.cjk40.count == 40)
        #expect(Self.plainEncoding(Self.cjk40).utf8.count == 360)
        let file = SafeFileName.encode(Self.cjk40)
        #expect(file.utf8.count <= SafeFileName.maximumLength)
        #expect(("inventory/hosts/" + file + ".json").split(separator: "/").allSatisfy { $0.utf8.count <= 255 })
        let parts = file.split(separator: "~")
        try #require(parts.count == 2)
        #expect(String(parts[1]) == SHA256.hex(Self.cjk40.utf8))
        // The prefix is the start of the plain encoding, cut between two characters (9 bytes each).
        #expect(Self.plainEncoding(Self.cjk40).hasPrefix(String(parts[0])))
        #expect(parts[0].utf8.count % 9 == 0 && parts[0].utf8.count > 100)
        #expect(SafeFileName.isBounded(Self.cjk40))
        // The file name does not give the name back: the file's content does.
        #expect(SafeFileName.decode(file) == nil)
        #expect(SafeFileName.encode(Self.cjk40) == file) // stable
    }

    @Test func twoLongNamesSharingTheirStartGetDifferentFiles() {
        let first = String(repeating: "图形服务器", count: 6) + "甲乙丙丁戊己庚辛壬癸"
        let second = String(repeating: "图形服务器", count: 6) + "甲乙丙丁戊己庚辛壬子"
        let ascii1 = String(repeating: "gpu-node-", count: 30) + "1"
        let ascii2 = String(repeating: "gpu-node-", count: 30) + "2"
        let files = [first, second, ascii1, ascii2].map(SafeFileName.encode)
        #expect(Set(files).count == 4)
        #expect(files.allSatisfy { $0.utf8.count <= SafeFileName.maximumLength })
        #expect(files[0].split(separator: "~").first == files[1].split(separator: "~").first)
        #expect(SafeFileName.collision(among: [first, second, ascii1, ascii2, first]) == nil)
    }

    @Test(arguments: [
        "CA1-ESC812-171", ".hidden", "../etc/passwd", "NO1-ÆØÅ-<lab>\"1\"", "100%", "", "a~b",
        String(repeating: "图", count: 22),            // 198 bytes encoded: the longest kept whole
        String(repeating: "a", count: 200),             // 200 bytes: kept whole
        String(repeating: "b", count: 66) + ".x.y",     // plain ASCII with dots
    ])
    func shortNamesKeepTheirFileNamesByteForByte(name: String) {
        #expect(SafeFileName.encode(name) == Self.plainEncoding(name))
        #expect(SafeFileName.decode(SafeFileName.encode(name)) == name)
        #expect(!SafeFileName.isBounded(name))
    }

    @Test func justOverTheLimitIsBoundedAndADotOrTildeNeverConfusesTheTwoKinds() {
        let name = String(repeating: "a", count: 201)
        let file = SafeFileName.encode(name)
        #expect(file == String(repeating: "a", count: 135) + "~" + SHA256.hex(name.utf8))
        // A short name holding `~` is encoded (%7E): it can never look like a bounded name.
        #expect(SafeFileName.encode("x~" + SHA256.hex(name.utf8)) == "x%7E" + SHA256.hex(name.utf8))
        // One character bigger than the whole prefix budget: the file name is the hash alone.
        let huge = "e" + String(repeating: "\u{301}", count: 80)
        #expect(SafeFileName.encode(huge) == "~" + SHA256.hex(huge.utf8))
    }

    @Test func sha256MatchesTheStandardsTestVectors() {
        #expect(SHA256.hex("".utf8) == "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855")
        #expect(SHA256.hex("abc".utf8) == "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad")
        #expect(SHA256.hex("abcdbcdecdefdefgefghfghighijhijkijkljklmklmnlmnomnopnopq".utf8)
                == "248d6a61d20638b8e5c026930c3e6039a33ce45964ff2167f6ecedd419db06c1")
        #expect(SHA256.hex([UInt8](repeating: 0x61, count: 1_000_000))
                == "cdc76e5c9914fb9281a1c7e284d73e67f1809a48a497200e046d39ccc7112cd0")
        // 55, 56 and 64 bytes: the padding edges.
        #expect(SHA256.hex([UInt8](repeating: 0x61, count: 55)) == "9f4390f8d30c2dd92ec9f095b65e2b9ae9b0a925a5258e241c9f1e910f734318")
        #expect(SHA256.hex([UInt8](repeating: 0x61, count: 56)) == "b35439a4ac6f0948b6d6f9e3c6af0f5f590ce20f1bde7090ef7970686ec6738a")
        #expect(SHA256.hex([UInt8](repeating: 0x61, count: 64)) == "ffe054fe7ae0cb6dc65c3af9b61d5209f439851db43d0ba5997337df154668eb")
    }
}
