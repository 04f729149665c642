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
        let text = ConfigurationWriter.yaml(c)
        #expect(try ConfigurationLoader.load(yaml: text, file: "x.yaml") == c)
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
        let diagnostic = try! #require(error?.diagnostics.first)
        #expect(error?.diagnostics.count == 1)
        #expect(diagnostic.line == 4)
        #expect(diagnostic.key == "netbox.tokn_env")
        #expect(diagnostic.description.hasPrefix("ops/spotctl.yaml:4:3: netbox.tokn_env: unknown key"))
        #expect(diagnostic.message.contains("did you mean \"token_env\""))
    }

    @Test(arguments: [
        ("capacity:\n  default_gpus_per_host: eight\n", 2, "capacity.default_gpus_per_host", "expected a whole number"),
        ("out_of_stock:\n  disabled_service: maybe\n", 2, "out_of_stock.disabled_service", "expected true or false"),
        ("gpu_servers:\n  roles: GPU Servers\n", 2, "gpu_servers.roles", "expected a list"),
        ("gpu_types:\n  L40:\n    tags: [NVIDIA L40, 5]\n", 3, "gpu_types.L40.tags[1]", "expected text"),
        ("snapshot:\n  max_host_loss: 1.5\n", 2, "snapshot.max_host_loss", "between 0.0 and 1.0"),
        ("openstack:\n  interface: outside\n", 2, "openstack.interface", "must be one of"),
        ("netbox: [1, 2]\n", 1, "netbox", "expected a mapping"),
        ("netbox:\n  url: ftp://netbox\n", 2, "netbox.url", "http:// or https://"),
        ("sites:\n  CA1:\n    environment: CA1-RunPod\n", 3, "sites.CA1", "needs hyperstack_region"),
    ])
    func aWrongTypeOrValueIsAnErrorWithItsLine(yaml: String, line: Int, key: String, message: String) {
        let error = #expect(throws: ConfigurationError.self) {
            try ConfigurationLoader.load(yaml: yaml, file: "spotctl.yaml")
        }
        let diagnostic = error?.diagnostics.first
        #expect(diagnostic?.line == line)
        #expect(diagnostic?.key == key)
        #expect(diagnostic?.message.contains(message) == true, "\(String(describing: diagnostic))")
    }

    @Test(arguments: [
        ("aggregates:\n  spot: [\"<TYPE-n3-spot\"]\n", "aggregates.spot[0]", "not closed"),
        ("aggregates:\n  spot: [\"<KIND>-n3-spot\"]\n", "aggregates.spot[0]", "unknown placeholder <KIND>"),
        ("aggregates:\n  spot: [\"<N>-spot\"]\n", "aggregates.spot[0]", "<N> cannot be used"),
        ("launch:\n  flavor: \"n3-<TYPE>x<COUNT>\"\n", "launch.flavor", "unknown placeholder"),
        ("capacity:\n  host_patterns:\n    - pattern: \"*<TYPE>*\"\n      gpus: 4\n", "capacity.host_patterns[0].pattern", "cannot be used"),
        ("aggregates:\n  spot: [\"\"]\n", "aggregates.spot[0]", "empty"),
    ])
    func aMalformedPatternIsAnError(yaml: String, key: String, message: String) {
        let error = #expect(throws: ConfigurationError.self) {
            try ConfigurationLoader.load(yaml: yaml, file: "spotctl.yaml")
        }
        #expect(error?.diagnostics.first?.key == key)
        #expect(error?.diagnostics.first?.message.contains(message) == true, "\(String(describing: error))")
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
        #expect(error?.description.contains("3 problems") == true)
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
        #expect(error?.diagnostics.first?.line == 5)
        #expect(error?.diagnostics.first?.message.contains("already identifies L40") == true)
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
        #expect(error?.diagnostics.first?.message.contains("environment variable") == true)
        // The diagnostic never repeats the value.
        #expect(error?.description.contains("s3cr3tvalue") == false)
    }

    @Test func credentialsInAURLAreRefused() {
        let error = #expect(throws: ConfigurationError.self) {
            try ConfigurationLoader.load(yaml: "netbox:\n  url: https://admin:hunter2@netbox.example.net\n", file: "s.yaml")
        }
        #expect(error?.diagnostics.first?.message.contains("must not carry credentials") == true)
    }

    @Test func aNewerVersionAndDuplicateKeysAreRefused() {
        let newer = #expect(throws: ConfigurationError.self) {
            try ConfigurationLoader.load(yaml: "version: 2\n", file: "s.yaml")
        }
        #expect(newer?.diagnostics.first?.message.contains("upgrade spotctl") == true)
        let duplicate = #expect(throws: ConfigurationError.self) {
            try ConfigurationLoader.load(yaml: "netbox:\n  page_size: 10\n  page_size: 20\n", file: "s.yaml")
        }
        #expect(duplicate?.diagnostics.first?.line == 3)
        #expect(duplicate?.diagnostics.first?.message.contains("appears twice") == true)
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
        ("netbox:\n  token_file: secrets/netbox\n", "absolute path"),
        ("netbox:\n  token_file: /ops/repo/secrets/netbox\n", "inside the operations repository"),
        ("hyperstack:\n  api_key_file: /ops/repo/../repo/key\n", "inside the operations repository"),
        ("runpod:\n  api_key_file: ./key\n", "absolute path"),
    ])
    func secretFilesInsideTheRepositoryAreRefused(yaml: String, message: String) {
        let error = #expect(throws: ConfigurationError.self) {
            try ConfigurationLoader.load(yaml: yaml, file: "spotctl.yaml", repositoryRoot: "/ops/repo")
        }
        #expect(error?.diagnostics.first?.line == 2)
        #expect(error?.diagnostics.first?.message.contains(message) == true, "\(String(describing: error))")
    }

    @Test func secretFilesOutsideTheRepositoryAreAccepted() throws {
        let c = try ConfigurationLoader.load(yaml: "netbox:\n  token_file: /etc/spotctl/netbox\nrunpod:\n  api_key_file: ~/.runpod\n",
                                             file: "spotctl.yaml", repositoryRoot: "/ops/repo")
        #expect(c.netbox.tokenFile == "/etc/spotctl/netbox")
        #expect(c.runpod.apiKeyFile == "~/.runpod")
    }
}
