import Yams

/// One problem (or warning) that `plan` or `apply` found in a change file, with its place:
/// `changes/2026-12-02-spot.yaml:4:11: host CA1-1: …`.
public struct ChangeProblem: Sendable, Hashable, CustomStringConvertible {
    public enum Severity: String, Sendable, Hashable, Codable {
        case error, warning
    }

    public var severity: Severity
    /// The change file, as a path in the repository (`changes/…`).
    public var file: String
    public var line: Int?
    public var column: Int?
    /// The host of the entry, when the problem belongs to one.
    public var host: String?
    public var message: String
    /// What to do about it.
    public var hint: String?

    public init(_ severity: Severity, file: String, line: Int? = nil, column: Int? = nil, host: String? = nil,
                message: String, hint: String? = nil) {
        self.severity = severity
        self.file = file
        self.line = line
        self.column = column
        self.host = host
        self.message = message
        self.hint = hint
    }

    /// `file:line:column`.
    public var position: String {
        var text = file
        if let line {
            text += ":\(line)"
            if let column { text += ":\(column)" }
        }
        return text
    }

    /// `changes/a.yaml:4:11: error: host CA1-1: message (hint)`.
    public var description: String {
        var text = "\(position): \(severity.rawValue): "
        if let host { text += "host \(host): " }
        text += message
        if let hint { text += " (\(hint))" }
        return text
    }
}

/// A place in a change file.
public struct SourcePosition: Sendable, Hashable {
    public var line: Int
    public var column: Int

    public init(line: Int, column: Int) {
        self.line = line
        self.column = column
    }
}

/// One entry of a change file's `migrations:` list: move `host` to `to`, leaving `from`.
public struct MigrationRequest: Sendable, Hashable {
    public var host: String
    /// The aggregate the host is expected to leave, as written; nil means its current GPU-pool
    /// aggregates.
    public var from: String?
    /// An aggregate name or a pool (`spot`, `ondemand`, `runpod`, `contract:<aggregate>`).
    public var to: String
    /// Lets a host with VMs leave a pool other than spot (with a warning); leaving spot with VMs is
    /// always refused.
    public var allowVMs: Bool
    /// Where the entry starts, and where its fields are (for problems about one of them).
    public var position: SourcePosition
    public var hostPosition: SourcePosition
    public var fromPosition: SourcePosition?
    public var toPosition: SourcePosition

    /// The aggregates the host leaves, pinned by `apply` from the plan it reviewed against the
    /// snapshot, so that a host moved by hand since is seen as drift, not moved again. Never read
    /// from a file.
    public var pinnedFrom: [String]?

    public init(host: String, from: String? = nil, to: String, allowVMs: Bool = false,
                position: SourcePosition = SourcePosition(line: 1, column: 1),
                hostPosition: SourcePosition? = nil, fromPosition: SourcePosition? = nil, toPosition: SourcePosition? = nil,
                pinnedFrom: [String]? = nil) {
        self.host = host
        self.from = from
        self.to = to
        self.allowVMs = allowVMs
        self.position = position
        self.hostPosition = hostPosition ?? position
        self.fromPosition = fromPosition
        self.toPosition = toPosition ?? position
        self.pinnedFrom = pinnedFrom
    }
}

/// A change file as read: its path, its reason and its entries. `ChangeFileParser` makes one.
public struct ChangeFile: Sendable, Hashable {
    /// The path in the repository (`changes/2026-12-02-move-to-spot.yaml`).
    public var path: String
    /// The top-level `reason:`, for the plan and the commit message.
    public var reason: String?
    public var migrations: [MigrationRequest]
    public var launches: [LaunchRequest]
    /// Attachments, ports and firewall attachments, in file order.
    public var operations: [OperationRequest]

    public init(path: String, reason: String? = nil, migrations: [MigrationRequest] = [], launches: [LaunchRequest] = [],
                operations: [OperationRequest] = []) {
        self.path = path
        self.reason = reason
        self.migrations = migrations
        self.launches = launches
        self.operations = operations
    }

    /// The file's name without its folder (`2026-12-02-move-to-spot.yaml`).
    public var name: String {
        path.split(separator: "/").last.map(String.init) ?? path
    }
}

