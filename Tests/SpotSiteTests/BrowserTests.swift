import Foundation
import Testing
import TestSupport
import Yams
import SpotKit
import SpotSimulator

/// The rendered sites in a real headless browser (Debian's chromium, which `make test` installs):
/// pages load from `file://`, their scripts run, nothing logs an error, nothing scrolls sideways at
/// 400 pixels, and screenshots of each kind of page land in `.build/site-screenshots/`. One
/// browser at a time: each is a heavy process and the machine has two cores.
@Suite(.serialized) struct BrowserTests {
    /// One page of each kind in the demo site.
    static let pages = ["index.html", "types/L40.html", "hosts/CA1-ESC812-101.html", "contracts.html", "history.html",
                        "changes.html", "log.html", "search.html"]

    static let screenshots = ProjectPaths.root.appendingPathComponent(".build/site-screenshots", isDirectory: true)

    @Test(arguments: pages)
    func aPageLoadsWithoutErrorsAndFitsAt400Pixels(_ path: String) async throws {
        let browser = try Browser.required()
        let site = try await Sites.demo.value
        let page = site.site.appendingPathComponent(path)
        for width in [1280, 400] {
            let probe = try await browser.probe(page: page, width: width, actions: """
                return { scripts: document.documentElement.classList.contains('js'), links: document.querySelectorAll('a[href]').length };
                """)
            #expect(probe.errors.isEmpty, "\(path) at \(width) px: \(probe.errors)")
            #expect(probe.innerWidth == width)
            #expect(!probe.scrollsSideways, "\(path) scrolls sideways at \(width) px: \(probe.scrollWidth) > \(probe.clientWidth)")
            let result = try probe.decode(PageFacts.self)
            #expect(result.scripts, "\(path): site.js did not run")
            #expect(result.links > 5)
            let name = path.replacingOccurrences(of: "/", with: "_").replacingOccurrences(of: ".html", with: "")
            let shot = Self.screenshots.appendingPathComponent("\(name)-\(width).png")
            try await browser.screenshot(page: page, width: width, height: width == 400 ? 1400 : 1000, to: shot)
            let bytes = try Data(contentsOf: shot)
            #expect(bytes.starts(with: [0x89, 0x50, 0x4E, 0x47]), "\(shot.path) is not a PNG")
        }
    }

    struct PageFacts: Decodable {
        let scripts: Bool
        let links: Int
    }

    @Test func searchFindsAHostFromTheBoxOnAnyPage() async throws {
        let browser = try Browser.required()
        let site = try await Sites.demo.value
        let probe = try await browser.probe(page: site.site.appendingPathComponent("types/L40.html"), width: 1280, actions: """
            const box = document.querySelector('form.search input');
            box.value = 'esc812-103';
            box.dispatchEvent(new Event('input', {bubbles: true}));
            await sleep(50);
            const results = document.querySelector('.search-results');
            return { hidden: results.hidden,
                     hits: Array.from(results.querySelectorAll('a')).map(a => ({ name: a.querySelector('.name').textContent, href: a.getAttribute('href') })) };
            """)
        #expect(probe.errors.isEmpty, "\(probe.errors)")
        let result = try probe.decode(SearchResult.self)
        #expect(!result.hidden)
        #expect(result.hits.first?.name == "CA1-ESC812-103")
        #expect(result.hits.first?.href == "../hosts/CA1-ESC812-103.html", "links are relative to the page")
        // The link leads to a page that exists.
        #expect(FileManager.default.fileExists(atPath: site.site.appendingPathComponent("hosts/CA1-ESC812-103.html").path))
    }

    struct SearchResult: Decodable {
        struct Hit: Decodable { let name: String; let href: String }
        let hidden: Bool
        let hits: [Hit]
    }

    @Test func searchFindsTenantsAndAggregatesToo() async throws {
        let browser = try Browser.required()
        let site = try await Sites.demo.value
        let probe = try await browser.probe(page: site.site.appendingPathComponent("index.html"), width: 1280, actions: """
            const box = document.querySelector('form.search input');
            const kinds = {};
            for (const query of ['customer1', 'L40-n3-spot']) {
                box.value = query;
                box.dispatchEvent(new Event('input', {bubbles: true}));
                await sleep(20);
                kinds[query] = Array.from(document.querySelectorAll('.search-results a')).map(a => a.getAttribute('data-kind'));
            }
            return kinds;
            """)
        #expect(probe.errors.isEmpty, "\(probe.errors)")
        let kinds = try probe.decode([String: [String]].self)
        #expect(kinds["customer1"]?.contains("tenant") == true, "\(kinds)")
        #expect(kinds["L40-n3-spot"]?.contains("aggregate") == true, "\(kinds)")
    }

