import Foundation

/// How a service writes its error bodies (FORMATS.md section 9, item 4).
enum ErrorStyle: Sendable {
    /// Keystone `{"error": {"message"}}`, Nova `{"<faultName>": {"code", "message"}}`, Neutron
    /// `{"NeutronError": {"type", "message", "detail"}}`: the message of the single key's object.
    case openStack
    /// NetBox (Django REST framework): `{"detail": "..."}`, or lists of messages keyed by field.
    case netBox
    /// Hyperstack: `{"status": false, "message": "...", "error_reason": "..."}`.
    case hyperstack

    /// The service's own message from an error body, or a short, cleaned excerpt of the body
    /// when it is not in the service's format.
    func message(from body: Data) -> String {
        let parsed = (try? JSONSerialization.jsonObject(with: body, options: [.fragmentsAllowed])).flatMap(parse)
        if let parsed, !parsed.isEmpty { return parsed }
        return Self.excerpt(body)
    }

    private func parse(_ json: Any) -> String? {
        switch self {
        case .openStack:
            guard let object = json as? [String: Any] else { return nil }
            if let message = object["message"] as? String { return message }
            // The single key's object; Keystone's "error" and Neutron's "NeutronError" first.
            let inner = object["error"] ?? object["NeutronError"] ?? (object.count == 1 ? object.values.first : nil)
            if let inner = inner as? [String: Any] {
                if let message = inner["message"] as? String {
                    if let detail = inner["detail"] as? String, !detail.isEmpty, detail != message {
                        return message + " (" + detail + ")"
                    }
                    return message
                }
                if let explanation = inner["explanation"] as? String { return explanation }
            }
            if let text = inner as? String { return text }
            return nil
        case .netBox:
            if let object = json as? [String: Any] {
                if let detail = object["detail"] as? String { return detail }
                var parts: [String] = []
                for key in object.keys.sorted() {
                    let messages = Self.strings(object[key])
                    guard !messages.isEmpty else { continue }
                    parts.append(key == "non_field_errors" || key == "__all__" ? messages.joined(separator: " ")
                                 : key + ": " + messages.joined(separator: " "))
                }
                return parts.isEmpty ? nil : parts.joined(separator: "; ")
            }
            if let list = json as? [Any] {
                let parts = list.compactMap { parse($0) }
                return parts.isEmpty ? nil : parts.joined(separator: "; ")
            }
            return json as? String
        case .hyperstack:
            guard let object = json as? [String: Any] else { return nil }
            guard let message = (object["message"] as? String) ?? (object["detail"] as? String) else { return nil }
            if let reason = object["error_reason"] as? String, !reason.isEmpty { return message + " (" + reason + ")" }
            return message
        }
    }

    private static func strings(_ value: Any?) -> [String] {
        if let text = value as? String { return [text] }
        if let list = value as? [Any] { return list.flatMap { strings($0) } }
        if let object = value as? [String: Any] {
            return object.keys.sorted().flatMap { key in strings(object[key]).map { key + ": " + $0 } }
        }
        return []
    }

    /// The first 200 characters of a body, on one line (HTML bodies from proxies and the like).
    static func excerpt(_ body: Data) -> String {
        var text = String(decoding: body.prefix(4096), as: UTF8.self)
        if text.contains("<") {
            text = text.replacingOccurrences(of: "<[^>]*>", with: " ", options: .regularExpression)
        }
        let words = text.split(whereSeparator: \.isWhitespace).joined(separator: " ")
        if words.isEmpty { return body.isEmpty ? "" : "(\(body.count) bytes)" }
        return words.count > 200 ? String(words.prefix(200)) + "…" : words
    }
}

/// One service's way of calling: its name, error style and the secrets to keep out of errors.
struct ServiceCaller: Sendable {
    let service: String
    let style: ErrorStyle
    let transport: HTTPTransport

    /// Sends a request and returns the answer when its status is one of `expect`; any other
    /// status becomes a `ClientError` with the service's own message.
    /// `repetition`: whether the request may be sent again (by default from its method; see
    /// `Repetition`).
    func call(_ method: String, _ url: String, headers: [(String, String)], body: Data? = nil,
              redactor: Redactor, expect: Set<Int> = [200], repetition: Repetition? = nil) async throws(ClientError) -> HTTPTransport.Response {
        let request = HTTPTransport.Request(service: service, method: method, url: url, headers: headers, body: body,
                                            repetition: repetition)
        let sent = try await transport.send(request, redactor: redactor)
        let response = sent.response
        guard expect.contains(response.status) else {
            let redactor = transport.redactor(adding: redactor)
            var message = style.message(from: response.body)
            if let reason = sent.notRepeated { message += (message.isEmpty ? "" : "; ") + reason }
            throw ClientError(service: service, method: method, path: redactor.redact(HTTPTransport.pathAndQuery(url)),
                              status: response.status, message: redactor.redact(message), attempts: sent.attempts)
        }
        return response
    }

    /// A `ClientError` for an answer that came back with the right status but could not be read.
    func undecodable(_ method: String, _ url: String, _ error: any Error, redactor given: Redactor, status: Int = 200) -> ClientError {
        let redactor = transport.redactor(adding: given)
        return ClientError(service: service, method: method, path: redactor.redact(HTTPTransport.pathAndQuery(url)), status: status,
                    message: redactor.redact("the answer could not be read: \(JSONSupport.describe(error))"), attempts: 1)
    }

    func decode<T: Decodable>(_ type: T.Type, from response: HTTPTransport.Response, method: String, url: String,
                              redactor: Redactor) throws(ClientError) -> T {
        do {
            return try JSONDecoder().decode(type, from: response.body)
        } catch {
            throw undecodable(method, url, error, redactor: redactor, status: response.status)
        }
    }
}
