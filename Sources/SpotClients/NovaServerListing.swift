import Foundation
import Synchronization

/// Listing every server of a cloud: marker pagination makes the pages of one listing a chain of
/// requests, one after another. The chain is halved by reading the servers in uuid order from both
/// ends at once — `sort_key=uuid&sort_dir=asc` and `sort_key=uuid&sort_dir=desc`, each stream
/// following its own `servers_links` — until the streams meet: the ascending one has read a prefix
/// of the uuid order, the descending one a suffix, and once the largest uuid of the first reaches
/// the smallest of the second, every server has been seen. (`uuid` is one of Nova's sort keys, and
/// a marker continues after itself in the requested order.)
extension NovaClient {
    /// Every server (all projects), each once, in uuid order.
    func listServers(progress: (@Sendable (Int) -> Void)?) async throws(ClientError) -> [ServerWire] {
        let query: [(String, String)] = [("all_tenants", "1"), ("limit", String(pageSize))]
        switch await fromBothEnds(query, progress: progress) {
        case .complete(let servers):
            return servers
        case .failed(let error):
            throw error
        case .plainListing:
            // A cloud that rejects the uuid sort on a stream's first page (400: an old or
            // restricted API), or that answers in another order than uuid order (sort parameters
            // ignored, as by a proxy or a Nova-like API that does not implement them): the plain
            // listing, once, one page after another. Its own failure is the listing's.
            var seen = Set<String>()
            let servers = try await paged("servers/detail", query: query, ServerPage.self, progress: progress)
            return ServerMerge.inUUIDOrder(servers.filter { seen.insert($0.id).inserted })
        }
    }

    private enum BothEndsOutcome: Sendable {
        case complete([ServerWire])
        case failed(ClientError)
        case plainListing
    }

    private enum StreamEnd: Sendable {
        /// The stream stopped: the listing is complete, unusable, or abandoned.
        case stopped
        case failed(ClientError, onFirstPage: Bool)
    }

    /// The two streams, started together: waiting for the first ascending page before asking for
    /// the descending one would save a request only on a cloud whose servers fit in one page, and
    /// would cost a whole page's time (the slowest one, on a real Nova) on every large cloud.
    private func fromBothEnds(_ query: [(String, String)], progress: (@Sendable (Int) -> Void)?) async -> BothEndsOutcome {
        let merge = ServerMerge(progress: progress)
        let failure: (error: ClientError, onFirstPage: Bool)? = await withTaskGroup(of: StreamEnd.self) { group in
            group.addTask { await self.stream(.ascending, query, merge) }
            group.addTask { await self.stream(.descending, query, merge) }
            var failure: (error: ClientError, onFirstPage: Bool)?
            for await end in group {
                switch end {
                case .stopped:
                    guard merge.isStopped else { continue }
                case .failed(let error, let onFirstPage):
                    // A stream cancelled (or failing) after the listing was complete changes nothing.
                    guard !merge.isComplete else { continue }
                    if failure == nil { failure = (error, onFirstPage) }
                    merge.abandon()
                }
                // Stop the other stream and its page in flight.
                group.cancelAll()
            }
            return failure
        }
        if merge.isComplete { return .complete(merge.servers) }
        if let failure {
            return failure.onFirstPage && failure.error.status == 400 ? .plainListing : .failed(failure.error)
        }
        // Stopped without completing or failing: a page came out of uuid order.
        return .plainListing
    }

    private func stream(_ direction: ServerMerge.Direction, _ query: [(String, String)], _ merge: ServerMerge) async -> StreamEnd {
        let sorted = query + [("sort_key", "uuid"), ("sort_dir", direction == .ascending ? "asc" : "desc")]
        do throws(ClientError) {
            try await pages("servers/detail", query: sorted, ServerPage.self, ahead: { link in
                merge.wantsPage(after: link, from: direction)
            }, onPage: { (servers: [ServerWire], hasNext: Bool) -> Bool in
                merge.accept(servers, from: direction, hasNext: hasNext)
            })
            return .stopped
        } catch {
            return .failed(error, onFirstPage: merge.pageCount(from: direction) == 0)
        }
    }
}

/// What the two streams have read, and whether they have met. Shared by the streams' tasks; every
/// method holds the lock for its whole run, so a page is checked and counted at once.
final class ServerMerge: Sendable {
    enum Direction: Sendable {
        case ascending, descending
    }

    private enum State {
        case running
        /// Every server has been read.
        case complete
        /// A stream's page broke the uuid order: the cloud did not sort.
        case unordered
        /// A stream failed.
        case abandoned
    }

