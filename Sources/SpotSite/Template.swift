import Foundation

/// The dashboard's template language: the part of Mustache the templates use, rendered straight
/// into UTF-8 bytes with no runtime reflection (a 2,000-host site is some 4,000 pages).
///
///     {{name}}  {{a.b}}  {{.}}     a value, HTML-escaped (& < > " ')
///     {{{name}}}  {{& name}}       a value as it is (only for markup spotctl builds, such as SVG)
///     {{#name}}…{{/name}}          a section: once when true or a context, once per list element
///     {{^name}}…{{/name}}          an inverted section: when false, absent or an empty list
///     {{> name}}                   another template (a partial), with the same context
///     {{! comment }}
///
/// Contexts are `[String: Any]` dictionaries whose values are `String`, `Int`, `Double`, `Bool`,
/// nested dictionaries and arrays of them. A name not found in the innermost context is looked up
/// in the enclosing ones, as in Mustache.
struct Template: Sendable {
    indirect enum Node: Sendable {
        case text([UInt8])
        case value(path: [String], escaped: Bool)
        case section(path: [String], inverted: Bool, children: [Node])
        case partial(String)
    }

    let name: String
    let nodes: [Node]

    init(name: String, text: String) throws(SiteError) {
        self.name = name
        var parser = Parser(name: name, bytes: Array(text.utf8))
        self.nodes = try parser.parse()
    }

    /// Parses `{{` … `}}` tags into a tree of nodes, with the line of every error.
    private struct Parser {
        let name: String
        let bytes: [UInt8]
        var position = 0

        init(name: String, bytes: [UInt8]) {
            self.name = name
            self.bytes = bytes
        }

        func line(at offset: Int) -> Int {
            bytes[..<min(offset, bytes.count)].reduce(1) { $1 == 0x0A ? $0 + 1 : $0 }
        }

        func error(_ message: String, at offset: Int) -> SiteError {
            SiteError("\(name):\(line(at: offset)): \(message)", hint: "fix the template (Mustache syntax: {{name}}, {{#section}}…{{/section}})")
        }

        mutating func parse() throws(SiteError) -> [Node] {
            var stack: [(path: [String], inverted: Bool, start: Int, nodes: [Node])] = [([], false, 0, [])]
            var text: [UInt8] = []
            func flush(_ stack: inout [(path: [String], inverted: Bool, start: Int, nodes: [Node])], _ text: inout [UInt8]) {
                if !text.isEmpty {
                    stack[stack.count - 1].nodes.append(.text(text))
                    text = []
                }
            }
            while position < bytes.count {
                guard bytes[position] == 0x7B, position + 1 < bytes.count, bytes[position + 1] == 0x7B else {
                    text.append(bytes[position])
                    position += 1
                    continue
                }
                let start = position
                let triple = position + 2 < bytes.count && bytes[position + 2] == 0x7B
                let open = triple ? 3 : 2
                let close: [UInt8] = triple ? [0x7D, 0x7D, 0x7D] : [0x7D, 0x7D]
                var end = position + open
                while end + close.count <= bytes.count && Array(bytes[end..<end + close.count]) != close { end += 1 }
                guard end + close.count <= bytes.count else { throw error("a tag is not closed", at: start) }
                var tag = String(decoding: bytes[(position + open)..<end], as: UTF8.self).trimmingCharacters(in: .whitespaces)
                position = end + close.count
                flush(&stack, &text)
                if triple {
                    stack[stack.count - 1].nodes.append(.value(path: try Self.path(tag, error(_:at:), start), escaped: false))
                    continue
                }
                let sigil = tag.first
                if let sigil, "#^/>&!".contains(sigil) {
                    tag = String(tag.dropFirst()).trimmingCharacters(in: .whitespaces)
                }
                switch sigil {
                case "!":
                    continue
                case "#", "^":
                    stack.append((try Self.path(tag, error(_:at:), start), sigil == "^", start, []))
                case "/":
                    let path = try Self.path(tag, error(_:at:), start)
                    guard stack.count > 1 else { throw error("{{/\(tag)}} closes no section", at: start) }
                    let section = stack.removeLast()
                    guard section.path == path else {
                        throw error("{{/\(tag)}} closes {{#\(section.path.joined(separator: "."))}} (opened on line \(line(at: section.start)))", at: start)
                    }
                    stack[stack.count - 1].nodes.append(.section(path: path, inverted: section.inverted, children: section.nodes))
                case ">":
                    guard !tag.isEmpty else { throw error("a partial needs a name", at: start) }
                    stack[stack.count - 1].nodes.append(.partial(tag))
                case "&":
                    stack[stack.count - 1].nodes.append(.value(path: try Self.path(tag, error(_:at:), start), escaped: false))
                default:
                    stack[stack.count - 1].nodes.append(.value(path: try Self.path(tag, error(_:at:), start), escaped: true))
                }
            }
            flush(&stack, &text)
            guard stack.count == 1, let root = stack.first else {
                let open = stack[stack.count - 1]
                throw error("{{#\(open.path.joined(separator: "."))}} is never closed", at: open.start)
            }
            return root.nodes
        }

