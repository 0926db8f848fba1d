import Foundation
import Hummingbird
import TaizhangCore

/// The generated pack, read-only under /pack/, so the links inside its indexes (item folders,
/// binder catalogues, the back link to the street index) work in the browser. `PackFiles`
/// decides what may be served; folders are listed, files streamed from the thread pool.
struct PackController: Sendable {
    let configuration: WebConfiguration
    let renderer: WebRenderer
    static let prefix = "/pack"

    func addRoutes(to group: RouterGroup<WebContext>) {
        group.get("pack", use: serve)
        group.get("pack/**", use: serve)
    }

    @Sendable func serve(_ request: Request, context: WebContext) async throws -> Response {
        let notFound = renderer.error(.notFound, "台账包中没有这个文件或文件夹（或不对外提供）。如台账包尚未生成，请联系计生科。", session: context.session)
        let raw = request.uri.path
        guard raw == Self.prefix || raw.hasPrefix(Self.prefix + "/") else { return notFound }
        let rest = raw.dropFirst(Self.prefix.count)
        let trailingSlash = rest.hasSuffix("/")
        var components: [String] = []
        for part in rest.split(separator: "/", omittingEmptySubsequences: true) {
            guard let name = String(part).removingPercentEncoding else { return notFound }
            components.append(name)
        }
        let files = PackFiles(root: configuration.packRoot)
        let target: PackFiles.Target
        do {
            let requested = components
            target = try await Blocking.run { try files.resolve(requested) }
        } catch {
            return notFound
        }
        switch target {
        case .folder(let path):
            // Relative links inside a listing need the trailing slash, as on any file server.
            guard trailingSlash || components.isEmpty else { return WebRenderer.redirect(PackFiles.href(components, folder: true)) }
            let entries = try await Blocking.run { files.list(path) }
            let page = FolderPage(
                path: components.isEmpty ? "台账包" : components.joined(separator: " / "),
                parentHref: components.isEmpty ? nil : PackFiles.href(Array(components.dropLast()), folder: true),
                entries: entries.map { entry in
                    .init(
                        name: entry.name, href: PackFiles.encode(entry.name) + (entry.isFolder ? "/" : ""), isFolder: entry.isFolder,
                        size: entry.isFolder ? "" : Self.size(entry.size))
                })
            return renderer.page("web-folder", title: components.last ?? "台账包", page, session: context.session)
        case .file(let path, _):
            let (type, download) = PackFiles.contentType(of: path)
            let body = try await FileIO().loadFile(path: path, context: context)
            var headers: HTTPFields = [.contentType: type]
            if download {
                headers[.contentDisposition] = "attachment; filename*=UTF-8''" + PackFiles.encode(components.last ?? "file")
            }
            return Response(status: .ok, headers: headers, body: body)
        }
    }

    static func size(_ bytes: Int) -> String {
        if bytes < 1024 { return "\(bytes) B" }
        if bytes < 1024 * 1024 { return "\(bytes / 1024) KB" }
        return String(format: "%.1f MB", Double(bytes) / 1024 / 1024)
    }
}
