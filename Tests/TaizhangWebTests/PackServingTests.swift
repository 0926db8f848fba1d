import Foundation
import Hummingbird
import HummingbirdTesting
import TaizhangCore
import TaizhangTracker
import Testing

@testable import TaizhangWeb

/// #16: the links inside the generated index, served by the web page, returned 404 (the back
/// link too). The pack is now served read-only under /pack/, never its internalFolder folders, never
/// through a symlink, never outside the pack.
@Suite struct PackServingTests {
    /// The fixture with the shipped workspace's pack generated, plus what a user (or an
    /// attacker with access to the share) might have put into it.
    static func fixture() throws -> (WebFixture, unit: String) {
        let f = try WebFixture()
        let templates = try TemplateSet(directory: repository + "/templates", required: PackGenerator.requiredTemplates)
        let result = PackGenerator(workspace: f.tracker.workspace, templates: templates)
            .generate(.init(outputRoot: f.directory + "/output"))
        #expect(!result.diagnostics.contains { $0.severity == .error })
        f.configuration.packRoot = result.packRoot
        let unit = try #require(f.tracker.plan.unit(id: "wutongshan")).folderName
        let fm = FileManager.default
        let unitRoot = result.packRoot + "/" + unit
        let binder = try #require(try fm.contentsOfDirectory(atPath: unitRoot).sorted().first { $0.hasPrefix("01 ") })
        let item = try #require(try fm.contentsOfDirectory(atPath: unitRoot + "/" + binder).sorted().first { $0.hasPrefix("01.") })
        let itemFolder = unitRoot + "/" + binder + "/" + item
        try Data("%PDF-1.4 minutes".utf8).write(to: URL(fileURLWithPath: itemFolder + "/会议纪要.pdf"))
        try Data("PK word".utf8).write(to: URL(fileURLWithPath: itemFolder + "/分工.docx"))
        try Data("temp".utf8).write(to: URL(fileURLWithPath: itemFolder + "/.taizhang-incoming-1"))
        try fm.createDirectory(atPath: unitRoot + "/" + GeneratedName.walkthroughFolder, withIntermediateDirectories: true)
        try Data("<p>户主 张三</p>".utf8).write(to: URL(fileURLWithPath: unitRoot + "/" + GeneratedName.walkthroughFolder + "/sheet.html"))
        try Data("secret".utf8).write(to: URL(fileURLWithPath: f.directory + "/secret.txt"))
        try fm.createSymbolicLink(atPath: unitRoot + "/link-out", withDestinationPath: f.directory)
        try fm.createSymbolicLink(atPath: itemFolder + "/secret.txt", withDestinationPath: f.directory + "/secret.txt")
        return (f, unit)
    }

    /// Resolves a link found on a page, keeping its percent-encoding.
    static func resolve(_ href: String, on page: String) -> String? {
        guard let base = URL(string: "http://pack.test" + page), let url = URL(string: href, relativeTo: base),
            let components = URLComponents(url: url, resolvingAgainstBaseURL: true)
        else { return nil }
        return components.percentEncodedPath
    }

    static func links(in html: String) -> [String] {
        html.components(separatedBy: "href=\"").dropFirst().compactMap { $0.split(separator: "\"", maxSplits: 1).first.map(String.init) }
    }

    @Test func everyLinkInTheGeneratedIndexesWorksIncludingTheBackLink() async throws {
        let (f, _) = try Self.fixture()
        try await Application(router: f.router).test(.router) { client in
            var lead = Browser(client)
            _ = try await lead.signIn("p13")
            let unitPage = String(buffer: try await lead.get("/units/wutongshan").body)
            let indexHref = try #require(Self.links(in: unitPage).first { $0.hasPrefix("/pack/") && $0.hasSuffix("/index.html") })
            let old = try await lead.get("/units/wutongshan/index.html")
            #expect(old.status == .seeOther && old.headers[.location] == indexHref)
            var pages = [indexHref]
            var checked: Set<String> = []
            while let page = pages.popLast() {
                let response = try await lead.get(page)
                #expect(response.status == .ok, "\(page)")
                let html = String(buffer: response.body)
                for href in Self.links(in: html) where !href.hasPrefix("/") || href.hasPrefix("/pack/") {
                    guard let path = Self.resolve(href, on: page), checked.insert(path).inserted else { continue }
                    var target = try await lead.get(path)
                    if target.status == .seeOther, let location = target.headers[.location] {
                        #expect(location == path + "/", "folders redirect to their trailing slash")
                        target = try await lead.get(location)
                    }
                    #expect(target.status == .ok, "\(href) on \(page)")
                    // Follow this unit's pages and the back link to the street index.
                    if path == "/pack/index.html" || (path.hasPrefix(indexHref.dropLast("index.html".count)) && path.hasSuffix(".html")) {
                        pages.append(path)
                    }
                }
            }
            #expect(checked.contains("/pack/index.html"), "the back link was followed")
            #expect(checked.count > 10)
        }
    }

