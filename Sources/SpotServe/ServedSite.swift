import Foundation
import Synchronization
import GitStore
import NIOCore
import CompressNIO
import SpotSupport
import SpotCore
import SpotKit
import SpotSite

/// The site of the repository's latest snapshot, rendered in memory (pages, the static API,
/// metrics): what the GET routes answer from. It follows HEAD: `refresh()` renders again when
/// HEAD moved (a new snapshot, an apply, a `log clear`); requests keep the previous site while
/// the next one renders.
final class ServedSite: Sendable {
    struct Current: Sendable {
        let head: String?
        let rendered: SiteBuilder.Rendered
        /// The files as NIO buffers, made once per render: an answer shares their bytes (a
        /// 300 KiB aggregates file is not copied per request).
        let buffers: [String: ByteBuffer]
        /// The same files gzipped, for clients that accept it (files of 1 KiB or more that
        /// shrink), also made once per render.
        let gzipped: [String: ByteBuffer]
    }

    let repository: OperationsRepository
    let context: RunContext
    private let current = Mutex<Current?>(nil)
    private let refreshing = RefreshGate()

    init(repository: OperationsRepository, context: RunContext) {
        self.repository = repository
        self.context = context
    }

    var site: Current? { current.withLock { $0 } }

    /// HEAD's commit id, or nil in a repository with no commit.
    func head() async throws(SpotError) -> String? {
        let reader = try RepositoryReader(repository: repository)
        return try? await reader.store.headCommitID()
    }

    /// Renders the site again when HEAD moved since the last render (or nothing was rendered).
    /// Returns whether it rendered. One refresh runs at a time; a caller arriving during one
    /// waits for it.
    @discardableResult
    func refresh(force: Bool = false) async throws(SpotError) -> Bool {
        try await refreshing.run { () async throws(SpotError) -> Bool in
            let head = try await self.head()
            if !force, let site = self.site, site.head == head { return false }
            var options = SiteBuilder.Options()
            options.historyLimit = 200
            let rendered = try await SiteBuilder.render(repository: self.repository, options: options, context: self.context)
            let (buffers, gzipped) = await Self.buffers(rendered.files)
            self.current.withLock { $0 = Current(head: head, rendered: rendered, buffers: buffers, gzipped: gzipped) }
            return true
        }
    }
}

extension ServedSite {
    /// Each file as a buffer, and gzipped when that pays, on every core.
    static func buffers(_ files: [String: Data]) async -> ([String: ByteBuffer], [String: ByteBuffer]) {
        let entries = files.map { (path: $0.key, data: $0.value) }
        let results = await offCooperativePool { () -> [(String, ByteBuffer, ByteBuffer?)] in
            parallelMap(entries) { entry -> (String, ByteBuffer, ByteBuffer?) in
                let plain = ByteBuffer(bytes: entry.data)
                guard entry.data.count >= 1024 else { return (entry.path, plain, nil) }
                var input = plain
                guard let compressed = try? input.compress(with: .gzip()), compressed.readableBytes < plain.readableBytes else {
                    return (entry.path, plain, nil)
                }
                return (entry.path, plain, compressed)
            }
        }
        var buffers: [String: ByteBuffer] = [:]
        var gzipped: [String: ByteBuffer] = [:]
        for (path, plain, compressed) in results {
            buffers[path] = plain
            if let compressed { gzipped[path] = compressed }
        }
        return (buffers, gzipped)
    }
}

/// Runs one operation at a time, in arrival order.
actor RefreshGate {
    private var busy = false
    private var waiting: [CheckedContinuation<Void, Never>] = []

    func run<T: Sendable>(_ body: @Sendable () async throws(SpotError) -> T) async throws(SpotError) -> T {
        if busy {
            await withCheckedContinuation { waiting.append($0) }
        }
        busy = true
        defer {
            if waiting.isEmpty { busy = false } else { waiting.removeFirst().resume() }
        }
        return try await body()
    }
}
