import Foundation
@testable import GitStore
import TestSupport
import Testing

/// The SHA-1 that checksums the packs the store writes itself.
@Suite struct SHA1Tests {
    func hex(_ digest: [UInt8]) -> String { digest.map { String(format: "%02x", $0) }.joined() }

    func digest(_ text: String) -> String {
        var hash = SHA1()
        hash.update(Array(text.utf8))
        return hex(hash.finalize())
    }

    @Test func publishedTestVectors() {
        #expect(digest("") == "da39a3ee5e6b4b0d3255bfef95601890afd80709")
        #expect(digest("abc") == "a9993e364706816aba3e25717850c26c9cd0d89d")
        #expect(digest("abcdbcdecdefdefgefghfghighijhijkijkljklmklmnlmnomnopnopq") == "84983e441c3bd26ebaae4aa1f95129e5e54670f1")
        var million = SHA1()
        let chunk = [UInt8](repeating: UInt8(ascii: "a"), count: 1000)
        for _ in 0..<1000 { million.update(chunk) }
        #expect(hex(million.finalize()) == "34aa973cd4c4daa4f61eeb2bdbad27316534016f")
    }

    /// Bytes fed in pieces of every awkward size hash as when fed at once, and agree with the
    /// blob ids libgit2 computes (`blob <size>\0` + bytes).
    @Test func piecesAndLengthsAroundTheBlockSize() throws {
        for length in [0, 1, 55, 56, 63, 64, 65, 119, 120, 127, 128, 1000, 4099] {
            let data = Data((0..<length).map { UInt8(truncatingIfNeeded: $0 &* 31 &+ 7) })
            var whole = SHA1()
            whole.update(Array("blob \(length)\0".utf8))
            whole.update(Array(data))
            let expected = try #require(Repository.hashBlobs([data]).first ?? nil)
            #expect(whole.finalize() == expected.bytes, "length \(length)")
            var pieces = SHA1()
            pieces.update(Array("blob \(length)\0".utf8))
            var offset = 0
            var step = 1
            while offset < data.count {
                let end = min(data.count, offset + step)
                pieces.update(Array(data[offset..<end]))
                offset = end
                step = step * 3 % 97 + 1
            }
            #expect(pieces.finalize() == expected.bytes, "length \(length) in pieces")
        }
    }
}

/// Packs written by `PackWriter` are packs git itself accepts.
@Suite struct PackWriterTests {
    @Test func gitVerifiesThePackAndReadsEveryBlob() async throws {
        let fixture = try Fixture()
        defer { fixture.remove() }
        var files: [String: Data] = [:]
        for index in 0..<150 {
            files["hosts/host-\(index).json"] = bytes("{\"host\": \(index), \"note\": \"\(String(repeating: "x", count: index * 37))\"}\n")
        }
        files["empty.json"] = Data()  // a zero-length blob: the shortest header
        files["large.bin"] = Data((0..<300_000).map { UInt8(truncatingIfNeeded: $0 &* 2_654_435_761 >> 13) })  // a size of several header bytes
        files["same/a.json"] = bytes("{\"same\": true}\n")  // one blob, two paths: stored once
        files["same/b.json"] = bytes("{\"same\": true}\n")
        let result = try await fixture.store.commit(FileChanges(writes: files), author: author(), message: "many files")
        #expect(result.commitID != nil)

        let packDirectory = fixture.root + "/.git/objects/pack"
        let indexes = try FileManager.default.contentsOfDirectory(atPath: packDirectory).filter { $0.hasSuffix(".idx") }
        try #require(indexes.count == 1)
        let verify = try fixture.git("verify-pack", "-v", packDirectory + "/" + indexes[0])
        #expect(verify.status == 0, "\(verify.stderr)")
        // 150 hosts, the empty and the large file, and the shared blob once: no deltas.
        #expect(verify.lines.contains("non delta: 153 objects"), "\(verify.lines.suffix(3))")
        #expect(verify.lines.filter { $0.contains(" blob ") }.count == 153)
        try fixture.expectSound()
        #expect(try fixture.looseObjectTypes()["blob"] == nil)

        for (path, data) in files {
            #expect(try fixture.git("show", "HEAD:" + path).stdout == data, "\(path)")
            #expect(try await fixture.store.readFile(path) == data, "\(path)")
        }
        #expect(try fixture.status().isEmpty)
    }

    /// The same blobs written again (a second repository state that reverts to them) are found
    /// in the existing pack; a pack of the same objects is not written twice.
    @Test func samePackTwiceIsKeptOnce() throws {
        let directory = try TemporaryDirectory(prefix: "packwriter")
        defer { directory.remove() }
        let objects = (0..<3).map { index -> PackWriter.Object in
            let data = bytes("object \(index)\n")
            return PackWriter.Object(id: Repository.hashBlobs([data])[0]!.bytes, data: data)
        }
        let first = try PackWriter.writeBlobs(objects, objectsDirectory: directory.path)
        let second = try PackWriter.writeBlobs(objects, objectsDirectory: directory.path)
        #expect(first != nil && first == second)
        #expect(try FileManager.default.contentsOfDirectory(atPath: directory.path + "/pack").sorted()
                == [first! + ".idx", first! + ".pack"])
        #expect(try PackWriter.writeBlobs([], objectsDirectory: directory.path) == nil)
    }
}
