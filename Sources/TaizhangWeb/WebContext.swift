import Hummingbird

/// The request context: Hummingbird's core storage plus what the middleware found out.
public struct WebContext: RequestContext {
    public var coreContext: CoreRequestContextStorage
    /// The signed-in session, if any (`SessionMiddleware`).
    public var session: WebSession?
    public var sessionToken: String?
    /// The posted form, read and CSRF-checked by `CSRFMiddleware`.
    public var form: Form?
    /// The peer's IP address, "" when unknown (in router tests).
    public var socketAddress: String

    public init(source: Source) {
        coreContext = .init(source: source)
        socketAddress = source.channel.remoteAddress?.ipAddress ?? ""
    }
}
