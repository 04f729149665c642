import Foundation
import SpotSimulator
import TestSupport

/// Shape comparison of a simulator response with a published reference sample: the same keys at
/// every level and the same JSON value types, reported as exact key paths (`$.servers[2].flavor.swap`).
///
/// Rules:
/// - objects must have exactly the sample's keys (keys named in `optional` may be missing);
/// - objects under a free-form key (`metadata`, `extra_specs`, `addresses`, ...) hold data, not
///   schema: their keys are not compared, each value is compared with the sample's first value;
/// - every element of an array is compared with the sample's element of the same keys, else its
///   first element (when it has one);
/// - a string in the sample accepts a string or null, a null in the sample accepts null or a string;
/// - integers and floats are told apart by their text (`1` vs `1.0`), as the wire shows them.
enum Shape {
    struct Options {
        /// Free-form keys and how many levels of data keys they hold.
        var freeForm: [String: Int] = [
            "metadata": 1, "extra_specs": 1, "addresses": 1, "properties": 1, "scheduler_hints": 1,
            "binding:profile": 1, "binding:vif_details": 1,
        ]
        /// Key names that may be absent from the actual object.
        var optional: Set<String> = []
        /// Paths not compared (sample quirks), with array indices written `[]`: `$.network.pvlan`.
        var ignored: Set<String> = []
    }

    static func differences(_ actual: JSON, _ sample: JSON, options: Options = Options()) -> [String] {
        var out: [String] = []
        compare(actual, sample, path: "$", options: options, freeLevels: 0, into: &out)
        return out
    }

    private static func generic(_ path: String) -> String {
        var out = ""
        var skipping = false
        for ch in path {
            if ch == "[" { skipping = true; out.append("[") } else if ch == "]" { skipping = false; out.append("]") } else if !skipping { out.append(ch) }
        }
        return out
    }

    static func typeName(_ value: JSON) -> String {
        switch value {
        case .null: return "null"
        case .bool: return "bool"
        case .int: return "int"
        case .double: return "float"
        case .string: return "string"
        case .array: return "array"
        case .object: return "object"
        case .raw: return "raw"
        }
    }

    private static func compare(_ actual: JSON, _ sample: JSON, path: String, options: Options, freeLevels: Int, into out: inout [String]) {
        if options.ignored.contains(generic(path)) { return }
        switch (sample, actual) {
        case (.null, .null), (.null, .string), (.string, .string), (.string, .null), (.bool, .bool), (.int, .int), (.double, .double):
            return
        case (.array(let items), .array(let values)):
            guard let first = items.first else { return }
            for (index, value) in values.enumerated() {
                // A sample list may mix shapes (version links with and without `type`): use the
                // sample element with the same keys when there is one, else the first.
                let keys = Set(value.keys)
                let match = value.object == nil ? first : items.first { Set($0.keys) == keys } ?? first
                compare(value, match, path: "\(path)[\(index)]", options: options, freeLevels: 0, into: &out)
            }
        case (.object(let samplePairs), .object(let actualPairs)):
            let key = path.split(separator: ".").last.map(String.init) ?? ""
            let levels = freeLevels > 0 ? freeLevels : (options.freeForm[key] ?? 0)
            if levels > 0 {
                guard let first = samplePairs.first?.1 else { return }
                for (name, value) in actualPairs {
                    compare(value, first, path: "\(path).\(name)", options: options, freeLevels: levels - 1, into: &out)
                }
                return
            }
            let sampleKeys = samplePairs.map(\.0)
            let actualKeys = Set(actualPairs.map(\.0))
            for name in sampleKeys where !actualKeys.contains(name) && !options.optional.contains(name) {
                if options.ignored.contains(generic("\(path).\(name)")) { continue }
                out.append("\(path).\(name): missing (the sample has \(typeName(samplePairs.first { $0.0 == name }!.1)))")
            }
            let known = Set(sampleKeys)
            for (name, value) in actualPairs where !known.contains(name) {
                if options.ignored.contains(generic("\(path).\(name)")) { continue }
                out.append("\(path).\(name): not in the sample (got \(typeName(value)))")
            }
            for (name, value) in actualPairs {
                guard let expected = samplePairs.first(where: { $0.0 == name })?.1 else { continue }
                compare(value, expected, path: "\(path).\(name)", options: options, freeLevels: 0, into: &out)
            }
        default:
            out.append("\(path): expected \(typeName(sample)), got \(typeName(actual))")
        }
    }
}

/// A small JSON parser that keeps integers and floats apart by their text (`JSONSerialization`
/// turns `1.0` into a number indistinguishable from `1`).
enum ShapeJSON {
    struct ParseError: Error, CustomStringConvertible {
        let description: String
    }

    static func parse(_ data: Data) throws -> JSON {
        var parser = Parser(bytes: Array(data))
        parser.skipSpace()
        let value = try parser.value()
        parser.skipSpace()
        guard parser.index == parser.bytes.count else { throw ParseError(description: "trailing characters at \(parser.index)") }
        return value
    }

    static func parse(_ text: String) throws -> JSON { try parse(Data(text.utf8)) }

    private struct Parser {
        let bytes: [UInt8]
        var index = 0

        mutating func skipSpace() {
            while index < bytes.count, [0x20, 0x0A, 0x0D, 0x09].contains(bytes[index]) { index += 1 }
        }

        mutating func expect(_ literal: String) throws {
            for byte in literal.utf8 {
                guard index < bytes.count, bytes[index] == byte else { throw ParseError(description: "expected \(literal) at \(index)") }
                index += 1
            }
        }

