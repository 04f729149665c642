public import Foundation
public import SpotCore
import Synchronization

// A real headless browser for tests: loads a static page from `file://` in Debian's chromium, runs
// a little JavaScript in it, and reports what the page logged, what the script returned, and
// whether the page scrolls sideways; or takes a screenshot.
//
//     let browser = try Browser.required()          // fails the test when chromium is missing
//     let probe = try browser.probe(page: site.appending("index.html"), width: 400, actions: """
//         const box = document.querySelector('#search');
//         box.value = 'gpu-7'; box.dispatchEvent(new Event('input', {bubbles: true}));
//         await sleep(50);
//         return document.querySelector('#results').textContent;
//         """)
//     #expect(probe.errors.isEmpty, "\(probe.errors)")
//     #expect(!probe.scrollsSideways)
//     #expect(try probe.decode(String.self).contains("gpu-7"))
//
// What was measured with Chromium 156 (Debian bookworm, `--headless` is the new headless mode;
// `--headless=old` behaves the same):
//
// * Window size. `--window-size=W,H` gives `innerWidth == W` only for W >= 500: the browser
//   window has a minimum width of 500 CSS pixels, so `--window-size=400,900` lays the page out
//   500 px wide (`innerWidth` 500), with or without a viewport meta tag,
//   `--force-device-scale-factor=1` or `--screen-info={0,0 400x900}` (that one changes only
//   `screen.width`). `--screenshot` is different: it captures at exactly W x H and re-lays the page
//   out at W for the capture, but scripts that ran at load time saw 500. So for widths below 500
//   the harness loads the page inside an `<iframe>` of exactly W x H in a small host page
//   ("framed"): the page's viewport (`innerWidth`, media queries, `clientWidth`) is then exactly W
//   from the first script on, for probes and screenshots alike. The page reports back with
//   `postMessage`, which works between `file://` documents.
// * Scrollbars are classic (15 px) in headless chromium: a page taller than the window has
//   `clientWidth == innerWidth - 15`. The harness keeps them (stricter: a page that does not scroll
//   sideways with a classic scrollbar does not with an overlay one); `--hide-scrollbars` would
//   make `clientWidth == innerWidth`.
// * `--virtual-time-budget=N` runs timers on virtual time: `await sleep(2000)` in the actions
//   finishes in well under a second of wall time and `Date.now()` advances by 2000. The DOM is
//   dumped once the page is idle or the budget is spent, so everything the actions await must fit
//   in the budget (`timeBudgetMilliseconds`), or the probe reports that it did not finish.
// * Events dispatched from the actions reach the page's own listeners synchronously:
//   `el.value = 'x'; el.dispatchEvent(new Event('input', {bubbles: true}))`, `new Event('change')`
//   and `el.click()` (or `new MouseEvent('click', {bubbles: true})`) all run the page's handlers.
// * `--enable-logging=stderr --v=0` prints every console call of the page (log and error alike, as
//   `INFO:CONSOLE:LINE] "message", source: URL (LINE)`) and uncaught exceptions ("Uncaught …"),
//   amid harmless dbus/GPU noise. Failed loads of scripts, stylesheets and images are not printed
//   there, and `fetch()` of a `file://` URL always fails ("Failed to fetch").
//
// How a probe works: the page's HTML is copied to a hidden sibling file (`.probe-<uuid>.html`, in
// the same folder so relative links, scripts and stylesheets resolve; removed afterwards) with two
// one-line scripts injected (so the page's line numbers do not change): an early one right after
// `<meta charset>` or `<head>` that records errors (`error` events, failed resource loads, `unhandledrejection`,
// `console.error`/`console.warn`) and console logs (`console.log`/`info`/`debug`, kept out of
// stderr), and a late one before `</body>` that, after the `load` event and the page's own load
// handlers, runs the caller's actions and writes the report as base64 JSON into a `data-probe`
// attribute of `<pre id="__probe">`, which `--dump-dom` prints.

/// Why a browser run failed.
public enum BrowserError: Error, CustomStringConvertible, Sendable {
    case notInstalled
    case pageMissing(URL)
    case timedOut(page: URL, seconds: Double)
    case failed(page: URL, status: Int32, stderr: String)
    case noReport(page: URL, detail: String)
    case noScreenshot(page: URL, output: URL, stderr: String)

