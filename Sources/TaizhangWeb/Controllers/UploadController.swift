import Foundation
import Hummingbird
import TaizhangCore
import TaizhangTracker

/// Evidence upload: one or more documents to an item, or to `auto` (the `file` matcher decides,
/// 待分拣 when unsure). The body is spooled to a temporary file within the size limits, its
/// CSRF token checked before anything is filed, every file filed by `EvidenceFiler` (names made
/// safe, never overwriting) within the person's permissions, then the unit is scanned, which
/// hashes the new documents and records the scan.
struct UploadController: Sendable {
    let configuration: WebConfiguration
    let renderer: WebRenderer

    func addRoutes(to group: RouterGroup<WebContext>) {
        group.post("upload", use: upload)
    }

    struct Rejected: Error {
        var status: HTTPResponse.Status
        var message: String
    }

    @Sendable func upload(_ request: Request, context: WebContext) async throws -> Response {
        guard let session = context.session else { return WebRenderer.redirect("/login") }
        let limits = configuration.uploads
        guard let boundary = request.headers[.contentType].flatMap(Multipart.boundary(contentType:)) else {
            return renderer.error(.badRequest, "请通过页面上的上传表单提交文件。", session: session)
        }
        let folder = FileManager.default.temporaryDirectory.appendingPathComponent("taizhang-upload-" + UUID().uuidString).path
        try FileManager.default.createDirectory(atPath: folder, withIntermediateDirectories: false)
        defer { try? FileManager.default.removeItem(atPath: folder) }
        let body = folder + "/body"
        do {
            try await Self.spool(request.body, to: body, cap: limits.maximumRequestBytes)
        } catch is Rejected {
            return renderer.error(.contentTooLarge, "上传的内容超过了总上限 \(PackController.size(limits.maximumTotalBytes))，请分批上传。", session: session)
        }
        let (configuration, renderer) = (self.configuration, self.renderer)
        do {
            let page = try await Blocking.run { try Self.file(configuration, session: session, body: body, boundary: boundary, folder: folder) }
            return renderer.page("web-result", title: "上传结果", page, session: session)
        } catch let rejected as Rejected {
            return renderer.error(rejected.status, rejected.message, session: session)
        }
    }

    /// Writes the body to `path`, refusing (before writing more) once it passes `cap` bytes.
    static func spool(_ body: RequestBody, to path: String, cap: Int) async throws {
        guard FileManager.default.createFile(atPath: path, contents: nil) else { throw CocoaError(.fileWriteUnknown) }
        let handle = try FileHandle(forWritingTo: URL(fileURLWithPath: path))
        defer { try? handle.close() }
        var written = 0
        for try await buffer in body {
            written += buffer.readableBytes
            guard written <= cap else { throw Rejected(status: .contentTooLarge, message: "") }
            try handle.write(contentsOf: Data(buffer: buffer))
        }
    }

