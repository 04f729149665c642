public import Foundation

/// Paths of the spotctl project itself, for tests that use its `inventory/` example or its binary.
public enum ProjectPaths {
    /// The package root (the folder holding Package.swift).
    public static let root: URL = {
        var url = URL(fileURLWithPath: #filePath)
        while url.pathComponents.count > 1 {
            url.deleteLastPathComponent()
            if FileManager.default.fileExists(atPath: url.appendingPathComponent("Package.swift").path) { return url }
        }
        fatalError("Package.swift not found above \(#filePath)")
    }()

    public static var inventory: URL { root.appendingPathComponent("inventory", isDirectory: true) }

    /// The `spotctl` binary that `swift test` built beside the tests.
    public static var spotctl: URL {
        // The test bundle lives in the build folder (.build/debug/...); the binary is next to it.
        let candidates = [
            Bundle.main.bundleURL.appendingPathComponent("spotctl"),
            Bundle.main.bundleURL.deletingLastPathComponent().appendingPathComponent("spotctl"),
            root.appendingPathComponent(".build/debug/spotctl"),
        ]
        return candidates.first { FileManager.default.isExecutableFile(atPath: $0.path) } ?? candidates.last!
    }
}

/// The result of running a program.
public struct ProcessResult: Sendable {
    public let status: Int32
    public let stdout: String
    public let stderr: String
}

/// Runs a program to completion with the given arguments, working folder and extra environment.
public func runProcess(_ executable: URL, _ arguments: [String], in directory: URL? = nil,
                       environment: [String: String] = [:]) throws -> ProcessResult {
    var env = ProcessInfo.processInfo.environment
    for (key, value) in environment { env[key] = value }
    // posix_spawn, not Foundation's Process.run() (see `spawnAndCollect`).
    return try spawnAndCollect(executable, arguments, in: directory, environment: env)
}

/// `runProcess` on a thread of its own, so that waiting for the child never blocks Swift's
/// cooperative pool (which an in-process simulator needs to answer the child).
public func runProcessOffPool(_ executable: URL, _ arguments: [String], in directory: URL? = nil,
                              environment: [String: String] = [:]) async throws -> ProcessResult {
    try await withCheckedThrowingContinuation { continuation in
        let thread = Thread {
            do {
                continuation.resume(returning: try runProcess(executable, arguments, in: directory, environment: environment))
            } catch {
                continuation.resume(throwing: error)
            }
        }
        thread.start()
    }
}