/// Reads change files (YAML, or JSON, which YAML reads too). Every problem is collected with its
/// line and column: bad YAML, an empty file, an unknown key (with the nearest known one), a value
/// of the wrong kind, a missing `host` or `to`. A file with a problem yields no entries to run.
public enum ChangeFileParser {

    public static func parse(path: String, text: String) -> (file: ChangeFile?, problems: [ChangeProblem]) {
        let reader = YAMLReader(file: path)
        func problems() -> [ChangeProblem] {
            reader.diagnostics.map {
                ChangeProblem(.error, file: path, line: $0.line, column: $0.column,
                              message: $0.key.isEmpty ? $0.message : "\($0.key): \($0.message)")
            }
        }
        if text.allSatisfy(\.isWhitespace) {
            return (nil, [ChangeProblem(.error, file: path, line: 1, column: 1, message: "the file is empty",
                                        hint: "write a migrations: list, or delete the file")])
        }
        let root: Node?
        do {
            root = try Yams.compose(yaml: text)
        } catch let error as YamlError {
            let diagnostic = reader.syntaxDiagnostic(error)
            return (nil, [ChangeProblem(.error, file: path, line: diagnostic.line, column: diagnostic.column, message: diagnostic.message)])
        } catch {
            return (nil, [ChangeProblem(.error, file: path, line: 1, column: 1, message: "cannot parse: \(error)")])
        }
        guard let root, !reader.isNull(root) else {
            return (nil, [ChangeProblem(.error, file: path, line: 1, column: 1, message: "the file holds no change (only comments)",
                                        hint: "write a migrations: list, or delete the file")])
        }
        var file = ChangeFile(path: path)
        var sawKind = false
        var handlers: [String: (Node, String) -> Void] = [
            "reason": { node, key in
                if let value = reader.optionalString(node, key) { file.reason = value }
            },
            "migrations": { node, key in
                sawKind = true
                guard let items = reader.sequence(node, key) else { return }
                if items.isEmpty {
                    reader.report(node, key, "the list is empty; name at least one host")
                }
                for (index, item) in items.enumerated() {
                    if let request = migration(item, "\(key)[\(index)]", reader) { file.migrations.append(request) }
                }
            },
            "launches": { node, key in
                sawKind = true
                guard let items = reader.sequence(node, key) else { return }
                if items.isEmpty {
                    reader.report(node, key, "the list is empty; name at least one host")
                }
                for (index, item) in items.enumerated() {
                    if let request = launch(item, "\(key)[\(index)]", reader) { file.launches.append(request) }
                }
            },
        ]
        for kind in ["attachments", "ports", "firewall_attachments"] {
            handlers[kind] = { node, key in
                sawKind = true
                guard let items = reader.sequence(node, key) else { return }
                if items.isEmpty { reader.report(node, key, "the list is empty") }
                for (index, item) in items.enumerated() {
                    if let request = operation(kind, item, "\(key)[\(index)]", reader) { file.operations.append(request) }
                }
            }
        }
        reader.mapping(root, "", handlers)
        if !sawKind, reader.diagnostics.isEmpty {
            reader.report(root, "", "the file names no change: expected a migrations:, launches:, attachments:, ports: or firewall_attachments: list")
        }
        let found = problems()
        return found.isEmpty ? (file, []) : (nil, found)
    }

    private static func migration(_ node: Node, _ path: String, _ reader: YAMLReader) -> MigrationRequest? {
        var host: (String, SourcePosition)?
        var from: (String, SourcePosition)?
        var to: (String, SourcePosition)?
        var allowVMs = false
        let before = reader.diagnostics.count
        reader.mapping(node, path, [
            "host": { n, key in if let value = reader.string(n, key) { host = (value, position(n)) } },
            "from": { n, key in if let value = reader.optionalString(n, key), let value { from = (value, position(n)) } },
            "to": { n, key in if let value = reader.string(n, key) { to = (value, position(n)) } },
            "allow_vms": { n, key in if let value = reader.bool(n, key) { allowVMs = value } },
        ])
        guard reader.diagnostics.count == before else { return nil }
        if case .mapping = node {} else { return nil }
        if host == nil { reader.report(node, path, "the entry has no host: key") }
        if to == nil {
            reader.report(node, path, "the entry has no to: key (an aggregate, or spot, ondemand, runpod, contract:<aggregate>)")
        }
        guard let host, let to else { return nil }
        return MigrationRequest(host: host.0, from: from?.0, to: to.0, allowVMs: allowVMs, position: position(node),
                                hostPosition: host.1, fromPosition: from?.1, toPosition: to.1)
    }

