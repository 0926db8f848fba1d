import Foundation
import Testing

/// Starts `taizhang serve` on loopback and drives it with curl, as a browser would.
@Suite(.serialized) struct ServeEndToEndTests {
    static var curlPath: String? { FileManager.default.isExecutableFile(atPath: "/usr/bin/curl") ? "/usr/bin/curl" : nil }

    func curl(_ arguments: [String]) throws -> String {
        try output(of: Self.curlPath!, ["-s", "--max-time", "10"] + arguments)
    }

    /// What a program prints on standard output (its errors are dropped).
    func output(of executable: String, _ arguments: [String]) throws -> String {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: executable)
        process.arguments = arguments
        let out = Pipe()
        process.standardOutput = out
        process.standardError = FileHandle.nullDevice
        try process.run()
        let data = out.fileHandleForReading.readDataToEndOfFile()
        process.waitUntilExit()
        return String(decoding: data, as: UTF8.self)
    }

    /// Waits up to 20 s for a started `serve` to answer its sign-in page.
    func waitForServer(_ base: String) throws -> Bool {
        for _ in 0..<100 {
            if try curl(["-o", "/dev/null", "-w", "%{http_code}", base + "/login"]) == "200" { return true }
            Thread.sleep(forTimeInterval: 0.2)
        }
        return false
    }

    func csrf(in page: String) -> String? {
        page.range(of: "name=\"csrf\" value=\"").map { String(page[$0.upperBound...].prefix { $0 != "\"" }) }
    }

    /// The width of a page's content in a 390 px wide frame (a phone), measured by headless
    /// Chromium: the page (fetched with its cookie) goes into the `srcdoc` of a 390 px iframe
    /// of a local wrapper, whose script writes the frame's `scrollWidth` into the dumped DOM
    /// (the served pages allow no script; their styles are inline, so the copy renders the
    /// same), with the number of tables, forms and scroll boxes that scroll sideways. A
    /// screenshot of each is left next to the workspace for a person to look at.
    func phoneWidth(of page: String, name: String, in folder: String) throws -> (content: Int, screen: Int, scrolling: Int) {
        func escaped(_ text: String) -> String {
            text.replacingOccurrences(of: "&", with: "&amp;").replacingOccurrences(of: "\"", with: "&quot;")
                .replacingOccurrences(of: "<", with: "&lt;").replacingOccurrences(of: ">", with: "&gt;")
        }
        let wrapper = folder + "/phone-\(name).html"
        let html = """
            <!DOCTYPE html><html><body style="margin:0"><iframe id="f" style="width:390px;height:1400px;border:0" srcdoc="\(escaped(page))"></iframe>
            <script>window.addEventListener("load", function () { var d = document.getElementById("f").contentDocument.documentElement;
            document.body.setAttribute("data-phone-width", String(d.scrollWidth));
            document.body.setAttribute("data-phone-screen", String(d.clientWidth));
            var wide = Array.prototype.filter.call(d.querySelectorAll(".scroll, table, form"), function (e) { return e.scrollWidth > e.clientWidth + 1; });
            document.body.setAttribute("data-phone-scrolling", String(wide.length)); });</script></body></html>
            """
        try Data(html.utf8).write(to: URL(fileURLWithPath: wrapper))
        func chromium(_ arguments: [String]) throws -> String {
            try output(of: "/usr/bin/chromium", ["--headless", "--no-sandbox", "--disable-gpu", "--window-size=500,1400"] + arguments + ["file://" + wrapper])
        }
        _ = try chromium(["--screenshot=" + folder + "/phone-\(name).png"])
        let dom = try chromium(["--virtual-time-budget=5000", "--dump-dom"])
        func attribute(_ name: String) -> Int {
            guard let range = dom.range(of: name + "=\"") else { return -1 }
            return Int(dom[range.upperBound...].prefix { $0.isNumber }) ?? -1
        }
        return (attribute("data-phone-width"), attribute("data-phone-screen"), attribute("data-phone-scrolling"))
    }

    @Test func uploadLimitsMustBePositiveAndTheFileLimitWithinTheTotal() throws {
        let bad = try CLI.run(["serve", "--upload-file-limit", "300", "--upload-total-limit", "200"])
        #expect(bad.status == 64 && bad.stderr.contains("--upload-file-limit"), "\(bad.stderr)")
        #expect(try CLI.run(["serve", "--upload-file-limit", "0"]).status == 64)
    }

    @Test(.enabled(if: curlPath != nil))
    func aLeadSignsInAndTicksAnItemOverHTTP() throws {
        let ws = try WorkspaceCopy()
        try FileManager.default.copyItem(atPath: CLI.repository + "/templates", toPath: ws.path + "/templates")
        let add = try CLI.run(["user", "add", "p13", "--password-stdin", "--workspace", ws.path], stdin: "s3cret-pass\n")
        #expect(add.status == 0, "\(add.stderr)")
        #expect(try CLI.run(["generate", "--workspace", ws.path]).status == 0)

        let port = Int.random(in: 20_000...40_000)
        let server = try CLI.start(["serve", "--host", "127.0.0.1", "--port", String(port), "--workspace", ws.path])
        defer { server.terminate(); server.waitUntilExit() }
        let base = "http://127.0.0.1:\(port)"
        let up = try waitForServer(base)
        #expect(up, "server did not start")
        guard up else { return }

        // Where a browser is installed, it renders the sign-in page from the live server.
        if FileManager.default.isExecutableFile(atPath: "/usr/bin/chromium") {
            let chromium = Process()
            chromium.executableURL = URL(fileURLWithPath: "/usr/bin/chromium")
            chromium.arguments = ["--headless", "--no-sandbox", "--disable-gpu", "--dump-dom", base + "/login"]
            let out = Pipe()
            chromium.standardOutput = out
            chromium.standardError = FileHandle.nullDevice
            try chromium.run()
            let dom = String(decoding: out.fileHandleForReading.readDataToEndOfFile(), as: UTF8.self)
            chromium.waitUntilExit()
            #expect(dom.contains("<form method=\"post\" action=\"/login\">"))
            #expect(dom.contains("name=\"csrf\""))
        }

        let jar = ws.path + "/cookies.txt"
        let login = try curl(["-c", jar, "-b", jar, base + "/login"])
        let loginToken = try #require(csrf(in: login))
        let signIn = try curl([
            "-c", jar, "-b", jar, "-o", "/dev/null", "-w", "%{http_code} %{redirect_url}",
            "--data-urlencode", "csrf=\(loginToken)", "--data-urlencode", "person=p13", "--data-urlencode", "password=s3cret-pass",
            base + "/login",
        ])
        #expect(signIn == "303 \(base)/")
        let items = try curl(["-c", jar, "-b", jar, base + "/items"])
        #expect(items.contains("我的台账 · 梧桐山社区"))
        let token = try #require(csrf(in: items))
        let tick = try curl([
            "-c", jar, "-b", jar, "-o", "/dev/null", "-w", "%{http_code}",
            "--data-urlencode", "csrf=\(token)", "--data-urlencode", "unit=wutongshan", "--data-urlencode", "item=01.06",
            "--data-urlencode", "status=ticked", "--data-urlencode", "note=网页勾选", base + "/items/tick",
        ])
        #expect(tick == "303")
        let forbidden = try curl([
            "-c", jar, "-b", jar, "-o", "/dev/null", "-w", "%{http_code}",
            "--data-urlencode", "csrf=\(token)", "--data-urlencode", "unit=dawang", "--data-urlencode", "item=01.06",
            base + "/items/tick",
        ])
        #expect(forbidden == "403")
        let dashboard = try curl(["-b", jar, base + "/"])
        #expect(dashboard.contains("进度总览"))

        // A scanned PDF uploaded from the browser is filed into the item and counted.
        let scanned = ws.path + "/会议纪要 2014.pdf"
        try Data("%PDF-1.4 scanned minutes".utf8).write(to: URL(fileURLWithPath: scanned))
        let upload = try curl([
            "-c", jar, "-b", jar, "-w", "\n%{http_code}", "-F", "csrf=\(token)", "-F", "unit=wutongshan", "-F", "item=01.06",
            "-F", "files=@\(scanned);type=application/pdf", base + "/upload",
        ])
        #expect(upload.hasSuffix("\n200") && upload.contains("1 个已保存"), "\(upload)")
        let counted = try curl(["-b", jar, base + "/items?unit=wutongshan&status=ticked"])
        #expect(counted.contains("data-label=\"文件\">1/"))
        let item = try curl(["-b", jar, base + "/items/wutongshan/01.06"])
        #expect(item.contains("会议纪要 2014.pdf"))

        // Phones: at 390 px the pages fit the screen, with no horizontal scroll.
        if FileManager.default.isExecutableFile(atPath: "/usr/bin/chromium") {
            for (name, path) in [("dashboard", "/"), ("tasks", "/tasks"), ("log", "/log"), ("items", "/items"), ("unit", "/units/wutongshan")] {
                let html = try curl(["-b", jar, base + path])
                let (content, screen, scrolling) = try phoneWidth(of: html, name: name, in: ws.path)
                // Nor does a table scroll sideways inside the page: lists become cards.
                #expect(scrolling == 0, "\(path): \(scrolling) boxes scroll sideways")
                // The screen is 390 px less a vertical scroll bar, if the page is long.
                #expect(screen > 300 && screen <= 390, "\(path): \(screen)")
                #expect(content <= screen, "\(path) is \(content) px wide on a \(screen) px screen")
            }
        }

        // The store, read back through the command line, has the tick and the refusal.
        let log = try CLI.run(["log", "--workspace", ws.path])
        #expect(log.stdout.contains("(p13)  wutongshan 01.06  未检查 → 已确认  备注：网页勾选"))
        #expect(log.stdout.contains("拒绝 dawang 01.06"))
    }
}