    public var description: String {
        switch self {
        case .notInstalled:
            return "no headless browser found on PATH (looked for \(Browser.names.joined(separator: ", "))): "
                + "install Debian's chromium: make test does it (apt-get install chromium)"
        case .pageMissing(let page):
            return "browser: no page at \(page.path)"
        case .timedOut(let page, let seconds):
            return "browser: chromium did not finish \(page.lastPathComponent) within \(Int(seconds)) s and was killed (\(page.path))"
        case .failed(let page, let status, let stderr):
            return "browser: chromium exited with status \(status) on \(page.path): \(Browser.interestingLines(stderr))"
        case .noReport(let page, let detail):
            return "browser: \(page.lastPathComponent) gave no probe report (\(detail)); the page's scripts may have "
                + "stopped it, or the actions did not finish within the virtual time budget"
        case .noScreenshot(let page, let output, let stderr):
            return "browser: no screenshot of \(page.lastPathComponent) at \(output.path): \(Browser.interestingLines(stderr))"
        }
    }
}

/// What a probe found on a page.
public struct BrowserProbe: Sendable {
    /// The page probed (the original, not the hidden copy).
    public let page: URL
    /// The width asked for.
    public let width: Int
    /// Errors the page recorded: uncaught exceptions (`message (file:line)`), unhandled promise
    /// rejections, failed loads of scripts/stylesheets/images, `console.error`/`console.warn`
    /// calls, and an exception thrown by the actions.
    public let pageErrors: [String]
    /// Console messages and uncaught exceptions chromium printed on stderr for the page (as
    /// `"message", source: file (line)`). The page's own console calls are recorded in the page and
    /// kept out of stderr, so these are what the browser itself reported.
    public let consoleErrors: [String]
    /// `console.log`/`info`/`debug` calls of the page (not errors).
    public let logs: [String]
    /// What the actions returned, as JSON (`null` without actions or when they returned nothing).
    public let resultJSON: Data
    /// `scrollWidth` and `clientWidth` of the scrolling element, and the viewport's `innerWidth`,
    /// measured after the actions ran.
    public let scrollWidth: Int
    public let clientWidth: Int
    public let innerWidth: Int
    public let innerHeight: Int
    /// The page's `document.title`.
    public let title: String
    /// The page's DOM (`document.documentElement.outerHTML`) after the actions, without the
    /// harness's scripts.
    public let dom: String
    /// True when the page was loaded in an iframe of exactly `width` (widths below the browser
    /// window's minimum; see the notes at the top of Browser.swift).
    public let framed: Bool

    /// Every error: the page's own, then chromium's that the page did not already record.
    public var errors: [String] {
        pageErrors + consoleErrors.filter { line in
            let message = Browser.consoleMessage(line)
            return !pageErrors.contains { $0.hasPrefix(message) }
        }
    }

    /// True when the page is wider than its viewport: it scrolls sideways.
    public var scrollsSideways: Bool { scrollWidth > clientWidth }

    /// What the actions returned.
    public var result: JSONValue {
        (try? JSONDecoder().decode(JSONValue.self, from: resultJSON)) ?? .null
    }

    /// What the actions returned, decoded.
    public func decode<T: Decodable>(_ type: T.Type = T.self) throws -> T {
        do {
            return try JSONDecoder().decode(T.self, from: resultJSON)
        } catch {
            throw TestFailure("the probe's result \(String(decoding: resultJSON, as: UTF8.self).prefix(300)) is not a \(T.self): \(error)")
        }
    }
}

/// A headless chromium, run once per probe or screenshot with its own profile.
public struct Browser: Sendable {
    public let executable: URL
    /// How long one chromium run may take before it is killed.
    public var timeoutSeconds: Double = 60

    public init(executable: URL, timeoutSeconds: Double = 60) {
        self.executable = executable
        self.timeoutSeconds = timeoutSeconds
    }

    static let names = ["chromium", "chromium-browser", "google-chrome"]

    /// Chromium's browser window is never narrower than this (measured): narrower pages are framed.
    public static let minimumWindowWidth = 500

    /// The first of chromium, chromium-browser, google-chrome on PATH.
    public static func find() -> Browser? {
        let path = ProcessInfo.processInfo.environment["PATH"] ?? "/usr/local/bin:/usr/bin:/bin"
        for name in names {
            for folder in path.split(separator: ":") where !folder.isEmpty {
                let candidate = URL(fileURLWithPath: String(folder)).appendingPathComponent(name)
                if FileManager.default.isExecutableFile(atPath: candidate.path) { return Browser(executable: candidate) }
            }
        }
        return nil
    }

