import Yams

/// One problem in a configuration file, with the place it was found.
public struct ConfigurationDiagnostic: Sendable, Hashable, CustomStringConvertible {
    public let file: String
    public let line: Int
    public let column: Int
    /// The dotted key path, such as `gpu_types.L40.tags`.
    public let key: String
    public let message: String

    public var description: String {
        key.isEmpty ? "\(file):\(line):\(column): \(message)" : "\(file):\(line):\(column): \(key): \(message)"
    }
}

/// A configuration file that could not be used; every problem found is listed.
public struct ConfigurationError: Error, Sendable, Hashable, CustomStringConvertible {
    public let file: String
    public let diagnostics: [ConfigurationDiagnostic]

    public var description: String {
        let count = diagnostics.count
        let head = "\(file): \(count) problem\(count == 1 ? "" : "s") in the configuration; nothing was changed"
        return ([head] + diagnostics.map { "  \($0)" }).joined(separator: "\n")
    }
}

/// Reads `spotctl.yaml`. Keys left out take the built-in defaults; an unknown key, a wrong type, a
/// malformed pattern or an invalid value is reported with its file, line and key. All problems are
/// collected, so one run shows every one of them.
public enum ConfigurationLoader {
    /// - Parameter repositoryRoot: the operations repository's root, when known, so that secret
    ///   files inside it are refused.
    public static func load(yaml text: String, file: String, repositoryRoot: String? = nil) throws(ConfigurationError) -> Configuration {
        let reader = YAMLReader(file: file, repositoryRoot: repositoryRoot)
        let root: Node?
        do {
            root = try Yams.compose(yaml: text)
        } catch let error as YamlError {
            throw ConfigurationError(file: file, diagnostics: [reader.syntaxDiagnostic(error)])
        } catch {
            throw ConfigurationError(file: file, diagnostics: [
                ConfigurationDiagnostic(file: file, line: 1, column: 1, key: "", message: "cannot parse YAML: \(error)"),
            ])
        }
        var configuration = Configuration()
        if let root {
            ConfigurationSchema.read(root, into: &configuration, reader: reader)
        }
        if !reader.diagnostics.isEmpty {
            throw ConfigurationError(file: file, diagnostics: reader.diagnostics)
        }
        return configuration
    }
}

/// Walks a composed YAML tree, keeping the position of every node for error messages.
final class YAMLReader {
    let file: String
    let repositoryRoot: String?
    private(set) var diagnostics: [ConfigurationDiagnostic] = []

    init(file: String, repositoryRoot: String? = nil) {
        self.file = file
        self.repositoryRoot = repositoryRoot
    }

    /// A file that holds a secret: an absolute path (or `~/...`) outside the repository, so that
    /// the secret can never be committed.
    func secretFile(_ node: Node, _ path: String) -> String?? {
        guard let value = optionalString(node, path) else { return nil }
        guard let file = value else { return .some(nil) }
        guard file.hasPrefix("/") || file.hasPrefix("~/") else {
            report(node, path, "a secret file must be an absolute path outside the repository (or start with ~/), found \"\(file)\"")
            return nil
        }
        if let root = repositoryRoot, file.hasPrefix("/") {
            let normalizedRoot = root.hasSuffix("/") ? root : root + "/"
            let components = file.split(separator: "/").reduce(into: [Substring]()) { parts, part in
                if part == ".." { _ = parts.popLast() } else if part != "." { parts.append(part) }
            }
            let normalized = "/" + components.joined(separator: "/")
            if normalized.hasPrefix(normalizedRoot) || normalized + "/" == normalizedRoot {
                report(node, path, "\(file) is inside the operations repository; keep secrets outside it so they are never committed")
                return nil
            }
        }
        return .some(file)
    }

    func report(_ node: Node?, _ key: String, _ message: String) {
        let mark = node?.mark
        diagnostics.append(ConfigurationDiagnostic(file: file, line: mark?.line ?? 1, column: mark?.column ?? 1,
                                                   key: key, message: message))
    }

