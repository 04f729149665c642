import Foundation
import Synchronization
import GitStore
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
            self.current.withLock { $0 = Current(head: head, rendered: rendered) }
            return true
        }
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
