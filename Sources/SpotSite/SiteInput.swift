public import Foundation
public import SpotCore

/// The snapshot a site is rendered from.
public struct SnapshotReference: Sendable, Hashable {
    /// The commit, or nil for an uncommitted inventory in the working tree.
    public var commit: String?
    public var date: Date?
    public var subject: String

    public init(commit: String?, date: Date?, subject: String) {
        self.commit = commit
        self.date = date
        self.subject = subject
    }
}

/// What the history pages need, read from the git history of the inventory (oldest first).
public struct SiteHistory: Sendable, Hashable {
    public struct Point: Sendable, Hashable {
        public var commit: String
        public var date: Date
        public var subject: String
        /// The snapshot's `summary.json`; nil when it could not be read (listed, not drawn).
        public var summary: SnapshotSummary?
        /// Hosts moved since the previous snapshot.
        public var moves: [HostMove]

        public init(commit: String, date: Date, subject: String, summary: SnapshotSummary?, moves: [HostMove]) {
            self.commit = commit
            self.date = date
            self.subject = subject
            self.summary = summary
            self.moves = moves
        }
    }

    /// Something that happened to one host in one snapshot.
    public struct HostEvent: Sendable, Hashable {
        public var commit: String
        public var date: Date
        public var text: String

        public init(commit: String, date: Date, text: String) {
            self.commit = commit
            self.date = date
            self.text = text
        }
    }

    /// Snapshots, oldest first.
    public var points: [Point]
    /// Per host, its events, newest first.
    public var hostEvents: [String: [HostEvent]]
    /// True when older snapshots exist than the ones read (the history is capped).
    public var truncated: Bool

    public init(points: [Point] = [], hostEvents: [String: [HostEvent]] = [:], truncated: Bool = false) {
        self.points = points
        self.hostEvents = hostEvents
        self.truncated = truncated
    }
}

/// A change file of the operations repository, as the changes page lists it.
public struct ChangeFileText: Sendable, Hashable {
    /// The path in the repository (`changes/2026-11-29-spot.yaml`).
    public var path: String
    public var text: String
    /// An applied file's outcome record (`<path>.outcome.json`), when it could be read.
    public var outcome: AppliedOutcome?
    /// Why an applied file's outcome record is missing or cannot be read.
    public var outcomeProblem: String?

    public init(path: String, text: String, outcome: AppliedOutcome? = nil, outcomeProblem: String? = nil) {
        self.path = path
        self.text = text
        self.outcome = outcome
        self.outcomeProblem = outcomeProblem
    }
}

/// Everything one rendering reads.
public struct SiteInput: Sendable {
    public var cloud: CloudView
    public var snapshot: SnapshotReference
    public var history: SiteHistory
    public var commandLog: [CommandLogEntry]
    public var pendingChanges: [ChangeFileText]
    public var appliedChanges: [ChangeFileText]

    public init(cloud: CloudView, snapshot: SnapshotReference, history: SiteHistory = SiteHistory(),
                commandLog: [CommandLogEntry] = [], pendingChanges: [ChangeFileText] = [], appliedChanges: [ChangeFileText] = []) {
        self.cloud = cloud
        self.snapshot = snapshot
        self.history = history
        self.commandLog = commandLog
        self.pendingChanges = pendingChanges
        self.appliedChanges = appliedChanges
    }
}
