import Logging
import NIOCore

/// The JSON-RPC 1.0 session over one OVSDB connection.
///
/// - Requests written to it get the next integer id and complete their promise when the answer
///   with that id arrives (with the `result`, or failing with the `error`).
/// - The server's `echo` requests (ovsdb-server's inactivity probe) are answered here, on the event
///   loop, so a slow consumer never gets the connection dropped.
/// - Notifications (`update`, `locked`, `stolen`) go to `notifications`.
/// - With an `IdleStateHandler` in front of it, a read-idle period sends our own `echo`; a second
///   one with nothing heard closes the connection with ``OVSDBError/Code/inactivityTimeout``.
///
/// When the channel closes, every pending request fails with ``OVSDBError/Code/connectionClosed``
/// (or the error that closed it) and `notifications` finishes throwing that same error.
public final class OVSDBRPCHandler: ChannelDuplexHandler {
    public typealias InboundIn = JSONValue
    public typealias OutboundIn = Request
    public typealias OutboundOut = JSONValue

    /// A request to send: its answer completes `promise` (`nil` for fire-and-forget, like our own
    /// inactivity probe).
    public struct Request: Sendable {
        public var method: String
        public var params: [JSONValue]
        public var promise: EventLoopPromise<JSONValue>?

        public init(method: String, params: [JSONValue], promise: EventLoopPromise<JSONValue>?) {
            self.method = method
            self.params = params
            self.promise = promise
        }
    }

    private let notifications: AsyncThrowingStream<OVSDBNotification, any Error>.Continuation
    private let logger: Logger
    private var nextID = 0
    private var pending: [Int: Request] = [:]
    private var closeReason: (any Error)?
    private var probeOutstanding = false
    /// How many `echo` requests from the server were answered (for tests and diagnostics).
    public private(set) var echoesAnswered = 0

    /// Creates a handler that yields notifications to `notifications`.
    public init(notifications: AsyncThrowingStream<OVSDBNotification, any Error>.Continuation, logger: Logger) {
        self.notifications = notifications
        self.logger = logger
    }

    public func write(context: ChannelHandlerContext, data: NIOAny, promise: EventLoopPromise<Void>?) {
        send(unwrapOutboundIn(data), context: context, promise: promise)
    }

    private func send(_ request: Request, context: ChannelHandlerContext, promise: EventLoopPromise<Void>?) {
        if let closeReason {
            request.promise?.fail(closeReason)
            promise?.fail(closeReason)
            return
        }
        let id = nextID
        nextID += 1
        pending[id] = request
        let message: JSONValue = [
            "method": .string(request.method), "params": .array(request.params), "id": .integer(id),
        ]
        context.write(wrapOutboundOut(message)).assumeIsolated().whenComplete { result in
            if case .failure(let error) = result, let failed = self.pending.removeValue(forKey: id) {
                failed.promise?.fail(error)
            }
            promise?.completeWith(result)
        }
    }

    public func channelRead(context: ChannelHandlerContext, data: NIOAny) {
        probeOutstanding = false
        let message = unwrapInboundIn(data)
        guard let members = message.objectValue else {
            logger.debug("ignored a JSON-RPC message that is not an object")
            return
        }
        if let method = members["method"]?.stringValue {
            let params = members["params"]?.arrayValue ?? []
            let id = members["id"] ?? .null
            if id == .null {
                notifications.yield(OVSDBNotification(method: method, params: params))
            } else if method == "echo" {
                echoesAnswered += 1
                let reply: JSONValue = ["id": id, "result": .array(params), "error": .null]
                context.writeAndFlush(wrapOutboundOut(reply), promise: nil)
            } else {
                logger.debug("answered an unknown JSON-RPC request", metadata: ["ovsdb.method": "\(method)"])
                let reply: JSONValue = ["id": id, "result": .null, "error": "unknown method"]
                context.writeAndFlush(wrapOutboundOut(reply), promise: nil)
            }
            return
        }
        guard let id = members["id"]?.integerValue, let request = pending.removeValue(forKey: id) else {
            logger.debug("ignored a JSON-RPC answer to no pending request")
            return
        }
        if let error = members["error"], error != .null {
            request.promise?.fail(
                OVSDBError(
                    code: .serverError, message: "ovsdb-server answered \(request.method) with an error: \(error)",
                    serverError: error))
        } else {
            request.promise?.succeed(members["result"] ?? .null)
        }
    }

    public func userInboundEventTriggered(context: ChannelHandlerContext, event: Any) {
        guard let idle = event as? IdleStateHandler.IdleStateEvent, idle == .read else {
            context.fireUserInboundEventTriggered(event)
            return
        }
        if probeOutstanding {
            fail(
                context: context,
                OVSDBError(code: .inactivityTimeout, message: "ovsdb-server did not answer an echo probe"))
            return
        }
        probeOutstanding = true
        send(Request(method: "echo", params: [], promise: nil), context: context, promise: nil)
        context.flush()
    }

    public func errorCaught(context: ChannelHandlerContext, error: any Error) {
        fail(context: context, error)
    }

    public func channelInactive(context: ChannelHandlerContext) {
        let reason = closeReason ?? OVSDBError(code: .connectionClosed, message: "the OVSDB connection closed")
        closeReason = reason
        let failed = pending
        pending.removeAll()
        for request in failed.values { request.promise?.fail(reason) }
        notifications.finish(throwing: reason)
        context.fireChannelInactive()
    }

    private func fail(context: ChannelHandlerContext, _ error: any Error) {
        if closeReason == nil { closeReason = error }
        context.close(promise: nil)
    }
}
