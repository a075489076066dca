import Foundation
import HTTPTypes
import NIOCore
import NIOHTTPTypes
import NeutronAPI
import Synchronization

/// Answers `GET /v2.0/ports/{id}`, the hottest read, on the event loop that read the request,
/// before Hummingbird's per-request machinery (an async task, the router, the middleware chain).
///
/// It answers only what ``NeutronAPI/immediatePortShow(id:headers:)`` answers at once: no query and
/// no format suffix, a caller known without waiting, a port the caller may see. The answer is the
/// route's: the same body, `Content-Type`, `x-openstack-request-id` and `Date`, and the same request
/// metrics. Every other request, and every request on a connection while an earlier one is still
/// with the router (pipelining), passes through untouched, so answers keep the requests' order.
final class PortReadFastPath: ChannelDuplexHandler, RemovableChannelHandler {
    typealias InboundIn = HTTPRequestPart
    typealias InboundOut = HTTPRequestPart
    typealias OutboundIn = HTTPResponsePart
    typealias OutboundOut = HTTPResponsePart

    typealias Answer = @Sendable (_ id: String, _ headers: HTTPFields) -> (body: [UInt8], requestID: String)?

    private let answer: Answer
    private let metrics: RequestMetrics?
    /// Requests passed to the router whose answer has not been written yet.
    private var routed = 0
    /// The answer to the request being read, written when its end arrives.
    private var pending: (body: [UInt8], requestID: String, started: ContinuousClock.Instant)?

    init(answer: @escaping Answer, metrics: RequestMetrics?) {
        self.answer = answer
        self.metrics = metrics
    }

    func channelRead(context: ChannelHandlerContext, data: NIOAny) {
        let part = unwrapInboundIn(data)
        switch part {
        case .head(let request):
            if routed == 0, pending == nil, let id = Self.portID(request) {
                let started = ContinuousClock.now
                if let answered = answer(id, request.headerFields) {
                    pending = (answered.body, answered.requestID, started)
                    return
                }
            }
            routed += 1
            context.fireChannelRead(data)
        case .body:
            if pending == nil { context.fireChannelRead(data) }
        case .end:
            guard let answered = pending else { return context.fireChannelRead(data) }
            pending = nil
            let (body, requestID, started) = (answered.body, answered.requestID, answered.started)
            var head = HTTPResponse(status: .ok)
            head.headerFields[.contentType] = "application/json"
            head.headerFields[.contentLength] = String(body.count)
            head.headerFields[IdentityResolver.requestIDHeader] = requestID
            head.headerFields[.date] = HTTPDate.now()
            context.write(wrapOutboundOut(.head(head)), promise: nil)
            context.write(wrapOutboundOut(.body(context.channel.allocator.buffer(bytes: body))), promise: nil)
            context.writeAndFlush(wrapOutboundOut(.end(nil)), promise: nil)
            metrics?.record(method: "GET", status: 200, since: started)
        }
    }

    func write(context: ChannelHandlerContext, data: NIOAny, promise: EventLoopPromise<Void>?) {
        if case .end = unwrapOutboundIn(data), routed > 0 { routed -= 1 }
        context.write(data, promise: promise)
    }

    /// The id of `GET /v2.0/ports/{id}` with nothing else in the target (no query, suffix, escape or
    /// further segment), on a connection the client keeps open; nil for any other request.
    static func portID(_ request: HTTPRequest) -> String? {
        guard request.method == .get, request.headerFields[.connection] == nil, let path = request.path,
            path.utf8.starts(with: prefix.utf8)
        else { return nil }
        let id = path.utf8.dropFirst(prefix.utf8.count)
        guard !id.isEmpty,
            !id.contains(where: {
                $0 == UInt8(ascii: "/") || $0 == UInt8(ascii: "?") || $0 == UInt8(ascii: "%") || $0 == UInt8(ascii: ".")
                    || $0 == UInt8(ascii: "#")
            })
        else { return nil }
        return String(Substring(id))
    }

    private static let prefix = "/v2.0/ports/"
}

/// The `Date` header's value (RFC 9110's IMF-fixdate), formatted once per second.
enum HTTPDate {
    private static let cached = Mutex<(second: Int, text: String)>((-1, ""))

    static func now() -> String {
        let second = Int(time(nil))
        if let text = cached.withLock({ $0.second == second ? $0.text : nil }) { return text }
        var seconds = time_t(second)
        var parts = tm()
        gmtime_r(&seconds, &parts)
        let days = ["Sun", "Mon", "Tue", "Wed", "Thu", "Fri", "Sat"]
        let months = ["Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"]
        func two(_ value: Int32) -> String { value < 10 ? "0\(value)" : "\(value)" }
        let text =
            "\(days[Int(parts.tm_wday)]), \(two(parts.tm_mday)) \(months[Int(parts.tm_mon)]) \(parts.tm_year + 1900) "
            + "\(two(parts.tm_hour)):\(two(parts.tm_min)):\(two(parts.tm_sec)) GMT"
        cached.withLock { $0 = (second, text) }
        return text
    }
}
