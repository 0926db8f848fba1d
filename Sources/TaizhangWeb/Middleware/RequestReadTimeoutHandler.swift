import HummingbirdCore
import NIOCore
import NIOHTTPTypes

/// Closes a connection whose request does not arrive in full within `timeout`: from the
/// moment the connection opens for the first request, from the request head for later ones.
/// Hummingbird's idle timeout alone lets a client trickle a body byte by byte for ever; this
/// bounds the whole read, so half-sent requests cannot hold connections.
///
/// A request that announces a body (`Content-Length`, up to `maximumBody` counted) gets one
/// more second per `bytesPerSecond` of it, from its head on: an evidence upload of 50 MB may
/// take 50 s more at 1 MB/s, and still cannot hold a connection for ever.
final class RequestReadTimeoutHandler: ChannelInboundHandler, RemovableChannelHandler {
    typealias InboundIn = HTTPRequestPart
    typealias InboundOut = HTTPRequestPart

    let timeout: TimeAmount
    let bytesPerSecond: Int
    let maximumBody: Int
    private var deadline: Scheduled<Void>?

    init(timeout: TimeAmount, bytesPerSecond: Int = 0, maximumBody: Int = 0) {
        self.timeout = timeout
        self.bytesPerSecond = bytesPerSecond
        self.maximumBody = maximumBody
    }

    /// The time a body of `length` bytes is given beyond `timeout`.
    func allowance(forBody length: Int?) -> TimeAmount {
        guard let length, bytesPerSecond > 0 else { return .zero }
        return .seconds(Int64(min(max(length, 0), maximumBody) / bytesPerSecond))
    }

    func handlerAdded(context: ChannelHandlerContext) {
        if context.channel.isActive { arm(context) }
    }

    func handlerRemoved(context: ChannelHandlerContext) { disarm() }

    func channelActive(context: ChannelHandlerContext) {
        arm(context)
        context.fireChannelActive()
    }

    func channelInactive(context: ChannelHandlerContext) {
        disarm()
        context.fireChannelInactive()
    }

    func channelRead(context: ChannelHandlerContext, data: NIOAny) {
        switch unwrapInboundIn(data) {
        case .head(let head):
            let extra = allowance(forBody: head.headerFields[.contentLength].flatMap { Int($0) })
            if extra > .zero {
                disarm()
                arm(context, extra: extra)
            } else {
                arm(context)
            }
        case .end: disarm()
        case .body: break
        }
        context.fireChannelRead(data)
    }

    private func arm(_ context: ChannelHandlerContext, extra: TimeAmount = .zero) {
        guard deadline == nil else { return }
        deadline = context.eventLoop.assumeIsolated().scheduleTask(in: timeout + extra) {
            context.close(promise: nil)
        }
    }

    private func disarm() {
        deadline?.cancel()
        deadline = nil
    }
}