    func syntaxDiagnostic(_ error: YamlError) -> ConfigurationDiagnostic {
        switch error {
        case .scanner(_, let problem, let mark, _), .parser(_, let problem, let mark, _):
            return ConfigurationDiagnostic(file: file, line: mark.line, column: mark.column, key: "",
                                           message: "invalid YAML: \(problem)")
        case .composer(_, let problem, let mark, _):
            return ConfigurationDiagnostic(file: file, line: mark.line, column: mark.column, key: "",
                                           message: "invalid YAML: \(problem)")
        case .duplicatedKeysInMapping(let duplicates, let context):
            // Yams points at the first occurrence; point at the second, where the mistake is.
            let key = duplicates.first ?? ""
            let lines = context.text.split(separator: "\n", omittingEmptySubsequences: false)
            var line = context.mark.line
            var column = context.mark.column
            for index in context.mark.line..<max(context.mark.line, lines.count) {
                let text = lines[index]
                let indent = text.prefix { $0 == " " }.count
                if indent == context.mark.column - 1, text.dropFirst(indent).hasPrefix("\(key):") {
                    line = index + 1
                    column = indent + 1
                    break
                }
            }
            return ConfigurationDiagnostic(file: file, line: line, column: column, key: key,
                                           message: "the key \"\(key)\" appears twice")
        default:
            return ConfigurationDiagnostic(file: file, line: 1, column: 1, key: "", message: "invalid YAML: \(error)")
        }
    }

    /// Reads a mapping whose keys must all be known. Each known key's value is passed to its handler.
    func mapping(_ node: Node, _ path: String, _ handlers: [String: (Node, String) -> Void]) {
        guard let entries = mappingEntries(node, path) else { return }
        for (keyNode, valueNode, key) in entries {
            let keyPath = join(path, key)
            if let handler = handlers[key] {
                handler(valueNode, keyPath)
            } else {
                let known = handlers.keys.sorted().joined(separator: ", ")
                report(keyNode, keyPath, "unknown key \"\(key)\"\(suggestion(key, handlers.keys)); known keys here: \(known)")
            }
        }
    }

    /// The entries of a mapping in file order, with duplicate keys reported.
    func mappingEntries(_ node: Node, _ path: String) -> [(Node, Node, String)]? {
        if isNull(node) { return [] }
        guard case .mapping(let mapping) = node else {
            report(node, path, "expected a mapping (key: value lines), found \(kind(of: node))")
            return nil
        }
        var seen = Set<String>()
        var entries: [(Node, Node, String)] = []
        for (keyNode, valueNode) in mapping {
            guard case .scalar(let scalar) = keyNode else {
                report(keyNode, path, "a key must be plain text, found \(kind(of: keyNode))")
                continue
            }
            let key = scalar.string
            if !seen.insert(key).inserted {
                report(keyNode, join(path, key), "the key \"\(key)\" appears twice")
                continue
            }
            entries.append((keyNode, valueNode, key))
        }
        return entries
    }

    func isNull(_ node: Node) -> Bool {
        guard case .scalar(let scalar) = node, scalar.style == .plain else { return false }
        return ["", "~", "null", "Null", "NULL"].contains(scalar.string)
    }

    func string(_ node: Node, _ path: String, allowEmpty: Bool = false) -> String? {
        guard case .scalar(let scalar) = node, !isNull(node) else {
            report(node, path, "expected text, found \(kind(of: node))")
            return nil
        }
        if scalar.style == .plain, boolValue(scalar.string) != nil || Double(scalar.string) != nil {
            report(node, path, "expected text, found \(kind(of: node)); quote it if you mean the text")
            return nil
        }
        if !allowEmpty, scalar.string.isEmpty {
            report(node, path, "expected text, found an empty string")
            return nil
        }
        return scalar.string
    }

    func optionalString(_ node: Node, _ path: String) -> String?? {
        if isNull(node) { return .some(nil) }
        guard let value = string(node, path) else { return nil }
        return .some(value)
    }

    func int(_ node: Node, _ path: String, minimum: Int? = nil) -> Int? {
        guard case .scalar(let scalar) = node, scalar.style == .plain, let value = Int(scalar.string) else {
            report(node, path, "expected a whole number, found \(kind(of: node))")
            return nil
        }
        if let minimum, value < minimum {
            report(node, path, "must be at least \(minimum), found \(value)")
            return nil
        }
        return value
    }

    func optionalInt(_ node: Node, _ path: String, minimum: Int? = nil) -> Int?? {
        if isNull(node) { return .some(nil) }
        guard let value = int(node, path, minimum: minimum) else { return nil }
        return .some(value)
    }

