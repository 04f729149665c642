/// What `apply` did with one change file, recorded beside it when it moves to `changes/applied/`:
/// `changes/applied/<name>.outcome.json` (docs/change-files.md). The site's changes page, `serve`
/// and people read it.
public struct AppliedOutcome: Sendable, Hashable, Codable {
    /// 1.1 added `launches` and `operations` (absent from a file without any).
    public static let formatVersion = "1.1"
    /// The suffix added to the change file's name.
    public static let suffix = ".outcome.json"

    /// One host of the file.
    public struct Host: Sendable, Hashable, Codable {
        public enum Status: String, Sendable, Hashable, Codable {
            /// Every step ran, or was skipped because its effect was there.
            case done
            /// Nothing needed doing ("already in L40-n3-spot").
            case skipped
        }

        public var host: String
        public var from: [String]
        public var to: String
        public var status: Status
        /// Each step: its command, `success` (ran) or `skipped`, and the output ("already in …").
        public var steps: [Step]

        public init(host: String, from: [String], to: String, status: Status, steps: [Step]) {
            self.host = host
            self.from = from
            self.to = to
            self.status = status
            self.steps = steps
        }
    }

    public struct Step: Sendable, Hashable, Codable {
        public var command: String
        /// `success` or `skipped`.
        public var status: String
        public var output: String?
        /// The command log entry's id, when the step ran.
        public var logID: String?

        public init(command: String, status: String, output: String? = nil, logID: String? = nil) {
            self.command = command
            self.status = status
            self.output = output
            self.logID = logID
        }

        enum CodingKeys: String, CodingKey {
            case command, status, output
            case logID = "log_id"
        }
    }

    /// One RunPod launch of the file.
    public struct Launch: Sendable, Hashable, Codable {
        public var host: String
        public var vm: String
        public var vmID: Int?
        public var serverID: String?
        /// `done` (a step ran) or `skipped` (everything was there).
        public var status: Host.Status
        public var steps: [Step]

        public init(host: String, vm: String, vmID: Int?, serverID: String?, status: Host.Status, steps: [Step]) {
            self.host = host
            self.vm = vm
            self.vmID = vmID
            self.serverID = serverID
            self.status = status
            self.steps = steps
        }

        enum CodingKeys: String, CodingKey {
            case host, vm, status, steps
            case vmID = "vm_id"
            case serverID = "server_id"
        }
    }

    /// One attachment, port or firewall attachment of the file.
    public struct Operation: Sendable, Hashable, Codable {
        public var command: String
        public var status: Host.Status
        public var steps: [Step]

        public init(command: String, status: Host.Status, steps: [Step]) {
            self.command = command
            self.status = status
            self.steps = steps
        }
    }

    public var formatVersion: String
    /// The change file's path when it was pending (`changes/<name>`).
    public var change: String
    public var reason: String?
    /// When the run finished, ISO 8601 in UTC.
    public var appliedAt: String
    /// The apply run's id (the command log's file is `log/<time>-<run>.jsonl`).
    public var run: String
    /// Who applied it: the git author or the CI identity.
    public var user: String
    public var hosts: [Host]
    /// The file's launches; nil (and not written) for a file without any.
    public var launches: [Launch]?
    /// The file's attachments, ports and firewall attachments; nil (and not written) without any.
    public var operations: [Operation]?

    public init(change: String, reason: String?, appliedAt: String, run: String, user: String, hosts: [Host], launches: [Launch]? = nil,
                operations: [Operation]? = nil) {
        self.formatVersion = AppliedOutcome.formatVersion
        self.change = change
        self.reason = reason
        self.appliedAt = appliedAt
        self.run = run
        self.user = user
        self.hosts = hosts
        self.launches = launches
        self.operations = operations
    }

    enum CodingKeys: String, CodingKey {
        case change, reason, run, user, hosts, launches, operations
        case formatVersion = "format_version"
        case appliedAt = "applied_at"
    }

    /// Whether a path in the repository is an outcome record.
    public static func isOutcome(_ path: String) -> Bool { path.hasSuffix(suffix) }
}