        mutating func value() throws -> JSON {
            guard index < bytes.count else { throw ParseError(description: "unexpected end") }
            switch bytes[index] {
            case UInt8(ascii: "{"):
                index += 1
                var pairs: [(String, JSON)] = []
                skipSpace()
                if bytes[index] == UInt8(ascii: "}") { index += 1; return .object(pairs) }
                while true {
                    skipSpace()
                    let key = try string()
                    skipSpace()
                    try expect(":")
                    skipSpace()
                    pairs.append((key, try value()))
                    skipSpace()
                    if bytes[index] == UInt8(ascii: ",") { index += 1; continue }
                    try expect("}")
                    return .object(pairs)
                }
            case UInt8(ascii: "["):
                index += 1
                var items: [JSON] = []
                skipSpace()
                if bytes[index] == UInt8(ascii: "]") { index += 1; return .array(items) }
                while true {
                    skipSpace()
                    items.append(try value())
                    skipSpace()
                    if bytes[index] == UInt8(ascii: ",") { index += 1; continue }
                    try expect("]")
                    return .array(items)
                }
            case UInt8(ascii: "\""):
                return .string(try string())
            case UInt8(ascii: "t"):
                try expect("true")
                return .bool(true)
            case UInt8(ascii: "f"):
                try expect("false")
                return .bool(false)
            case UInt8(ascii: "n"):
                try expect("null")
                return .null
            default:
                let start = index
                var isFloat = false
                while index < bytes.count, let ch = Optional(bytes[index]),
                      (ch >= 0x30 && ch <= 0x39) || ch == UInt8(ascii: "-") || ch == UInt8(ascii: "+") || ch == UInt8(ascii: ".")
                        || ch == UInt8(ascii: "e") || ch == UInt8(ascii: "E") {
                    if ch == UInt8(ascii: ".") || ch == UInt8(ascii: "e") || ch == UInt8(ascii: "E") { isFloat = true }
                    index += 1
                }
                let text = String(decoding: bytes[start..<index], as: UTF8.self)
                if !isFloat, let number = Int(text) { return .int(number) }
                guard let number = Double(text) else { throw ParseError(description: "bad number \(text) at \(start)") }
                return .double(number)
            }
        }

        mutating func string() throws -> String {
            try expect("\"")
            var out = [UInt8]()
            while index < bytes.count {
                let byte = bytes[index]
                index += 1
                if byte == UInt8(ascii: "\"") { return String(decoding: out, as: UTF8.self) }
                if byte == UInt8(ascii: "\\") {
                    let escaped = bytes[index]
                    index += 1
                    switch escaped {
                    case UInt8(ascii: "n"): out.append(0x0A)
                    case UInt8(ascii: "t"): out.append(0x09)
                    case UInt8(ascii: "r"): out.append(0x0D)
                    case UInt8(ascii: "b"): out.append(0x08)
                    case UInt8(ascii: "f"): out.append(0x0C)
                    case UInt8(ascii: "u"):
                        let hex = String(decoding: bytes[index..<index + 4], as: UTF8.self)
                        index += 4
                        var scalar = UInt32(hex, radix: 16) ?? 0x3F
                        if (0xD800..<0xDC00).contains(scalar), index + 6 <= bytes.count, bytes[index] == UInt8(ascii: "\\") {
                            let low = UInt32(String(decoding: bytes[index + 2..<index + 6], as: UTF8.self), radix: 16) ?? 0
                            index += 6
                            scalar = 0x10000 + ((scalar - 0xD800) << 10) + (low - 0xDC00)
                        }
                        out.append(contentsOf: Array(String(Character(Unicode.Scalar(scalar) ?? "?")).utf8))
                    default: out.append(escaped)
                    }
                } else {
                    out.append(byte)
                }
            }
            throw ParseError(description: "unterminated string")
        }
    }
}

/// The shape skeletons of the published API samples the tests compare with, kept in the repository
/// under `Fixtures/reference-shapes/` with the samples' own relative paths (Nova's `vX.Y/` folders
/// included). Each has the sample's keys, key order, arrays and JSON value types, with neutral values;
/// `scripts/refresh-reference-fixtures.py` writes them from the published samples (docs/simulator.md).
enum Reference {
    static let root = ProjectPaths.root.appendingPathComponent("Tests/SpotSimulatorTests/Fixtures/reference-shapes", isDirectory: true)

    static func load(_ relative: String) throws -> JSON {
        let url = root.appendingPathComponent(relative)
        guard let data = FileManager.default.contents(atPath: url.path) else {
            throw TestFailure("reference fixture missing: \(url.path) (list the sample in scripts/refresh-reference-fixtures.py and run it)")
        }
        return try ShapeJSON.parse(data)
    }

    /// The Nova sample that describes `file` at `version`: the highest `vX.Y/` folder not above
    /// the version that has the file, else the base file. Returns the relative path too.
    static func nova(_ folder: String, _ file: String, at version: String) throws -> (json: JSON, path: String) {
        let base = "nova/doc/api_samples/\(folder)"
        guard let wanted = Microversion(version) else { throw TestFailure("bad microversion \(version)") }
        let folders = (try? FileManager.default.contentsOfDirectory(atPath: root.appendingPathComponent(base).path)) ?? []
        let candidates = folders.compactMap { name -> (Microversion, String)? in
            guard name.hasPrefix("v"), let v = Microversion(String(name.dropFirst())), v <= wanted else { return nil }
            return FileManager.default.fileExists(atPath: root.appendingPathComponent("\(base)/\(name)/\(file)").path) ? (v, name) : nil
        }.sorted { $0.0 > $1.0 }
        let path = candidates.first.map { "\(base)/\($0.1)/\(file)" } ?? "\(base)/\(file)"
        return (try load(path), path)
    }
}
