import Testing
@testable import SpotCore

@Suite struct ConfigurationTests {
    @Test func defaultsReproduceTheSeedConventions() {
        let c = Configuration.defaults
        #expect(c.gpuServers.roles == ["GPU Servers", "gpu-servers", "GPU Server"])
        #expect(c.gpuServers.excludedTags == ["UNPOPULATED CHASSIS"])
        #expect(c.aggregates.ondemand.map(\.template) == ["<TYPE>-n3", "<TYPE>-n3-NVLink"])
        #expect(c.aggregates.spot.map(\.template) == ["<TYPE>-n3-spot"])
        #expect(c.aggregates.runpod.map(\.template) == ["<TYPE>-n3-runpod"])
        #expect(c.aggregates.contract.map(\.template) == ["Contract-*"])
        #expect(c.capacity.defaultGPUsPerHost == 8)
        #expect(c.gpuType(named: "RTX-A4000")?.gpusPerHost == 10)
        #expect(c.gpuType(named: "A100")?.tags.count == 4)
        #expect(c.ownerGroups.tenants == [.init(tenant: "nexgen-cloud", group: "Nexgen Cloud")])
        #expect(c.ownerGroups.other == "Investors")
        #expect(c.ownerGroups.unassigned == "Unassigned")
        #expect(c.outOfStock.inServiceStatuses == ["active"])
        #expect(c.outOfStock.testingMarkers == ["tempest"])
        #expect(c.sites.map(\.prefix) == ["CA1", "US1", "NO1"])
        #expect(c.sites[0].firewall == 971)
        #expect(c.sites[0].storageNetwork == "RunPod-Storage-Canada-1")
        #expect(c.sites[1].firewall == nil)
        #expect(c.launch.flavor.expanded(type: "L40", count: 8) == "n3-L40x8")
        #expect(c.hyperstack.url == "https://infrahub-api.nexgencloud.com/v1")
        #expect(c.snapshot.maxHostLoss == 0.5)
        #expect(c.gpuTypes.count == 13)
    }

    @Test func anEmptyFileGivesTheDefaults() throws {
        #expect(try ConfigurationLoader.load(yaml: "", file: "spotctl.yaml") == .defaults)
        #expect(try ConfigurationLoader.load(yaml: "# only a comment\n", file: "spotctl.yaml") == .defaults)
    }

    @Test func theWrittenDefaultsReadBackEqual() throws {
        let text = ConfigurationWriter.yaml(.defaults)
        #expect(try ConfigurationLoader.load(yaml: text, file: "spotctl.yaml") == .defaults)
        #expect(text.contains("\"<TYPE>-n3-spot\""))
        #expect(text.contains("RTX-A4000:\n    tags: [\"RTX A4000\"]\n    gpus_per_host: 10"))
    }

    @Test func aCustomConfigurationRoundTrips() throws {
        var c = Configuration()
        c.openstack.cloud = "prod"
        c.openstack.region = "Region \"One\""
        c.netbox.url = "https://netbox.example.net"
        c.netbox.tokenFile = "/etc/spotctl/netbox-token"
        c.gpuTypes = [GPUTypeDefinition(name: "B200", displayName: "B200 SXM", tags: ["NVIDIA B200"], gpusPerHost: 8)]
        c.ownerGroups.tenants = [.init(tenant: "acme: inc", group: "Acme")]
        c.sites = [SiteDefinition(prefix: "FR1", hyperstackRegion: "FRANCE-1", environment: "FR1-RunPod", firewall: 12)]
        c.launch.nvlinkFlavor = nil
        c.launch.securityRules = [SecurityRule(direction: "ingress", ethertype: "IPv4", protocol: "tcp",
                                               remoteIPPrefix: "0.0.0.0/0", portRangeMin: 22, portRangeMax: 22)]
        c.capacity.hostPatterns = []
        c.snapshot.maxServerLoss = 0.25
        c.apply.concurrency = 16
        let text = ConfigurationWriter.yaml(c)
        #expect(try ConfigurationLoader.load(yaml: text, file: "x.yaml") == c)
        #expect(text.contains("apply:\n  concurrency: 16"))
    }

