import Foundation
import Testing
import TestSupport
import SpotCore
@testable import SpotSite

/// A small cloud with hostile names everywhere a cloud supplies text.
func hostileCloud() -> CloudBuilder {
    var cloud = CloudBuilder()
    cloud.project("p-1", name: "<script>alert('tenant')</script>")
    cloud.gpuHost("gpu-1", tag: "NVIDIA L40", aggregate: "L40-n3-spot", tenant: "acme")
    cloud.gpuHost("gpu-2", tag: "NVIDIA L40", aggregate: "L40-n3", tenant: "\"><img src=x onerror=alert(1)>")
    cloud.gpuHost("../../etc/passwd", tag: "NVIDIA L40", aggregate: "L40-n3")
    cloud.gpuHost("NO1-<lab>\"1\"", tag: "NVIDIA L40", aggregate: "Contract-L40-Ærø \"Q\" <b>")
    cloud.gpuHost("gpu%2F1", tag: "NVIDIA L40", aggregate: "L40-n3-runpod")
    cloud.server(on: "gpu-2", flavor: "n3-L40x4", name: "<script>alert(1)</script>")
    cloud.server(on: "gpu-2", flavor: "n3-L40x2", name: "vm \"quoted\" & 'single'")
    cloud.server(on: "NO1-<lab>\"1\"", flavor: "n3-L40x8", name: "a & b <c>")
    return cloud
}

func render(_ cloud: CloudBuilder, history: SiteHistory = SiteHistory(), log: [CommandLogEntry] = []) throws -> [String: Data] {
    let input = SiteInput(cloud: cloud.cloudView(), snapshot: SnapshotReference(commit: "0123456789abcdef0123", date: Date(timeIntervalSince1970: 1_800_000_000), subject: "test"),
                          history: history, commandLog: log)
    return try SiteRenderer().render(input)
}

func text(_ files: [String: Data], _ path: String) -> String {
    files[path].map { String(decoding: $0, as: UTF8.self) } ?? ""
}

func json(_ files: [String: Data], _ path: String) throws -> [String: Any] {
    let data = try #require(files[path], "no \(path)")
    return try #require(try JSONSerialization.jsonObject(with: data) as? [String: Any])
}

@Suite struct TemplateTests {
    @Test func theBuiltInTemplatesAreTheTemplatesFolder() throws {
        let folder = ProjectPaths.root.appendingPathComponent("templates")
        var onDisk: [String: String] = [:]
        let enumerator = try #require(FileManager.default.enumerator(atPath: folder.path))
        while let relative = enumerator.nextObject() as? String {
            let path = folder.appendingPathComponent(relative).path
            var isDirectory: ObjCBool = false
            guard FileManager.default.fileExists(atPath: path, isDirectory: &isDirectory), !isDirectory.boolValue,
                  !relative.hasSuffix("README.md"), !(relative.split(separator: "/").last ?? "").hasPrefix(".") else { continue }
            onDisk[relative] = try String(contentsOfFile: path, encoding: .utf8)
        }
        #expect(Set(onDisk.keys) == Set(EmbeddedTemplates.files.keys), "run `make templates`")
        for (path, text) in onDisk {
            #expect(EmbeddedTemplates.files[path] == text, "templates/\(path) differs from the built-in copy: run `make templates`")
        }
    }

    @Test func anOverrideReplacesOneTemplateAndAnUnknownFileIsAnError() throws {
        let dir = try TemporaryDirectory()
        defer { dir.remove() }
        try FileManager.default.createDirectory(at: dir.appending("assets"), withIntermediateDirectories: true)
        try "body { color: hotpink; }\n".write(to: dir.appending("assets/style.css"), atomically: true, encoding: .utf8)
        let templates = try SiteTemplates.overriding(with: dir.url)
        #expect(templates.overridden == ["assets/style.css"])
        let files = try SiteRenderer(templates: templates).render(
            SiteInput(cloud: hostileCloud().cloudView(), snapshot: SnapshotReference(commit: nil, date: nil, subject: "t")))
        #expect(text(files, "assets/style.css") == "body { color: hotpink; }\n")
        #expect(text(files, "index.html").contains("<h1>GPU capacity</h1>"))

        try "x".write(to: dir.appending("overveiw.mustache"), atomically: true, encoding: .utf8)
        #expect(throws: SiteError.self) { try SiteTemplates.overriding(with: dir.url) }
    }

