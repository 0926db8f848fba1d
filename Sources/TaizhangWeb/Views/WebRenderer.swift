import Foundation
import Hummingbird
import TaizhangCore
import TaizhangDiagnostics

/// Turns view models into responses: every page is the layout around a typed model.
struct WebRenderer: Sendable {
    let templates: TemplateSet
    let street: Street
    /// In district mode, where the street's pages live (`/s/<street>`): the rendered pages'
    /// links and form targets carry it. Empty for a one-street `serve`.
    var prefix = ""
    /// On a district's sign-in page: each street's own sign-in page.
    var signInLinks: [DistrictPage.Link] = []

    /// Rendered by the typed engine (`PageTemplate`) unless someone edited the template to use a
    /// tag only swift-mustache knows; the bytes are the same either way.
    func page<Body: Sendable & PageLookup>(
        _ template: String, title: String, _ body: Body, session: WebSession?,
        status: HTTPResponse.Status = .ok, fragments: PageFragments? = nil
    ) -> Response {
        let bytes: [UInt8]
        do {
            bytes = try self.bytes(template, title: title, body, session: session, fragments: fragments)
        } catch {
            // `serve` checks every web template at start-up, so this is a defect, not bad input.
            return Response(
                status: .internalServerError, headers: [.contentType: "text/plain; charset=utf-8"],
                body: .init(byteBuffer: ByteBuffer(string: "页面模板 \(template) 不存在（\(error.message)）")))
        }
        return Response(status: status, headers: [.contentType: "text/html; charset=utf-8"], body: .init(byteBuffer: ByteBuffer(bytes: bytes)))
    }

    /// The page's bytes: the layout around `body`, links under `prefix`.
    func bytes<Body: Sendable & PageLookup>(
        _ template: String, title: String, _ body: Body, session: WebSession?, fragments: PageFragments? = nil
    ) throws(Diagnostic) -> [UInt8] {
        let viewer = session.map { WebPage<Body>.Viewer(name: personName($0.person), csrf: $0.csrf) }
        let model = WebPage(title: title, streetName: street.name, year: street.year, viewer: viewer, body: body)
        let bytes = try templates.render(template, page: model, fragments: fragments)
        return prefix.isEmpty ? bytes : Self.prefixingLinks(bytes, prefix)
    }

    /// An error page in Chinese (also for 404s and failures the router throws).
    func error(_ status: HTTPResponse.Status, _ message: String, session: WebSession?) -> Response {
        let title =
            switch status {
            case .forbidden: "无权操作"
            case .notFound: "页面不存在"
            case .tooManyRequests: "请稍后再试"
            case _ where status.kind == .serverError: "服务器出错"
            default: "请求有误"
            }
        return page("web-error", title: title, ErrorPage(message: message, code: Int(status.code)), session: session, status: status)
    }

    /// ` href="/…"`, ` action="/…"` and ` formaction="/…"` (the items page's 撤销一步) → under `prefix`. Page text is escaped (a `"` is
    /// `&quot;`), so only the templates' own attributes match. One pass over the bytes: a
    /// Foundation string replacement cost a fifth of the server's time.
    static func prefixingLinks(_ bytes: [UInt8], _ prefix: String) -> [UInt8] {
        let insert = Array(prefix.utf8)
        let names: [[UInt8]] = [Array(" href".utf8), Array(" action".utf8), Array(" formaction".utf8)]
        var out: [UInt8] = []
        out.reserveCapacity(bytes.count + 128 * insert.count)
        var copied = 0
        var index = 1
        while index + 2 < bytes.count {
            // At `="/`, preceded by ` href`, ` action` or ` formaction` (any white space before the name).
            if bytes[index] == UInt8(ascii: "="), bytes[index + 1] == UInt8(ascii: "\""), bytes[index + 2] == UInt8(ascii: "/"),
                names.contains(where: { name in
                    index >= name.count && zip(bytes[(index - name.count + 1)..<index], name.dropFirst()).allSatisfy { $0 == $1 }
                        && [UInt8(ascii: " "), UInt8(ascii: "\n"), UInt8(ascii: "\t")].contains(bytes[index - name.count])
                })
            {
                out.append(contentsOf: bytes[copied..<(index + 2)])
                out.append(contentsOf: insert)
                copied = index + 2
                index += 3
            } else {
                index += 1
            }
        }
        out.append(contentsOf: bytes[copied...])
        return out
    }

    static func redirect(_ location: String) -> Response {
        Response(status: .seeOther, headers: [.location: location])
    }

    func personName(_ id: String) -> String {
        street.person(id).map { "\($0.name)" } ?? id
    }
}
