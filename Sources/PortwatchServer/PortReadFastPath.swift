import Foundation
import HTTPTypes
import HummingbirdCore
import Logging
import NIOCore
import NIOHTTP1
import NIOHTTPTypes
import NIOHTTPTypesHTTP1
import NeutronAPI
import Synchronization

/// Answers `GET /v2.0/ports/{id}`, the hottest read, and `PUT /v2.0/ports/{id}`, the hottest write,
/// on the event loop that read the request, before Hummingbird's per-request machinery (the conversion
/// to HTTP types, an async task, the router, the middleware chain): it sits right behind NIO's HTTP/1
/// request decoder (``PortwatchHTTP1Channel``) and writes each answer through NIO's response encoder,
/// which pairs every answer with the request it decoded (it leaves out the body of an answer to `HEAD`
/// by that pairing: an answer written past it would shift every later one onto the wrong request).
///
/// It answers only what ``NeutronAPI/immediatePortShow(id:headers:)`` answers at once, and writes what
/// ``NeutronAPI/immediatePortUpdate(id:headers:body:on:answer:)`` takes: HTTP/1.1 with no `Connection`
/// field other than `keep-alive`, no query and no format suffix, a caller known without waiting; for a
/// show, a port the caller may see; for an update, a body of at most ``maxUpdateBody`` bytes given by
/// `Content-Length` (no `Transfer-Encoding`, no `Expect`) that parses as the route parses it. The answer
/// is the route's: the same status, body, `Content-Type`, `x-openstack-request-id` and `Date`, and the
/// same request metrics. Every other request, and every request on a connection while an earlier one is
/// still with the router (pipelining), passes through untouched. While an update waits for its write to
/// be durable, what the connection sends next waits here, and goes on once the update's answer is
/// written, so answers keep the requests' order.
///
/// It also has a request that does not keep its connection open (HTTP/1.0 without keep-alive, a
/// `Connection` list naming `close`) reach the router with `Connection: close`, the one form on which
/// Hummingbird closes the connection after the answer.
final class PortReadFastPath: ChannelDuplexHandler, RemovableChannelHandler {
    typealias InboundIn = HTTPServerRequestPart
    typealias InboundOut = HTTPServerRequestPart
    typealias OutboundIn = HTTPServerResponsePart
    typealias OutboundOut = HTTPServerResponsePart

    typealias Answer = @Sendable (_ id: String, _ headers: HTTPFields) -> (body: [UInt8], requestID: String)?
    /// ``NeutronAPI/immediatePortUpdate(id:headers:body:on:answer:)``.
    typealias Update =
        @Sendable (
            _ id: String, _ headers: HTTPFields, _ body: ByteBuffer, _ eventLoop: any EventLoop,
            _ answer: @escaping @Sendable (_ status: Int, _ body: [UInt8], _ requestID: String) -> Void
        ) -> Bool

    /// The largest update body read here; a larger one goes to the router.
    static let maxUpdateBody = 16 << 10

    /// Nil to route every request (`PORTWATCH_FAST_READS=0`).
    private let answer: Answer?
    /// Nil to route every update (`PORTWATCH_FAST_WRITES=0`, and in bridge mode, whose ports are
    /// read-only); on a replica of a cluster it declines while the replica is a follower.
    private let update: Update?
    private let metrics: RequestMetrics?
    /// Requests passed to the router whose answer has not been written yet.
    private var routed = 0
    /// The answer to the request being read, written when its end arrives.
    private var pending: (body: [UInt8], requestID: String, started: ContinuousClock.Instant)?
    /// The port update being read: its head (for the router, should it go there after all), and its body so far.
    private var collecting: (head: HTTPRequestHead, id: String, fields: HTTPFields, body: ByteBuffer)?
    /// A port update was handed to the writer and its answer is not written yet.
    private var writing = false
    /// What the connection delivered while an update was being written, in order.
    private var deferred: [Deferred] = []
    /// A read from the socket asked for while an update was being written, issued once it is answered.
    private var readHeld = false
    /// Shared with the connection's ``PortReadPreParser``: counts down as answers are written.
    private let reads: ConnectionReads

