public import Foundation
import Yams

/// Reading and writing scenario files (JSON or YAML).
public enum ScenarioFile {
    public static func load(_ url: URL) throws -> Scenario {
        let data: Data
        do {
            data = try Data(contentsOf: url)
        } catch {
            throw SimulatorError("cannot read the scenario \(url.path): \(error.localizedDescription)")
        }
        return try decode(data, name: url.path)
    }

    public static func decode(_ data: Data, name: String) throws -> Scenario {
        let text = String(decoding: data, as: UTF8.self)
        let trimmed = text.drop { $0.isWhitespace }
        do {
            if trimmed.hasPrefix("{") {
                return try JSONDecoder().decode(Scenario.self, from: data)
            }
            return try YAMLDecoder().decode(Scenario.self, from: text)
        } catch let error as DecodingError {
            throw SimulatorError("the scenario \(name) is not valid: \(describe(error))")
        } catch {
            throw SimulatorError("the scenario \(name) is not valid: \(error)")
        }
    }

    /// The scenario as pretty, key-sorted JSON (deterministic).
    public static func encode(_ scenario: Scenario) throws -> Data {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.prettyPrinted, .sortedKeys, .withoutEscapingSlashes]
        return try encoder.encode(scenario)
    }

    static func describe(_ error: DecodingError) -> String {
        func path(_ context: DecodingError.Context) -> String {
            context.codingPath.map { $0.intValue.map { "[\($0)]" } ?? ".\($0.stringValue)" }.joined()
        }
        switch error {
        case .keyNotFound(let key, let context): return "\(path(context)).\(key.stringValue) is missing"
        case .typeMismatch(_, let context), .valueNotFound(_, let context), .dataCorrupted(let context):
            return "\(path(context)): \(context.debugDescription)"
        @unknown default: return "\(error)"
        }
    }
}
