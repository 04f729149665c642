import Foundation
import Testing
import TestSupport
import SpotCore
@testable import SpotClients

@Suite struct CredentialsTests {
    static let cwd = URL(fileURLWithPath: "/ops/repo")
    static let home = "/home/op"

    static func files(_ entries: [String: String]) -> (URL) -> Data? {
        { url in entries[url.path].map { Data($0.utf8) } }
    }

    @Test func osVariablesGivePasswordCredentials() throws {
        let env = ["OS_AUTH_URL": "https://keystone.example.net:5000/v3", "OS_USERNAME": "admin", "OS_PASSWORD": "pw",
                   "OS_PROJECT_NAME": "admin", "OS_USER_DOMAIN_NAME": "Default", "OS_PROJECT_DOMAIN_NAME": "Default",
                   "OS_REGION_NAME": "RegionOne", "OS_CACERT": "/etc/ssl/ca.pem", "HOME": Self.home]
        let c = try CredentialsResolver.openStack(settings: OpenStackSettings(), environment: env, cwd: Self.cwd, readFile: Self.files([:]))
        #expect(c.authURL == "https://keystone.example.net:5000/v3")
        #expect(c.method == .password(userID: nil, username: "admin", userDomainID: nil, userDomainName: "Default", password: Secret("pw")))
        #expect(c.projectName == "admin")
        #expect(c.projectDomainName == "Default")
        #expect(c.region == "RegionOne")
        #expect(c.interface == "public")
        #expect(c.caFile == "/etc/ssl/ca.pem")
        #expect(c.verify)
        #expect(c.source == "the OS_* variables")
    }

    @Test func applicationCredentialsFromTheEnvironment() throws {
        let env = ["OS_AUTH_URL": "https://k/v3", "OS_AUTH_TYPE": "v3applicationcredential",
                   "OS_APPLICATION_CREDENTIAL_ID": "ac-1", "OS_APPLICATION_CREDENTIAL_SECRET": "s3cret", "OS_INTERFACE": "internal"]
        let c = try CredentialsResolver.openStack(settings: OpenStackSettings(), environment: env, cwd: Self.cwd, readFile: Self.files([:]))
        guard case .applicationCredential(let id, _, let secret, _, _, _, _) = c.method else {
            Issue.record("expected an application credential")
            return
        }
        #expect(id == "ac-1")
        #expect(secret.reveal == "s3cret")
        #expect(c.interface == "internal")
    }

    @Test func aNamedCloudComesFromCloudsYAMLWithSecureYAMLMergedIn() throws {
        let clouds = """
        clouds:
          prod:
            auth_type: password
            auth:
              auth_url: https://keystone.prod:5000
              username: ops
              project_name: admin
              user_domain_name: Default
              project_domain_name: Default
            region_name: RegionTwo
            interface: internal
            cacert: /etc/ssl/prod.pem
          other:
            auth: {auth_url: https://other}
        """
        let secure = "clouds:\n  prod:\n    auth:\n      password: from-secure\n"
        let env = ["OS_CLOUD": "prod", "HOME": Self.home]
        let read = Self.files(["/home/op/.config/openstack/clouds.yaml": clouds, "/home/op/.config/openstack/secure.yaml": secure])
        let c = try CredentialsResolver.openStack(settings: OpenStackSettings(), environment: env, cwd: Self.cwd, readFile: read)
        #expect(c.authURL == "https://keystone.prod:5000")
        #expect(c.method == .password(userID: nil, username: "ops", userDomainID: nil, userDomainName: "Default", password: Secret("from-secure")))
        #expect(c.region == "RegionTwo")
        #expect(c.interface == "internal")
        #expect(c.caFile == "/etc/ssl/prod.pem")
        #expect(c.source.contains("cloud \"prod\""))
        // The configuration's cloud and region win over OS_CLOUD and the file.
        var settings = OpenStackSettings()
        settings.region = "RegionThree"
        let overridden = try CredentialsResolver.openStack(settings: settings, environment: env, cwd: Self.cwd, readFile: read)
        #expect(overridden.region == "RegionThree")
        // ./clouds.yaml comes before the home folder's.
        let local = clouds.replacingOccurrences(of: "https://keystone.prod:5000", with: "https://local")
        let both = Self.files(["/ops/repo/clouds.yaml": local, "/home/op/.config/openstack/clouds.yaml": clouds,
                               "/ops/repo/secure.yaml": secure])
        #expect(try CredentialsResolver.openStack(settings: OpenStackSettings(), environment: env, cwd: Self.cwd, readFile: both).authURL == "https://local")
    }

