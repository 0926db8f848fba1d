import Foundation
import Hummingbird
import HummingbirdTesting
import TaizhangCore
import TaizhangTestSupport
import Testing

@testable import TaizhangWeb

/// The unit's print-ready PDFs on the unit page: made on demand with Chromium, the internal
/// checklist only for the preparation team, a Chinese 503 where the server has no Chromium.
@Suite struct PDFDownloadTests {
    static func body(_ response: TestResponse) -> String { String(buffer: response.body) }

    /// A fixture whose Chromium lookup sees an empty PATH, as on a server without Chromium.
    static func withoutChromium() throws -> (WebFixture, TemporaryDirectory) {
        let f = try WebFixture()
        let empty = try TemporaryDirectory("no-chromium")
        f.configuration.chromium = { [path = empty.path] in Chromium.find(path: path) }
        return (f, empty)
    }

    @Test func theChecklistPDFIsRefusedToAPersonOutsideThePreparationTeam() async throws {
        let f = try WebFixture()
        f.configuration.chromium = { Chromium(executable: "/nonexistent/chromium") }
        try await Application(router: f.router).test(.router) { client in
            var lead = Browser(client)
            _ = try await lead.signIn("p13")
            let page = Self.body(try await lead.get("/units/wutongshan"))
            #expect(page.contains("href=\"/units/wutongshan/pdf\"") && !page.contains("what=checklists"))
            let refused = try await lead.get("/units/wutongshan/pdf?what=checklists")
            #expect(refused.status == .forbidden)
            #expect(Self.body(refused).contains("只提供给计生科准备组"))
            #expect(try await lead.get("/units/nowhere/pdf").status == .notFound)
            #expect(try await lead.get("/units/wutongshan/pdf?what=../x").status == .badRequest)
            var prep = Browser(client)
            _ = try await prep.signIn("p03")
            #expect(Self.body(try await prep.get("/units/wutongshan")).contains("href=\"/units/wutongshan/pdf?what=checklists\""))
        }
    }

    /// A PDF holds a thread of the pool that ticks and pages share for up to a minute: while one
    /// download is being made, another is answered 503 with Retry-After instead of queueing.
    @Test func aSecondDownloadWhileOneIsBeingMadeIsAskedToComeBack() async throws {
        let f = try WebFixture()
        f.configuration.chromium = { Chromium(executable: "/nonexistent/chromium") }
        try await Application(router: f.router).test(.router) { client in
            var prep = Browser(client)
            _ = try await prep.signIn("p03")
            #expect(f.configuration.downloads.take(), "the test holds the only slot, as a running download would")
            for uri in ["/units/wutongshan/pdf", "/units/wutongshan/pdf?what=checklists"] {
                let response = try await prep.get(uri)
                #expect(response.status == .serviceUnavailable, "\(uri)")
                #expect(response.headers[.retryAfter] == "30", "\(uri)")
                #expect(Self.body(response).contains("正在生成另一份下载文件"), "\(uri)")
            }
            f.configuration.downloads.give()
            // With the slot free the request gets past the limit (to the failing fake Chromium).
            #expect(try await prep.get("/units/wutongshan/pdf").status == .internalServerError)
        }
    }

    @Test func downloadSlotsGiveOutNoMoreThanTheLimit() {
        let slots = DownloadSlots(limit: 2)
        #expect(slots.take() && slots.take())
        #expect(!slots.take())
        slots.give()
        #expect(slots.take())
        #expect(DownloadSlots(limit: 0).take(), "a limit below one still allows one download")
    }

    @Test func withoutChromiumThePDFAnswers503InChineseAndWritesNothing() async throws {
        let (f, empty) = try Self.withoutChromium()
        let pack = f.configuration.packRoot
        try await Application(router: f.router).test(.router) { client in
            var prep = Browser(client)
            _ = try await prep.signIn("p03")
            for uri in ["/units/wutongshan/pdf", "/units/wutongshan/pdf?what=checklists"] {
                let response = try await prep.get(uri)
                #expect(response.status == .serviceUnavailable, "\(uri)")
                let text = Self.body(response)
                #expect(text.contains("服务器尚未安装 Chromium") && text.contains("暂时无法生成 PDF"), "\(uri)")
                #expect(response.headers[.contentType]?.hasPrefix("text/html") == true)
            }
        }
        #expect(!FileManager.default.fileExists(atPath: pack))
        _ = empty
    }

    @Test(.enabled(if: PDFDownloadTests.chromiumInstalled))
    func theSectionPDFIsARealA4PDFWithAUTF8FileName() async throws {
        let f = try WebFixture()
        let unit = try #require(f.tracker.plan.unit(id: "wutongshan"))
        try await Application(router: f.router).test(.router) { client in
            var prep = Browser(client)
            _ = try await prep.signIn("p03")
            for (uri, name) in [
                ("/units/wutongshan/pdf", PackPrinter.sectionName(unit)), ("/units/wutongshan/pdf?what=checklists", PackPrinter.checklistName(unit)),
            ] {
                let response = try await prep.get(uri)
                #expect(response.status == .ok, "\(uri)")
                #expect(response.headers[.contentType] == "application/pdf")
                #expect(response.headers[.contentDisposition]?.hasSuffix("filename*=UTF-8''" + PackFiles.encode(name)) == true)
                let data = Data(response.body.readableBytesView)
                #expect(data.starts(with: Data("%PDF".utf8)), "\(uri)")
                let info = PDFInfo(data)
                #expect(!info.pages.isEmpty && info.isA4, "\(uri)")
            }
        }
        // Printed in a temporary folder: nothing lands in the pack.
        #expect(!FileManager.default.fileExists(atPath: f.configuration.packRoot))
    }

    static let chromiumInstalled: Bool = {
        let found = Chromium.find() != nil
        if !found { print("notice: Chromium is not installed; skipping the web PDF download test (apt-get install chromium fonts-noto-cjk)") }
        return found
    }()
}
