/// A name template from the configuration: literal text, `<TYPE>` for the canonical GPU type name,
/// `<N>` for a GPU count (flavor patterns only) and `*` for any run of characters.
///
/// `L40-n3-spot` is matched by `<TYPE>-n3-spot` with TYPE = L40; `Contract-*` matches any contract.
public struct NamePattern: Sendable, Hashable, CustomStringConvertible {
    public enum Placeholder: String, Sendable, CaseIterable {
        case type = "TYPE"
        case count = "N"
    }

    enum Segment: Sendable, Hashable {
        case literal(String)
        case placeholder(Placeholder)
        case wildcard
    }

    public let template: String
    let segments: [Segment]

    /// Parses a template. `allowed` names the placeholders this kind of pattern may use.
    public init(_ template: String, allowed: Set<Placeholder> = [.type]) throws(PatternError) {
        guard !template.isEmpty else { throw PatternError(template: template, reason: "a pattern cannot be empty") }
        var segments: [Segment] = []
        var literal = ""
        var index = template.startIndex
        while index < template.endIndex {
            let character = template[index]
            if character == "<" {
                guard let close = template[index...].firstIndex(of: ">") else {
                    throw PatternError(template: template, reason: "'<' is not closed by '>'")
                }
                let name = String(template[template.index(after: index)..<close])
                guard let placeholder = Placeholder(rawValue: name) else {
                    let known = allowed.map { "<\($0.rawValue)>" }.sorted().joined(separator: ", ")
                    throw PatternError(template: template, reason: "unknown placeholder <\(name)>; this pattern may use \(known.isEmpty ? "none" : known) and *")
                }
                guard allowed.contains(placeholder) else {
                    throw PatternError(template: template, reason: "<\(name)> cannot be used in this pattern")
                }
                if !literal.isEmpty { segments.append(.literal(literal)); literal = "" }
                segments.append(.placeholder(placeholder))
                index = template.index(after: close)
                continue
            }
            if character == ">" {
                throw PatternError(template: template, reason: "'>' without a matching '<'")
            }
            if character == "*" {
                if !literal.isEmpty { segments.append(.literal(literal)); literal = "" }
                if segments.last != .wildcard { segments.append(.wildcard) }
            } else {
                literal.append(character)
            }
            index = template.index(after: index)
        }
        if !literal.isEmpty { segments.append(.literal(literal)) }
        self.template = template
        self.segments = segments
    }

    public var description: String { template }

    public var usesType: Bool { segments.contains(.placeholder(.type)) }
    public var usesCount: Bool { segments.contains(.placeholder(.count)) }

    /// The pattern with its placeholders filled in (wildcards stay `*`).
    public func expanded(type: String? = nil, count: Int? = nil) -> String {
        segments.map { segment in
            switch segment {
            case .literal(let text): return text
            case .wildcard: return "*"
            case .placeholder(.type): return type ?? "<TYPE>"
            case .placeholder(.count): return count.map(String.init) ?? "<N>"
            }
        }.joined()
    }

    /// Whether `name` matches with `<TYPE>` standing for `type` (exactly, case-sensitive, as Nova
    /// compares aggregate names).
    public func matches(_ name: String, type: String? = nil, caseInsensitive: Bool = false) -> Bool {
        let glob = expanded(type: type)
        return Glob.matches(caseInsensitive ? name.lowercased() : name,
                            pattern: caseInsensitive ? glob.lowercased() : glob)
    }
}

public struct PatternError: Error, Sendable, Hashable, CustomStringConvertible {
    public let template: String
    public let reason: String
    public var description: String { "invalid pattern \"\(template)\": \(reason)" }
}

/// Glob matching with `*` as the only special character.
enum Glob {
    static func matches(_ text: String, pattern: String) -> Bool {
        let text = Array(text.unicodeScalars)
        let pattern = Array(pattern.unicodeScalars)
        var t = 0, p = 0
        var starP = -1, starT = 0
        while t < text.count {
            if p < pattern.count, pattern[p] != "*", pattern[p] == text[t] {
                t += 1; p += 1
            } else if p < pattern.count, pattern[p] == "*" {
                starP = p; starT = t; p += 1
            } else if starP >= 0 {
                p = starP + 1; starT += 1; t = starT
            } else {
                return false
            }
        }
        while p < pattern.count, pattern[p] == "*" { p += 1 }
        return p == pattern.count
    }
}