    @Test func missingPiecesAreClearErrorsThatNeverShowSecrets() {
        let none = #expect(throws: CredentialsError.self) {
            try CredentialsResolver.openStack(settings: OpenStackSettings(), environment: [:], cwd: Self.cwd, readFile: Self.files([:]))
        }
        #expect(none == CredentialsError("no OpenStack cloud is configured: neither OS_CLOUD nor OS_AUTH_URL is set",
                                         hint: "set OS_CLOUD to a cloud in clouds.yaml, or the OS_* variables (OS_AUTH_URL, OS_USERNAME, OS_PASSWORD, OS_PROJECT_NAME, …)"))
        let unknown = #expect(throws: CredentialsError.self) {
            try CredentialsResolver.openStack(settings: OpenStackSettings(), environment: ["OS_CLOUD": "nope", "HOME": Self.home],
                                              cwd: Self.cwd, readFile: Self.files([:]))
        }
        #expect(unknown == CredentialsError("the cloud \"nope\" is in no clouds.yaml (looked in /ops/repo/clouds.yaml, "
                                            + "/home/op/.config/openstack/clouds.yaml, /etc/openstack/clouds.yaml)",
                                            hint: "check OS_CLOUD and the configuration's openstack.cloud, or set OS_CLIENT_CONFIG_FILE"))
        let noPassword = #expect(throws: CredentialsError.self) {
            try CredentialsResolver.openStack(settings: OpenStackSettings(), environment: ["OS_AUTH_URL": "https://k", "OS_USERNAME": "u"],
                                              cwd: Self.cwd, readFile: Self.files([:]))
        }
        #expect(noPassword == CredentialsError("OS_AUTH_URL is set but OS_PASSWORD is not", hint: "set OS_PASSWORD, or use an application credential"))
        #expect("\(Secret("hunter2"))" == "***")
        #expect(String(reflecting: Secret("hunter2")) == "Secret(***)")
    }

    @Test func netBoxAndHyperstackAreConfiguredOnlyWithURLAndKey() throws {
        var settings = NetBoxSettings()
        #expect(try CredentialsResolver.netBox(settings: settings, environment: [:]) == .notConfigured(reason: "NETBOX_URL and NETBOX_API_KEY are not set"))
        #expect(try CredentialsResolver.netBox(settings: settings, environment: ["NETBOX_URL": "https://nb"]) == .notConfigured(reason: "NETBOX_API_KEY is not set"))
        let configured = try CredentialsResolver.netBox(settings: settings, environment: ["NETBOX_URL": "https://nb", "NETBOX_API_KEY": "tok"])
        #expect(configured.credentials?.url == "https://nb")
        #expect(configured.credentials?.key.reveal == "tok")
        settings.tokenFile = "/etc/spotctl/netbox"
        let fromFile = try CredentialsResolver.netBox(settings: settings, environment: ["NETBOX_URL": "https://nb"],
                                                      readFile: Self.files(["/etc/spotctl/netbox": "filetoken\n"]))
        #expect(fromFile.credentials?.key.reveal == "filetoken")
        let hyperstack = try CredentialsResolver.hyperstack(settings: HyperstackSettings(),
                                                            environment: ["HYPERSTACK_API_KEY": "k", "HYPERSTACK_API_URL": "http://127.0.0.1:1/hyperstack/v1"])
        #expect(hyperstack.credentials?.url == "http://127.0.0.1:1/hyperstack/v1")
        #expect(try CredentialsResolver.hyperstack(settings: HyperstackSettings(), environment: [:]).credentials == nil)
    }
}
