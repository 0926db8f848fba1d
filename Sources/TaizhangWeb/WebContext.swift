import Hummingbird

/// The request context: Hummingbird's core storage plus the signed-in session, if any.
public struct WebContext: RequestContext {
    public var coreContext: CoreRequestContextStorage
    public var session: WebSession?
    public var sessionToken: String?

    public init(source: Source) {
        coreContext = .init(source: source)
    }
}
