import Logging
import NIOCore

/// The connection state machine: handshake, tuning, heartbeats, channels, synchronous calls,
/// publishing with confirms, flow control (`connection.blocked`) and both kinds of close.
///
/// Inbound it reads decoded ``AMQPFrame``s; outbound it takes ``AMQPCommand``s and writes encoded
/// bytes (it runs the ``AMQPFrameEncoder`` itself so that a batch becomes one buffer and an
/// unencodable message fails its publish before anything is written).
final class AMQPConnectionHandler: ChannelDuplexHandler {
    typealias InboundIn = AMQPFrame
    typealias OutboundIn = AMQPCommand
    typealias OutboundOut = ByteBuffer

    enum State { case awaitingStart, awaitingTune, awaitingOpenOk, open, closing, closed }

    struct Tuning {
        var channelMax: UInt16
        var frameMax: UInt32
        var heartbeat: UInt16
    }

    let configuration: AMQPConfiguration
    let logger: Logger
    let readyPromise: EventLoopPromise<Void>
    let closedPromise: EventLoopPromise<Void>
    let encoder = AMQPFrameEncoder()

    var state = State.awaitingStart
    var tuning: Tuning
    var channels: [UInt16: AMQPChannelState] = [:]
    var isBlocked = false
    var publishesWhileBlocked = CircularBuffer<
        (channel: UInt16, messages: [AMQPMessage], promise: EventLoopPromise<Void>)
    >()
    /// Why the connection ended; nil while open or after a clean client close.
    var closeError: AMQPError?
    var closePromises: [EventLoopPromise<Void>] = []
    var context: ChannelHandlerContext?
    var heartbeatTask: RepeatedTask?
    var timeoutTask: Scheduled<Void>?
    var lastRead = NIODeadline.now()
    var lastWrite = NIODeadline.now()

    init(
        configuration: AMQPConfiguration, logger: Logger, readyPromise: EventLoopPromise<Void>,
        closedPromise: EventLoopPromise<Void>
    ) {
        self.configuration = configuration
        self.logger = logger
        self.readyPromise = readyPromise
        self.closedPromise = closedPromise
        self.tuning = Tuning(
            channelMax: configuration.channelMax, frameMax: configuration.frameMax, heartbeat: configuration.heartbeat)
    }

    // MARK: Lifecycle

    func handlerAdded(context: ChannelHandlerContext) {
        self.context = context
        if context.channel.isActive { start(context: context) }
    }

    func channelActive(context: ChannelHandlerContext) {
        start(context: context)
        context.fireChannelActive()
    }

    private func start(context: ChannelHandlerContext) {
        guard timeoutTask == nil else { return }
        lastRead = context.eventLoop.now
        lastWrite = context.eventLoop.now
        let loopBound = NIOLoopBound(self, eventLoop: context.eventLoop)
        let timeout = configuration.connectTimeout
        timeoutTask = context.eventLoop.scheduleTask(in: timeout) {
            let handler = loopBound.value
            guard handler.state != .open, handler.state != .closed else { return }
            handler.fail(AMQPError(code: .handshakeTimeout, message: "AMQP handshake did not finish within \(timeout)"))
        }
        send([.protocolHeader], context: context)
    }

    func channelInactive(context: ChannelHandlerContext) {
        let wasClosing = state == .closing
        state = .closed
        timeoutTask?.cancel()
        heartbeatTask?.cancel()
        let error =
            closeError
            ?? AMQPError(
                code: wasClosing ? .notConnected : .connectionLost,
                message: wasClosing ? "connection closed by the client" : "connection to the broker was lost")
        readyPromise.fail(error)
        for channel in channels.values { channel.failAll(error) }
        channels.removeAll()
        while let pending = publishesWhileBlocked.popFirst() { pending.promise.fail(error) }
        if closeError == nil && wasClosing {
            closedPromise.succeed(())
        } else {
            if closeError?.code != .connectionClosed || closeError?.reply?.replyCode != AMQPCloseReply.replySuccess {
                logger.debug("AMQP connection ended", metadata: ["amqp.error": "\(error)"])
            }
            closedPromise.fail(error)
        }
        for promise in closePromises { promise.succeed(()) }
        closePromises.removeAll()
        context.fireChannelInactive()
    }

    func handlerRemoved(context: ChannelHandlerContext) {
        self.context = nil
    }

    func errorCaught(context: ChannelHandlerContext, error: any Error) {
        let amqpError =
            error as? AMQPError
            ?? AMQPError(code: .connectionLost, message: "connection to the broker failed", cause: error)
        fail(amqpError)
    }

    /// Records why the connection ends and closes the TCP channel.
    func fail(_ error: AMQPError) {
        if closeError == nil { closeError = error }
        context?.close(promise: nil)
    }

    // MARK: Writing

    /// Encodes `frames` into one buffer and writes and flushes it.
    func send(_ frames: [AMQPFrame], context: ChannelHandlerContext, promise: EventLoopPromise<Void>? = nil) {
        var buffer = context.channel.allocator.buffer(capacity: 256)
        do {
            for frame in frames { try encoder.encode(data: frame, out: &buffer) }
        } catch {
            // Only caller-supplied strings can fail to encode, and calls validate those first.
            fail(AMQPError(code: .invalidArgument, message: "could not encode frame", cause: error))
            promise?.fail(error)
            return
        }
        write(buffer, context: context, promise: promise)
    }

    func write(_ buffer: ByteBuffer, context: ChannelHandlerContext, promise: EventLoopPromise<Void>?) {
        lastWrite = context.eventLoop.now
        context.writeAndFlush(wrapOutboundOut(buffer), promise: promise)
    }
}