    @Test func aBrokenOverrideTemplateIsReportedByName() throws {
        let dir = try TemporaryDirectory()
        defer { dir.remove() }
        try "{{#types}} never closed".write(to: dir.appending("overview.mustache"), atomically: true, encoding: .utf8)
        let templates = try SiteTemplates.overriding(with: dir.url)
        #expect(throws: SiteError("the repository's templates/overview.mustache:1: {{#types}} is never closed "
                                  + "(the repository's templates/overview.mustache is not valid)",
                                  hint: "fix the template (Mustache syntax: {{name}}, {{#section}}…{{/section}})")) {
            try SiteRenderer(templates: templates).render(
                SiteInput(cloud: hostileCloud().cloudView(), snapshot: SnapshotReference(commit: nil, date: nil, subject: "t")))
        }
    }
}

@Suite struct RendererTests {
    @Test func everyPageAndAPIFileIsWrittenWithSafeFileNames() throws {
        let files = try render(hostileCloud())
        for path in ["index.html", "types/L40.html", "contracts.html", "history.html", "changes.html", "log.html", "search.html",
                     "assets/style.css", "assets/site.js", "assets/search-index.js", "api/gpu-types.json", "api/aggregates/L40.json",
                     "api/aggregates/L40/spot.json", "api/aggregates/L40/ondemand.json", "api/aggregates/L40/runpod.json",
                     "api/aggregates/L40/contracts.json", "api/aggregates/L40/outofstock.json", "api/contract-aggregates/L40.json",
                     "api/command-log.json", "api/hyperstack/images.json", "api/host-vms/gpu-1.json"] {
            #expect(files[path] != nil, "missing \(path)")
        }
        // Host names never become paths: the traversal and the percent sign are encoded.
        #expect(files["hosts/%2E.%2F..%2Fetc%2Fpasswd.html"] != nil)
        #expect(files["hosts/gpu%252F1.html"] != nil)
        #expect(files["api/host-vms/NO1-%3Clab%3E%221%22.json"] != nil)
        for path in files.keys {
            #expect(!path.split(separator: "/").contains(".."), "\(path) climbs out of the site")
            #expect(!path.hasPrefix("/"))
        }
        // Links to such files encode the percent sign again, so the browser asks for the file's real name.
        #expect(text(files, "types/L40.html").contains("href=\"../hosts/gpu%25252F1.html\""))
        #expect(text(files, "types/L40.html").contains("href=\"../hosts/%252E.%252F..%252Fetc%252Fpasswd.html\""))
    }

    @Test func cloudTextIsEscapedInTextAndAttributes() throws {
        let files = try render(hostileCloud())
        for (path, data) in files where path.hasSuffix(".html") {
            let html = String(decoding: data, as: UTF8.self)
            #expect(!html.contains("<script>alert"), "\(path) holds a raw script from the cloud")
            #expect(!html.contains("<img src=x"), "\(path) holds raw markup from the cloud")
            #expect(!html.contains("<lab>"), "\(path) holds a raw tag from a host name")
            #expect(!html.contains("<b>"), "\(path) holds a raw tag from an aggregate name")
        }
        let host = text(files, "hosts/gpu-2.html")
        #expect(host.contains("&lt;script&gt;alert(1)&lt;/script&gt;"))
        #expect(host.contains("vm &quot;quoted&quot; &amp; &#39;single&#39;"))
        let type = text(files, "types/L40.html")
        #expect(type.contains("data-host=\"NO1-&lt;lab&gt;&quot;1&quot;\""))
        // The search index is a script file: its strings are JSON, and a closing tag cannot end anything.
        let index = text(files, "assets/search-index.js")
        #expect(index.hasPrefix("// Generated by spotctl render"))
        #expect(index.contains("NO1-<lab>\\\"1\\\""))
    }

