import Foundation
import SpotCore
import Testing
import TestSupport

/// Self-tests of the headless-browser harness (Tests/TestSupport/Browser.swift) on small fixture
/// pages. They need Debian's chromium, which `make test` installs: without it they fail, saying so.
@Suite("BrowserHarness", .serialized)
struct BrowserHarnessTests {
    /// Writes `files` (name → content) to a fresh folder and returns it.
    private func fixture(_ files: [String: String]) throws -> TemporaryDirectory {
        let folder = try TemporaryDirectory(prefix: "spotctl-browser")
        for (name, content) in files {
            try Data(content.utf8).write(to: folder.appending(name))
        }
        return folder
    }

    private func page(_ body: String, head: String = "<title>fixture</title>") -> String {
        """
        <!doctype html>
        <html lang="en">
        <head>
        <meta charset="utf-8">
        <meta name="viewport" content="width=device-width, initial-scale=1">
        \(head)
        </head>
        <body>
        \(body)
        </body>
        </html>
        """
    }

    @Test("a script that throws is reported, with its file and line")
    func throwingScript() async throws {
        let browser = try Browser.required()
        let folder = try fixture(["index.html": page("<p>hi</p>\n<script>\nnoSuchFunction();\n</script>")])
        defer { folder.remove() }
        let probe = try await browser.probe(page: folder.appending("index.html"), width: 1280)
        #expect(probe.errors.count == 1, "\(probe.errors)")
        let error = try #require(probe.errors.first)
        #expect(error.contains("noSuchFunction is not defined"), "\(error)")
        #expect(error.contains("index.html:11"), "line numbers are those of the page itself: \(error)")
        #expect(!error.contains(".probe-"), "the hidden copy's name is replaced by the page's: \(error)")
    }

    @Test("a clean page has no errors; its title, widths and DOM are reported")
    func cleanPage() async throws {
        let browser = try Browser.required()
        let folder = try fixture(["index.html": page("<h1 id=h>Übersicht</h1><script>console.log('ready');</script>",
                                                     head: "<title>GPUs &amp; hosts – Übersicht</title>")])
        defer { folder.remove() }
        let probe = try await browser.probe(page: folder.appending("index.html"), width: 1280)
        #expect(probe.errors.isEmpty, "\(probe.errors)")
        #expect(probe.title == "GPUs & hosts – Übersicht")
        #expect(probe.logs == ["console.log: ready"])
        #expect(probe.result == .null)
        #expect(probe.innerWidth == 1280)
        #expect(!probe.framed)
        #expect(!probe.scrollsSideways)
        #expect(probe.dom.contains("<h1 id=\"h\">Übersicht</h1>"))
        #expect(!probe.dom.contains("__probe"), "the harness's scripts are not in the reported DOM")
        let left = try FileManager.default.contentsOfDirectory(atPath: folder.path)
        #expect(left == ["index.html"], "the hidden copy is removed: \(left)")
    }

    @Test("console.error, console.warn, unhandled rejections and missing files are errors")
    func otherErrors() async throws {
        let browser = try Browser.required()
        let folder = try fixture(["index.html": page("""
            <link rel="stylesheet" href="missing.css">
            <script>
            console.error('bad thing', {host: 'gpu-1'});
            console.warn('careful');
            Promise.reject(new Error('rejected'));
            </script>
            """)])
        defer { folder.remove() }
        let probe = try await browser.probe(page: folder.appending("index.html"), width: 1280)
        let errors = probe.errors.joined(separator: "\n")
        #expect(errors.contains("console.error: bad thing {\"host\":\"gpu-1\"}"), "\(errors)")
        #expect(errors.contains("console.warn: careful"), "\(errors)")
        #expect(errors.contains("Uncaught (in promise) Error: rejected"), "\(errors)")
        #expect(errors.contains("failed to load <link>") && errors.contains("missing.css"), "\(errors)")
        #expect(probe.errors.count == 4, "each error once, though chromium prints the rejection too: \(errors)")
    }

    @Test("relative scripts and stylesheets resolve beside the page")
    func relativeFiles() async throws {
        let browser = try Browser.required()
        let folder = try fixture([
            "index.html": page("<p id=p>static</p><script src=\"app.js\"></script>",
                               head: "<title>x</title><link rel=\"stylesheet\" href=\"site.css\">"),
            "app.js": "document.getElementById('p').textContent = 'from app.js';",
            "site.css": "#p { color: rgb(1, 2, 3); }",
        ])
        defer { folder.remove() }
        let probe = try await browser.probe(page: folder.appending("index.html"), width: 1280, actions: """
            const p = document.getElementById('p');
            return [p.textContent, getComputedStyle(p).color];
            """)
        #expect(probe.errors.isEmpty, "\(probe.errors)")
        #expect(probe.result == .array([.string("from app.js"), .string("rgb(1, 2, 3)")]))
    }