    @Test func theComposerWritesAChangeFileThatYAMLReadsBack() async throws {
        let browser = try Browser.required()
        let site = try await Sites.generated.value
        // The page of the type that holds the hostile host name.
        let hostile = "NO1-ÆØÅ-<lab>\"1\""
        let types = try #require(try site.json("api/gpu-types.json")["data"] as? [[String: Any]])
        var typeName: String?
        for type in types {
            let name = type["name"] as! String
            let text = try site.text("api/aggregates/\(specFileName(name)).json")
            if text.contains("\"NO1-ÆØÅ-<lab>\\\"1\\\"\"") { typeName = name }
        }
        let type = try #require(typeName, "no type page holds \(hostile)")
        let probe = try await browser.probe(page: site.site.appendingPathComponent("types/\(specFileName(type)).html"), width: 1280, actions: """
            const composer = document.getElementById('composer');
            const cards = Array.from(document.querySelectorAll('.card'));
            const hostile = cards.find(card => card.getAttribute('data-host') === \(jsonString(hostile)));
            const other = cards.find(card => card !== hostile && card.getAttribute('data-from') !== '');
            for (const card of [hostile, other]) { card.querySelector('input.compose-pick').click(); }
            const target = document.getElementById('composer-target');
            target.value = 'spot';
            target.dispatchEvent(new Event('change', {bubbles: true}));
            await sleep(20);
            return { visible: !composer.hidden, text: document.getElementById('composer-output').value,
                     count: document.getElementById('composer-count').textContent,
                     other: other.getAttribute('data-host'), otherFrom: other.getAttribute('data-from'),
                     hostileFrom: hostile.getAttribute('data-from'),
                     hostileText: hostile.querySelector('a.host').textContent };
            """)
        #expect(probe.errors.isEmpty, "\(probe.errors)")
        let result = try probe.decode(ComposerResult.self)
        #expect(result.visible)
        #expect(result.count == "2 hosts selected")
        #expect(result.hostileText == hostile, "the hostile name renders as text")
        // The text is a change file: YAML that reads back to the hosts, their aggregates and the target.
        let document = try #require(try Yams.load(yaml: result.text) as? [String: Any], "not YAML: \(result.text)")
        let migrations = try #require(document["migrations"] as? [[String: Any]])
        #expect(migrations.count == 2)
        let hosts = migrations.compactMap { $0["host"] as? String }
        #expect(Set(hosts) == [hostile, result.other])
        #expect(migrations.allSatisfy { $0["to"] as? String == "spot" })
        let otherEntry = try #require(migrations.first { $0["host"] as? String == result.other })
        #expect(otherEntry["from"] as? String == result.otherFrom)
    }

    struct ComposerResult: Decodable {
        let visible: Bool
        let text: String
        let count: String
        let other: String
        let otherFrom: String
        let hostileFrom: String
        let hostileText: String
    }

    @Test func hostileNamesRenderAsTextNeverAsMarkup() async throws {
        let browser = try Browser.required()
        let site = try await Sites.generated.value
        // Every page that shows a hostile string: the hosts with hostile VM names, the contracts, search.
        var pages = ["contracts.html", "search.html", "index.html", "hosts/\(specFileName("NO1-ÆØÅ-<lab>\"1\"")).html"]
        let hostileVM = try #require(site.world.servers.first { $0.name == "<script>alert(1)</script>" && $0.host != nil })
        pages.append("hosts/\(specFileName(hostileVM.host!)).html")
        for path in pages {
            let probe = try await browser.probe(page: site.site.appendingPathComponent(path), width: 1280, actions: """
                return { lab: document.getElementsByTagName('lab').length, b: document.getElementsByTagName('b').length,
                         img: document.getElementsByTagName('img').length,
                         scripts: Array.from(document.scripts).filter(s => !s.src).length,
                         text: document.body.textContent };
                """)
            #expect(probe.errors.isEmpty, "\(path): \(probe.errors)")
            let result = try probe.decode(MarkupResult.self)
            #expect(result.lab == 0 && result.b == 0 && result.img == 0, "\(path): cloud text became markup")
            // The probe injects its own inline scripts; the site has none.
            #expect(result.scripts == 2, "\(path): \(result.scripts) inline scripts")
            if path.hasPrefix("hosts/") && path != pages[3] {
                #expect(result.text.contains("<script>alert(1)</script>"), "\(path): the VM's name is shown as text")
            }
        }
    }

    struct MarkupResult: Decodable {
        let lab: Int
        let b: Int
        let img: Int
        let scripts: Int
        let text: String
    }

    @Test func twoContractsSitSideBySide() async throws {
        let browser = try Browser.required()
        let site = try await Sites.generated.value
        let probe = try await browser.probe(page: site.site.appendingPathComponent("contracts.html"), width: 1280, actions: """
            const left = document.querySelector('.contract.left'), right = document.querySelector('.contract.right');
            const shown = Array.from(document.querySelectorAll('.contract')).filter(c => c.offsetParent !== null).length;
            const l = left.getBoundingClientRect(), r = right.getBoundingClientRect();
            const select = document.getElementById('compare-right');
            select.value = select.options[select.options.length - 1].value;
            select.dispatchEvent(new Event('change', {bubbles: true}));
            const after = document.querySelector('.contract.right');
            return { shown, where: [l.left, l.top, r.left, r.top].join(' '), sameRow: l.top === r.top, leftFirst: l.left < r.left,
                     switched: after.id === select.value };
            """)
        #expect(probe.errors.isEmpty, "\(probe.errors)")
        let result = try probe.decode(CompareResult.self)
        #expect(result.shown == 2)
        #expect(result.sameRow && result.leftFirst, "\(result.where)")
        #expect(result.switched)
    }

    struct CompareResult: Decodable {
        let shown: Int
        let `where`: String
        let sameRow: Bool
        let leftFirst: Bool
        let switched: Bool
    }

    @Test func theGeneratedSitesWidestPagesFitAt400Pixels() async throws {
        let browser = try Browser.required()
        let site = try await Sites.generated.value
        let types = try #require(try site.json("api/gpu-types.json")["data"] as? [[String: Any]])
        for path in ["index.html", "history.html", "types/\(specFileName(types[0]["name"] as! String)).html",
                     "hosts/\(specFileName("NO1-ÆØÅ-<lab>\"1\"")).html"] {
            let probe = try await browser.probe(page: site.site.appendingPathComponent(path), width: 400)
            #expect(probe.errors.isEmpty, "\(path): \(probe.errors)")
            #expect(!probe.scrollsSideways, "\(path) scrolls sideways at 400 px: \(probe.scrollWidth) > \(probe.clientWidth)")
        }
    }
}

func jsonString(_ text: String) -> String {
    String(decoding: try! JSONEncoder().encode(text), as: UTF8.self)
}