    static func file(_ configuration: WebConfiguration, session: WebSession, body: String, boundary: String, folder: String) throws -> ResultPage {
        let tracker = configuration.tracker
        let data = try Data(contentsOf: URL(fileURLWithPath: body), options: .alwaysMapped)
        let form: Multipart
        do {
            form = try Multipart(data: data, boundary: boundary)
        } catch {
            throw Rejected(status: .badRequest, message: "上传的内容不完整或格式不对，请重新选择文件上传。")
        }
        guard let token = form.field("csrf"), token == session.csrf else {
            throw Rejected(status: .forbidden, message: "表单已过期或来源不明（CSRF 校验失败），请返回页面重新操作。")
        }
        let person = try tracker.person(session.person)
        guard let unit = form.field("unit").flatMap({ tracker.plan.unit(id: $0) }) else {
            throw Rejected(status: .badRequest, message: "没有这个单位。")
        }
        let target = form.field("item").flatMap { $0 == "auto" || $0.isEmpty ? nil : $0 }
        let item = target.flatMap { code in unit.items.first { $0.item.code == code } }
        if target != nil, item == nil { throw Rejected(status: .badRequest, message: "\(unit.name)的台账中没有条目 \(target ?? "")。") }
        let back = item.map { ItemsController.detailHref(unit: unit.id, code: $0.item.code) } ?? ItemFilter(unit: unit.id).href()
        if let item, tracker.refusal(person: person, unit: unit, item: item) != nil {
            let why = WebMessages.refusal(person: person, unit: unit, item: item, tracker: tracker)
            try tracker.logRefusal(by: person.id, unit: unit.id, subject: item.item.code, why: "上传被拒绝：" + why)
            throw Rejected(status: .forbidden, message: why)
        }
        if item == nil, !unit.items.contains(where: { tracker.mayChange(person: person, unit: unit, item: $0) }) {
            try tracker.logRefusal(by: person.id, unit: unit.id, subject: "auto", why: "上传被拒绝：无权修改\(unit.name)的任何条目")
            throw Rejected(status: .forbidden, message: "您无权向\(unit.name)上传文件。")
        }
        let files = form.files
        guard !files.isEmpty else { throw Rejected(status: .badRequest, message: "请先选择要上传的文件。") }
        let paths = PackPaths(packRoot: configuration.packRoot)
        var isFolder: ObjCBool = false
        guard FileManager.default.fileExists(atPath: paths.unitRoot(unit), isDirectory: &isFolder), isFolder.boolValue else {
            throw Rejected(status: .conflict, message: "\(unit.name)的台账包尚未生成，请计生科先生成台账包再上传。")
        }
        let filer = EvidenceFiler(unit: unit, unitRoot: paths.unitRoot(unit))
        let limit = configuration.uploads.maximumFileBytes
        var rows: [ResultPage.Row] = []
        var filed: [(row: Int, path: String)] = []
        for (index, part) in files.enumerated() {
            let name = EvidenceFiler.uploadName(part.filename ?? "")
            guard part.range.count <= limit else {
                rows.append(.init(subject: name, outcome: "超过单个文件上限 \(PackController.size(limit))，未保存。", refused: true))
                continue
            }
            let source = folder + "/\(index)/" + name
            try FileManager.default.createDirectory(atPath: folder + "/\(index)", withIntermediateDirectories: false)
            try data[part.range].write(to: URL(fileURLWithPath: source))
            let decision = filer.decision(for: source, into: item?.item.code)
            if item == nil, case .file(let candidate) = decision, let matched = unit.items.first(where: { $0.item.code == candidate.code }),
                tracker.refusal(person: person, unit: unit, item: matched) != nil
            {
                let why = WebMessages.refusal(person: person, unit: unit, item: matched, tracker: tracker)
                try tracker.logRefusal(by: person.id, unit: unit.id, subject: matched.item.code, why: "上传被拒绝：" + why)
                rows.append(.init(subject: name, outcome: "按文件名应归入 \(matched.item.code)，但" + why + "未保存。", refused: true))
                continue
            }
            let outcome = filer.file(source, decision: decision, dryRun: false)
            guard outcome.error == nil, let destination = outcome.destination else {
                rows.append(.init(subject: name, outcome: "保存失败，文件未存入台账包，请重试或联系计生科。", refused: true))
                continue
            }
            let place: String =
                switch decision {
                case .file(let candidate): "已存入 \(candidate.code) \(candidate.title)"
                case .ambiguous(let candidates): "已存入待分拣：可能属于 " + candidates.prefix(3).map(\.code).joined(separator: "、") + "，请人工归类"
                case .unmatched: "已存入待分拣：无法从文件名判断所属条目，请人工归类"
                }
            filed.append((rows.count, unit.folderName + "/" + destination))
            rows.append(.init(subject: name, outcome: place + "（" + ((destination as NSString).lastPathComponent) + "）", refused: false))
        }
        if !filed.isEmpty {
            // The scan hashes what arrived and records it, as `taizhang scan` would.
            let report = try EvidenceScanner(tracker: tracker, packRoot: configuration.packRoot).scan(community: unit.id)
            let hashes = Dictionary(report.changes.map { ($0.path, $0.sha256) }, uniquingKeysWith: { a, _ in a })
            for (row, path) in filed {
                if let hash = hashes[path] { rows[row].outcome += "，SHA-256 " + hash.prefix(12) + "…" }
            }
        }
        let refused = rows.filter(\.refused).count
        return ResultPage(
            heading: "上传结果",
            summary: "共 \(rows.count) 个文件：\(rows.count - refused) 个已保存" + (refused > 0 ? "，\(refused) 个未保存（原因见下）。" : "。"),
            rows: rows, backHref: back)
    }
}