    @Test("a 1000 px wide element scrolls sideways at 400 px")
    func wideElement() async throws {
        let browser = try Browser.required()
        let folder = try fixture(["index.html": page("<div style=\"width:1000px\">wide</div>")])
        defer { folder.remove() }
        let probe = try await browser.probe(page: folder.appending("index.html"), width: 400)
        #expect(probe.innerWidth == 400)
        #expect(probe.framed)
        #expect(probe.scrollsSideways, "scrollWidth \(probe.scrollWidth), clientWidth \(probe.clientWidth)")
        #expect(probe.scrollWidth >= 1000)
    }

    @Test("a responsive page does not scroll sideways at 400 px, and its media queries see 400 px")
    func responsivePage() async throws {
        let browser = try Browser.required()
        let css = """
            <title>r</title><style>
            .grid { display: grid; grid-template-columns: repeat(4, 1fr); }
            @media (max-width: 600px) { .grid { grid-template-columns: 1fr; } }
            pre { white-space: pre-wrap; overflow-wrap: anywhere; }
            </style>
            """
        let long = String(repeating: "gpu-host-with-a-long-name ", count: 40)
        let folder = try fixture(["index.html": page("<div class=grid><pre>\(long)</pre><div>a</div></div>"
                                                     + "<div style=\"height:3000px\">tall</div>", head: css)])
        defer { folder.remove() }
        let narrow = try await browser.probe(page: folder.appending("index.html"), width: 400, actions: """
            return [innerWidth, matchMedia('(max-width: 600px)').matches,
                    getComputedStyle(document.querySelector('.grid')).gridTemplateColumns.split(' ').length];
            """)
        #expect(narrow.errors.isEmpty, "\(narrow.errors)")
        #expect(narrow.innerWidth == 400)
        #expect(narrow.result == .array([.int(400), .bool(true), .int(1)]))
        #expect(!narrow.scrollsSideways, "scrollWidth \(narrow.scrollWidth), clientWidth \(narrow.clientWidth)")
        let wide = try await browser.probe(page: folder.appending("index.html"), width: 1280)
        #expect(wide.innerWidth == 1280)
        #expect(!wide.scrollsSideways)
    }

    @Test("actions type into an input and read back what the page's listener wrote")
    func typing() async throws {
        let browser = try Browser.required()
        let folder = try fixture(["index.html": page("""
            <input id="search" placeholder="host">
            <ul id="hits"></ul>
            <script>
            const hosts = ['gpu-1', 'gpu-7', 'gpu-12'];
            document.getElementById('search').addEventListener('input', (event) => {
              const hits = hosts.filter((h) => h.includes(event.target.value));
              document.getElementById('hits').innerHTML = hits.map((h) => '<li>' + h + '</li>').join('');
            });
            </script>
            """)])
        defer { folder.remove() }
        struct Hits: Decodable, Equatable { let count: Int; let first: String }
        let probe = try await browser.probe(page: folder.appending("index.html"), width: 400, actions: """
            const box = document.getElementById('search');
            box.value = 'gpu-7';
            box.dispatchEvent(new Event('input', {bubbles: true}));
            await sleep(10);
            const items = [...document.querySelectorAll('#hits li')];
            return {count: items.length, first: items[0].textContent};
            """)
        #expect(probe.errors.isEmpty, "\(probe.errors)")
        #expect(try probe.decode(Hits.self) == Hits(count: 1, first: "gpu-7"))
    }