        static func path(_ tag: String, _ error: (String, Int) -> SiteError, _ offset: Int) throws(SiteError) -> [String] {
            if tag == "." { return ["."] }
            let parts = tag.split(separator: ".", omittingEmptySubsequences: false).map(String.init)
            guard !tag.isEmpty, parts.allSatisfy({ !$0.isEmpty && $0.allSatisfy { $0.isLetter || $0.isNumber || $0 == "_" || $0 == "-" } }) else {
                throw error("\"\(tag)\" is not a name", offset)
            }
            return parts
        }
    }
}

/// The templates of a site by name, and the renderer.
struct TemplateLibrary: Sendable {
    let templates: [String: Template]

    func render(_ context: [String: Any], template name: String) throws(SiteError) -> [UInt8] {
        guard let template = templates[name] else {
            throw SiteError("the template \(name).mustache is missing", hint: "restore it, or remove the repository's override folder")
        }
        var output: [UInt8] = []
        output.reserveCapacity(16_384)
        var stack: [Any] = [context]
        try render(template.nodes, stack: &stack, into: &output, depth: 0)
        return output
    }

    private func render(_ nodes: [Template.Node], stack: inout [Any], into output: inout [UInt8], depth: Int) throws(SiteError) {
        for node in nodes {
            switch node {
            case .text(let bytes):
                output.append(contentsOf: bytes)
            case .value(let path, let escaped):
                guard let value = Self.lookup(path, in: stack) else { continue }
                Self.write(value, escaped: escaped, into: &output)
            case .section(let path, let inverted, let children):
                let value = Self.lookup(path, in: stack)
                if inverted {
                    if !Self.isTruthy(value) { try render(children, stack: &stack, into: &output, depth: depth) }
                    continue
                }
                switch value {
                case nil:
                    break
                case let flag as Bool:
                    if flag { try render(children, stack: &stack, into: &output, depth: depth) }
                case let list as [[String: Any]]:
                    for element in list {
                        stack.append(element)
                        try render(children, stack: &stack, into: &output, depth: depth)
                        stack.removeLast()
                    }
                case let list as [Any]:
                    for element in list {
                        stack.append(element)
                        try render(children, stack: &stack, into: &output, depth: depth)
                        stack.removeLast()
                    }
                case let some?:
                    stack.append(some)
                    try render(children, stack: &stack, into: &output, depth: depth)
                    stack.removeLast()
                }
            case .partial(let name):
                guard depth < 20 else { throw SiteError("the partial \(name) includes itself", hint: "a template may not include itself") }
                guard let partial = templates[name] else {
                    throw SiteError("the partial \(name).mustache is missing", hint: "restore it, or remove the repository's override folder")
                }
                try render(partial.nodes, stack: &stack, into: &output, depth: depth + 1)
            }
        }
    }

    static func lookup(_ path: [String], in stack: [Any]) -> Any? {
        if path.count == 1 && path[0] == "." { return stack.last }
        var found: Any?
        for context in stack.reversed() {
            if let dictionary = context as? [String: Any], let value = dictionary[path[0]] {
                found = value
                break
            }
        }
        for key in path.dropFirst() {
            guard let dictionary = found as? [String: Any] else { return nil }
            found = dictionary[key]
        }
        return found
    }

    static func isTruthy(_ value: Any?) -> Bool {
        switch value {
        case nil: return false
        case let flag as Bool: return flag
        case let list as [Any]: return !list.isEmpty
        default: return true
        }
    }

    static func write(_ value: Any, escaped: Bool, into output: inout [UInt8]) {
        switch value {
        case let text as String:
            if escaped { escape(text, into: &output) } else { output.append(contentsOf: text.utf8) }
        case let number as Int:
            output.append(contentsOf: String(number).utf8)
        case let flag as Bool:
            output.append(contentsOf: (flag ? "true" : "false").utf8)
        default:
            let text = String(describing: value)
            if escaped { escape(text, into: &output) } else { output.append(contentsOf: text.utf8) }
        }
    }

    /// HTML escaping for text and attribute values.
    static func escape(_ text: String, into output: inout [UInt8]) {
        for byte in text.utf8 {
            switch byte {
            case 0x26: output.append(contentsOf: [0x26, 0x61, 0x6D, 0x70, 0x3B])              // &amp;
            case 0x3C: output.append(contentsOf: [0x26, 0x6C, 0x74, 0x3B])                    // &lt;
            case 0x3E: output.append(contentsOf: [0x26, 0x67, 0x74, 0x3B])                    // &gt;
            case 0x22: output.append(contentsOf: [0x26, 0x71, 0x75, 0x6F, 0x74, 0x3B])        // &quot;
            case 0x27: output.append(contentsOf: [0x26, 0x23, 0x33, 0x39, 0x3B])              // &#39;
            default: output.append(byte)
            }
        }
    }
}