    /// `find()`, or an error saying how to install one: tests call this so that a missing browser
    /// fails them (make test installs chromium) instead of skipping them.
    public static func required() throws -> Browser {
        guard let browser = find() else { throw BrowserError.notInstalled }
        return browser
    }

    // MARK: Probe

    /// Loads `page` at `width` x `height`, runs `actions` (the body of an async JavaScript function;
    /// `sleep(ms)` is available; it may return any JSON-serialisable value) after the `load` event,
    /// and reports errors, the result and the page's widths. Blocks the calling thread for about a
    /// second.
    public func probe(page: URL, width: Int, height: Int = 900, actions: String? = nil,
                      timeBudgetMilliseconds: Int = 5000) throws -> BrowserProbe {
        let html = try Self.readPage(page)
        let folder = page.deletingLastPathComponent()
        let token = UUID().uuidString.lowercased()
        let copy = folder.appendingPathComponent(".probe-\(token).html")
        try Data(Self.instrument(html, actions: actions).utf8).write(to: copy)
        defer { try? FileManager.default.removeItem(at: copy) }

        var target = copy
        let framed = width < Self.minimumWindowWidth
        if framed {
            target = folder.appendingPathComponent(".probe-\(token)-frame.html")
            try Data(Self.frameHost(src: copy.lastPathComponent, width: width, height: height).utf8).write(to: target)
        }
        defer { if framed { try? FileManager.default.removeItem(at: target) } }

        let run = try runChromium(page: page, arguments: [
            "--dump-dom",
            "--virtual-time-budget=\(timeBudgetMilliseconds)",
            "--window-size=\(max(width, Self.minimumWindowWidth)),\(height)",
            target.absoluteString,
        ])
        guard run.status == 0 else { throw BrowserError.failed(page: page, status: run.status, stderr: run.stderr) }

        let rename = { (text: String) in
            text.replacingOccurrences(of: copy.lastPathComponent, with: page.lastPathComponent)
        }
        let consoleErrors = run.stderr.split(separator: "\n").map(String.init)
            .filter { $0.contains(":CONSOLE") || $0.contains("Uncaught") }
            .map { rename(Self.consoleText($0)) }
        guard let encoded = Self.attribute("data-probe", in: run.stdout) else {
            let detail = consoleErrors.isEmpty ? "no <pre id=\"__probe\"> in the DOM"
                : "chromium reported: " + consoleErrors.joined(separator: "; ")
            throw BrowserError.noReport(page: page, detail: detail)
        }
        guard let json = Data(base64Encoded: encoded) else {
            throw BrowserError.noReport(page: page, detail: "the report is not base64: \(encoded.prefix(100))")
        }
        let report: Report
        do {
            report = try JSONDecoder().decode(Report.self, from: json)
        } catch {
            throw BrowserError.noReport(page: page, detail: "the report is not the expected JSON: \(error)")
        }
        var pageErrors = report.errors.map(rename)
        if let actionsError = report.actionsError { pageErrors.append("probe actions: " + rename(actionsError)) }
        return BrowserProbe(
            page: page, width: width, pageErrors: pageErrors, consoleErrors: consoleErrors, logs: report.logs.map(rename),
            resultJSON: Data(report.resultJSON.utf8), scrollWidth: report.scrollWidth, clientWidth: report.clientWidth,
            innerWidth: report.innerWidth, innerHeight: report.innerHeight, title: report.title, dom: rename(report.dom),
            framed: report.framed)
    }

    private struct Report: Decodable {
        let errors: [String]
        let logs: [String]
        let actionsError: String?
        let resultJSON: String
        let scrollWidth: Int
        let clientWidth: Int
        let innerWidth: Int
        let innerHeight: Int
        let title: String
        let framed: Bool
        let dom: String
    }

    // MARK: Screenshot