    @Test func onlyWebLinksFromNetBoxBecomeLinks() throws {
        var cloud = CloudBuilder()
        cloud.gpuHost("gpu-1", tag: "NVIDIA L40", aggregate: "L40-n3-spot")
        cloud.facts.devices![0].webURL = "javascript:alert(1)"
        let files = try render(cloud)
        #expect(!text(files, "types/L40.html").contains("javascript:"))
        #expect(!text(files, "hosts/gpu-1.html").contains("javascript:"))
    }

    @Test func theSameFactsGiveTheSameBytes() throws {
        let first = try render(hostileCloud())
        let second = try render(hostileCloud())
        #expect(first.keys.sorted() == second.keys.sorted())
        for path in first.keys { #expect(first[path] == second[path], "\(path) differs between two renderings") }
    }

    @Test func theStaticAPIHasTheSeedsEnvelopeAndFields() throws {
        let files = try render(hostileCloud())
        let types = try json(files, "api/gpu-types.json")
        #expect(types["status"] as? String == "success")
        #expect(types["message"] is String)
        let list = try #require(types["data"] as? [[String: Any]])
        let l40 = try #require(list.first { $0["name"] as? String == "L40" })
        #expect(l40["display_name"] as? String == "L40")
        let aggregates = try #require(l40["aggregates"] as? [String: [String]])
        #expect(aggregates["spot"] == ["L40-n3-spot"])
        #expect(aggregates["ondemand"] == ["L40-n3"])
        #expect(aggregates["runpod"] == ["L40-n3-runpod"])
        #expect(aggregates["contracts"] == ["Contract-L40-Ærø \"Q\" <b>"])

        let data = try #require(try json(files, "api/aggregates/L40.json")["data"] as? [String: Any])
        #expect(Set(data.keys) == ["ondemand", "spot", "runpod", "contracts", "outofstock", "gpu_overview"])
        let ondemand = try #require(data["ondemand"] as? [String: Any])
        #expect(ondemand["name"] as? String == "L40-n3")
        #expect(ondemand["variants"] is [Any])
        let hosts = try #require(ondemand["hosts"] as? [[String: Any]])
        let gpu2 = try #require(hosts.first { $0["hostname"] as? String == "gpu-2" })
        for key in ["hostname", "status", "vm_count", "has_vms", "gpu_used", "gpu_capacity", "tenant", "owner_group", "variant"] {
            #expect(gpu2.keys.contains(key), "a host lacks \(key)")
        }
        #expect(gpu2["gpu_used"] as? Int == 6)
        #expect(gpu2["vm_count"] as? Int == 2)
        #expect(gpu2["has_vms"] as? Bool == true)
        let summary = try #require(ondemand["gpu_summary"] as? [String: Any])
        #expect(summary["gpu_usage_ratio"] as? String == "6/16")
        #expect((summary["gpu_usage_percentage"] as? NSNumber)?.doubleValue == 37.5)
        let pool = try #require(try json(files, "api/aggregates/L40/ondemand.json")["data"] as? [String: Any])
        #expect((pool["gpu_summary"] as? [String: Any])?["gpu_usage_ratio"] as? String == "6/16")

        let contracts = try #require(try json(files, "api/contract-aggregates/L40.json")["data"] as? [[String: Any]])
        #expect(contracts.count == 1)
        #expect(contracts[0]["aggregate"] as? String == "Contract-L40-Ærø \"Q\" <b>")
        #expect(contracts[0]["tenant_info"] is [String: Any])

        let vms = try #require(try json(files, "api/host-vms/gpu-2.json")["data"] as? [String: Any])
        #expect(vms["hostname"] as? String == "gpu-2")
        #expect(vms["total_vms"] as? Int == 2)
        let vm = try #require((vms["vms"] as? [[String: Any]])?.first)
        for key in ["id", "name", "status", "flavor", "tenant", "created"] { #expect(vm.keys.contains(key), "a VM lacks \(key)") }
        #expect(vm["tenant"] as? String == "<script>alert('tenant')</script>")

        let log = try json(files, "api/command-log.json")
        #expect((log["data"] as? [Any])?.isEmpty == true)
    }

    @Test func theCommandLogAndHistoryReachTheirPages() throws {
        let entry = CommandLogEntry(id: "1", timestamp: "2026-11-29T10:00:00Z", command: "openstack aggregate add host L40-n3-spot gpu-1",
                                    status: .success, executionTime: "1.2s", user: "ci")
        var history = SiteHistory()
        history.points = [
            .init(commit: "aaaaaaaaaaaaaaaa", date: Date(timeIntervalSince1970: 1_800_000_000), subject: "first", summary: nil, moves: []),
            .init(commit: "bbbbbbbbbbbbbbbb", date: Date(timeIntervalSince1970: 1_800_003_600), subject: "second <moved>", summary: nil,
                  moves: [HostMove(host: "gpu-1", gpuType: "L40", from: Placement(pool: .ondemand, poolAggregates: ["L40-n3"]),
                                   to: Placement(pool: .spot, poolAggregates: ["L40-n3-spot"]))]),
        ]
        history.hostEvents = ["gpu-1": [.init(commit: "bbbbbbbbbbbbbbbb", date: Date(timeIntervalSince1970: 1_800_003_600), text: "moved from L40-n3 to L40-n3-spot")]]
        let files = try render(hostileCloud(), history: history, log: [entry])
        let log = try json(files, "api/command-log.json")
        let entries = try #require(log["data"] as? [[String: Any]])
        #expect(entries.first?["command"] as? String == entry.command)
        #expect(entries.first?["execution_time"] as? String == "1.2s")
        #expect(text(files, "log.html").contains("openstack aggregate add host L40-n3-spot gpu-1"))
        let page = text(files, "history.html")
        #expect(page.contains("<svg class=\"chart\""))
        #expect(page.contains("second &lt;moved&gt;"))
        #expect(text(files, "hosts/gpu-1.html").contains("moved from L40-n3 to L40-n3-spot"))
    }
}

/// A RunPod host's page shows its Hyperstack VM and whether the VM is in a firewall.
@Suite struct RunPodHostPageTests {
    @Test func aRunPodHostShowsItsVMAndFirewallState() throws {
        var cloud = CloudBuilder()
        cloud.gpuHost("gpu-7", tag: "NVIDIA L40", aggregate: "L40-n3-runpod")
        cloud.gpuHost("gpu-8", tag: "NVIDIA L40", aggregate: "L40-n3-runpod")
        let attached = cloud.server(on: "gpu-7", flavor: "n3-L40x8", name: "runpod-gpu-7")
        let loose = cloud.server(on: "gpu-8", flavor: "n3-L40x8", name: "runpod-gpu-8")
        cloud.facts.vms = [
            HyperstackVM(id: 41, name: "runpod-gpu-7", status: "ACTIVE", environment: "CA1-RunPod", flavor: "n3-L40x8", serverID: attached),
            HyperstackVM(id: 42, name: "runpod-gpu-8", status: "BUILD", environment: "CA1-RunPod", flavor: "n3-L40x8", serverID: loose),
        ]
        cloud.facts.firewalls = [HyperstackFirewall(id: 971, name: "RunPod-CA1", attachments: [.init(vmID: 41, vmName: "runpod-gpu-7")])]
        let files = try render(cloud)
        let seven = text(files, "hosts/gpu-7.html")
        #expect(seven.contains("<h2>RunPod (Hyperstack)</h2>"))
        #expect(seven.contains("title=\"41\">runpod-gpu-7</td>"))
        #expect(seven.contains("RunPod-CA1 (971)"))
        let eight = text(files, "hosts/gpu-8.html")
        #expect(eight.contains("title=\"42\">runpod-gpu-8</td>"))
        #expect(eight.contains("class=\"warn\">in no firewall</td>"))
        #expect(!eight.contains("runpod-gpu-7</td>"))
    }

    /// At a site that configures a firewall and a storage network, each VM's row says whether it
    /// is in that firewall and has a port on that network; a snapshot without networks says so.
    @Test func aRunPodHostShowsItsNetworkStateAgainstItsSite() throws {
        var cloud = CloudBuilder()
        for host in ["CA1-G1", "CA1-G2", "CA1-G3"] { cloud.gpuHost(host, tag: "NVIDIA L40", aggregate: "L40-n3-runpod") }
        let ready = cloud.server(on: "CA1-G1", flavor: "n3-L40x8", name: "CA1-G1")
        let bare = cloud.server(on: "CA1-G2", flavor: "n3-L40x8", name: "CA1-G2")
        let old = cloud.server(on: "CA1-G3", flavor: "n3-L40x8", name: "CA1-G3")
        for index in cloud.facts.servers.indices {
            switch cloud.facts.servers[index].id {
            case ready: cloud.facts.servers[index].networks = ["RunPod-Storage-Canada-1", "public"]
            case bare: cloud.facts.servers[index].networks = ["public"]
            default: cloud.facts.servers[index].networks = nil
            }
        }
        cloud.facts.vms = [
            HyperstackVM(id: 51, name: "CA1-G1", status: "ACTIVE", environment: "CA1-RunPod", flavor: "n3-L40x8", serverID: ready),
            HyperstackVM(id: 52, name: "CA1-G2", status: "ACTIVE", environment: "CA1-RunPod", flavor: "n3-L40x8", serverID: bare),
            HyperstackVM(id: 53, name: "CA1-G3", status: "ACTIVE", environment: "CA1-RunPod", flavor: "n3-L40x8", serverID: old),
        ]
        cloud.facts.firewalls = [
            HyperstackFirewall(id: 971, name: "RunPod-CA1", attachments: [.init(vmID: 51, vmName: "CA1-G1")]),
            HyperstackFirewall(id: 12, name: "other", attachments: [.init(vmID: 52, vmName: "CA1-G2")]),
        ]
        let files = try render(cloud)
        let one = text(files, "hosts/CA1-G1.html")
        #expect(one.contains("<td data-label=\"Firewall\">RunPod-CA1 (971)</td>"))
        #expect(one.contains("<td data-label=\"Networks\">RunPod-Storage-Canada-1, public</td>"))
        let two = text(files, "hosts/CA1-G2.html")
        #expect(two.contains("class=\"warn\">other (12); not in the site&#39;s firewall 971</td>") ||
                two.contains("class=\"warn\">other (12); not in the site&#x27;s firewall 971</td>"), "\(two)")
        #expect(two.contains("class=\"warn\">public; no port on RunPod-Storage-Canada-1</td>"))
        let three = text(files, "hosts/CA1-G3.html")
        #expect(three.contains("class=\"warn\">not recorded (snapshot before format 1.2)</td>"))
    }

    @Test func withoutHyperstackThereIsNoRunPodPanel() throws {
        var cloud = CloudBuilder()
        cloud.gpuHost("gpu-7", tag: "NVIDIA L40", aggregate: "L40-n3-runpod")
        let files = try render(cloud)
        #expect(!text(files, "hosts/gpu-7.html").contains("RunPod (Hyperstack)"))
    }
}