    @Test("change and click events reach the page's listeners; timers run on virtual time")
    func eventsAndTimers() async throws {
        let browser = try Browser.required()
        let folder = try fixture(["index.html": page("""
            <select id="pool"><option>spot</option><option>on-demand</option></select>
            <button id="go">compose</button>
            <textarea id="out"></textarea>
            <script>
            let pool = 'spot';
            document.getElementById('pool').addEventListener('change', (e) => { pool = e.target.value; });
            document.getElementById('go').addEventListener('click', () => {
              setTimeout(() => { document.getElementById('out').value = 'move gpu-1 to ' + pool; }, 1500);
            });
            </script>
            """)])
        defer { folder.remove() }
        let probe = try await browser.probe(page: folder.appending("index.html"), width: 1280, actions: """
            const select = document.getElementById('pool');
            select.value = 'on-demand';
            select.dispatchEvent(new Event('change', {bubbles: true}));
            document.getElementById('go').click();
            const before = document.getElementById('out').value;
            const start = Date.now();
            await sleep(2000);
            return {before, after: document.getElementById('out').value, waited: Date.now() - start};
            """)
        #expect(probe.errors.isEmpty, "\(probe.errors)")
        guard case .object(let result) = probe.result else { Issue.record("no result: \(probe.result)"); return }
        #expect(result["before"] == .string(""))
        #expect(result["after"] == .string("move gpu-1 to on-demand"))
        if case .int(let waited) = result["waited"] { #expect(waited >= 2000) } else { Issue.record("\(result)") }
    }

    @Test("actions that throw, or that outlast the time budget, are reported")
    func failingActions() async throws {
        let browser = try Browser.required()
        let folder = try fixture(["index.html": page("<p>x</p>")])
        defer { folder.remove() }
        let thrown = try await browser.probe(page: folder.appending("index.html"), width: 1280,
                                             actions: "return document.querySelector('#nothing').textContent;")
        #expect(thrown.errors.contains { $0.hasPrefix("probe actions: TypeError") }, "\(thrown.errors)")
        let slow = await #expect(throws: BrowserError.self) {
            try await browser.probe(page: folder.appending("index.html"), width: 1280,
                                    actions: "await sleep(60000); return 1;", timeBudgetMilliseconds: 1000)
        }
        #expect(slow?.description.contains("virtual time budget") == true, "\(String(describing: slow))")
    }

    @Test("a screenshot is a PNG of the asked width")
    func screenshot() async throws {
        let browser = try Browser.required()
        let folder = try fixture(["index.html": page("<h1>dashboard</h1>")])
        defer { folder.remove() }
        for width in [1280, 400] {
            let output = folder.appending("shots/index-\(width).png")
            try await browser.screenshot(page: folder.appending("index.html"), width: width, height: 900, to: output)
            let png = try Data(contentsOf: output)
            #expect(Array(png.prefix(8)) == [0x89, 0x50, 0x4E, 0x47, 0x0D, 0x0A, 0x1A, 0x0A])
            // IHDR: width and height, big-endian, at bytes 16..<24.
            let bytes = Array(png)
            #expect(bytes.count > 24)
            if bytes.count > 24 {
                let w = bytes[16..<20].reduce(0) { $0 << 8 | Int($1) }
                let h = bytes[20..<24].reduce(0) { $0 << 8 | Int($1) }
                #expect(w == width)
                #expect(h == 900)
            }
        }
        let left = try FileManager.default.contentsOfDirectory(atPath: folder.path).sorted()
        #expect(left == ["index.html", "shots"], "the frame host is removed: \(left)")
    }

    @Test("a missing page, or a missing browser, is a clear error")
    func missingPage() async throws {
        let browser = try Browser.required()
        let folder = try fixture([:])
        defer { folder.remove() }
        let error = await #expect(throws: BrowserError.self) {
            try await browser.probe(page: folder.appending("nothing.html"), width: 1280)
        }
        #expect(error?.description.contains("nothing.html") == true)
        #expect(BrowserError.notInstalled.description.contains("install Debian's chromium: make test does it"))
    }

    @Test("the instrumented page keeps the page's own text and line numbers")
    func instrumentation() {
        let html = "<!DOCTYPE html>\n<html><head><meta charset=\"utf-8\"><title>t</title></head>\n<body><header>h</header>\n</body></html>"
        let probe = Browser.instrument(html, actions: "return '</script><!--';")
        #expect(probe.components(separatedBy: "\n").count == html.components(separatedBy: "\n").count)
        #expect(probe.range(of: "<meta charset=\"utf-8\"><script id=\"__probe_early\">") != nil)
        #expect(probe.range(of: "<script id=\"__probe_late\">") != nil)
        #expect(probe.components(separatedBy: "</script>").count == 3, "the actions cannot close the script element")
        let bare = Browser.instrument("<p>no head</p>", actions: nil)
        #expect(bare.hasPrefix("<script id=\"__probe_early\">"))
        #expect(bare.contains("<p>no head</p><script id=\"__probe_late\">"))
    }
}
