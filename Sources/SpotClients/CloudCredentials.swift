public import Foundation
public import SpotCore
import Yams

/// How to reach and authenticate to the OpenStack cloud, resolved from `clouds.yaml` (with
/// `secure.yaml`) or the `OS_*` environment variables, as the standard OpenStack clients do.
public struct OpenStackCredentials: Sendable, Hashable {
    public enum Method: Sendable, Hashable {
        /// Password: the user by id, or by name with its domain.
        case password(userID: String?, username: String?, userDomainID: String?, userDomainName: String?, password: Secret)
        /// Application credential: by id, or by name with its user.
        case applicationCredential(id: String?, name: String?, secret: Secret, userID: String?, username: String?,
                                   userDomainID: String?, userDomainName: String?)
    }

    public var authURL: String
    public var method: Method
    public var projectID: String?
    public var projectName: String?
    public var projectDomainID: String?
    public var projectDomainName: String?
    public var region: String?
    public var interface: String
    /// A CA bundle for TLS verification; verification stays on unless `verify` is false.
    public var caFile: String?
    public var verify: Bool
    /// Where the credentials came from, for messages ("clouds.yaml cloud prod", "OS_* variables").
    public var source: String

    /// Every secret these credentials hold, so that output can be searched for them.
    public var secrets: [Secret] {
        switch method {
        case .password(_, _, _, _, let password): return [password]
        case .applicationCredential(_, _, let secret, _, _, _, _): return [secret]
        }
    }
}

/// A credentials problem, said for people.
public struct CredentialsError: Error, Sendable, Hashable, CustomStringConvertible {
    public let message: String
    public let hint: String?

    public init(_ message: String, hint: String? = nil) {
        self.message = message
        self.hint = hint
    }

    public var description: String { hint.map { "\(message) (\($0))" } ?? message }
}

public enum CredentialsResolver {
    /// The standard `clouds.yaml` search path: `OS_CLIENT_CONFIG_FILE`, `./clouds.yaml`,
    /// `~/.config/openstack/clouds.yaml`, `/etc/openstack/clouds.yaml`.
    public static func cloudsSearchPath(environment: [String: String], cwd: URL) -> [URL] {
        var paths: [URL] = []
        if let file = environment["OS_CLIENT_CONFIG_FILE"], !file.isEmpty { paths.append(URL(fileURLWithPath: file, relativeTo: cwd)) }
        paths.append(cwd.appendingPathComponent("clouds.yaml"))
        let home = environment["HOME"].map { URL(fileURLWithPath: $0) } ?? FileManager.default.homeDirectoryForCurrentUser
        paths.append(home.appendingPathComponent(".config/openstack/clouds.yaml"))
        paths.append(URL(fileURLWithPath: "/etc/openstack/clouds.yaml"))
        return paths
    }

    /// Resolves the OpenStack credentials. A named cloud (the configuration's `openstack.cloud`,
    /// else `OS_CLOUD`) comes from the first `clouds.yaml` on the search path that defines it, with
    /// the `secure.yaml` beside it merged in; without a name, the `OS_*` variables are used.
    public static func openStack(settings: OpenStackSettings, environment: [String: String], cwd: URL,
                                 readFile: (URL) -> Data? = { try? Data(contentsOf: $0) }) throws(CredentialsError) -> OpenStackCredentials {
        let cloudName = settings.cloud ?? environment["OS_CLOUD"].flatMap { $0.isEmpty ? nil : $0 }
        var credentials: OpenStackCredentials
        if let cloudName {
            credentials = try fromCloudsYAML(cloudName, environment: environment, cwd: cwd, readFile: readFile)
        } else {
            credentials = try fromEnvironment(environment)
        }
        // The configuration's region wins; OS_INTERFACE overrides the cloud's and the configuration's interface.
        if let region = settings.region { credentials.region = region }
        if let interface = environment["OS_INTERFACE"], !interface.isEmpty {
            credentials.interface = interface
        } else if credentials.interface.isEmpty {
            credentials.interface = settings.interface
        }
        return credentials
    }

