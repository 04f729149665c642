public import Foundation
public import SpotCore

/// `spotctl config check` and `spotctl config show`.
public enum ConfigReport {
    public struct CheckReport: Sendable {
        public let file: URL
        public let configuration: Configuration
        /// The working directory the file is named from.
        public let workingDirectory: URL

        /// One line for people: what was checked and what it holds.
        public var summary: String {
            let c = configuration
            func count(_ n: Int, _ noun: String) -> String { "\(n) \(noun)\(n == 1 ? "" : "s")" }
            return "\(ConfigurationFile.displayPath(file, from: workingDirectory)): OK (\(count(c.gpuTypes.count, "GPU type")), "
                + "\(count(c.sites.count, "site")), \(count(c.ownerGroups.tenants.count, "tenant mapping")))"
        }
    }

    /// Checks a configuration file. `path` may name the file or a folder holding `spotctl.yaml`;
    /// without it, the operations repository's file is checked.
    public static func check(path: String?, repo: String?, cwd: URL) throws(SpotError) -> CheckReport {
        let file: URL
        var repositoryRoot: URL?
        if let path {
            let url = URL(fileURLWithPath: path, relativeTo: cwd).standardizedFileURL
            var isDirectory: ObjCBool = false
            guard FileManager.default.fileExists(atPath: url.path, isDirectory: &isDirectory) else {
                throw SpotError("\(path): no such file or directory", hint: "name a spotctl.yaml or the folder that holds one")
            }
            if isDirectory.boolValue {
                file = url.appendingPathComponent(OperationsRepository.configurationFileName)
                repositoryRoot = url
                guard FileManager.default.fileExists(atPath: file.path) else {
                    throw SpotError("\(path) holds no \(OperationsRepository.configurationFileName)",
                                    hint: "name the configuration file itself, or a folder that holds spotctl.yaml")
                }
            } else {
                file = url
                repositoryRoot = url.deletingLastPathComponent()
            }
        } else {
            let repository = try OperationsRepository.locate(explicit: repo, from: cwd)
            file = repository.configurationFile
            repositoryRoot = repository.root
        }
        let configuration = try ConfigurationFile.load(file, repositoryRoot: repositoryRoot, displayedFrom: cwd)
        return CheckReport(file: file, configuration: configuration, workingDirectory: cwd)
    }

    /// The effective configuration as YAML, defaults filled in. It holds no secret: only the names of
    /// the variables and files that hold them, with whether each is set.
    public static func show(repo: String?, cwd: URL, environment: [String: String]) throws(SpotError) -> String {
        let repository = try OperationsRepository.locate(explicit: repo, from: cwd)
        let configuration = try repository.loadConfiguration(displayedFrom: cwd)
        var text = "# Effective configuration of \(repository.configurationFile.path), defaults filled in.\n"
        for (what, variable, file) in [
            ("NetBox token", configuration.netbox.tokenEnv, configuration.netbox.tokenFile),
            ("Hyperstack API key", configuration.hyperstack.apiKeyEnv, configuration.hyperstack.apiKeyFile),
            ("RunPod API key", configuration.runpod.apiKeyEnv, configuration.runpod.apiKeyFile),
        ] {
            let set = environment[variable].map { !$0.isEmpty } ?? false
            let source = set ? "$\(variable) (set)" : file.map { "$\(variable) (unset), else the file \($0)" } ?? "$\(variable) (unset)"
            text += "# \(what): \(source)\n"
        }
        return text + ConfigurationWriter.yaml(configuration)
    }
}
