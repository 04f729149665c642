import Foundation

/// The dashboard's template language: the core modules of Mustache (https://github.com/mustache/spec:
/// interpolation, sections, inverted sections, comments, partials), rendered straight into UTF-8
/// bytes with no runtime reflection (a 2,000-host site is some 4,000 pages).
///
///     {{name}}  {{a.b}}  {{.}}     a value, HTML-escaped (& < > " ')
///     {{{name}}}  {{& name}}       a value as it is (only for markup spotctl builds, such as SVG)
///     {{#name}}…{{/name}}          a section: once when true or a context, once per list element
///     {{^name}}…{{/name}}          an inverted section: when false, null, absent or an empty list
///     {{> name}}                   another template (a partial), with the same context
///     {{! comment }}               nothing; may span lines
///
/// A section, inverted section, closing, comment or partial tag alone on its line (with only spaces
/// or tabs around it) is "standalone": the whole line, its line break included, is left out of the
/// output, and a standalone partial is indented by the spaces before its tag, line by line. A line
/// with two tags has no standalone tag: the built-in templates follow such tags with an empty
/// comment, `{{#name}}{{!}}`, to keep the line breaks the pages have always had.
///
/// Refused, as an error with the template's file and line: set delimiters (`{{=<% %>=}}`),
/// template inheritance (`{{<parent}}`, `{{$block}}`), dynamic partials (`{{>*name}}`), names
/// other than letters, digits, `_` and `-` parts joined by dots, and unbalanced sections. Lambdas
/// do not arise: contexts never hold functions. A partial that does not exist is an error when it
/// is rendered (Mustache would render nothing), so a misspelt name cannot go unnoticed.
///
/// Contexts are `[String: Any]` dictionaries whose values are `String`, `Int`, `Double`, `Bool`,
/// `NSNull` (null), nested dictionaries and arrays of them; the data a template starts with may
/// also be a single value or a list. A name not found in the innermost context is looked up in the
/// enclosing ones; the parts after the first dot of a dotted name are looked up only in what the
/// part before found.
struct Template: Sendable {
    indirect enum Node: Sendable {
        /// Text as it is. Every line break in it that is not its last byte starts a line of the template.
        case text([UInt8])
        /// A line of the template starts here: where a standalone partial's indentation goes.
        case lineStart
        case value(path: [String], escaped: Bool)
        case section(path: [String], inverted: Bool, children: [Node])
        /// `indentation` is what precedes a partial alone on its line, nil for a partial within a line
        /// (whose lines are not indented); `origin` is "file:line", for the messages of a partial that
        /// is missing or includes itself.
        case partial(name: String, indentation: [UInt8]?, origin: String)
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
        struct Open {
            var tag: String
            var path: [String]
            var inverted: Bool
            var start: Int
            var nodes: [Node]
        }

        let name: String
        let bytes: [UInt8]
        var position = 0
        var stack = [Open(tag: "", path: [], inverted: false, start: 0, nodes: [])]
        var text: [UInt8] = []
        var textStartsLine = false

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

        func startsLine(_ offset: Int) -> Bool {
            offset == 0 || bytes[offset - 1] == 0x0A
        }

        mutating func append(_ node: Node) {
            stack[stack.count - 1].nodes.append(node)
        }

        mutating func flush() {
            guard !text.isEmpty else { return }
            if textStartsLine { append(.lineStart) }
            append(.text(text))
            text = []
        }

        /// When the tag from `start` to `end` is alone on its line: where the line starts and where
        /// the next one starts (after `\n` or `\r\n`, or the end of the template).
        func standalone(from start: Int, to end: Int) -> (lineStart: Int, next: Int)? {
            var lineStart = start
            while lineStart > 0 && (bytes[lineStart - 1] == 0x20 || bytes[lineStart - 1] == 0x09) { lineStart -= 1 }
            guard startsLine(lineStart) else { return nil }
            var next = end
            while next < bytes.count && (bytes[next] == 0x20 || bytes[next] == 0x09) { next += 1 }
            if next == bytes.count { return (lineStart, next) }
            if bytes[next] == 0x0A { return (lineStart, next + 1) }
            if bytes[next] == 0x0D && next + 1 < bytes.count && bytes[next + 1] == 0x0A { return (lineStart, next + 2) }
            return nil
        }

        mutating func parse() throws(SiteError) -> [Node] {
            while position < bytes.count {
                guard bytes[position] == 0x7B, position + 1 < bytes.count, bytes[position + 1] == 0x7B else {
                    if text.isEmpty { textStartsLine = startsLine(position) }
                    text.append(bytes[position])
                    position += 1
                    continue
                }
                try tag()
            }
            flush()
            guard stack.count == 1, let root = stack.first else {
                let open = stack[stack.count - 1]
                throw error("\(open.tag) is never closed", at: open.start)
            }
            return root.nodes
        }

        /// The tag at `position`.
        mutating func tag() throws(SiteError) {
            let start = position
            let triple = position + 2 < bytes.count && bytes[position + 2] == 0x7B
            let open = triple ? 3 : 2
            var end = position + open
            while end + open <= bytes.count && !(bytes[end..<end + open].allSatisfy { $0 == 0x7D }) { end += 1 }
            guard end + open <= bytes.count else { throw error("a tag is not closed", at: start) }
            let after = end + open
            let written = String(decoding: bytes[start..<after], as: UTF8.self)
            var content = String(decoding: bytes[(start + open)..<end], as: UTF8.self).trimmingCharacters(in: .whitespacesAndNewlines)
            let sigil: Character? = triple ? "{" : content.first
            if let sigil, "#^/>&!=<$".contains(sigil), !triple {
                content = String(content.dropFirst()).trimmingCharacters(in: .whitespacesAndNewlines)
            }
            switch sigil {
            case "=":
                throw error("\(written): changing the delimiters is not supported (templates use {{ and }})", at: start)
            case "<":
                throw error("\(written): template inheritance (a parent template) is not supported; include a partial with {{> name}}", at: start)
            case "$":
                throw error("\(written): template inheritance (a block) is not supported", at: start)
            case ">" where content.hasPrefix("*"):
                throw error("\(written): dynamic partials are not supported; name the partial, as in {{> name}}", at: start)
            default:
                break
            }

            // Sections, inverted sections, closing tags, comments and partials may stand alone on a line.
            var indentation: [UInt8]?
            if let sigil, "#^/!>".contains(sigil), let line = standalone(from: start, to: after) {
                indentation = Array(bytes[line.lineStart..<start])
                text.removeLast(start - line.lineStart)
                position = line.next
                flush()
            } else {
                position = after
                flush()
                if startsLine(start) { append(.lineStart) }
            }

            switch sigil {
            case "!":
                break
            case "#", "^":
                stack.append(Open(tag: written, path: try path(content, at: start), inverted: sigil == "^", start: start, nodes: []))
            case "/":
                let path = try path(content, at: start)
                guard stack.count > 1 else { throw error("\(written) closes no section: none is open", at: start) }
                let section = stack.removeLast()
                guard section.path == path else {
                    throw error("\(written) does not close \(section.tag), opened on line \(line(at: section.start))", at: start)
                }
                append(.section(path: path, inverted: section.inverted, children: section.nodes))
            case ">":
                guard !content.isEmpty else { throw error("a partial needs a name", at: start) }
                append(.partial(name: content, indentation: indentation, origin: "\(name):\(line(at: start))"))
            case "&", "{":
                append(.value(path: try path(content, at: start), escaped: false))
            default:
                append(.value(path: try path(content, at: start), escaped: true))
            }
        }

        func path(_ tag: String, at offset: Int) throws(SiteError) -> [String] {
            if tag == "." { return ["."] }
            let parts = tag.split(separator: ".", omittingEmptySubsequences: false).map(String.init)
            guard !tag.isEmpty, parts.allSatisfy({ !$0.isEmpty && $0.allSatisfy { $0.isLetter || $0.isNumber || $0 == "_" || $0 == "-" } }) else {
                throw error("\"\(tag)\" is not a name", at: offset)
            }
            return parts
        }
    }
}