    @Test func documentsAreServedReadOnlyWithTheirContentType() async throws {
        let (f, unit) = try Self.fixture()
        try await Application(router: f.router).test(.router) { client in
            var lead = Browser(client)
            _ = try await lead.signIn("p13")
            let unitURL = PackFiles.href([unit], folder: true)
            let listing = String(buffer: try await lead.get(unitURL).body)
            let binder = try #require(Self.links(in: listing).first { $0.hasPrefix("01%20") })
            let items = String(buffer: try await lead.get(unitURL + binder).body)
            let item = try #require(Self.links(in: items).first { $0.hasPrefix("01.") })
            let folder = unitURL + binder + item
            let documents = String(buffer: try await lead.get(folder).body)
            #expect(documents.contains("会议纪要.pdf") && documents.contains("分工.docx"))
            #expect(!documents.contains(".taizhang-incoming") && !documents.contains("secret.txt"), "no hidden files, no symlinks")

            let pdf = try await lead.get(folder + PackFiles.encode("会议纪要.pdf"))
            #expect(pdf.status == .ok && pdf.headers[.contentType] == "application/pdf")
            #expect(String(buffer: pdf.body) == "%PDF-1.4 minutes")
            #expect(pdf.headers[.xContentTypeOptions] == "nosniff")
            let docx = try await lead.get(folder + PackFiles.encode("分工.docx"))
            #expect(docx.status == .ok && docx.headers[.contentDisposition]?.hasPrefix("attachment") == true)
            for post in ["/pack/", unitURL] {
                #expect(try await lead.post(post, []).status != .ok, "read-only: \(post)")
            }
        }
    }

    @Test func internalFoldersSymlinksAndPathsOutsideThePackAreRefused() async throws {
        let (f, unit) = try Self.fixture()
        try await Application(router: f.router).test(.router) { client in
            var anonymous = Browser(client)
            let unitURL = PackFiles.href([unit], folder: true)
            let signedOut = try await anonymous.get(unitURL)
            #expect(signedOut.status == .seeOther && signedOut.headers[.location] == "/login")

            var lead = Browser(client)
            _ = try await lead.signIn("p13")
            let listing = String(buffer: try await lead.get(unitURL).body)
            #expect(!listing.contains("内部资料") && !listing.contains("link-out"))
            let internalFolder = unitURL + PackFiles.encode(GeneratedName.walkthroughFolder)
            let binder = try #require(Self.links(in: listing).first { $0.hasPrefix("01%20") })
            let item = try #require(Self.links(in: String(buffer: try await lead.get(unitURL + binder).body)).first { $0.hasPrefix("01.") })
            for refused in [
                internalFolder + "/", internalFolder + "/sheet.html",
                unitURL + "link-out/", unitURL + "link-out/secret.txt",
                unitURL + binder + item + "secret.txt", unitURL + binder + item + ".taizhang-incoming-1",
                "/pack/%2e%2e/secret.txt", "/pack/..%2Fsecret.txt", "/pack/%2e%2e%2f%2e%2e%2fsecret.txt",
                unitURL + "%2e%2e/%2e%2e/%2e%2e/secret.txt", unitURL + "%00", "/pack/does-not-exist",
            ] {
                let response = try await lead.get(refused)
                #expect(response.status == .notFound, "\(refused)")
                #expect(!String(buffer: response.body).contains("张三") && !String(buffer: response.body).contains("secret"), "\(refused)")
                #expect(response.headers[.contentSecurityPolicy] != nil, "\(refused)")
            }
        }
    }
}
