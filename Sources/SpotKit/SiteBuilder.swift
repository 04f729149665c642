public import Foundation
#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif
import GitStore
import SpotClients
public import SpotCore
public import SpotSite
import SpotSupport

/// `spotctl render [--at REV] [--out DIR]`: builds the static dashboard and static API of one
/// snapshot, with the history of the snapshots before it, read through the git store without a
/// checkout.
public enum SiteBuilder {
    public struct Options: Sendable {
        /// The revision whose inventory is rendered; nil: the latest snapshot (or, when nothing is
        /// committed yet, the inventory in the working tree).
        public var revision: String?
        /// Where the site goes; nil: `site/` in the operations repository.
        public var output: String?
        /// The most snapshots the history pages read (the newest).
        public var historyLimit = 500

        public init() {}
    }

    public struct Outcome: Sendable {
        public let output: URL
        public let index: URL
        public let pages: Int
        public let apiFiles: Int
        public let snapshots: Int
        public let commit: String?
        public let seconds: Double
        /// Seconds per phase, in order: read the snapshot, read the history, render, write.
        public let phases: [(name: String, seconds: Double)]
        /// Things to tell the operator (printed as `note:` lines), such as a secret scan with
        /// nothing to look for.
        public var notes: [String] = []

        public var summaryLine: String {
            let source = commit.map { "snapshot \($0.prefix(12))" } ?? "the uncommitted inventory"
            return "rendered \(pages) pages and \(apiFiles) API files from \(source) with \(snapshots) snapshots of history "
                + "in \(String(format: "%.2f", seconds)) s: \(index.path)"
        }
    }

    /// The file that marks a folder as a site spotctl wrote, so that a re-render may replace it.
    static let marker = ".spotctl-site"

    /// A site rendered in memory: every file by its path under the site's root, with the views
    /// it was rendered from. `render` writes it; `serve` answers from it.
    public struct Rendered: Sendable {
        public let files: [String: Data]
        public let cloud: CloudView
        public let snapshot: SnapshotReference
        public let snapshots: Int
        public var notes: [String]
        var timer: PhaseTimer
    }

    public static func run(repository: OperationsRepository, options: Options, context: RunContext) async throws(SpotError) -> Outcome {
        var rendered = try await render(repository: repository, options: options, context: context)
        let site = rendered.files
        let output = URL(fileURLWithPath: options.output ?? repository.siteDirectory.path, relativeTo: context.workingDirectory).standardizedFileURL
        try write(site, to: output)
        rendered.timer.end("write")
        var outcome = Outcome(output: output, index: output.appendingPathComponent("index.html"),
                              pages: site.keys.filter { $0.hasSuffix(".html") }.count,
                              apiFiles: site.keys.filter { $0.hasPrefix("api/") }.count,
                              snapshots: rendered.snapshots, commit: rendered.snapshot.commit,
                              seconds: rendered.timer.total, phases: rendered.timer.phases)
        outcome.notes = rendered.notes
        return outcome
    }