    static func fromEnvironment(_ env: [String: String]) throws(CredentialsError) -> OpenStackCredentials {
        func value(_ name: String) -> String? { env[name].flatMap { $0.isEmpty ? nil : $0 } }
        guard let authURL = value("OS_AUTH_URL") else {
            throw CredentialsError("no OpenStack cloud is configured: neither OS_CLOUD nor OS_AUTH_URL is set",
                                   hint: "set OS_CLOUD to a cloud in clouds.yaml, or the OS_* variables (OS_AUTH_URL, OS_USERNAME, OS_PASSWORD, OS_PROJECT_NAME, …)")
        }
        let authType = (value("OS_AUTH_TYPE") ?? "password").lowercased()
        let method: OpenStackCredentials.Method
        if authType.contains("applicationcredential") || value("OS_APPLICATION_CREDENTIAL_SECRET") != nil {
            guard let secret = value("OS_APPLICATION_CREDENTIAL_SECRET") else {
                throw CredentialsError("OS_AUTH_TYPE is an application credential but OS_APPLICATION_CREDENTIAL_SECRET is not set")
            }
            guard value("OS_APPLICATION_CREDENTIAL_ID") != nil || value("OS_APPLICATION_CREDENTIAL_NAME") != nil else {
                throw CredentialsError("an application credential needs OS_APPLICATION_CREDENTIAL_ID (or its name with the user)")
            }
            method = .applicationCredential(id: value("OS_APPLICATION_CREDENTIAL_ID"), name: value("OS_APPLICATION_CREDENTIAL_NAME"),
                                            secret: Secret(secret), userID: value("OS_USER_ID"), username: value("OS_USERNAME"),
                                            userDomainID: value("OS_USER_DOMAIN_ID"), userDomainName: value("OS_USER_DOMAIN_NAME"))
        } else {
            guard let password = value("OS_PASSWORD") else {
                throw CredentialsError("OS_AUTH_URL is set but OS_PASSWORD is not", hint: "set OS_PASSWORD, or use an application credential")
            }
            guard value("OS_USER_ID") != nil || value("OS_USERNAME") != nil else {
                throw CredentialsError("OS_AUTH_URL is set but neither OS_USERNAME nor OS_USER_ID is")
            }
            method = .password(userID: value("OS_USER_ID"), username: value("OS_USERNAME"),
                               userDomainID: value("OS_USER_DOMAIN_ID") ?? (value("OS_USER_DOMAIN_NAME") == nil ? value("OS_DOMAIN_ID") : nil),
                               userDomainName: value("OS_USER_DOMAIN_NAME") ?? value("OS_DOMAIN_NAME"),
                               password: Secret(password))
        }
        return OpenStackCredentials(
            authURL: authURL, method: method, projectID: value("OS_PROJECT_ID") ?? value("OS_TENANT_ID"),
            projectName: value("OS_PROJECT_NAME") ?? value("OS_TENANT_NAME"),
            projectDomainID: value("OS_PROJECT_DOMAIN_ID") ?? (value("OS_PROJECT_DOMAIN_NAME") == nil ? value("OS_DOMAIN_ID") : nil),
            projectDomainName: value("OS_PROJECT_DOMAIN_NAME") ?? value("OS_DOMAIN_NAME"),
            region: value("OS_REGION_NAME"), interface: "", caFile: value("OS_CACERT"),
            verify: !["1", "true", "yes"].contains((value("OS_INSECURE") ?? "").lowercased()), source: "the OS_* variables")
    }

