import Foundation
import Hummingbird

/// Finds the session named by the cookie, if it is still valid.
struct SessionMiddleware: RouterMiddleware {
    typealias Context = WebContext
    let sessions: any WebSessionStore
    let now: @Sendable () -> Date

    func handle(_ request: Request, context: WebContext, next: (Request, WebContext) async throws -> Response) async throws -> Response {
        var context = context
        if let token = request.cookies[WebApp.sessionCookie]?.value, let session = try await sessions.session(token, now: now()) {
            context.session = session
            context.sessionToken = token
        }
        return try await next(request, context)
    }
}

/// The routes behind it need a signed-in person; everyone else goes to the sign-in page.
struct SignedInMiddleware: RouterMiddleware {
    typealias Context = WebContext

    func handle(_ request: Request, context: WebContext, next: (Request, WebContext) async throws -> Response) async throws -> Response {
        guard context.session != nil else { return WebRenderer.redirect("/login") }
        return try await next(request, context)
    }
}
