public import Foundation
public import NIOCore
import SpotCore

/// A request as serve's router sees it, independent of the HTTP server that received it.
public struct ServeRequest: Sendable {
    public var method: String
    /// The path as sent (percent-encoded), without the query.
    public var path: String
    /// Query parameters, each decoded once (the last of a repeated name wins).
    public var query: [String: String]
    /// Header fields by lower-case name (repeated fields joined with ", ").
    public var headers: [String: String]
    public var body: Data

    public init(method: String, path: String, query: [String: String] = [:], headers: [String: String] = [:], body: Data = Data()) {
        self.method = method
        self.path = path
        self.query = query
        self.headers = Dictionary(headers.map { ($0.key.lowercased(), $0.value) }, uniquingKeysWith: { first, second in first + ", " + second })
        self.body = body
    }

    public func header(_ name: String) -> String? { headers[name.lowercased()] }

    /// Whether `Accept-Encoding` lists gzip with a non-zero quality.
    public var acceptsGzip: Bool {
        guard let value = header("accept-encoding") else { return false }
        for item in value.split(separator: ",") {
            let parts = item.split(separator: ";").map { $0.trimmingCharacters(in: .whitespaces).lowercased() }
            guard parts.first == "gzip" || parts.first == "x-gzip" else { continue }
            let quality = parts.dropFirst().first { $0.hasPrefix("q=") }.flatMap { Double($0.dropFirst(2)) } ?? 1
            return quality > 0
        }
        return false
    }

    /// The path split on `/`, each segment percent-decoded once after the split (so `%2F` stays
    /// inside its segment: a host may be named `CA1-ESC812-200 (old/RMA)`); nil when a segment is
    /// not valid percent-encoding.
    public var segments: [String]? {
        var out: [String] = []
        for raw in path.split(separator: "/", omittingEmptySubsequences: true) {
            guard let decoded = String(raw).removingPercentEncoding else { return nil }
            out.append(decoded)
        }
        return out
    }
}

/// An answer: status, content type, body and extra header fields.
public struct ServeResponse: Sendable {
    public var status: Int
    public var contentType: String
    public var body: Data
    public var headers: [(String, String)]
    /// When set, the body to send instead of `body`: bytes shared with the rendered site.
    public var buffer: ByteBuffer?

    public init(status: Int, contentType: String, body: Data, headers: [(String, String)] = []) {
        self.status = status
        self.contentType = contentType
        self.body = body
        self.headers = headers
    }

    /// The same body gzipped, sent instead to a client that accepts gzip.
    public var gzipped: ByteBuffer?

    /// A file of the rendered site, sent without a copy.
    public static func file(_ buffer: ByteBuffer, gzipped: ByteBuffer? = nil, contentType: String = json) -> ServeResponse {
        var response = ServeResponse(status: 200, contentType: contentType, body: Data())
        response.buffer = buffer
        response.gzipped = gzipped
        return response
    }

    /// The body's bytes, wherever they are held.
    public var bytes: Data { buffer.map { Data($0.readableBytesView) } ?? body }

    public static let json = "application/json; charset=utf-8"

    /// Bytes already in the seed's envelope (a static API file).
    public static func document(_ bytes: Data, status: Int = 200) -> ServeResponse {
        ServeResponse(status: status, contentType: json, body: bytes)
    }

    /// The seed's success envelope: `{"status": "success", "data": …, "message": …}`.
    public static func success(_ data: Any?, message: String? = nil, status: Int = 200) -> ServeResponse {
        var object: [String: Any] = ["status": "success"]
        if let data { object["data"] = data }
        if let message { object["message"] = message }
        return ServeResponse(status: status, contentType: json, body: encode(object))
    }

    /// The seed's error envelope: `{"status": "error", "error": …, "details": …}`.
    public static func error(_ status: Int, _ message: String, details: [String: Any] = [:], headers: [(String, String)] = []) -> ServeResponse {
        var object: [String: Any] = ["status": "error", "error": message]
        if !details.isEmpty { object["details"] = details }
        return ServeResponse(status: status, contentType: json, body: encode(object), headers: headers)
    }