    static func fromCloudsYAML(_ name: String, environment: [String: String], cwd: URL,
                               readFile: (URL) -> Data?) throws(CredentialsError) -> OpenStackCredentials {
        let paths = cloudsSearchPath(environment: environment, cwd: cwd)
        for path in paths {
            guard let data = readFile(path) else { continue }
            let document: [String: Any]
            do {
                document = try (Yams.load(yaml: String(decoding: data, as: UTF8.self)) as? [String: Any]) ?? [:]
            } catch {
                throw CredentialsError("\(path.path) is not valid YAML: \(error)")
            }
            guard var cloud = (document["clouds"] as? [String: Any])?[name] as? [String: Any] else { continue }
            // secure.yaml beside it (or OS_CLIENT_SECURE_FILE) holds the secrets.
            let secureFile = environment["OS_CLIENT_SECURE_FILE"].map { URL(fileURLWithPath: $0, relativeTo: cwd) }
                ?? path.deletingLastPathComponent().appendingPathComponent("secure.yaml")
            if let secureData = readFile(secureFile),
               let secure = ((try? Yams.load(yaml: String(decoding: secureData, as: UTF8.self))) as? [String: Any]),
               let secureCloud = (secure["clouds"] as? [String: Any])?[name] as? [String: Any] {
                cloud = merge(cloud, secureCloud)
            }
            return try credentials(fromCloud: cloud, name: name, file: path.path)
        }
        throw CredentialsError("the cloud \"\(name)\" is in no clouds.yaml (looked in \(paths.map(\.path).joined(separator: ", ")))",
                               hint: "check OS_CLOUD and the configuration's openstack.cloud, or set OS_CLIENT_CONFIG_FILE")
    }

    static func merge(_ base: [String: Any], _ overlay: [String: Any]) -> [String: Any] {
        var result = base
        for (key, value) in overlay {
            if let inner = value as? [String: Any], let existing = result[key] as? [String: Any] {
                result[key] = merge(existing, inner)
            } else {
                result[key] = value
            }
        }
        return result
    }

    static func credentials(fromCloud cloud: [String: Any], name: String, file: String) throws(CredentialsError) -> OpenStackCredentials {
        let auth = cloud["auth"] as? [String: Any] ?? [:]
        func text(_ dict: [String: Any], _ key: String) -> String? {
            guard let value = dict[key] else { return nil }
            let string = "\(value)"
            return string.isEmpty ? nil : string
        }
        let where_ = "cloud \"\(name)\" in \(file)"
        guard let authURL = text(auth, "auth_url") else {
            throw CredentialsError("\(where_) has no auth.auth_url")
        }
        let authType = (text(cloud, "auth_type") ?? "password").lowercased()
        let domainID = text(auth, "domain_id"), domainName = text(auth, "domain_name")
        let method: OpenStackCredentials.Method
        if authType.contains("applicationcredential") || authType.contains("application_credential") {
            guard let secret = text(auth, "application_credential_secret") else {
                throw CredentialsError("\(where_) uses an application credential without application_credential_secret",
                                       hint: "put the secret in secure.yaml beside clouds.yaml")
            }
            method = .applicationCredential(id: text(auth, "application_credential_id"), name: text(auth, "application_credential_name"),
                                            secret: Secret(secret), userID: text(auth, "user_id"), username: text(auth, "username"),
                                            userDomainID: text(auth, "user_domain_id") ?? domainID,
                                            userDomainName: text(auth, "user_domain_name") ?? domainName)
        } else {
            guard let password = text(auth, "password") else {
                throw CredentialsError("\(where_) has no auth.password", hint: "put it in secure.yaml beside clouds.yaml")
            }
            method = .password(userID: text(auth, "user_id"), username: text(auth, "username"),
                               userDomainID: text(auth, "user_domain_id") ?? domainID,
                               userDomainName: text(auth, "user_domain_name") ?? domainName, password: Secret(password))
        }
        var verify = true
        if let value = cloud["verify"] as? Bool { verify = value }
        return OpenStackCredentials(
            authURL: authURL, method: method, projectID: text(auth, "project_id") ?? text(auth, "tenant_id"),
            projectName: text(auth, "project_name") ?? text(auth, "tenant_name"),
            projectDomainID: text(auth, "project_domain_id") ?? domainID,
            projectDomainName: text(auth, "project_domain_name") ?? domainName,
            region: text(cloud, "region_name"), interface: text(cloud, "interface") ?? "",
            caFile: text(cloud, "cacert"), verify: verify, source: where_)
    }
}

