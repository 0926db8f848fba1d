import Foundation
import Hummingbird
import TaizhangCore

/// Turns view models into responses: every page is the layout around a typed model.
struct WebRenderer: Sendable {
    let templates: TemplateSet
    let street: Street

    /// Rendered by the typed engine (`PageTemplate`) unless someone edited the template to use a
    /// tag only swift-mustache knows; the bytes are the same either way.
    func page<Body: Sendable & PageLookup>(
        _ template: String, title: String, _ body: Body, session: WebSession?,
        status: HTTPResponse.Status = .ok
    ) -> Response {
        let viewer = session.map { WebPage<Body>.Viewer(name: personName($0.person), csrf: $0.csrf) }
        let model = WebPage(title: title, streetName: street.name, year: street.year, viewer: viewer, body: body)
        let bytes: [UInt8]
        do {
            bytes = try templates.render(template, page: model)
        } catch {
            // `serve` checks every web template at start-up, so this is a defect, not bad input.
            return Response(
                status: .internalServerError, headers: [.contentType: "text/plain; charset=utf-8"],
                body: .init(byteBuffer: ByteBuffer(string: "页面模板 \(template) 不存在（\(error.message)）")))
        }
        return Response(status: status, headers: [.contentType: "text/html; charset=utf-8"], body: .init(byteBuffer: ByteBuffer(bytes: bytes)))
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

    static func redirect(_ location: String) -> Response {
        Response(status: .seeOther, headers: [.location: location])
    }

    func personName(_ id: String) -> String {
        street.person(id).map { "\($0.name)" } ?? id
    }
}