    private enum Deferred {
        case part(HTTPServerRequestPart)
        case readComplete
        case event(Any)
    }

    init(answer: Answer?, update: Update? = nil, metrics: RequestMetrics?, reads: ConnectionReads) {
        self.answer = answer
        self.update = update
        self.metrics = metrics
        self.reads = reads
    }

    func channelRead(context: ChannelHandlerContext, data: NIOAny) {
        let part = unwrapInboundIn(data)
        guard !writing else { return deferred.append(.part(part)) }
        handle(part, context: context)
    }

    func channelReadComplete(context: ChannelHandlerContext) {
        guard !writing else { return deferred.append(.readComplete) }
        context.fireChannelReadComplete()
    }

    func userInboundEventTriggered(context: ChannelHandlerContext, event: Any) {
        // The end of the client's input, say, must not reach Hummingbird before an update's answer:
        // it would close the connection with the answer unwritten.
        guard !writing else { return deferred.append(.event(event)) }
        context.fireUserInboundEventTriggered(event)
    }

    /// No more reading from the socket while an update is being written: what waits here is at most
    /// what one read brought.
    func read(context: ChannelHandlerContext) {
        guard !writing else {
            readHeld = true
            return
        }
        context.read()
    }

    private func handle(_ part: HTTPServerRequestPart, context: ChannelHandlerContext) {
        switch part {
        case .head(let request):
            if routed == 0, pending == nil {
                if let answer, let id = Self.portID(request), let headers = Self.fields(request.headers) {
                    let started = ContinuousClock.now
                    if let answered = answer(id, headers) {
                        pending = (answered.body, answered.requestID, started)
                        return
                    }
                } else if update != nil, let id = Self.updatedPortID(request),
                    let headers = Self.fields(request.headers)
                {
                    collecting = (request, id, headers, context.channel.allocator.buffer(capacity: 0))
                    return
                }
            }
            routed += 1
            guard request.isKeepAlive else {
                // HTTP/1.0 without keep-alive, or a `Connection` list naming `close`: Hummingbird
                // closes the connection after the answer only on a field of exactly `close`.
                var request = request
                request.headers.replaceOrAdd(name: "connection", value: "close")
                return context.fireChannelRead(wrapInboundOut(.head(request)))
            }
            context.fireChannelRead(wrapInboundOut(part))
        case .body(var bytes):
            if collecting != nil {
                collecting!.body.writeBuffer(&bytes)
            } else if pending == nil {
                context.fireChannelRead(wrapInboundOut(part))
            }
        case .end:
            if let collecting {
                self.collecting = nil
                return write(collecting, context: context)
            }
            guard let answered = pending else { return context.fireChannelRead(wrapInboundOut(part)) }
            pending = nil
            answer(status: 200, body: answered.body, requestID: answered.requestID, context: context)
            reads.answerWritten()
            metrics?.record(method: "GET", status: 200, since: answered.started)
            metrics?.recordFastRead(stage: "decoded")
        }
    }

    /// Hands a port update to the writer, or to the router when it is not one to write here.
    private func write(
        _ request: (head: HTTPRequestHead, id: String, fields: HTTPFields, body: ByteBuffer),
        context: ChannelHandlerContext
    ) {
        let started = ContinuousClock.now
        let bound = NIOLoopBound((handler: self, context: context), eventLoop: context.eventLoop)
        let taken = update?(request.id, request.fields, request.body, context.eventLoop) { status, body, requestID in
            bound.value.handler.written(
                status: status, body: body, requestID: requestID, started: started, context: bound.value.context)
        }
        if taken == true {
            writing = true
            return
        }
        routed += 1
        context.fireChannelRead(wrapInboundOut(.head(request.head)))
        if request.body.readableBytes > 0 { context.fireChannelRead(wrapInboundOut(.body(request.body))) }
        context.fireChannelRead(wrapInboundOut(.end(nil)))
    }

