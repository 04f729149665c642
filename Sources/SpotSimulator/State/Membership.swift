/// The aggregates of one host just after a request that could change them (`add_host`,
/// `remove_host`), whatever the request's answer: tests replay the history to check that a host
/// was never in no GPU-pool aggregate while `apply` moved it.
public struct MembershipRecord: Sendable, Hashable {
    /// The order of the requests, from 1.
    public let sequence: Int
    /// `add_host` or `remove_host`.
    public let action: String
    public let host: String
    /// The aggregate the request named (its name; the id when there is none).
    public let aggregate: String
    /// The status answered: 200, or Nova's 404/409.
    public let status: Int
    /// The names of every aggregate holding the host after the request, sorted.
    public let aggregates: [String]

    public init(sequence: Int, action: String, host: String, aggregate: String, status: Int, aggregates: [String]) {
        self.sequence = sequence
        self.action = action
        self.host = host
        self.aggregate = aggregate
        self.status = status
        self.aggregates = aggregates
    }
}
