import CLibgit2
import Foundation
import SpotSupport

/// Writes many new blobs as one pack (`objects/pack/pack-<sum>.pack` and its version-2 `.idx`),
/// the way `git index-pack` would leave them, without delta compression.
///
/// A first snapshot of a large cloud adds thousands of blobs at once. libgit2's own route
/// (objects in a mempack, `git_mempack_dump`, then the indexer) searches for deltas and hashes
/// every object twice, which cost about a second for 2,000 host files; loose objects would cost
/// 2,000 file creations. Here the ids are already known (the caller hashed the bytes with
/// libgit2), each object is deflated at zlib's fastest level on every core, and the pack and
/// its index are written directly. Deltas would make the pack smaller, but `git gc` finds them
/// later, and the store's reading speed does not depend on them.
///
/// Format (git's `Documentation/gitformat-pack.txt`): "PACK", version 2, object count; each
/// object as a type-and-size header and a zlib stream; the SHA-1 of all that. The index: magic
/// and version 2, a 256-entry fan-out table, the sorted ids, the CRC-32 of each packed object,
/// 31-bit offsets (a pack over 2 GiB is refused: the caller writes loose objects instead), the
/// pack's checksum and the index's own.
enum PackWriter {
    struct Object: Sendable {
        /// The id libgit2 computed for the bytes.
        let id: [UInt8]
        let data: Data
    }

    /// The largest pack this writer produces; offsets must fit the index's 31-bit table.
    static let maximumPackSize = Int(Int32.max)

    /// Writes `objects` (blobs, distinct ids) into `objectsDirectory/pack`. Returns the pack's
    /// name, or nil when there was nothing to write, zlib failed or the pack would be too large
    /// (the caller then stores the objects as loose objects through libgit2). The pack and its
    /// index are synced to disk before this returns.
    static func writeBlobs(_ objects: [Object], objectsDirectory: String) throws(GitStoreError) -> String? {
        guard !objects.isEmpty else { return nil }
        guard let entries = deflateAll(objects) else { return nil }

        var pack = Data()
        pack.reserveCapacity(12 + entries.reduce(0) { $0 + $1.count } + 20)
        pack.append(contentsOf: Array("PACK".utf8))
        appendBigEndian(UInt32(2), to: &pack)
        appendBigEndian(UInt32(objects.count), to: &pack)
        var offsets: [Int] = []
        offsets.reserveCapacity(objects.count)
        for entry in entries {
            offsets.append(pack.count)
            pack.append(entry)
        }
        guard pack.count + 20 <= maximumPackSize else { return nil }
        var packHash = SHA1()
        pack.withUnsafeBytes { packHash.update($0) }
        let packSum = packHash.finalize()
        pack.append(contentsOf: packSum)

        // The index lists objects by id.
        let order = objects.indices.sorted { objects[$0].id.lexicographicallyPrecedes(objects[$1].id) }
        var index = Data()
        index.reserveCapacity(8 + 1024 + objects.count * 28 + 40)
        index.append(contentsOf: [0xFF, 0x74, 0x4F, 0x63])
        appendBigEndian(UInt32(2), to: &index)
        var fanout = [UInt32](repeating: 0, count: 256)
        for object in objects { fanout[Int(object.id[0])] += 1 }
        var running: UInt32 = 0
        for byte in 0..<256 {
            running += fanout[byte]
            appendBigEndian(running, to: &index)
        }
        for position in order { index.append(contentsOf: objects[position].id) }
        for position in order {
            let crc = entries[position].withUnsafeBytes { bytes in
                crc32(0, bytes.bindMemory(to: UInt8.self).baseAddress, uInt(bytes.count))
            }
            appendBigEndian(UInt32(truncatingIfNeeded: crc), to: &index)
        }
        for position in order { appendBigEndian(UInt32(offsets[position]), to: &index) }
        index.append(contentsOf: packSum)
        var indexHash = SHA1()
        index.withUnsafeBytes { indexHash.update($0) }
        index.append(contentsOf: indexHash.finalize())

        let directory = objectsDirectory + "/pack"
        let name = "pack-" + packSum.map { String(format: "%02x", $0) }.joined()
        try createDirectory(directory)
        // The pack first, then its index: readers find packs by their index.
        try writeReadOnly(pack, to: directory + "/" + name + ".pack")
        try writeReadOnly(index, to: directory + "/" + name + ".idx")
        return name
    }

    /// Each object's packed form (header and zlib stream), deflated on every core; nil when
    /// zlib fails (out of memory), and the caller then writes loose objects.
    private static func deflateAll(_ objects: [Object]) -> [Data]? {
        var entries: [Data] = []
        entries.reserveCapacity(objects.count)
        for entry in parallelMap(objects, { packedEntry($0.data) }) {
            guard let entry else { return nil }
            entries.append(entry)
        }
        return entries
    }

    /// A blob's pack entry: type 3 and the size in the variable-length header, then the bytes
    /// deflated with a zlib header.
    static func packedEntry(_ data: Data) -> Data? {
        var header: [UInt8] = []
        var size = data.count
        var byte = UInt8(3 << 4) | UInt8(size & 0x0F)
        size >>= 4
        while size > 0 {
            header.append(byte | 0x80)
            byte = UInt8(size & 0x7F)
            size >>= 7
        }
        header.append(byte)
        var bound = compressBound(uLong(data.count))
        var output = Data(count: header.count + Int(bound))
        let code = output.withUnsafeMutableBytes { out -> Int32 in
            let target = out.bindMemory(to: UInt8.self).baseAddress!
            for (offset, value) in header.enumerated() { target[offset] = value }
            return data.withUnsafeBytes { input in
                compress2(target + header.count, &bound, input.bindMemory(to: UInt8.self).baseAddress, uLong(data.count), Z_BEST_SPEED)
            }
        }
        guard code == Z_OK else { return nil }
        output.count = header.count + Int(bound)
        return output
    }

    private static func appendBigEndian(_ value: UInt32, to data: inout Data) {
        data.append(contentsOf: [UInt8(value >> 24), UInt8(truncatingIfNeeded: value >> 16),
                                 UInt8(truncatingIfNeeded: value >> 8), UInt8(truncatingIfNeeded: value)])
    }

    private static func createDirectory(_ path: String) throws(GitStoreError) {
        var info = stat()
        if stat(path, &info) == 0, info.st_mode & S_IFMT == S_IFDIR { return }
        if mkdir(path, 0o755) != 0 && errno != EEXIST {
            throw .fileSystem(operation: "create directory", path: path, message: String(cString: strerror(errno)))
        }
    }

    /// Writes `data` to a temporary name beside `path`, syncs it, renames it into place
    /// (read-only, as git leaves pack files) and syncs the folder, so that the pack and its index
    /// are on disk before any ref can point at their objects. A file of that name already there
    /// is kept only when it holds exactly these bytes (the name is the pack's checksum, so it
    /// should): a truncated or damaged one left by a power loss is replaced.
    private static func writeReadOnly(_ data: Data, to path: String) throws(GitStoreError) {
        if SafeFile.kind(at: path) == .regular, let existing = FileManager.default.contents(atPath: path), existing == data {
            return
        }
        let failure: SafeFile.Failure? = data.withUnsafeBytes { bytes in
            do throws(SafeFile.Failure) {
                try SafeFile.write(bytes, to: path, mode: 0o444, sync: true)
                return nil
            } catch {
                return error
            }
        }
        if let failure {
            throw .fileSystem(operation: failure.operation, path: failure.path, message: failure.message)
        }
    }
}
