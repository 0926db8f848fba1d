import Foundation
import Testing

/// Starts `taizhang serve` on loopback and drives it with curl, as a browser would.
@Suite(.serialized) struct ServeEndToEndTests {
    static var curlPath: String? { FileManager.default.isExecutableFile(atPath: "/usr/bin/curl") ? "/usr/bin/curl" : nil }

    func curl(_ arguments: [String]) throws -> String {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: Self.curlPath!)
        process.arguments = ["-s", "--max-time", "10"] + arguments
        let out = Pipe()
        process.standardOutput = out
        process.standardError = FileHandle.nullDevice
        try process.run()
        let data = out.fileHandleForReading.readDataToEndOfFile()
        process.waitUntilExit()
        return String(decoding: data, as: UTF8.self)
    }

    func csrf(in page: String) -> String? {
        page.range(of: "name=\"csrf\" value=\"").map { String(page[$0.upperBound...].prefix { $0 != "\"" }) }
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
        var up = false
        for _ in 0..<100 where !up {
            if try curl(["-o", "/dev/null", "-w", "%{http_code}", base + "/login"]) == "200" { up = true } else { Thread.sleep(forTimeInterval: 0.2) }
        }
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

        // The store, read back through the command line, has the tick and the refusal.
        let log = try CLI.run(["log", "--workspace", ws.path])
        #expect(log.stdout.contains("(p13)  wutongshan 01.06  未检查 → 已确认  备注：网页勾选"))
        #expect(log.stdout.contains("拒绝 dawang 01.06"))
    }
}