    /// Pretty-printed JSON with sorted keys and a final line feed, as the static API writes.
    static func encode(_ object: Any) -> Data {
        var data = (try? JSONSerialization.data(withJSONObject: object, options: [.prettyPrinted, .sortedKeys, .withoutEscapingSlashes, .fragmentsAllowed]))
            ?? Data(#"{"status": "error", "error": "the answer could not be encoded"}"#.utf8)
        data.append(0x0A)
        return data
    }
}

/// A failure a handler answers with: the status and the seed's error envelope, encoded at once.
public struct ServeFailure: Error, Sendable {
    public let response: ServeResponse
    public var status: Int { response.status }

    /// `details`: JSON-ready values (strings, numbers, booleans, arrays and objects of them).
    public init(_ status: Int, _ message: String, details: [String: Any] = [:]) {
        response = .error(status, message, details: details)
    }
}

/// A POST body read as a JSON object, with typed fields whose errors name the field.
struct RequestBody {
    let object: [String: JSONValue]

    static let maximumBytes = 1 << 20

    init(_ data: Data) throws(ServeFailure) {
        guard !data.isEmpty else {
            throw ServeFailure(400, "the request has no body: send a JSON object", details: ["expected": "a JSON object"])
        }
        let parsed: JSONValue
        do {
            parsed = try JSONDecoder().decode(JSONValue.self, from: data)
        } catch {
            throw ServeFailure(400, "the body is not valid JSON", details: ["expected": "a JSON object"])
        }
        guard case .object(let object) = parsed else {
            throw ServeFailure(400, "the body must be a JSON object", details: ["expected": "a JSON object"])
        }
        self.object = object
    }

    private func value(_ name: String) -> JSONValue? {
        guard let value = object[name], value != .null else { return nil }
        return value
    }

    private static func missing(_ name: String) -> ServeFailure {
        ServeFailure(400, "field \(name) is missing", details: ["field": name])
    }

    /// A required non-empty string field.
    func string(_ name: String) throws(ServeFailure) -> String {
        guard let value = value(name) else { throw Self.missing(name) }
        guard case .string(let text) = value else {
            throw ServeFailure(400, "field \(name) must be a string", details: ["field": name])
        }
        guard !text.trimmingCharacters(in: .whitespacesAndNewlines).isEmpty else {
            throw ServeFailure(400, "field \(name) is empty", details: ["field": name])
        }
        return text
    }

    /// An optional string field (absent or null gives nil; another type is an error).
    func optionalString(_ name: String) throws(ServeFailure) -> String? {
        guard value(name) != nil else { return nil }
        return try string(name)
    }

    private static func integer(_ value: JSONValue) -> Int? {
        switch value {
        case .int(let number): return number
        case .double(let number): return Int(exactly: number)
        case .string(let text): return Int(text.trimmingCharacters(in: .whitespaces))
        default: return nil
        }
    }

    /// An integer, or a string holding one (`"971"` or `971`).
    func integer(_ name: String) throws(ServeFailure) -> Int {
        guard let value = value(name) else { throw Self.missing(name) }
        guard let number = Self.integer(value) else {
            throw ServeFailure(400, "field \(name) must be an integer (or a string holding one)", details: ["field": name])
        }
        return number
    }

    /// A required list of integers (or strings holding them).
    func integers(_ name: String) throws(ServeFailure) -> [Int] {
        guard let value = value(name) else { throw Self.missing(name) }
        guard case .array(let list) = value else {
            throw ServeFailure(400, "field \(name) must be a list", details: ["field": name])
        }
        var out: [Int] = []
        for (index, item) in list.enumerated() {
            guard let number = Self.integer(item) else {
                throw ServeFailure(400, "field \(name)[\(index)] must be an integer (a VM id)", details: ["field": "\(name)[\(index)]"])
            }
            out.append(number)
        }
        return out
    }

    /// An optional boolean (absent or null gives the default).
    func bool(_ name: String, default fallback: Bool) throws(ServeFailure) -> Bool {
        guard let value = value(name) else { return fallback }
        guard case .bool(let flag) = value else {
            throw ServeFailure(400, "field \(name) must be true or false", details: ["field": name])
        }
        return flag
    }
}