    /// Writes an update's answer, then goes on with what the connection sent meanwhile.
    private func written(
        status: Int, body: [UInt8], requestID: String, started: ContinuousClock.Instant,
        context: ChannelHandlerContext
    ) {
        writing = false
        if context.channel.isActive {
            answer(status: status, body: body, requestID: requestID, context: context)
        }
        reads.answerWritten()
        metrics?.record(method: "PUT", status: status, since: started)
        metrics?.recordFastWrite()
        // A connection closed meanwhile has no one to read the rest for.
        guard context.channel.isActive else { return deferred.removeAll() }
        while !writing, !deferred.isEmpty {
            switch deferred.removeFirst() {
            case .part(let part): handle(part, context: context)
            case .readComplete: context.fireChannelReadComplete()
            case .event(let event): context.fireUserInboundEventTriggered(event)
            }
        }
        if !writing, readHeld {
            readHeld = false
            context.read()
        }
    }

    func write(context: ChannelHandlerContext, data: NIOAny, promise: EventLoopPromise<Void>?) {
        if case .end = unwrapOutboundIn(data) {
            if routed > 0 { routed -= 1 }
            reads.answerWritten()
        }
        context.write(data, promise: promise)
    }

    /// Writes an answer through NIO's response encoder, with the route's headers.
    private func answer(status: Int, body: [UInt8], requestID: String, context: ChannelHandlerContext) {
        var headers = HTTPHeaders()
        headers.reserveCapacity(4)
        headers.add(name: "Content-Type", value: "application/json")
        headers.add(name: "Content-Length", value: String(body.count))
        headers.add(name: "x-openstack-request-id", value: requestID)
        headers.add(name: "Date", value: HTTPDate.now())
        let head = HTTPResponseHead(version: .http1_1, status: HTTPResponseStatus(statusCode: status), headers: headers)
        context.write(wrapOutboundOut(.head(head)), promise: nil)
        var buffer = context.channel.allocator.buffer(capacity: body.count)
        buffer.writeBytes(body)
        context.write(wrapOutboundOut(.body(.byteBuffer(buffer))), promise: nil)
        context.writeAndFlush(wrapOutboundOut(.end(nil)), promise: nil)
    }

    /// The whole response, status line to body, as the route's answer would be encoded (for
    /// ``PortReadPreParser``, which answers ahead of NIO's decoder and encoder alike).
    static func response(status: Int = 200, body: [UInt8], requestID: String, allocator: ByteBufferAllocator)
        -> ByteBuffer
    {
        let date = HTTPDate.now()
        var buffer = allocator.buffer(capacity: 192 + requestID.utf8.count + body.count)
        if status == 200 {
            buffer.writeStaticString("HTTP/1.1 200 OK\r\n")
        } else {
            // The status line NIO's response encoder writes.
            buffer.writeString("HTTP/1.1 \(status) \(HTTPResponseStatus(statusCode: status).reasonPhrase)\r\n")
        }
        buffer.writeStaticString("Content-Type: application/json\r\nContent-Length: ")
        buffer.writeString(String(body.count))
        buffer.writeStaticString("\r\nx-openstack-request-id: ")
        buffer.writeString(requestID)
        buffer.writeStaticString("\r\nDate: ")
        buffer.writeString(date)
        buffer.writeStaticString("\r\n\r\n")
        buffer.writeBytes(body)
        return buffer
    }

    /// The id of `GET /v2.0/ports/{id}` with nothing else in the target (no query, suffix, escape or
    /// further segment), in HTTP/1.1 on a connection the client keeps open; nil for any other request.
    static func portID(_ request: HTTPRequestHead) -> String? {
        guard request.method == .GET else { return nil }
        return targetPortID(request)
    }

    /// The id of `PUT /v2.0/ports/{id}` as ``portID(_:)`` takes it, with a body of at most
    /// ``maxUpdateBody`` bytes given by one `Content-Length`, and no `Transfer-Encoding` or `Expect`;
    /// nil for any other request.
    static func updatedPortID(_ request: HTTPRequestHead) -> String? {
        guard request.method == .PUT, !request.headers.contains(name: "transfer-encoding"),
            !request.headers.contains(name: "expect")
        else { return nil }
        let lengths = request.headers["content-length"]
        guard lengths.count == 1, let length = Int(lengths[0]), (0...maxUpdateBody).contains(length) else {
            return nil
        }
        return targetPortID(request)
    }

