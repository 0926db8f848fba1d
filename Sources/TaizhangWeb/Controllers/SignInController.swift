import Foundation
import Hummingbird
import TaizhangCore
import TaizhangTracker

/// Sign-in and sign-out. Password checks run on the thread pool; every attempt, for any
/// person id, costs one bcrypt check; failures feed the `SignInThrottle`.
struct SignInController: Sendable {
    let configuration: WebConfiguration
    let renderer: WebRenderer

    /// `public`: the sign-in page and its form (CSRF by the sign-in cookie);
    /// `members`: the signed-in routes (sign-out).
    func addRoutes(public group: RouterGroup<WebContext>, members: RouterGroup<WebContext>) {
        group.get("login") { _, _ in Self.signInPage(renderer, error: nil) }
        group.group("login").add(middleware: CSRFMiddleware(source: .signInCookie, renderer: renderer))
            .post(use: signIn)
        members.post("logout", use: signOut)
    }

    /// The sign-in page with a fresh token in its form and in a cookie (double submit).
    static func signInPage(_ renderer: WebRenderer, error: String?, status: HTTPResponse.Status = .ok) -> Response {
        let token = Token.make()
        let page = LoginPage(loginToken: token, error: error, streets: renderer.signInLinks, isDistrict: !renderer.signInLinks.isEmpty)
        var response = renderer.page("web-login", title: "登录", page, session: nil, status: status)
        response.setCookie(Cookie(name: WebApp.loginCookie, value: token, path: "/login", httpOnly: true, sameSite: .strict))
        return response
    }

    @Sendable func signIn(_ request: Request, context: WebContext) async throws -> Response {
        let form = context.form ?? Form(fields: [:])
        let typed = form.text("person") ?? ""
        let person = Self.personID(typed, people: configuration.tracker.workspace.street.people) ?? typed
        let password = form["password"] ?? ""
        let address = configuration.clientAddress.of(request, context: context)
        let tracker = configuration.tracker
        let throttle = configuration.throttle
        if let wait = try await throttle.retryAfter(person: person, address: address, now: tracker.now()) {
            let seconds = Int(wait.rounded(.up))
            let after = seconds < 60 ? "\(seconds) 秒" : "\((seconds + 59) / 60) 分钟"
            var response = Self.signInPage(renderer, error: "登录失败次数过多，请\(after)后再试。", status: .tooManyRequests)
            response.headers[.retryAfter] = String(seconds)
            return response
        }
        let verified = try await Blocking.run { try Accounts.verify(password, person: person, tracker: tracker) }
        guard verified else {
            try await throttle.recordFailure(person: person, address: address, now: tracker.now())
            return Self.signInPage(renderer, error: "姓名（或工号）或密码不正确。", status: .unauthorized)
        }
        try await throttle.recordSuccess(person: person, address: address)
        let (sessionToken, _) = try await configuration.sessions.create(person: person, now: tracker.now())
        var response = WebRenderer.redirect("/")
        response.setCookie(Cookie(name: WebApp.sessionCookie, value: sessionToken, path: "/", httpOnly: true, sameSite: .strict))
        return response
    }

    /// The person a sign-in names: by person id, or by name when exactly one person has it.
    static func personID(_ typed: String, people: [Person]) -> String? {
        if let person = people.first(where: { $0.id == typed }) { return person.id }
        let named = people.filter { $0.name == typed }
        return named.count == 1 ? named[0].id : nil
    }

    @Sendable func signOut(_ request: Request, context: WebContext) async throws -> Response {
        if let token = context.sessionToken { try await configuration.sessions.remove(token) }
        var response = WebRenderer.redirect("/login")
        response.setCookie(Cookie(name: WebApp.sessionCookie, value: "", maxAge: 0, path: "/", httpOnly: true, sameSite: .strict))
        return response
    }
}
