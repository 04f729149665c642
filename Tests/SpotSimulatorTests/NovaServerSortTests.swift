import Foundation
import Testing
import TestSupport
@testable import SpotSimulator

/// `sort_key`/`sort_dir` on `/servers` and `/servers/detail`: orders, marker paging in both
/// directions, next links that keep the sort, and Nova's 400s.
@Suite struct NovaServerSortTests {
    private func ids(_ body: JSON) -> [String] {
        body["servers"]?.array?.compactMap { $0["id"]?.string } ?? []
    }

    private func names(_ body: JSON) -> [String] {
        body["servers"]?.array?.compactMap { $0["name"]?.string } ?? []
    }

    private func nextLink(_ body: JSON) -> String? {
        body["servers_links"]?.array?.first { $0["rel"] == "next" }?["href"]?.string
    }

    private func fault(_ result: HTTPResult) throws -> (name: String, code: Int?, message: String?) {
        let body = try NovaTestCloud.body(result)
        guard let (name, inner) = body.object?.first, body.object?.count == 1 else { throw TestFailure("not a fault: \(result.text)") }
        return (name, inner["code"]?.int, inner["message"]?.string)
    }

    /// Every page of a listing from `start`, following the next links.
    private func walk(_ cloud: NovaTestCloud, _ start: String, version: String = "2.96") async throws -> (ids: [String], pages: [[String]], links: [String]) {
        var all: [String] = []
        var pages: [[String]] = []
        var links: [String] = []
        var next: String? = start
        while let url = next {
            let page = try await cloud.get(url, version: version)
            pages.append(ids(page))
            all += ids(page)
            next = nextLink(page)
            if let next { links.append(next) }
            if pages.count > 200 { throw TestFailure("the listing does not end") }
        }
        return (all, pages, links)
    }

    @Test func uuidOrderInBothDirections() async throws {
        try await NovaTestCloud.run { cloud throws in
            let ascending = (1...6).map(NovaWorld.serverID)
            #expect(ids(try await cloud.get("/compute/v2.1/servers/detail?all_tenants=1&sort_key=uuid&sort_dir=asc")) == ascending)
            #expect(ids(try await cloud.get("/compute/v2.1/servers?all_tenants=1&sort_key=uuid&sort_dir=desc")) == ascending.reversed())
            // No sort_dir means desc, as in Nova.
            #expect(ids(try await cloud.get("/compute/v2.1/servers?all_tenants=1&sort_key=uuid")) == ascending.reversed())
            // No sort at all: newest first, unchanged.
            #expect(ids(try await cloud.get("/compute/v2.1/servers?all_tenants=1")) == NovaWorld.expectedOrder)
            // Filters and the sort together.
            #expect(names(try await cloud.get("/compute/v2.1/servers?all_tenants=1&host=gpu-a&sort_key=uuid&sort_dir=asc")) == ["train-01", "train-02"])
        }
    }

