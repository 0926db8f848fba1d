import Foundation
import Hummingbird
import NIOCore
import TaizhangCore
import TaizhangOffice
import TaizhangTracker

/// A unit's zip for the USB stick, made on demand by `PackZipper` (as `pack --zip`): entries
/// sorted and dated, a SHA256SUMS.txt inside, 内部资料 and （内部） left out unless a member of
/// the preparation team asks for them. Written atomically into a folder of the server's
/// temporary directory (never into the pack), then streamed.
struct DownloadController: Sendable {
    let configuration: WebConfiguration
    let renderer: WebRenderer

    func addRoutes(to group: RouterGroup<WebContext>) {
        group.get("units/{id}/zip", use: zip)
        group.get("units/{id}/pdf", use: pdf)
    }

    /// A unit's print-ready PDF, made on demand by `PackPrinter` and Chromium (as `print
    /// --community <id>`): its section (covers, 目录, item sheets) or, for the preparation team
    /// only, `?what=checklists` its 准备清单（内部）. Printed atomically by `PDFWriter` into a
    /// fresh folder of the server's temporary directory (never into the pack), read back and
    /// removed, then sent. 503 in Chinese when the server has no Chromium.
    @Sendable func pdf(_ request: Request, context: WebContext) async throws -> Response {
        guard let session = context.session else { return WebRenderer.redirect("/login") }
        let tracker = configuration.tracker
        guard let unit = tracker.plan.unit(id: context.parameters.get("id") ?? "") else {
            return renderer.error(.notFound, "没有这个单位。", session: session)
        }
        let checklist: Bool
        switch request.uri.queryParameters.get("what") {
        case nil, "section": checklist = false
        case "checklists": checklist = true
        default: return renderer.error(.badRequest, "没有这种打印内容。", session: session)
        }
        if checklist, try !tracker.person(session.person).isPreparationTeam {
            return renderer.error(.forbidden, "内部资料（准备清单）只提供给计生科准备组。", session: session)
        }
        guard let chromium = configuration.chromium() else {
            return renderer.error(
                .serviceUnavailable, "服务器尚未安装 Chromium（无头浏览器），暂时无法生成 PDF。请联系管理员安装（\(Chromium.installHint)）。",
                session: session)
        }
        guard configuration.downloads.take() else { return busy(session) }
        defer { configuration.downloads.give() }
        let name = checklist ? PackPrinter.checklistName(unit) : PackPrinter.sectionName(unit)
        let (workspace, templates, plan) = (tracker.workspace, configuration.templates, tracker.plan)
        let parts: Set<PackPrinter.Part> = checklist ? [.checklists] : [.covers, .catalogues, .sheets]
        let folder = FileManager.default.temporaryDirectory.path + "/taizhang-downloads/pdf-" + UUID().uuidString
        let bytes: Data?
        do {
            bytes = try await Blocking.run { () throws -> Data? in
                defer { try? FileManager.default.removeItem(atPath: folder) }
                let printer = PackPrinter(workspace: workspace, templates: templates, plan: plan)
                guard let document = try printer.documents(units: [unit], parts: parts).first(where: { $0.name == name }) else { return nil }
                let writer = PDFWriter(folder: folder, chromium: chromium)
                try writer.prepare()
                return try Data(contentsOf: URL(fileURLWithPath: try writer.print(document.html, as: name)))
            }
        } catch {
            context.logger.warning("pdf failed: \(error)")
            return renderer.error(.internalServerError, "生成 PDF 失败，请稍后再试或联系计生科。", session: session)
        }
        guard let bytes else { return renderer.error(.notFound, "\(unit.name)没有可打印的台账。", session: session) }
        return Response(
            status: .ok,
            headers: [
                .contentType: "application/pdf",
                .contentDisposition: "attachment; filename=\"unit.pdf\"; filename*=UTF-8''" + PackFiles.encode(name),
            ],
            body: .init(byteBuffer: ByteBuffer(bytes: bytes)))
    }

    @Sendable func zip(_ request: Request, context: WebContext) async throws -> Response {
        guard let session = context.session else { return WebRenderer.redirect("/login") }
        let tracker = configuration.tracker
        guard let unit = tracker.plan.unit(id: context.parameters.get("id") ?? "") else {
            return renderer.error(.notFound, "没有这个单位。", session: session)
        }
        let person = try tracker.person(session.person)
        let withInternal = request.uri.queryParameters.get("internal") == "1"
        if withInternal, !person.isPreparationTeam {
            return renderer.error(.forbidden, "内部资料（模拟检查表、准备清单）只提供给计生科准备组。", session: session)
        }
        let packRoot = configuration.packRoot
        var isFolder: ObjCBool = false
        guard FileManager.default.fileExists(atPath: packRoot + "/" + unit.folderName, isDirectory: &isFolder), isFolder.boolValue else {
            return renderer.error(.conflict, "\(unit.name)的台账包尚未生成，请联系计生科生成。", session: session)
        }
        guard configuration.downloads.take() else { return busy(session) }
        defer { configuration.downloads.give() }
        let name = (packRoot as NSString).lastPathComponent + "-" + unit.folderName + (withInternal ? "（含内部资料）" : "") + ".zip"
        // One folder per request: two people fetching the same unit's zip at once must not write
        // into each other's file. The body streams from the file after this handler returns, so
        // the folder stays; folders older than an hour are removed by later requests.
        let downloads = FileManager.default.temporaryDirectory.path + "/taizhang-downloads"
        let folder = downloads + "/zip-" + UUID().uuidString
        let path = folder + "/" + name
        let day = tracker.workspace.street.inspectionDate
        do {
            try await Blocking.run {
                Self.removeStaleZipFolders(in: downloads, olderThan: 3600)
                try FileManager.default.createDirectory(atPath: folder, withIntermediateDirectories: true)
                _ = try PackZipper(packRoot: packRoot, options: .init(unitFolders: [unit.folderName], includeInternal: withInternal, day: day))
                    .write(to: path)
            }
        } catch {
            context.logger.warning("zip failed: \(error)")
            return renderer.error(.internalServerError, "打包失败，请稍后再试或联系计生科。", session: session)
        }
        let body = try await FileIO().loadFile(path: path, context: context)
        return Response(
            status: .ok,
            headers: [
                .contentType: "application/zip",
                .contentDisposition: "attachment; filename=\"unit.zip\"; filename*=UTF-8''" + PackFiles.encode(name),
            ],
            body: body)
    }

    /// Another download is being made: ask the browser to come back rather than tie up a second
    /// thread of the pool that ticks and pages need.
    func busy(_ session: WebSession) -> Response {
        var response = renderer.error(.serviceUnavailable, "服务器正在生成另一份下载文件，请半分钟后再试。", session: session)
        response.headers[.retryAfter] = "30"
        return response
    }

    /// Removes the per-request zip folders left by earlier downloads once they are old enough
    /// that their responses have long been sent.
    static func removeStaleZipFolders(in downloads: String, olderThan seconds: TimeInterval, now: Date = Date()) {
        let manager = FileManager.default
        guard let names = try? manager.contentsOfDirectory(atPath: downloads) else { return }
        for name in names where name.hasPrefix("zip-") {
            let folder = downloads + "/" + name
            guard let modified = (try? manager.attributesOfItem(atPath: folder))?[.modificationDate] as? Date,
                now.timeIntervalSince(modified) > seconds
            else { continue }
            try? manager.removeItem(atPath: folder)
        }
    }
}
