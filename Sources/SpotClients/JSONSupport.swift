import Foundation
import SpotCore

/// An id that is an integer on some versions and a string (UUID) on others, kept as text.
struct FlexibleID: Decodable, Sendable, Hashable {
    let value: String

    init(value: String) {
        self.value = value
    }

    init(from decoder: any Decoder) throws {
        let container = try decoder.singleValueContainer()
        if let number = try? container.decode(Int.self) {
            value = String(number)
        } else {
            value = try container.decode(String.self)
        }
    }
}

/// A string→string map whose values may come as numbers, booleans or null (kept as text; null
/// values are dropped).
struct LenientStringMap: Decodable, Sendable {
    let values: [String: String]

    init(values: [String: String]) {
        self.values = values
    }

    init(from decoder: any Decoder) throws {
        let raw = try decoder.singleValueContainer().decode([String: JSONValue].self)
        var values: [String: String] = [:]
        for (key, value) in raw {
            switch value {
            case .string(let text): values[key] = text
            case .int(let number): values[key] = String(number)
            case .double(let number): values[key] = String(number)
            case .bool(let flag): values[key] = flag ? "true" : "false"
            case .null: continue
            case .array, .object: values[key] = JSONSupport.text(of: value)
            }
        }
        self.values = values
    }
}

/// A `{"rel": "next", "href": ...}` link of OpenStack's `*_links` lists.
struct PageLink: Decodable, Sendable {
    let rel: String?
    let href: String?
}

enum JSONSupport {
    /// A decoding error in a few words (the coding path and what was wrong), never the data.
    static func describe(_ error: any Error) -> String {
        guard let error = error as? DecodingError else { return String(describing: type(of: error)) }
        func path(_ context: DecodingError.Context) -> String {
            let text = context.codingPath.map { $0.intValue.map { "[\($0)]" } ?? "." + $0.stringValue }.joined()
            return text.isEmpty ? "the top level" : String(text.drop { $0 == "." })
        }
        switch error {
        case .typeMismatch(let type, let context): return "\(path(context)): expected \(type)"
        case .valueNotFound(let type, let context): return "\(path(context)): expected \(type), found null"
        case .keyNotFound(let key, let context):
            let at = path(context)
            return "missing \(key.stringValue)" + (at == "the top level" ? "" : " in \(at)")
        case .dataCorrupted(let context): return "\(path(context)): not valid JSON"
        @unknown default: return "not the expected JSON"
        }
    }

    static func text(of value: JSONValue) -> String {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys, .withoutEscapingSlashes]
        return (try? encoder.encode(value)).map { String(decoding: $0, as: UTF8.self) } ?? ""
    }
}

/// URL building: services' base URLs come with and without trailing slashes.
enum URLText {
    /// `base` + `/` + `path` with exactly one slash between them.
    static func join(_ base: String, _ path: String) -> String {
        var left = base
        while left.hasSuffix("/") { left.removeLast() }
        var right = Substring(path)
        while right.hasPrefix("/") { right.removeFirst() }
        return right.isEmpty ? left : left + "/" + right
    }

    /// A query string from pairs, percent-encoded.
    static func query(_ pairs: [(String, String)]) -> String {
        pairs.map { encode($0.0) + "=" + encode($0.1) }.joined(separator: "&")
    }

    static func encode(_ text: String) -> String {
        var allowed = CharacterSet.alphanumerics
        allowed.insert(charactersIn: "-._~")
        return text.addingPercentEncoding(withAllowedCharacters: allowed) ?? text
    }

    /// `url` with a query appended.
    static func with(_ url: String, query pairs: [(String, String)]) -> String {
        pairs.isEmpty ? url : url + (url.contains("?") ? "&" : "?") + query(pairs)
    }

    /// The query pairs of a URL (decoded).
    static func queryPairs(of url: String) -> [(String, String)] {
        guard let items = URLComponents(string: url)?.queryItems else { return [] }
        return items.map { ($0.name, $0.value ?? "") }
    }

    /// The message for a next link that carries no paging parameter.
    static func unusableNextLink(_ link: String) -> String {
        "the answer has a next link (\(HTTPTransport.pathAndQuery(link))) without a paging parameter (marker, offset, start, cursor or page): the rest of the listing cannot be read, and ending it here would lose it silently; the service or a proxy in front of it rewrote the link"
    }

    /// The parameters that move a listing to its next page.
    static let pagingKeys: Set<String> = ["limit", "marker", "offset", "start", "cursor", "page", "page_size", "pageSize"]

    /// The parameters that say where the next page starts; a next link without one cannot move on.
    static let advancingKeys: Set<String> = ["marker", "offset", "start", "cursor", "page"]

    /// The next page's URL on the client's own base: the client's own query with the paging
    /// parameters replaced by those of the service's `next` link (whose host can differ behind a
    /// proxy, or be `http://` where the client speaks HTTPS). Nil when the link says nowhere to
    /// start (no `marker`, `offset`, `start`, `cursor` or `page`): the caller reports that, since
    /// ending the listing there would drop the rest silently.
    static func nextPage(base: String, ownQuery: [(String, String)], link: String) -> String? {
        let paging = queryPairs(of: link).filter { pagingKeys.contains($0.0) }
        guard paging.contains(where: { advancingKeys.contains($0.0) }) else { return nil }
        let kept = ownQuery.filter { !pagingKeys.contains($0.0) }
        return with(base, query: kept + paging)
    }
}

/// Runs `body` over `items` with at most `limit` at a time, keeping the order; the first failure
/// cancels the rest and is thrown.
func boundedMap<T: Sendable, R: Sendable>(_ items: [T], limit: Int,
                                          _ body: @escaping @Sendable (T) async throws(ClientError) -> R) async throws(ClientError) -> [R] {
    guard !items.isEmpty else { return [] }
    let outcome: Result<[R], ClientError> = await withTaskGroup(of: (Int, Result<R, ClientError>).self) { group in
        var results = [R?](repeating: nil, count: items.count)
        var next = 0
        func start() {
            let index = next
            let item = items[index]
            next += 1
            group.addTask {
                do throws(ClientError) {
                    return (index, .success(try await body(item)))
                } catch {
                    return (index, .failure(error))
                }
            }
        }
        while next < min(max(1, limit), items.count) { start() }
        while let (index, result) = await group.next() {
            switch result {
            case .success(let value):
                results[index] = value
                if next < items.count { start() }
            case .failure(let error):
                group.cancelAll()
                return .failure(error)
            }
        }
        return .success(results.map { $0! })
    }
    return try outcome.get()
}