/// A NetBox or Hyperstack endpoint with its key and its own TLS settings (never OpenStack's
/// `verify`), or why it is not configured.
public struct ServiceCredentials: Sendable, Hashable {
    public let url: String
    public let key: Secret
    /// TLS certificate verification (`netbox.verify`, `hyperstack.verify`).
    public var verifyTLS: Bool
    /// A CA bundle trusted besides the system's roots (`netbox.ca_file`, `hyperstack.ca_file`).
    public var caFile: String?

    public init(url: String, key: Secret, verifyTLS: Bool = true, caFile: String? = nil) {
        self.url = url
        self.key = key
        self.verifyTLS = verifyTLS
        self.caFile = caFile
    }
}

public enum OptionalService: Sendable, Hashable {
    case configured(ServiceCredentials)
    case notConfigured(reason: String)

    public var credentials: ServiceCredentials? {
        if case .configured(let credentials) = self { return credentials }
        return nil
    }
}

extension CredentialsResolver {
    /// NetBox is configured when a URL (configuration or `NETBOX_URL`) and a token (the variable,
    /// else the token file) are both there.
    public static func netBox(settings: NetBoxSettings, environment: [String: String],
                              readFile: (URL) -> Data? = { try? Data(contentsOf: $0) }) throws(CredentialsError) -> OptionalService {
        let url = settings.url ?? environment["NETBOX_URL"].flatMap { $0.isEmpty ? nil : $0 }
        let key = try secret(variable: settings.tokenEnv, file: settings.tokenFile, environment: environment, readFile: readFile)
        switch (url, key) {
        case (nil, nil): return .notConfigured(reason: "NETBOX_URL and \(settings.tokenEnv) are not set")
        case (nil, _): return .notConfigured(reason: "NETBOX_URL is not set")
        case (_, nil): return .notConfigured(reason: "\(settings.tokenEnv) is not set" + (settings.tokenFile.map { " and \($0) is missing" } ?? ""))
        case (let url?, let key?):
            return .configured(ServiceCredentials(url: url, key: key, verifyTLS: settings.verify, caFile: settings.caFile))
        }
    }

    /// Hyperstack is configured when its API key is there; `HYPERSTACK_API_URL` overrides the URL.
    public static func hyperstack(settings: HyperstackSettings, environment: [String: String],
                                  readFile: (URL) -> Data? = { try? Data(contentsOf: $0) }) throws(CredentialsError) -> OptionalService {
        let url = environment["HYPERSTACK_API_URL"].flatMap { $0.isEmpty ? nil : $0 } ?? settings.url
        guard let key = try secret(variable: settings.apiKeyEnv, file: settings.apiKeyFile, environment: environment, readFile: readFile) else {
            return .notConfigured(reason: "\(settings.apiKeyEnv) is not set")
        }
        return .configured(ServiceCredentials(url: url, key: key, verifyTLS: settings.verify, caFile: settings.caFile))
    }

    /// The RunPod key, when configured.
    public static func runPodKey(settings: RunPodSettings, environment: [String: String],
                                 readFile: (URL) -> Data? = { try? Data(contentsOf: $0) }) throws(CredentialsError) -> Secret? {
        try secret(variable: settings.apiKeyEnv, file: settings.apiKeyFile, environment: environment, readFile: readFile)
    }

    static func secret(variable: String, file: String?, environment: [String: String],
                       readFile: (URL) -> Data?) throws(CredentialsError) -> Secret? {
        if let value = environment[variable], !value.isEmpty { return Secret(value) }
        guard let file else { return nil }
        let path = file.hasPrefix("~/")
            ? (environment["HOME"] ?? NSHomeDirectory()) + "/" + file.dropFirst(2)
            : file
        guard let data = readFile(URL(fileURLWithPath: path)) else { return nil }
        let value = String(decoding: data, as: UTF8.self).trimmingCharacters(in: .whitespacesAndNewlines)
        guard !value.isEmpty else { throw CredentialsError("the secret file \(path) is empty") }
        return Secret(value)
    }
}