    @Test func otherKeysAndNovasDefaultTiebreaks() async throws {
        try await NovaTestCloud.run { cloud throws in
            #expect(names(try await cloud.get("/compute/v2.1/servers?all_tenants=1&sort_key=display_name&sort_dir=asc"))
                == ["broken-01", "infer-01", "pending-01", "spot-01", "train-01", "train-02"])
            // created_at ascending; 3 and 5 share a created time: then id, in the same direction.
            #expect(ids(try await cloud.get("/compute/v2.1/servers?all_tenants=1&sort_key=created_at&sort_dir=asc"))
                == [6, 1, 2, 3, 5, 4].map(NovaWorld.serverID))
            #expect(ids(try await cloud.get("/compute/v2.1/servers?all_tenants=1&sort_key=updated_at&sort_dir=desc")).count == 6)
            // Two keys: host ascending (unscheduled first, as NULL sorts), then display_name descending.
            #expect(names(try await cloud.get("/compute/v2.1/servers?all_tenants=1&sort_key=host&sort_dir=asc&sort_key=display_name&sort_dir=desc"))
                == ["pending-01", "train-02", "train-01", "infer-01", "spot-01", "broken-01"])
            // A key Nova accepts but the simulator does not sort by: the default keys decide.
            #expect(ids(try await cloud.get("/compute/v2.1/servers?all_tenants=1&sort_key=node&sort_dir=desc")) == NovaWorld.expectedOrder)
            // Below 2.75 Nova ignores some keys (`id`, `locked` before 2.73); from 2.75 they are 400s.
            #expect(ids(try await cloud.get("/compute/v2.1/servers?all_tenants=1&sort_key=id&sort_dir=asc", version: "2.60")) == NovaWorld.expectedOrder)
            #expect(try await cloud.call("GET", "/compute/v2.1/servers?all_tenants=1&sort_key=id", version: "2.96").status == 400)
            #expect(ids(try await cloud.get("/compute/v2.1/servers?all_tenants=1&sort_key=locked&sort_dir=asc", version: "2.73")).count == 6)
            #expect(try await cloud.call("GET", "/compute/v2.1/servers?all_tenants=1&sort_key=locked", version: "2.96").status == 200)
        }
    }

    @Test func badSortKeysAndDirectionsAre400sWithNovasBody() async throws {
        try await NovaTestCloud.run { cloud in
            let badKey = try await cloud.call("GET", "/compute/v2.1/servers/detail?all_tenants=1&sort_key=bogus", version: "2.96")
            #expect(badKey.status == 400)
            let keyFault = try fault(badKey)
            #expect(keyFault.name == "badRequest" && keyFault.code == 400)
            #expect(keyFault.message?.hasPrefix("Invalid input for query parameters sort_key. Value: bogus. 'bogus' is not one of ['locked', 'access_ip_v4',") == true)
            #expect(keyFault.message?.contains("'uuid'") == true)
            #expect(badKey.header("Content-Type") == "application/json; charset=UTF-8")
            #expect(badKey.header("X-OpenStack-Request-ID")?.hasPrefix("req-") == true)

            let badDir = try await cloud.call("GET", "/compute/v2.1/servers/detail?all_tenants=1&sort_key=uuid&sort_dir=up", version: "2.96")
            #expect(try fault(badDir) == ("badRequest", 400, "Invalid input received: Unknown sort direction, must be 'desc' or 'asc'"))
            // Directions are case-sensitive, as in Nova.
            #expect(try await cloud.call("GET", "/compute/v2.1/servers?sort_key=uuid&sort_dir=ASC").status == 400)
            let tooMany = try await cloud.call("GET", "/compute/v2.1/servers?sort_key=uuid&sort_dir=asc&sort_dir=desc")
            #expect(try fault(tooMany) == ("badRequest", 400, "Invalid input received: Sort direction size exceeds sort key size"))
        }
    }

    @Test func markerPagingInBothDirectionsCoversEveryServerOnce() async throws {
        let scenario = ScenarioGenerator(hosts: 40, seed: 5, vmsPerHost: 10).generate()
        try await NovaTestCloud.run(scenario) { cloud in
            let expected = scenario.servers.map { $0.id.lowercased() }.sorted()
            #expect(expected.count == 400)
            for direction in ["asc", "desc"] {
                let listing = try await walk(cloud, "/compute/v2.1/servers/detail?all_tenants=1&sort_key=uuid&sort_dir=\(direction)&limit=37")
                let seen = listing.ids.map { $0.lowercased() }
                #expect(seen == (direction == "asc" ? expected : expected.reversed()), "sort_dir=\(direction)")
                #expect(Set(seen).count == 400)
                // 400 / 37: ten full pages and a short one, which has no next link.
                #expect(listing.pages.map(\.count) == Array(repeating: 37, count: 10) + [30])
                // The next links keep the sort and the other parameters; the marker is the page's last id.
                #expect(listing.links.count == 10)
                for (index, link) in listing.links.enumerated() {
                    let query = URLComponents(string: link)?.queryItems ?? []
                    #expect(query.first { $0.name == "sort_key" }?.value == "uuid")
                    #expect(query.first { $0.name == "sort_dir" }?.value == direction)
                    #expect(query.first { $0.name == "all_tenants" }?.value == "1")
                    #expect(query.first { $0.name == "limit" }?.value == "37")
                    #expect(query.first { $0.name == "marker" }?.value == listing.pages[index].last)
                }
            }
            // A marker continues after itself in the requested order, on both routes.
            let marker = expected[99]
            let after = try await cloud.get("/compute/v2.1/servers?all_tenants=1&sort_key=uuid&sort_dir=asc&limit=3&marker=\(marker)")
            #expect(ids(after).map { $0.lowercased() } == Array(expected[100..<103]))
            let before = try await cloud.get("/compute/v2.1/servers/detail?all_tenants=1&sort_key=uuid&sort_dir=desc&limit=3&marker=\(marker)")
            #expect(ids(before).map { $0.lowercased() } == Array(expected[96..<99].reversed()))
            // The two directions meet: a prefix and a suffix that overlap cover everything.
            let head = try await cloud.get("/compute/v2.1/servers/detail?all_tenants=1&sort_key=uuid&sort_dir=asc&limit=210")
            let tail = try await cloud.get("/compute/v2.1/servers/detail?all_tenants=1&sort_key=uuid&sort_dir=desc&limit=210")
            #expect(Set(ids(head) + ids(tail)).count == 400)
        }
    }

    @Test func eachOrderIsSortedOncePerWorld() async throws {
        let servers = ScenarioGenerator(hosts: 20, seed: 9, vmsPerHost: 10).generate().servers
        let cache = NovaCache()
        let uuidAscending = ServerSort(keys: [.init(field: .uuid, ascending: true)], tiebreakAscending: true)
        let first = cache.servers(servers, sort: uuidAscending)
        #expect(first.order.map { servers[$0].id.lowercased() } == servers.map { $0.id.lowercased() }.sorted())
        // The same world and order: the cached index (same storage), and the default order is kept beside it.
        let again = cache.servers(servers, sort: uuidAscending)
        first.order.withUnsafeBufferPointer { a in
            again.order.withUnsafeBufferPointer { b in #expect(a.baseAddress == b.baseAddress) }
        }
        // The opposite direction, derived from the cached order, is what sorting gives.
        let uuidDescending = ServerSort(keys: [.init(field: .uuid, ascending: false)], tiebreakAscending: false)
        #expect(uuidDescending == uuidAscending.reversed)
        let derived = cache.servers(servers, sort: uuidDescending)
        let sorted = ServerIndex(servers, sort: uuidDescending)
        #expect(derived.order == sorted.order)
        #expect(derived.position == sorted.position)
        #expect(derived.byHost == sorted.byHost)
        let newest = cache.servers(servers)
        #expect(newest.order != first.order)
        #expect(newest.position.count == servers.count)
        // A changed world sorts again.
        var changed = servers
        changed.removeLast()
        #expect(cache.servers(changed, sort: uuidAscending).order.count == servers.count - 1)
    }
}
