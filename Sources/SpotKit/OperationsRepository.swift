public import Foundation
public import SpotCore

/// The operations repository: the git repository a team keeps for one cloud, whose root holds
/// `spotctl.yaml`. Commands find it from `--repo DIR` or by searching upward from the current
/// directory, and refuse to work in a git repository whose root has no `spotctl.yaml`, so that
/// spotctl never writes into some other project.
public struct OperationsRepository: Sendable, Hashable {
    public static let configurationFileName = "spotctl.yaml"

    public let root: URL

    public init(root: URL) {
        self.root = root.standardizedFileURL
    }

    public var configurationFile: URL { root.appendingPathComponent(Self.configurationFileName) }
    public var inventoryDirectory: URL { root.appendingPathComponent("inventory", isDirectory: true) }
    public var changesDirectory: URL { root.appendingPathComponent("changes", isDirectory: true) }
    public var logDirectory: URL { root.appendingPathComponent("log", isDirectory: true) }
    public var siteDirectory: URL { root.appendingPathComponent("site", isDirectory: true) }
    public var stateDirectory: URL { root.appendingPathComponent(".spotctl", isDirectory: true) }

    /// Finds the operations repository.
    /// - Parameters:
    ///   - explicit: the `--repo` value, if given: that directory must hold `spotctl.yaml`.
    ///   - directory: where to start searching upward when `explicit` is nil.
    public static func locate(explicit: String?, from directory: URL,
                              fileManager: FileManager = .default) throws(SpotError) -> OperationsRepository {
        if let explicit {
            let url = URL(fileURLWithPath: explicit, relativeTo: directory).standardizedFileURL
            var isDirectory: ObjCBool = false
            guard fileManager.fileExists(atPath: url.path, isDirectory: &isDirectory), isDirectory.boolValue else {
                throw SpotError("--repo \(explicit): no such directory", hint: "pass the folder of an operations repository, or create one with `spotctl init DIR`")
            }
            guard fileManager.fileExists(atPath: url.appendingPathComponent(configurationFileName).path) else {
                throw SpotError("--repo \(url.path) holds no \(configurationFileName), so it is not an operations repository",
                                hint: "create one with `spotctl init \(explicit)`")
            }
            return OperationsRepository(root: url)
        }
        var current = directory.standardizedFileURL
        while true {
            if fileManager.fileExists(atPath: current.appendingPathComponent(configurationFileName).path) {
                return OperationsRepository(root: current)
            }
            if fileManager.fileExists(atPath: current.appendingPathComponent(".git").path) {
                throw SpotError(
                    "\(current.path) is a git repository whose root holds no \(configurationFileName); spotctl works only in an operations repository",
                    hint: "pass --repo DIR, or create an operations repository with `spotctl init DIR`")
            }
            let parent = current.deletingLastPathComponent().standardizedFileURL
            if parent.path == current.path { break }
            current = parent
        }
        throw SpotError("no \(configurationFileName) in \(directory.standardizedFileURL.path) or any folder above it",
                        hint: "pass --repo DIR, or create an operations repository with `spotctl init DIR`")
    }

    /// Reads and checks `spotctl.yaml`. An absent file is an error: the repository is defined by it.
    /// Messages name the file relative to `directory` (the caller's working directory) when it
    /// lies below it, else by its absolute path.
    public func loadConfiguration(displayedFrom directory: URL? = nil) throws(SpotError) -> Configuration {
        try ConfigurationFile.load(configurationFile, repositoryRoot: root, displayedFrom: directory)
    }
}

/// Reading configuration files from disk (the only I/O around the pure loader).
public enum ConfigurationFile {
    public static func load(_ file: URL, repositoryRoot: URL?, displayedFrom directory: URL? = nil) throws(SpotError) -> Configuration {
        let text: String
        do {
            let data = try Data(contentsOf: file)
            guard let decoded = String(data: data, encoding: .utf8) else {
                throw SpotError("\(file.path) is not UTF-8 text", hint: "save the configuration as UTF-8")
            }
            text = decoded
        } catch let error as SpotError {
            throw error
        } catch {
            throw SpotError("cannot read \(file.path): \(error.localizedDescription)",
                            hint: "check that the file exists and is readable")
        }
        do {
            return try ConfigurationLoader.load(yaml: text, file: displayPath(file, from: directory), repositoryRoot: repositoryRoot?.path)
        } catch {
            throw SpotError(error.description, hint: "see docs/configuration.md for every key")
        }
    }

    /// The path as people typed it when it is below `directory`, else absolute.
    static func displayPath(_ file: URL, from directory: URL?) -> String {
        let path = file.standardizedFileURL.path
        guard let cwd = directory?.standardizedFileURL.path else { return path }
        let prefix = cwd.hasSuffix("/") ? cwd : cwd + "/"
        return path.hasPrefix(prefix) ? String(path.dropFirst(prefix.count)) : path
    }
}