    func double(_ node: Node, _ path: String, range: ClosedRange<Double>) -> Double? {
        guard case .scalar(let scalar) = node, scalar.style == .plain, let value = Double(scalar.string) else {
            report(node, path, "expected a number, found \(kind(of: node))")
            return nil
        }
        guard range.contains(value) else {
            report(node, path, "must be between \(range.lowerBound) and \(range.upperBound), found \(scalar.string)")
            return nil
        }
        return value
    }

    func bool(_ node: Node, _ path: String) -> Bool? {
        guard case .scalar(let scalar) = node, scalar.style == .plain, let value = boolValue(scalar.string) else {
            report(node, path, "expected true or false, found \(kind(of: node))")
            return nil
        }
        return value
    }

    func stringList(_ node: Node, _ path: String) -> [String]? {
        guard let items = sequence(node, path) else { return nil }
        var values: [String] = []
        var ok = true
        for (index, item) in items.enumerated() {
            if let value = string(item, "\(path)[\(index)]") { values.append(value) } else { ok = false }
        }
        return ok ? values : nil
    }

    func patternList(_ node: Node, _ path: String, allowed: Set<NamePattern.Placeholder>) -> [NamePattern]? {
        guard let items = sequence(node, path) else { return nil }
        var values: [NamePattern] = []
        var ok = true
        for (index, item) in items.enumerated() {
            if let value = pattern(item, "\(path)[\(index)]", allowed: allowed) { values.append(value) } else { ok = false }
        }
        return ok ? values : nil
    }

    func pattern(_ node: Node, _ path: String, allowed: Set<NamePattern.Placeholder>) -> NamePattern? {
        guard let text = string(node, path) else { return nil }
        do {
            return try NamePattern(text, allowed: allowed)
        } catch {
            report(node, path, error.description)
            return nil
        }
    }

    func sequence(_ node: Node, _ path: String) -> [Node]? {
        if isNull(node) { return [] }
        guard case .sequence(let sequence) = node else {
            report(node, path, "expected a list, found \(kind(of: node))")
            return nil
        }
        return Array(sequence)
    }

    func kind(of node: Node) -> String {
        switch node {
        case .mapping: return "a mapping"
        case .sequence: return "a list"
        case .alias: return "an alias"
        case .scalar(let scalar):
            if isNull(node) { return "nothing (null)" }
            if scalar.style == .plain {
                if Int(scalar.string) != nil { return "the number \(scalar.string)" }
                if Double(scalar.string) != nil { return "the number \(scalar.string)" }
                if boolValue(scalar.string) != nil { return "the boolean \(scalar.string)" }
            }
            return "the text \"\(scalar.string)\""
        }
    }

    private func boolValue(_ text: String) -> Bool? {
        switch text {
        case "true", "True", "TRUE": return true
        case "false", "False", "FALSE": return false
        default: return nil
        }
    }

    private func join(_ path: String, _ key: String) -> String {
        path.isEmpty ? key : "\(path).\(key)"
    }

    private func suggestion(_ key: String, _ known: Dictionary<String, (Node, String) -> Void>.Keys) -> String {
        let lowered = key.lowercased().replacingDashes()
        if let match = known.first(where: { $0.lowercased().replacingDashes() == lowered }) {
            return " (did you mean \"\(match)\"?)"
        }
        if let match = known.sorted().first(where: { editDistance($0, key) <= 2 }) {
            return " (did you mean \"\(match)\"?)"
        }
        return ""
    }
}

extension String {
    fileprivate func replacingDashes() -> String {
        String(map { $0 == "-" ? "_" : $0 })
    }
}

/// Levenshtein distance, for "did you mean" hints on misspelt keys.
func editDistance(_ a: String, _ b: String) -> Int {
    let a = Array(a), b = Array(b)
    if a.isEmpty { return b.count }
    if b.isEmpty { return a.count }
    var previous = Array(0...b.count)
    for i in 1...a.count {
        var current = [i] + Array(repeating: 0, count: b.count)
        for j in 1...b.count {
            current[j] = min(previous[j] + 1, current[j - 1] + 1, previous[j - 1] + (a[i - 1] == b[j - 1] ? 0 : 1))
        }
        previous = current
    }
    return previous[b.count]
}
