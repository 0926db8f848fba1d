import HTTPTypes
import Hummingbird
import TaizhangTracker

/// Adds headers that keep pages from being framed, sniffed or cached, and forbids scripts.
/// It is the outermost middleware: an error thrown anywhere inside (an unknown path, a body
/// over the limit, a failure) becomes a Chinese error page that carries the same headers.
struct SecurityHeadersMiddleware: RouterMiddleware {
    typealias Context = WebContext
    let renderer: WebRenderer

    static let headers: HTTPFields = [
        .contentSecurityPolicy: "default-src 'self'; style-src 'self' 'unsafe-inline'; script-src 'none'; frame-ancestors 'none'; form-action 'self'",
        .xContentTypeOptions: "nosniff",
        HTTPField.Name("Referrer-Policy")!: "same-origin",
        .cacheControl: "no-store",
    ]

    func handle(_ request: Request, context: WebContext, next: (Request, WebContext) async throws -> Response) async throws -> Response {
        var response: Response
        do {
            response = try await next(request, context)
        } catch let error as HTTPResponseError {
            let status = error.status
            let message =
                switch status {
                case .notFound: "没有这个页面。"
                case .contentTooLarge: "提交的内容过大。"
                case .methodNotAllowed: "不支持这种请求方式。"
                default: "请求无法处理（\(status.code)）。"
                }
            response = renderer.error(status, message, session: nil)
        } catch let error as PostgresTrackerStore.Unavailable {
            // The database server is down or unreachable: say so, and when to try again.
            context.logger.error("\(error)")
            response = renderer.error(.serviceUnavailable, "台账数据库暂时无法连接，请稍后再试（刷新页面可查看刚才的操作是否已保存）。", session: nil)
            response.headers[.retryAfter] = "30"
        } catch {
            context.logger.warning("request failed: \(error)")
            response = renderer.error(.internalServerError, "服务器内部错误，请稍后再试或联系计生科。", session: nil)
        }
        for field in Self.headers { response.headers[field.name] = field.value }
        return response
    }
}