    private static func targetPortID(_ request: HTTPRequestHead) -> String? {
        guard request.version == .http1_1,
            request.headers["connection"].allSatisfy({ $0.lowercased() == "keep-alive" }),
            request.uri.utf8.starts(with: prefix.utf8)
        else { return nil }
        let id = request.uri.utf8.dropFirst(prefix.utf8.count)
        guard !id.isEmpty,
            !id.contains(where: {
                $0 == UInt8(ascii: "/") || $0 == UInt8(ascii: "?") || $0 == UInt8(ascii: "%") || $0 == UInt8(ascii: ".")
                    || $0 == UInt8(ascii: "#")
            })
        else { return nil }
        return String(Substring(id))
    }

    /// The request's fields as the router would see them; nil when one is not a valid field (the
    /// router's conversion refuses that request, so it is left to it).
    static func fields(_ headers: HTTPHeaders) -> HTTPFields? {
        var fields = HTTPFields()
        fields.reserveCapacity(headers.count)
        for (name, value) in headers {
            guard let name = HTTPField.Name(name), HTTPField.isValidValue(value) else { return nil }
            fields.append(HTTPField(name: name, value: value))
        }
        return fields
    }

    private static let prefix = "/v2.0/ports/"
}

/// Hummingbird's HTTP/1 child channel (`HTTP1Channel`) with ``PortReadPreParser`` ahead of NIO's
/// request decoder and ``PortReadFastPath`` right behind it, where it sees NIO's request parts and
/// answers through NIO's response encoder, and NIO's `BackPressureHandler` in front of both (the event-loop
/// answers are written whether the client reads them or not, so reading stops while they wait); the
/// rest of the pipeline is Hummingbird's, in its order.
struct PortwatchHTTP1Channel: ServerChildChannel, HTTPChannelHandler {
    typealias Value = NIOAsyncChannel<HTTPRequestPart, HTTPResponsePart>

    let responder: HTTPChannelHandler.Responder
    /// A new fast path for each connection.
    let fastPath: @Sendable (ConnectionReads) -> PortReadFastPath
    /// A new reader ahead of NIO's decoder for each connection, if any.
    let preParser: @Sendable (ConnectionReads) -> PortReadPreParser?
    let decoderLimits = HTTP1Channel.Configuration.DecoderConfiguration()

    func setup(channel: any Channel, logger: Logger) -> EventLoopFuture<Value> {
        channel.eventLoop.makeCompletedFuture {
            var limits = NIOHTTPDecoderLimitConfiguration()
            limits.maxHeaderFieldSize = decoderLimits.maxHeaderFieldSize
            limits.maxHeaderListSize = decoderLimits.maxHeaderListSize
            limits.maxHeaderFieldCount = decoderLimits.maxHeaderFieldCount
            let pipeline = channel.pipeline.syncOperations
            try pipeline.configureHTTPServerPipeline(
                withPipeliningAssistance: false, withErrorHandling: false, withOutboundHeaderValidation: false,
                withEncoderConfiguration: .init(), withDecoderLimitConfiguration: limits)
            let reads = ConnectionReads()
            if let preParser = preParser(reads) {
                // First in the pipeline: it reads the socket's bytes before the decoder, and its
                // answers go straight to the socket, below the response encoder.
                try pipeline.addHandler(preParser, position: .first)
            }
            // No more reading while answers wait to be sent: a client that sends requests without
            // reading the answers holds at most one read's worth of answers in memory.
            try pipeline.addHandler(BackPressureHandler(), position: .first)
            try pipeline.addHandler(fastPath(reads))
            try pipeline.addHandler(HTTP1ToHTTPServerCodec(secure: false))
            try pipeline.addHandler(HTTPConnectionStateHandler(idleTimeout: nil, logger: logger))
            return try NIOAsyncChannel(
                wrappingChannelSynchronously: channel, configuration: .init(isOutboundHalfClosureEnabled: true))
        }
    }

    func handle(value asyncChannel: Value, logger: Logger) async {
        await handleHTTP(asyncChannel: asyncChannel, logger: logger)
    }
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
