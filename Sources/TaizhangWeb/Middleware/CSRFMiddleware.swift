import Hummingbird

/// Reads every posted form (fields capped, see `Form`) and checks its CSRF token before a
/// handler runs; the handler finds the form in `context.form`. GET and HEAD pass through.
struct CSRFMiddleware: RouterMiddleware {
    typealias Context = WebContext

    /// Where the expected token comes from.
    enum Source: Sendable {
        /// The signed-in session's token (every form of a signed-in person).
        case session
        /// The sign-in page's cookie (double submit: there is no session yet).
        case signInCookie
    }

    let source: Source
    let renderer: WebRenderer

    func handle(_ request: Request, context: WebContext, next: (Request, WebContext) async throws -> Response) async throws -> Response {
        guard request.method != .get, request.method != .head else { return try await next(request, context) }
        // An upload's body is too large to read here: `UploadController` checks its token
        // before it files anything. Every other handler finds no form and does nothing.
        if case .session = source, let type = request.headers[.contentType], Multipart.boundary(contentType: type) != nil {
            return try await next(request, context)
        }
        let form: Form
        do {
            form = try await Form.read(request)
        } catch is Form.TooLong {
            return renderer.error(.badRequest, "提交的内容过长，请缩短后重试。", session: context.session)
        }
        let expected: String? =
            switch source {
            case .session: context.session?.csrf
            case .signInCookie: request.cookies[WebApp.loginCookie]?.value
            }
        guard let expected, let token = form["csrf"], token == expected else {
            return rejected(context)
        }
        var context = context
        context.form = form
        return try await next(request, context)
    }

    private func rejected(_ context: WebContext) -> Response {
        switch source {
        case .session:
            renderer.error(.forbidden, "表单已过期或来源不明（CSRF 校验失败），请返回页面重新操作。", session: context.session)
        case .signInCookie:
            SignInController.signInPage(renderer, error: "页面已过期，请重新登录。", status: .forbidden)
        }
    }
}