    private struct Storage {
        var state = State.running
        /// Each stream's servers with their lowercased uuids, in the order read.
        var ascending: [(key: String, server: ServerWire)] = []
        var descending: [(key: String, server: ServerWire)] = []
        var ids: Set<String> = []
        /// The largest uuid (lowercased) the ascending stream has read, and the smallest the
        /// descending one has.
        var highest: String?
        var lowest: String?
        /// The same bounds including the pages seen coming but not read yet (their next links'
        /// markers): only used to decide whether to ask for a page early.
        var highestComing: String?
        var lowestComing: String?
        var ascendingPages = 0
        var descendingPages = 0
    }

    private let progress: (@Sendable (Int) -> Void)?
    private let storage = Mutex(Storage())

    /// `progress` gets the number of distinct servers read, after each page that adds some.
    init(progress: (@Sendable (Int) -> Void)?) {
        self.progress = progress
    }

    /// Takes a page of one stream; false when the stream should stop (the listing is complete,
    /// the page is out of order, or the other stream failed). A stream that reaches the end of the
    /// order (no next page) has read every server.
    func accept(_ servers: [ServerWire], from direction: Direction, hasNext: Bool) -> Bool {
        storage.withLock { s in
            guard s.state == .running else { return false }
            var bound = direction == .ascending ? s.highest : s.lowest
            var keyed: [(key: String, server: ServerWire)] = []
            keyed.reserveCapacity(servers.count)
            for server in servers {
                let key = server.id.lowercased()
                if let bound, direction == .ascending ? key < bound : key > bound {
                    s.state = .unordered
                    return false
                }
                bound = key
                keyed.append((key, server))
            }
            let before = s.ids.count
            for server in servers { s.ids.insert(server.id) }
            switch direction {
            case .ascending:
                s.ascendingPages += 1
                s.ascending += keyed
                s.highest = bound
            case .descending:
                s.descendingPages += 1
                s.descending += keyed
                s.lowest = bound
            }
            if !hasNext {
                s.state = .complete
            } else if let highest = s.highest, let lowest = s.lowest, highest >= lowest {
                s.state = .complete
            }
            // Reported under the lock, so that the counts arrive in order.
            if s.ids.count > before { progress?(s.ids.count) }
            return s.state == .running
        }
    }

    /// Whether a stream should ask for the page after `link` early: not when the page that link
    /// follows (its marker is that page's last uuid) meets what the other stream has read or is
    /// reading. A guess either way: a page not asked for early is fetched when it is needed.
    func wantsPage(after link: String, from direction: Direction) -> Bool {
        guard let marker = URLText.queryPairs(of: link).first(where: { $0.0 == "marker" })?.1.lowercased() else { return true }
        return storage.withLock { s in
            guard s.state == .running else { return false }
            switch direction {
            case .ascending:
                s.highestComing = max(s.highestComing ?? marker, marker)
                let reach = [s.lowest, s.lowestComing].compactMap { $0 }.min()
                return reach.map { marker < $0 } ?? true
            case .descending:
                s.lowestComing = min(s.lowestComing ?? marker, marker)
                let reach = [s.highest, s.highestComing].compactMap { $0 }.max()
                return reach.map { marker > $0 } ?? true
            }
        }
    }

    func abandon() {
        storage.withLock { s in
            if s.state == .running { s.state = .abandoned }
        }
    }

    var isComplete: Bool {
        storage.withLock { $0.state == .complete }
    }

    var isStopped: Bool {
        storage.withLock { $0.state != .running }
    }

    func pageCount(from direction: Direction) -> Int {
        storage.withLock { direction == .ascending ? $0.ascendingPages : $0.descendingPages }
    }

    /// The servers read, each once (the ascending stream's copy where both read one), in uuid
    /// order: the ascending stream's servers, then the descending one's backwards, which is
    /// already that order unless the cloud changed while it was read.
    var servers: [ServerWire] {
        storage.withLock { s in
            var seen = Set<String>()
            seen.reserveCapacity(s.ascending.count + s.descending.count)
            var merged: [(key: String, server: ServerWire)] = []
            merged.reserveCapacity(s.ascending.count + s.descending.count)
            for entry in s.ascending where seen.insert(entry.server.id).inserted { merged.append(entry) }
            for entry in s.descending.reversed() where seen.insert(entry.server.id).inserted { merged.append(entry) }
            return Self.ordered(merged)
        }
    }

    /// Servers in uuid order (lowercased, then as given), so that a listing's result does not
    /// depend on which stream read what, or on a fallback's order.
    static func inUUIDOrder(_ servers: [ServerWire]) -> [ServerWire] {
        ordered(servers.map { ($0.id.lowercased(), $0) })
    }

    private static func ordered(_ entries: [(key: String, server: ServerWire)]) -> [ServerWire] {
        func before(_ a: (key: String, server: ServerWire), _ b: (key: String, server: ServerWire)) -> Bool {
            a.key != b.key ? a.key < b.key : a.server.id < b.server.id
        }
        let inOrder = zip(entries, entries.dropFirst()).allSatisfy { !before($1, $0) }
        return (inOrder ? entries : entries.sorted(by: before)).map(\.server)
    }
}
