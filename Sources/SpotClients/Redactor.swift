public import Foundation
#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// Removes secrets from text: each secret as it is, percent-encoded, as `JSONEncoder` writes it
/// inside a JSON string (with `/` escaped, its default, and unescaped, as spotctl's files write
/// it), and in base64 (standard and URL-safe alphabets, at each of the three byte alignments it
/// can have inside a longer encoded text, so `base64("user:" + secret)` loses the secret's part
/// too). Writers add the forms their own encoders give (`alsoEncodedBy`: the site's HTML
/// escaping, file names). Every `ClientError` text goes through one, so that a service echoing a
/// password, a token or a key cannot put it in an error, a log or a plan.
public struct Redactor: Sendable, CustomStringConvertible, CustomDebugStringConvertible {
    public static let replacement = "***"

    /// The forms to remove, longest first.
    private let needles: [String]

    public init(secrets: [Secret]) {
        self.init(values: secrets.map(\.reveal))
    }

    public init(values: [String]) {
        self.init(values: values, alsoEncodedBy: { _ in [] })
    }

    public init(secrets: [Secret], alsoEncodedBy encoders: (String) -> [String]) {
        self.init(values: secrets.map(\.reveal), alsoEncodedBy: encoders)
    }

    /// A redactor for `values` in every form of its own, and in each form `encoders` give them.
    public init(values: [String], alsoEncodedBy encoders: (String) -> [String]) {
        var forms: Set<String> = []
        for value in values where value.count >= Self.minimumLength {
            forms.insert(value)
            for allowed in [CharacterSet.alphanumerics, .urlQueryAllowed, .urlPathAllowed, .urlHostAllowed, .urlUserAllowed, .urlPasswordAllowed] {
                if let encoded = value.addingPercentEncoding(withAllowedCharacters: allowed) { forms.insert(encoded) }
            }
            forms.formUnion(Self.jsonForms(value))
            for core in Self.base64Cores(Array(value.utf8)) {
                forms.insert(core)
                forms.insert(core.replacingOccurrences(of: "+", with: "-").replacingOccurrences(of: "/", with: "_"))
            }
            forms.formUnion(encoders(value))
        }
        needles = forms.filter { $0.count >= Self.minimumLength }.sorted { ($0.count, $0) > ($1.count, $1) }
    }

    /// Shorter values are not treated as secrets (they would blank out ordinary words).
    static let minimumLength = 4

    /// A redactor that removes both sets of secrets.
    public func adding(_ other: Redactor) -> Redactor {
        Redactor(needles: Array(Set(needles).union(other.needles)).sorted { ($0.count, $0) > ($1.count, $1) })
    }

    private init(needles: [String]) {
        self.needles = needles
    }

    public var isEmpty: Bool { needles.isEmpty }

    /// A redactor holds secrets, so it never prints them.
    public var description: String { "Redactor(\(needles.count) forms)" }
    public var debugDescription: String { description }

    /// The text with every form of every secret replaced by `***`.
    public func redact(_ text: String) -> String {
        guard !needles.isEmpty, !text.isEmpty else { return text }
        var result = text
        for needle in needles where result.contains(needle) {
            result = result.replacingOccurrences(of: needle, with: Self.replacement)
        }
        return result
    }

    /// Whether the text holds any form of any secret.
    public func leaks(_ text: String) -> Bool {
        needles.contains { text.contains($0) }
    }

    /// Whether the bytes hold any form of any secret: a byte search, fast enough to check every
    /// file of a large snapshot before it is written.
    public func leaks(_ data: Data) -> Bool {
        guard !needles.isEmpty, !data.isEmpty else { return false }
        return data.withUnsafeBytes { haystack -> Bool in
            guard let base = haystack.baseAddress else { return false }
            for needle in needles {
                let bytes = Array(needle.utf8)
                if bytes.withUnsafeBytes({ Self.contains(UnsafeRawBufferPointer(start: base, count: haystack.count), $0) }) { return true }
            }
            return false
        }
    }

    /// A byte search: `memchr` for the first byte, `memcmp` for the rest.
    private static func contains(_ haystack: UnsafeRawBufferPointer, _ needle: UnsafeRawBufferPointer) -> Bool {
        guard let base = haystack.baseAddress, let pattern = needle.baseAddress, needle.count > 0,
              haystack.count >= needle.count else { return false }
        let first = Int32(needle[0])
        var offset = 0
        let last = haystack.count - needle.count
        while offset <= last {
            guard let hit = memchr(base + offset, first, last - offset + 1) else { return false }
            let position = base.distance(to: UnsafeRawPointer(hit))
            if memcmp(base + position, pattern, needle.count) == 0 { return true }
            offset = position + 1
        }
        return false
    }

    // MARK: forms

    /// The value inside a JSON string as `JSONEncoder` writes it: with `/` escaped (its default)
    /// and without (spotctl's inventory, API and site files), quotes removed.
    static func jsonForms(_ value: String) -> [String] {
        let formattings: [JSONEncoder.OutputFormatting] = [[], .withoutEscapingSlashes]
        return formattings.compactMap { formatting in
            let encoder = JSONEncoder()
            encoder.outputFormatting = formatting
            guard let data = try? encoder.encode(value), data.count >= 2 else { return nil }
            return String(decoding: data.dropFirst().dropLast(), as: UTF8.self)
        }
    }

    /// The base64 characters that depend only on the secret's bytes, for the secret starting at
    /// byte offset 0, 1 and 2 of a 3-byte group (the characters shared with neighbouring bytes are
    /// left out, so each core matches wherever the secret sits in a longer encoded text).
    static func base64Cores(_ bytes: [UInt8]) -> [String] {
        guard !bytes.isEmpty else { return [] }
        var cores: [String] = []
        for shift in 0..<3 {
            let padded = [UInt8](repeating: 0, count: shift) + bytes
            let encoded = Array(Data(padded).base64EncodedString().utf8)
            let first = (8 * shift + 5) / 6
            let last = (8 * padded.count) / 6
            guard last > first else { continue }
            cores.append(String(decoding: encoded[first..<last], as: UTF8.self))
        }
        // The plain encoding too, with its padding, for a secret encoded on its own.
        cores.append(Data(bytes).base64EncodedString())
        return cores
    }
}