    @Test func applyConcurrencyDefaultsToEightAndMustBePositive() throws {
        #expect(Configuration.defaults.apply.concurrency == 8)
        #expect(try ConfigurationLoader.load(yaml: "apply:\n  concurrency: 3\n", file: "spotctl.yaml").apply.concurrency == 3)
        let error = #expect(throws: ConfigurationError.self) {
            try ConfigurationLoader.load(yaml: "apply:\n  concurrency: 0\n", file: "spotctl.yaml")
        }
        #expect(error?.diagnostics.first?.key == "apply.concurrency")
    }

    @Test func anUnknownKeyNamesTheFileLineAndKey() {
        let yaml = """
        version: 1
        netbox:
          url: https://netbox.example.net
          tokn_env: NETBOX_API_KEY
        """
        let error = #expect(throws: ConfigurationError.self) {
            try ConfigurationLoader.load(yaml: yaml, file: "ops/spotctl.yaml")
        }
        #expect(error == oneProblem("ops/spotctl.yaml", line: 4, column: 3, key: "netbox.tokn_env",
                                    "unknown key \"tokn_env\" (did you mean \"token_env\"?); known keys here: ca_file, custom_fields, page_size, timeout_seconds, token_env, token_file, url, verify"))
    }

    @Test(arguments: [
        ("capacity:\n  default_gpus_per_host: eight\n", 2, "capacity.default_gpus_per_host", "expected a whole number, found the text \"eight\""),
        ("out_of_stock:\n  disabled_service: maybe\n", 2, "out_of_stock.disabled_service", "expected true or false, found the text \"maybe\""),
        ("gpu_servers:\n  roles: GPU Servers\n", 2, "gpu_servers.roles", "expected a list, found the text \"GPU Servers\""),
        ("gpu_types:\n  L40:\n    tags: [NVIDIA L40, 5]\n", 3, "gpu_types.L40.tags[1]", "expected text, found the number 5; quote it if you mean the text"),
        ("snapshot:\n  max_host_loss: 1.5\n", 2, "snapshot.max_host_loss", "must be between 0.0 and 1.0, found 1.5"),
        ("openstack:\n  interface: outside\n", 2, "openstack.interface", "must be one of public, internal, admin, found \"outside\""),
        ("netbox: [1, 2]\n", 1, "netbox", "expected a mapping (key: value lines), found a list"),
        ("netbox:\n  url: ftp://netbox\n", 2, "netbox.url", "expected an http:// or https:// URL, found \"ftp://netbox\""),
        ("sites:\n  CA1:\n    environment: CA1-RunPod\n", 3, "sites.CA1", "needs hyperstack_region"),
    ])
    func aWrongTypeOrValueIsAnErrorWithItsLine(yaml: String, line: Int, key: String, message: String) {
        let error = #expect(throws: ConfigurationError.self) {
            try ConfigurationLoader.load(yaml: yaml, file: "spotctl.yaml")
        }
        let diagnostic = error?.diagnostics.first
        #expect(diagnostic?.line == line)
        #expect(diagnostic?.key == key)
        #expect(error?.diagnostics.count == 1)
        #expect(diagnostic?.message == message)
    }

    @Test(arguments: [
        ("aggregates:\n  spot: [\"<TYPE-n3-spot\"]\n", "aggregates.spot[0]", "invalid pattern \"<TYPE-n3-spot\": '<' is not closed by '>'"),
        ("aggregates:\n  spot: [\"<KIND>-n3-spot\"]\n", "aggregates.spot[0]", "invalid pattern \"<KIND>-n3-spot\": unknown placeholder <KIND>; this pattern may use <TYPE> and *"),
        ("aggregates:\n  spot: [\"<N>-spot\"]\n", "aggregates.spot[0]", "invalid pattern \"<N>-spot\": <N> cannot be used in this pattern"),
        ("launch:\n  flavor: \"n3-<TYPE>x<COUNT>\"\n", "launch.flavor", "invalid pattern \"n3-<TYPE>x<COUNT>\": unknown placeholder <COUNT>; this pattern may use <N>, <TYPE> and *"),
        ("capacity:\n  host_patterns:\n    - pattern: \"*<TYPE>*\"\n      gpus: 4\n", "capacity.host_patterns[0].pattern", "invalid pattern \"*<TYPE>*\": <TYPE> cannot be used in this pattern"),
        ("aggregates:\n  spot: [\"\"]\n", "aggregates.spot[0]", "expected text, found an empty string"),
    ])
    func aMalformedPatternIsAnError(yaml: String, key: String, message: String) {
        let error = #expect(throws: ConfigurationError.self) {
            try ConfigurationLoader.load(yaml: yaml, file: "spotctl.yaml")
        }
        #expect(error?.diagnostics.first?.key == key)
        #expect(error?.diagnostics.first?.message == message)
    }

    @Test func everyProblemIsReportedInOneRun() {
        let yaml = """
        colour: blue
        capacity:
          default_gpus_per_host: 0
        launch:
          key_name: true
        """
        let error = #expect(throws: ConfigurationError.self) {
            try ConfigurationLoader.load(yaml: yaml, file: "spotctl.yaml")
        }
        #expect(error?.diagnostics.map(\.line) == [1, 3, 5])
        #expect(error?.diagnostics.map(\.key) == ["colour", "capacity.default_gpus_per_host", "launch.key_name"])
        #expect(error?.description == """
            spotctl.yaml: 3 problems in the configuration; nothing was changed
              spotctl.yaml:1:1: colour: unknown key "colour"; known keys here: aggregates, apply, capacity, gpu_servers, gpu_types, \
            hyperstack, launch, netbox, nvlink, openstack, out_of_stock, owner_groups, runpod, sites, snapshot, version
              spotctl.yaml:3:26: capacity.default_gpus_per_host: must be at least 1, found 0
              spotctl.yaml:5:13: launch.key_name: expected text, found the boolean true; quote it if you mean the text
            """)
    }

    @Test func aTagCanIdentifyOneTypeOnly() {
        let yaml = """
        gpu_types:
          L40:
            tags: [NVIDIA L40]
          L40S:
            tags: [nvidia-l40]
        """
        let error = #expect(throws: ConfigurationError.self) {
            try ConfigurationLoader.load(yaml: yaml, file: "spotctl.yaml")
        }
        #expect(error == oneProblem("spotctl.yaml", line: 5, column: 12, key: "gpu_types.L40S.tags[0]",
                                    "the tag \"nvidia-l40\" already identifies L40; a tag can identify one type only"))
    }

    @Test func invalidYAMLReportsItsPosition() {
        let error = #expect(throws: ConfigurationError.self) {
            try ConfigurationLoader.load(yaml: "netbox:\n  url: [unclosed\n", file: "spotctl.yaml")
        }
        let diagnostic = error?.diagnostics.first
        #expect(diagnostic?.message.hasPrefix("invalid YAML") == true)
        #expect((diagnostic?.line ?? 0) >= 2)
    }

    @Test func aSecretInPlaceOfAVariableNameIsRefused() {
        let error = #expect(throws: ConfigurationError.self) {
            try ConfigurationLoader.load(yaml: "netbox:\n  token_env: nbt_abc123.s3cr3tvalue\n", file: "spotctl.yaml")
        }
        #expect(error == oneProblem("spotctl.yaml", line: 2, column: 14, key: "netbox.token_env",
                                    "must name an environment variable (letters, digits and _), not hold a secret; put the secret in that variable"))
        // The diagnostic never repeats the value.
        #expect(error?.description.contains("s3cr3tvalue") == false)
    }

    @Test func credentialsInAURLAreRefused() {
        let error = #expect(throws: ConfigurationError.self) {
            try ConfigurationLoader.load(yaml: "netbox:\n  url: https://admin:hunter2@netbox.example.net\n", file: "s.yaml")
        }
        #expect(error == oneProblem("s.yaml", line: 2, column: 8, key: "netbox.url",
                                    "a URL here must not carry credentials; use the token variable instead"))
    }

    @Test func aNewerVersionAndDuplicateKeysAreRefused() {
        let newer = #expect(throws: ConfigurationError.self) {
            try ConfigurationLoader.load(yaml: "version: 2\n", file: "s.yaml")
        }
        #expect(newer == oneProblem("s.yaml", line: 1, column: 10, key: "version",
                                    "version 2 is newer than this spotctl understands (1); upgrade spotctl"))
        let duplicate = #expect(throws: ConfigurationError.self) {
            try ConfigurationLoader.load(yaml: "netbox:\n  page_size: 10\n  page_size: 20\n", file: "s.yaml")
        }
        #expect(duplicate == oneProblem("s.yaml", line: 3, column: 3, key: "page_size", "the key \"page_size\" appears twice"))
    }

    @Test func givenTablesReplaceTheDefaultTables() throws {
        let c = try ConfigurationLoader.load(yaml: """
        gpu_types:
          B200:
            tags: [NVIDIA B200]
        capacity:
          default_gpus_per_host: 4
        """, file: "s.yaml")
        #expect(c.gpuTypes.map(\.name) == ["B200"])
        #expect(c.capacity.defaultGPUsPerHost == 4)
        // Sections not given keep their defaults.
        #expect(c.capacity.hostPatterns == Configuration.defaults.capacity.hostPatterns)
        #expect(c.sites == Configuration.defaults.sites)
    }
}

@Suite struct SecretFileTests {
    @Test(arguments: [
        ("netbox:\n  token_file: secrets/netbox\n", "a secret file must be an absolute path outside the repository (or start with ~/), found \"secrets/netbox\""),
        ("netbox:\n  token_file: /ops/repo/secrets/netbox\n", "/ops/repo/secrets/netbox is inside the operations repository; keep secrets outside it so they are never committed"),
        ("hyperstack:\n  api_key_file: /ops/repo/../repo/key\n", "/ops/repo/../repo/key is inside the operations repository; keep secrets outside it so they are never committed"),
        ("runpod:\n  api_key_file: ./key\n", "a secret file must be an absolute path outside the repository (or start with ~/), found \"./key\""),
    ])
    func secretFilesInsideTheRepositoryAreRefused(yaml: String, message: String) {
        let error = #expect(throws: ConfigurationError.self) {
            try ConfigurationLoader.load(yaml: yaml, file: "spotctl.yaml", repositoryRoot: "/ops/repo")
        }
        #expect(error?.diagnostics.count == 1)
        #expect(error?.diagnostics.first?.line == 2)
        #expect(error?.diagnostics.first?.message == message)
    }

    @Test func secretFilesOutsideTheRepositoryAreAccepted() throws {
        let c = try ConfigurationLoader.load(yaml: "netbox:\n  token_file: /etc/spotctl/netbox\nrunpod:\n  api_key_file: ~/.runpod\n",
                                             file: "spotctl.yaml", repositoryRoot: "/ops/repo")
        #expect(c.netbox.tokenFile == "/etc/spotctl/netbox")
        #expect(c.runpod.apiKeyFile == "~/.runpod")
    }
}

/// The error of a configuration file with one problem.
private func oneProblem(_ file: String, line: Int, column: Int, key: String, _ message: String) -> ConfigurationError {
    ConfigurationError(file: file, diagnostics: [ConfigurationDiagnostic(file: file, line: line, column: column, key: key, message: message)])
}
