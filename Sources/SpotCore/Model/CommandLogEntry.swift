import SpotSupport

/// One line of the command log (`log/*.jsonl` in the operations repository): the seed's fields
/// (`timestamp`, `command` with secrets masked, `status`, `execution_time`, `user`) plus where the
/// command came from and what it printed. `apply` writes entries; the site and `serve` read them.
public struct CommandLogEntry: Sendable, Hashable, Codable {
    public enum Status: String, Sendable, Hashable, Codable, CaseIterable {
        case success, error, timeout
    }

    public var id: String
    public var timestamp: String
    public var command: String
    public var status: Status
    /// Seconds with one decimal and a unit, as the seed writes it: "1.2s".
    public var executionTime: String
    public var user: String
    /// The change file the command came from (a path in the repository), nil for direct commands.
    public var change: String?
    /// The step of the change file, from 1.
    public var step: Int?
    public var output: String?
    public var returnCode: Int?

    public init(id: String, timestamp: String, command: String, status: Status, executionTime: String, user: String,
                change: String? = nil, step: Int? = nil, output: String? = nil, returnCode: Int? = nil) {
        self.id = id
        self.timestamp = timestamp
        self.command = command
        self.status = status
        self.executionTime = executionTime
        self.user = user
        self.change = change
        self.step = step
        self.output = output
        self.returnCode = returnCode
    }

    enum CodingKeys: String, CodingKey {
        case id, timestamp, command, status, user, change, step, output
        case executionTime = "execution_time"
        case returnCode = "return_code"
    }

    /// Whether the command names `host` as one of its words (for the log's host filter), read as
    /// a shell reads it, so a shell-quoted name (`'gpu 1'`) counts; letter case does not matter.
    public func mentions(host: String) -> Bool {
        let wanted = host.lowercased()
        return shellWords(command).contains { $0.lowercased() == wanted }
    }
}
