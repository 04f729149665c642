public import Foundation
#if canImport(FoundationNetworking)
import FoundationNetworking
#endif

/// A plain HTTP client for tests (URLSession), independent of spotctl's own clients, so the
/// simulator is checked by something that is not the code under test.
public struct HTTPResult: Sendable {
    public let status: Int
    public let headers: [String: String]
    public let body: Data

    public var text: String { String(decoding: body, as: UTF8.self) }

    /// The body parsed as JSON (`[String: Any]`, `[Any]`, …).
    public func json() throws -> Any {
        try JSONSerialization.jsonObject(with: body, options: [.fragmentsAllowed])
    }

    public func object() throws -> [String: Any] {
        guard let object = try json() as? [String: Any] else {
            throw TestFailure("expected a JSON object, got: \(text.prefix(300))")
        }
        return object
    }

    /// A header by name, in any case.
    public func header(_ name: String) -> String? {
        headers.first { $0.key.lowercased() == name.lowercased() }?.value
    }
}

public struct TestFailure: Error, CustomStringConvertible {
    public let description: String
    public init(_ description: String) { self.description = description }
}

/// Sends one request and returns status, headers and body (no redirects followed, no retries).
public func http(_ method: String, _ url: String, headers: [String: String] = [:], json: Any? = nil,
                 body: Data? = nil, timeout: TimeInterval = 30) async throws -> HTTPResult {
    guard let target = URL(string: url) else { throw TestFailure("bad URL \(url)") }
    var request = URLRequest(url: target, timeoutInterval: timeout)
    request.httpMethod = method
    for (name, value) in headers { request.setValue(value, forHTTPHeaderField: name) }
    if let json {
        request.httpBody = try JSONSerialization.data(withJSONObject: json)
        request.setValue("application/json", forHTTPHeaderField: "Content-Type")
    } else if let body {
        request.httpBody = body
    }
    let session = URLSession(configuration: .ephemeral, delegate: NoRedirects(), delegateQueue: nil)
    defer { session.finishTasksAndInvalidate() }
    let (data, response) = try await session.data(for: request)
    guard let http = response as? HTTPURLResponse else { throw TestFailure("no HTTP response from \(url)") }
    var fields: [String: String] = [:]
    for (key, value) in http.allHeaderFields {
        fields[String(describing: key)] = String(describing: value)
    }
    return HTTPResult(status: http.statusCode, headers: fields, body: data)
}

private final class NoRedirects: NSObject, URLSessionTaskDelegate, Sendable {
    // Linux's Foundation calls only the completion-handler form.
    func urlSession(_ session: URLSession, task: URLSessionTask, willPerformHTTPRedirection response: HTTPURLResponse,
                    newRequest request: URLRequest, completionHandler: @escaping @Sendable (URLRequest?) -> Void) {
        completionHandler(nil)
    }
}