/// The templates of a site by name, and the renderer.
struct TemplateLibrary: Sendable {
    let templates: [String: Template]

    /// Renders a template with `context`: usually a `[String: Any]` dictionary.
    func render(_ context: Any, template name: String) throws(SiteError) -> [UInt8] {
        guard let template = templates[name] else {
            throw SiteError("the template \(name).mustache is missing", hint: "restore it, or remove the repository's override folder")
        }
        var output: [UInt8] = []
        output.reserveCapacity(16_384)
        var stack: [Any] = [context]
        try render(template.nodes, stack: &stack, indentation: [], into: &output, depth: 0)
        return output
    }

    private func render(_ nodes: [Template.Node], stack: inout [Any], indentation: [UInt8], into output: inout [UInt8], depth: Int) throws(SiteError) {
        for node in nodes {
            switch node {
            case .text(let bytes):
                if indentation.isEmpty {
                    output.append(contentsOf: bytes)
                } else {
                    Self.append(bytes, indentedBy: indentation, into: &output)
                }
            case .lineStart:
                if !indentation.isEmpty { output.append(contentsOf: indentation) }
            case .value(let path, let escaped):
                guard let value = Self.lookup(path, in: stack) else { continue }
                Self.write(value, escaped: escaped, into: &output)
            case .section(let path, let inverted, let children):
                let value = Self.lookup(path, in: stack)
                if inverted {
                    if !Self.isTruthy(value) { try render(children, stack: &stack, indentation: indentation, into: &output, depth: depth) }
                    continue
                }
                switch value {
                case nil:
                    break
                case let flag as Bool:
                    if flag { try render(children, stack: &stack, indentation: indentation, into: &output, depth: depth) }
                case let list as [[String: Any]]:
                    for element in list {
                        stack.append(element)
                        try render(children, stack: &stack, indentation: indentation, into: &output, depth: depth)
                        stack.removeLast()
                    }
                case let list as [Any]:
                    for element in list {
                        stack.append(element)
                        try render(children, stack: &stack, indentation: indentation, into: &output, depth: depth)
                        stack.removeLast()
                    }
                case is NSNull:
                    break
                case let some?:
                    stack.append(some)
                    try render(children, stack: &stack, indentation: indentation, into: &output, depth: depth)
                    stack.removeLast()
                }
            case .partial(let name, let own, let origin):
                guard depth < 20 else {
                    throw SiteError("\(origin): the partial \(name) includes itself", hint: "a template may not include itself without end")
                }
                guard let partial = templates[name] else {
                    throw SiteError("\(origin): the partial \(name).mustache is missing",
                                    hint: "a partial names one of the templates: " + templates.keys.sorted().joined(separator: ", "))
                }
                // Alone on its line, a partial is indented as the line is, plus the spaces before its tag;
                // within a line, not at all.
                let inner = own.map { indentation.isEmpty ? $0 : indentation + $0 } ?? []
                try render(partial.nodes, stack: &stack, indentation: inner, into: &output, depth: depth + 1)
            }
        }
    }

    /// Text of a partial included on a line of its own: the indentation after every line break
    /// that another line of the template follows.
    static func append(_ bytes: [UInt8], indentedBy indentation: [UInt8], into output: inout [UInt8]) {
        var from = 0
        for index in bytes.indices where bytes[index] == 0x0A && index + 1 < bytes.count {
            output.append(contentsOf: bytes[from...index])
            output.append(contentsOf: indentation)
            from = index + 1
        }
        output.append(contentsOf: bytes[from...])
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
        case let list as [[String: Any]]: return !list.isEmpty
        case let list as [Any]: return !list.isEmpty
        case is NSNull: return false
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
        case is NSNull:
            break
        default:
            let text = String(describing: value)
            if escaped { escape(text, into: &output) } else { output.append(contentsOf: text.utf8) }
        }
    }

    /// HTML escaping for text and attribute values: the four characters Mustache escapes
    /// (`& < > "`) and `'`, so that a value is safe in an attribute quoted either way.
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
