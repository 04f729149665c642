public import Foundation

/// A fresh directory under the system's temporary folder, removed by `remove()`.
/// Tests create one per test so that no test depends on another's files or on test order.
public struct TemporaryDirectory: Sendable {
    public let url: URL

    public init(prefix: String = "spotctl-test") throws {
        let base = FileManager.default.temporaryDirectory
        let url = base.appendingPathComponent("\(prefix)-\(UUID().uuidString)", isDirectory: true)
        try FileManager.default.createDirectory(at: url, withIntermediateDirectories: true)
        // Resolve symlinks (/tmp may be a link) so that paths compare equal to what git reports.
        self.url = url.resolvingSymlinksInPath()
    }

    public var path: String { url.path }

    public func appending(_ component: String) -> URL {
        url.appendingPathComponent(component)
    }

    public func remove() {
        try? FileManager.default.removeItem(at: url)
    }
}