    /// A PNG of `page` at exactly `width` x `height` (the viewport; not the whole page), after the
    /// page's timers have run for up to `timeBudgetMilliseconds` of virtual time.
    public func screenshot(page: URL, width: Int, height: Int, to output: URL,
                           timeBudgetMilliseconds: Int = 2000) throws {
        _ = try Self.readPage(page)
        try FileManager.default.createDirectory(at: output.deletingLastPathComponent(), withIntermediateDirectories: true)
        try? FileManager.default.removeItem(at: output)
        var target = page
        if width < Self.minimumWindowWidth {
            target = page.deletingLastPathComponent().appendingPathComponent(".probe-\(UUID().uuidString.lowercased())-frame.html")
            try Data(Self.frameHost(src: page.lastPathComponent, width: width, height: height).utf8).write(to: target)
        }
        defer { if target != page { try? FileManager.default.removeItem(at: target) } }
        let run = try runChromium(page: page, arguments: [
            "--screenshot=\(output.path)",
            "--hide-scrollbars",
            "--virtual-time-budget=\(timeBudgetMilliseconds)",
            "--window-size=\(width),\(height)",
            target.absoluteString,
        ])
        let size = (try? FileManager.default.attributesOfItem(atPath: output.path)[.size] as? Int) ?? nil
        guard run.status == 0, let size, size > 0 else {
            throw BrowserError.noScreenshot(page: page, output: output, stderr: run.stderr)
        }
    }

    // MARK: From async code

    /// `probe` on a thread of its own, so that waiting for chromium never blocks Swift's
    /// cooperative pool (which in-process servers of other tests need). In an async test,
    /// `try await browser.probe(…)` picks this one.
    public func probe(page: URL, width: Int, height: Int = 900, actions: String? = nil,
                      timeBudgetMilliseconds: Int = 5000) async throws -> BrowserProbe {
        try await Self.offPool { [self] in
            try probe(page: page, width: width, height: height, actions: actions,
                      timeBudgetMilliseconds: timeBudgetMilliseconds)
        }
    }

    /// `screenshot` on a thread of its own (see the async `probe`).
    public func screenshot(page: URL, width: Int, height: Int, to output: URL,
                           timeBudgetMilliseconds: Int = 2000) async throws {
        try await Self.offPool { [self] in
            try screenshot(page: page, width: width, height: height, to: output,
                           timeBudgetMilliseconds: timeBudgetMilliseconds)
        }
    }

    private static func offPool<T: Sendable>(_ body: @escaping @Sendable () throws -> T) async throws -> T {
        try await withCheckedThrowingContinuation { continuation in
            Thread {
                do { continuation.resume(returning: try body()) } catch { continuation.resume(throwing: error) }
            }.start()
        }
    }

    // MARK: Running chromium