    /// The site of the latest snapshot (or `options.revision`) in memory, checked by the secret
    /// scan; nothing is written.
    public static func render(repository: OperationsRepository, options: Options, context: RunContext) async throws(SpotError) -> Rendered {
        var timer = PhaseTimer()
        func phase(_ name: String) { timer.end(name) }
        let configuration = try repository.loadConfiguration(displayedFrom: context.workingDirectory)
        let reader = try RepositoryReader(repository: repository)
        let store = reader.store

        // Which snapshot: the named revision, the latest snapshot, or the working tree.
        let snapshot: SnapshotReference
        if let revision = options.revision {
            let info: CommitInfo
            do {
                info = try await store.commitInfo(revision)
            } catch {
                throw SpotError("--at \(revision): \(error)", hint: "name a commit that exists (git log -- inventory)")
            }
            snapshot = SnapshotReference(commit: info.id, date: info.date, subject: info.summary)
        } else if let latest = try await reader.snapshots(limit: 1).first {
            snapshot = SnapshotReference(commit: latest.id, date: latest.date, subject: latest.summary)
        } else {
            snapshot = SnapshotReference(commit: nil, date: nil, subject: "uncommitted snapshot in the working tree")
        }
        let sourceRevision = snapshot.commit

        // The history is read beside the snapshot (through its own repository handles).
        let historyLimit = max(1, options.historyLimit)
        @Sendable func readHistory() async -> Result<SiteHistory, SpotError> {
            guard let sourceRevision else { return .success(SiteHistory()) }
            do {
                return .success(try await HistoryReader.read(store: store, configuration: configuration, upTo: sourceRevision,
                                                                 limit: historyLimit))
            } catch {
                return .failure(error)
            }
        }
        async let pendingHistory = readHistory()

        let facts: Facts
        if let sourceRevision {
            facts = try await reader.facts(at: sourceRevision)
        } else if let working = try reader.workingTreeFacts() {
            facts = working
        } else {
            throw SpotError("there is no snapshot in \(repository.root.path) to render", hint: "take one with `spotctl snapshot`")
        }
        phase("read the snapshot")
        let history = try await pendingHistory.get()
        phase("read the history")  // the rest of it: it started beside the snapshot
        // The command log and the change files: at --at REV when one is named; otherwise at HEAD,
        // which may be newer than the latest snapshot (a merged change file, a `log clear`); the
        // working tree when nothing is committed.
        let changesRevision = options.revision == nil && sourceRevision != nil ? (try? await store.headCommitID()) ?? sourceRevision : sourceRevision
        let files = try await reader.changesAndLog(at: changesRevision)
        let commandLog = try RepositoryReader.commandLog(files)
        let pending = RepositoryReader.changeFiles(files, applied: false).map { ChangeFileText(path: $0.path, text: $0.text) }
        let applied = RepositoryReader.changeFiles(files, applied: true).map { file in
            let record = RepositoryReader.appliedOutcome(of: file.path, in: files)
            return ChangeFileText(path: file.path, text: file.text, outcome: record.outcome, outcomeProblem: record.problem)
        }

        // Templates: the built-in ones, overridden by the repository's templates/ folder.
        let templates: SiteTemplates
        let overrideFolder = repository.root.appendingPathComponent("templates", isDirectory: true)
        do {
            templates = FileManager.default.fileExists(atPath: overrideFolder.path) ? try SiteTemplates.overriding(with: overrideFolder) : .builtIn
        } catch {
            throw SpotError(error.message, hint: error.hint)
        }

        let cloud = CloudView(facts: facts, configuration: configuration)
        phase("derive the views")
        let input = SiteInput(cloud: cloud, snapshot: snapshot, history: history, commandLog: commandLog,
                              pendingChanges: pending, appliedChanges: applied)
        let site: [String: Data]
        do {
            site = try await offCooperativePool { () throws(SiteError) -> [String: Data] in try SiteRenderer(templates: templates).render(input) }
        } catch {
            throw SpotError(error.message, hint: error.hint)
        }

        phase("render")
        // No configured secret may reach the site, in clear or in any form the site's encoders
        // give it; with none configured here, say so rather than pass in silence.
        let scan = SecretScan(secrets: CloudSources.knownSecrets(configuration: configuration, environment: context.environment,
                                                                 workingDirectory: context.workingDirectory))
        var notes: [String] = []
        if scan.isEmpty { notes.append(SecretScan.nothingToScan) }
        try scan.check(site, output: "the rendered site")

        phase("secret scan")
        return Rendered(files: site, cloud: cloud, snapshot: snapshot, snapshots: history.points.count, notes: notes, timer: timer)
    }