    private static func launch(_ node: Node, _ path: String, _ reader: YAMLReader) -> LaunchRequest? {
        var host: (String, SourcePosition)?
        var image: (String, SourcePosition)?
        var flavor: (String, SourcePosition)?
        var name: String?
        let before = reader.diagnostics.count
        reader.mapping(node, path, [
            "host": { n, key in if let value = reader.string(n, key) { host = (value, position(n)) } },
            "image": { n, key in if let value = reader.string(n, key) { image = (value, position(n)) } },
            "flavor": { n, key in if let value = reader.optionalString(n, key), let value { flavor = (value, position(n)) } },
            "name": { n, key in if let value = reader.optionalString(n, key), let value { name = value } },
        ])
        guard reader.diagnostics.count == before else { return nil }
        if case .mapping = node {} else { return nil }
        if host == nil { reader.report(node, path, "the entry has no host: key") }
        if image == nil { reader.report(node, path, "the entry has no image: key (a Hyperstack image name of the host's region)") }
        guard let host, let image else { return nil }
        return LaunchRequest(host: host.0, image: image.0, flavor: flavor?.0, name: name, position: position(node),
                             hostPosition: host.1, imagePosition: image.1, flavorPosition: flavor?.1)
    }

    private static func operation(_ kind: String, _ node: Node, _ path: String, _ reader: YAMLReader) -> OperationRequest? {
        var texts: [String: String] = [:]
        var firewall: Int?
        var vms: [Int] = []
        let before = reader.diagnostics.count
        var handlers: [String: (Node, String) -> Void] = [:]
        let keys: [String]
        switch kind {
        case "attachments": keys = ["server", "network", "port"]
        case "ports": keys = ["network", "name"]
        default: keys = []
        }
        for key in keys {
            handlers[key] = { n, p in if let value = reader.string(n, p) { texts[key] = value } }
        }
        if kind == "firewall_attachments" {
            handlers["firewall"] = { n, p in firewall = reader.int(n, p, minimum: 1) }
            handlers["vms"] = { n, p in
                guard let items = reader.sequence(n, p) else { return }
                for (index, item) in items.enumerated() {
                    if let id = reader.int(item, "\(p)[\(index)]", minimum: 1) { vms.append(id) }
                }
            }
        }
        reader.mapping(node, path, handlers)
        guard reader.diagnostics.count == before else { return nil }
        if case .mapping = node {} else { return nil }
        let required = kind == "firewall_attachments" ? ["firewall", "vms"] : kind == "attachments" ? ["server"] : keys
        let have = Set(texts.keys).union(firewall == nil ? [] : ["firewall"]).union(kind == "firewall_attachments" ? ["vms"] : [])
        for key in required where !have.contains(key) { reader.report(node, path, "the entry has no \(key): key") }
        if kind == "attachments" {
            switch (texts["network"], texts["port"]) {
            case (nil, nil): reader.report(node, path, "the entry has no network: key (or port: with a port id)")
            case (_?, _?): reader.report(node, path, "the entry names both network: and port:; name one (a network makes or reuses the port <server>-<network>)")
            default: break
            }
        }
        guard reader.diagnostics.count == before else { return nil }
        switch kind {
        case "attachments":
            if let port = texts["port"] {
                return OperationRequest(kind: .portAttachment(server: texts["server"]!, port: port), position: position(node))
            }
            return OperationRequest(kind: .attachment(server: texts["server"]!, network: texts["network"]!), position: position(node))
        case "ports": return OperationRequest(kind: .port(network: texts["network"]!, name: texts["name"]!), position: position(node))
        default: return OperationRequest(kind: .firewall(id: firewall!, vms: vms), position: position(node))
        }
    }

    private static func position(_ node: Node) -> SourcePosition {
        SourcePosition(line: node.mark?.line ?? 1, column: node.mark?.column ?? 1)
    }
}