    private func runChromium(page: URL, arguments: [String]) throws -> ProcessResult {
        let profile = FileManager.default.temporaryDirectory
            .appendingPathComponent("spotctl-chromium-\(UUID().uuidString)", isDirectory: true)
        try FileManager.default.createDirectory(at: profile, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: profile) }
        let common = [
            "--headless", "--no-sandbox", "--disable-gpu",
            "--allow-file-access-from-files",
            "--enable-logging=stderr", "--v=0",
            "--user-data-dir=\(profile.path)",
            "--no-first-run", "--no-default-browser-check", "--disable-extensions",
        ]
        return try Self.run(executable, common + arguments, page: page, timeout: timeoutSeconds)
    }

    /// Runs a program, collecting its output, and kills it after `timeout` seconds.
    static func run(_ executable: URL, _ arguments: [String], page: URL, timeout: Double) throws -> ProcessResult {
        let process = Process()
        process.executableURL = executable
        process.arguments = arguments
        let out = Pipe(), err = Pipe()
        process.standardOutput = out
        process.standardError = err
        process.standardInput = FileHandle.nullDevice
        let exited = DispatchSemaphore(value: 0)
        process.terminationHandler = { _ in exited.signal() }
        let stdout = OutputCollector(out.fileHandleForReading)
        let stderr = OutputCollector(err.fileHandleForReading)
        do {
            try launchSerially(process)
        } catch {
            throw TestFailure("browser: cannot start \(executable.path): \(error)")
        }
        if exited.wait(timeout: .now() + timeout) == .timedOut {
            process.terminate()
            if exited.wait(timeout: .now() + 5) == .timedOut {
                kill(process.processIdentifier, SIGKILL)
                _ = exited.wait(timeout: .now() + 5)
            }
            throw BrowserError.timedOut(page: page, seconds: timeout)
        }
        // Chromium's helper processes share the pipes and exit right after the browser.
        return ProcessResult(status: process.terminationStatus, stdout: stdout.finish(within: 10),
                             stderr: stderr.finish(within: 10))
    }

    // MARK: Pages

    private static func readPage(_ page: URL) throws -> String {
        guard page.isFileURL, let data = FileManager.default.contents(atPath: page.path) else {
            throw BrowserError.pageMissing(page)
        }
        return String(decoding: data, as: UTF8.self)
    }

    /// The page with the early script after `<meta charset>` or `<head>` (or `<html>`, or the
    /// doctype, or at the very start) and the late one before the last `</body>` (or at the end).
    public static func instrument(_ html: String, actions: String?) -> String {
        let early = "<script id=\"__probe_early\">\(earlyScript)</script>"
        let late = "<script id=\"__probe_late\">\(lateScript(actions: actions))</script>"
        var page = html
        if let body = page.range(of: "</body", options: [.caseInsensitive, .backwards]) {
            page.insert(contentsOf: late, at: body.lowerBound)
        } else {
            page += late
        }
        // After `<meta charset>` when there is one, so that it stays within the first 1024 bytes.
        let openers = ["<meta\\s+charset[^>]*>", "<head(\\s[^>]*)?>", "<html(\\s[^>]*)?>", "<!doctype[^>]*>"]
        for pattern in openers {
            if let tag = page.range(of: pattern, options: [.regularExpression, .caseInsensitive]) {
                page.insert(contentsOf: early, at: tag.upperBound)
                return page
            }
        }
        return early + page
    }

    /// Records errors and console calls into `window.__probe` from the first moment on.
    static let earlyScript = """
        (function(){var P=window.__probe={errors:[],logs:[]};\
        function text(args){return Array.prototype.map.call(args,function(x){if(x instanceof Error)return String(x.stack||x);\
        if(x!==null&&typeof x==='object'){try{return JSON.stringify(x)}catch(e){}}return String(x)}).join(' ')}\
        window.addEventListener('error',function(e){var t=e.target;if(t&&t!==window&&t.nodeType===1){\
        P.errors.push('failed to load <'+t.tagName.toLowerCase()+'> '+(t.src||t.href||t.currentSrc||''));return}\
        P.errors.push((e.message||'error')+(e.filename?' ('+String(e.filename).split('/').pop()+':'+e.lineno+')':''))},true);\
        window.addEventListener('unhandledrejection',function(e){var r=e.reason;\
        P.errors.push('Uncaught (in promise) '+(r instanceof Error?String(r):text([r])))});\
        ['error','warn'].forEach(function(k){console[k]=function(){P.errors.push('console.'+k+': '+text(arguments))}});\
        ['log','info','debug'].forEach(function(k){console[k]=function(){P.logs.push('console.'+k+': '+text(arguments))}});\
        })();
        """

    /// After `load` (and the page's own load handlers), runs the actions and reports.
    static func lateScript(actions: String?) -> String {
        // The actions travel as a JSON string literal with every `<` escaped, so nothing in them
        // can end the <script> element.
        let body = actions ?? ""
        let literal = (try? String(decoding: JSONEncoder().encode(body), as: UTF8.self)) ?? "\"\""
        let safe = literal.replacingOccurrences(of: "<", with: "\\u003c")
        return """
            (function(){var P=window.__probe||{errors:[],logs:[]};\
            function sleep(ms){return new Promise(function(r){setTimeout(r,ms)})}\
            function b64(s){var b=new TextEncoder().encode(s),t='';for(var i=0;i<b.length;i+=32768)\
            t+=String.fromCharCode.apply(null,b.subarray(i,i+32768));return btoa(t)}\
            async function run(){await sleep(0);var result=null,actionsError=null,resultJSON='null';\
            try{var Async=Object.getPrototypeOf(async function(){}).constructor;\
            var v=await new Async('sleep',\(safe))(sleep);result=v===undefined?null:v}\
            catch(e){actionsError=String(e&&e.stack||e)}\
            try{resultJSON=JSON.stringify(result);if(resultJSON===undefined)resultJSON='null'}\
            catch(e){actionsError='the actions returned a value that is not JSON: '+e;resultJSON='null'}\
            var se=document.scrollingElement||document.documentElement;\
            var report={errors:P.errors,logs:P.logs,actionsError:actionsError,resultJSON:resultJSON,\
            scrollWidth:se.scrollWidth,clientWidth:se.clientWidth,innerWidth:window.innerWidth,\
            innerHeight:window.innerHeight,title:document.title,framed:window.parent!==window};\
            ['__probe_early','__probe_late'].forEach(function(id){var s=document.getElementById(id);if(s)s.remove()});\
            report.dom=document.documentElement.outerHTML;var data=b64(JSON.stringify(report));\
            if(window.parent!==window){window.parent.postMessage({__probe:data},'*')}\
            else{var pre=document.createElement('pre');pre.id='__probe';pre.setAttribute('data-probe',data);\
            (document.body||document.documentElement).appendChild(pre)}}\
            if(document.readyState==='complete')run();else window.addEventListener('load',run)})();
            """
    }

    /// A host page holding `src` in an iframe of exactly `width` x `height`; it copies the framed
    /// page's report into its own DOM.
    static func frameHost(src: String, width: Int, height: Int) -> String {
        let escaped = src.addingPercentEncoding(withAllowedCharacters: .urlPathAllowed) ?? src
        return """
            <!doctype html><html><head><meta charset="utf-8"><style>html,body{margin:0;padding:0;overflow:hidden}\
            iframe{border:0;display:block;width:\(width)px;height:\(height)px}</style></head><body>\
            <iframe src="\(escaped.replacingOccurrences(of: "\"", with: "%22"))"></iframe>\
            <script>addEventListener('message',function(e){if(e.data&&e.data.__probe){var p=document.createElement('pre');\
            p.id='__probe';p.setAttribute('data-probe',e.data.__probe);document.body.appendChild(p)}})</script></body></html>
            """
    }

    // MARK: Output

    /// The value of the first `name="…"` attribute in `html` (base64 needs no unescaping).
    static func attribute(_ name: String, in html: String) -> String? {
        guard let start = html.range(of: "\(name)=\"") else { return nil }
        guard let end = html[start.upperBound...].firstIndex(of: "\"") else { return nil }
        return String(html[start.upperBound..<end])
    }

    /// `[pid:tid:time:INFO:CONSOLE:3] "message", source: file:///… (3)` → `"message", source: file (3)`.
    static func consoleText(_ line: String) -> String {
        var text = line
        if line.hasPrefix("["), let close = line.firstIndex(of: "]") {
            text = String(line[line.index(after: close)...]).trimmingCharacters(in: .whitespaces)
        }
        if let source = text.range(of: ", source: ") {
            let location = text[source.upperBound...]
            let file = location.split(separator: " ").first.map { String($0.split(separator: "/").last ?? $0) } ?? ""
            let rest = location.split(separator: " ").dropFirst().joined(separator: " ")
            text = String(text[..<source.lowerBound]) + ", source: " + file + (rest.isEmpty ? "" : " " + rest)
        }
        return text
    }

    /// The message of a `consoleText` line, without quotes and source.
    static func consoleMessage(_ line: String) -> String {
        var message = line
        if let source = message.range(of: ", source: ", options: .backwards) { message = String(message[..<source.lowerBound]) }
        if message.hasPrefix("\""), message.hasSuffix("\""), message.count >= 2 { message = String(message.dropFirst().dropLast()) }
        return message
    }

    /// Chromium's stderr without the dbus/GPU noise, shortened for an error message.
    static func interestingLines(_ stderr: String) -> String {
        let noise = ["dbus", "bluez", "vaapi", "sandbox_linux", "idle_linux", "unexpected operator", "Floss", "property.cc"]
        let lines = stderr.split(separator: "\n").filter { line in !noise.contains { line.contains($0) } }
        let text = lines.suffix(15).joined(separator: "\n")
        return text.isEmpty ? "(nothing on stderr but dbus/GPU noise)" : text
    }
}

/// Reads a pipe on a thread of its own until end of file, so that a child with a lot of output
/// never blocks, and the output read so far is available even when a grandchild keeps it open.
private final class OutputCollector: Sendable {
    private let data = Mutex(Data())
    private let done = DispatchSemaphore(value: 0)

    init(_ handle: FileHandle) {
        let thread = Thread { [self] in
            while true {
                let chunk = handle.availableData
                if chunk.isEmpty { break }
                data.withLock { $0.append(chunk) }
            }
            done.signal()
        }
        thread.start()
    }

    func finish(within seconds: Double) -> String {
        _ = done.wait(timeout: .now() + seconds)
        return data.withLock { String(decoding: $0, as: UTF8.self) }
    }
}