    /// Creates one file in the fresh staging folder with plain POSIX calls (`O_EXCL | O_NOFOLLOW`:
    /// never through a link): Foundation's `Data.write` syncs every file to disk, which makes a
    /// 4,000-file site take seconds; the swap of the whole folder is what makes the result
    /// appear at once.
    static func writeFile(_ data: Data, to path: String) throws {
        let descriptor = open(path, O_WRONLY | O_CREAT | O_EXCL | O_NOFOLLOW | O_CLOEXEC, 0o644)
        guard descriptor >= 0 else { throw POSIXError(POSIXErrorCode(rawValue: errno) ?? .EIO) }
        defer { close(descriptor) }
        if let code = data.withUnsafeBytes({ SafeFile.writeAll(descriptor, $0) }) {
            throw POSIXError(POSIXErrorCode(rawValue: code) ?? .EIO)
        }
    }

    /// Refuses an output that is not a folder spotctl rendered or an empty folder: a file, a link
    /// (to a file or a folder), or a folder with other things in it.
    static func checkOutput(_ output: URL) throws(SpotError) {
        let path = output.path
        let hint = "choose another folder with --out: a new one, an empty one, or one spotctl render wrote"
        switch SafeFile.kind(at: path) {
        case nil:
            return
        case .symbolicLink?:
            throw SpotError("\(path) is a symbolic link; render never writes through a link, so it is left alone", hint: hint)
        case .regular?, .other?:
            throw SpotError("\(path) is a file, not a folder; render replaces only folders it wrote, so it is left alone", hint: hint)
        case .directory?:
            let contents = (try? FileManager.default.contentsOfDirectory(atPath: path)) ?? []
            if contents.isEmpty || SafeFile.kind(at: output.appendingPathComponent(marker).path) == .regular { return }
            throw SpotError("\(path) exists and was not written by spotctl render; it is left alone", hint: hint)
        }
    }

    /// Writes the site into a fresh folder beside `output`, then swaps it in, so a failure leaves
    /// the previous site whole. An existing `output` is replaced only when spotctl wrote it (or it
    /// is an empty folder); every file is created new in the fresh folder, never through a link.
    static func write(_ site: [String: Data], to output: URL) throws(SpotError) {
        let fileManager = FileManager.default
        try checkOutput(output)
        let parent = output.deletingLastPathComponent()
        let staging = parent.appendingPathComponent(".\(output.lastPathComponent).rendering-\(ProcessInfo.processInfo.processIdentifier)")
        do {
            try fileManager.createDirectory(at: parent, withIntermediateDirectories: true)
            if SafeFile.kind(at: staging.path) != nil { try fileManager.removeItem(at: staging) }
            try SafeFile.makeDirectory(staging.path)
            let paths = site.keys.sorted()
            for directory in Set(paths.map { ($0 as NSString).deletingLastPathComponent }).sorted() where !directory.isEmpty {
                try fileManager.createDirectory(at: staging.appendingPathComponent(directory), withIntermediateDirectories: true)
            }
            let base = staging.path
            for path in paths { try writeFile(site[path]!, to: base + "/" + path) }
            try writeFile(Data("This folder is written by `spotctl render`; a new render replaces it.\n".utf8),
                          to: staging.appendingPathComponent(marker).path)
            if SafeFile.kind(at: output.path) != nil {
                let old = parent.appendingPathComponent(".\(output.lastPathComponent).old-\(ProcessInfo.processInfo.processIdentifier)")
                if SafeFile.kind(at: old.path) != nil { try fileManager.removeItem(at: old) }
                try fileManager.moveItem(at: output, to: old)
                try fileManager.moveItem(at: staging, to: output)
                try? fileManager.removeItem(at: old)
            } else {
                try fileManager.moveItem(at: staging, to: output)
            }
        } catch {
            try? fileManager.removeItem(at: staging)
            let reason = (error as? SafeFile.Failure)?.description ?? error.localizedDescription
            throw SpotError("cannot write the site to \(output.path): \(reason)",
                            hint: "check that the folder above it exists and is writable")
        }
    }
}
