import Logging
import NIOCore
import NIOPosix

/// One AMQP 0-9-1 connection to a broker over TCP (no TLS), already through the handshake.
///
/// ```swift
/// let connection = try await AMQPConnection.connect(configuration: configuration, logger: logger)
/// let channel = try await connection.openChannel()
/// try await channel.confirmSelect()
/// try await channel.publish(AMQPMessage(exchange: "", routingKey: "jobs", body: "hello"))
/// try await connection.close()
/// ```
///
/// When the broker closes the connection, the TCP connection drops, or heartbeats stop arriving,
/// every pending call and confirm fails with an ``AMQPError``, and ``closed()`` throws the reason.
public final class AMQPConnection: Sendable {
    let channel: any Channel
    private let closeFuture: EventLoopFuture<Void>

    private init(channel: any Channel, closeFuture: EventLoopFuture<Void>) {
        self.channel = channel
        self.closeFuture = closeFuture
    }

    /// Connects, authenticates with PLAIN, tunes and opens the virtual host.
    ///
    /// - Throws: ``AMQPError`` (e.g. ``AMQPError/Code/connectionLost`` when the broker is
    ///   unreachable, ``AMQPError/Code/authenticationFailed``, ``AMQPError/Code/handshakeTimeout``).
    public static func connect(
        configuration: AMQPConfiguration,
        eventLoopGroup: any EventLoopGroup = MultiThreadedEventLoopGroup.singleton,
        logger: Logger
    ) async throws -> AMQPConnection {
        var logger = logger
        logger[metadataKey: "amqp.broker"] = "\(configuration)"
        let eventLoop = eventLoopGroup.next()
        let ready = eventLoop.makePromise(of: Void.self)
        let closed = eventLoop.makePromise(of: Void.self)
        let bootstrap = ClientBootstrap(group: eventLoop)
            .connectTimeout(configuration.connectTimeout)
            .channelInitializer { [logger] channel in
                channel.eventLoop.makeCompletedFuture {
                    try channel.pipeline.syncOperations.addHandlers([
                        ByteToMessageHandler(AMQPFrameDecoder(maxFrameSize: configuration.frameMax)),
                        AMQPConnectionHandler(
                            configuration: configuration, logger: logger, readyPromise: ready, closedPromise: closed),
                    ])
                }
            }
        let channel: any Channel
        do {
            channel = try await bootstrap.connect(host: configuration.host, port: configuration.port).get()
        } catch {
            let amqpError = AMQPError(
                code: .connectionLost, message: "could not connect to \(configuration)", cause: error)
            ready.fail(amqpError)
            closed.fail(amqpError)
            throw amqpError
        }
        do {
            try await ready.futureResult.get()
        } catch {
            channel.close(promise: nil)
            throw error
        }
        return AMQPConnection(channel: channel, closeFuture: closed.futureResult)
    }

    /// Whether the TCP connection is still up.
    public var isOpen: Bool { channel.isActive }

    /// Opens a new channel.
    public func openChannel() async throws -> AMQPChannel {
        let id = try await send { AMQPCommand.openChannel($0) }
        return AMQPChannel(id: id, connection: self)
    }

    /// Closes the connection cleanly (`connection.close` → `close-ok`). Pending confirms fail.
    public func close() async throws {
        try await send { AMQPCommand.close($0) } as Void
    }

    /// Returns when the connection has closed: normally after ``close()``, by throwing the reason
    /// (an ``AMQPError``) when the broker or the network ended it.
    public func closed() async throws {
        try await closeFuture.get()
    }

    /// Starts a clean close without waiting for it.
    func initiateClose() {
        let promise = channel.eventLoop.makePromise(of: Void.self)
        channel.writeAndFlush(AMQPCommand.close(promise)).whenFailure { _ in promise.succeed(()) }
    }

    /// Writes a command into the pipeline and waits for its promise.
    func send<Value: Sendable>(_ makeCommand: (EventLoopPromise<Value>) -> AMQPCommand) async throws -> Value {
        try await enqueue(makeCommand).get()
    }

    /// Writes a command into the pipeline without waiting: commands enqueued one after another
    /// reach the wire in that order. Returns the command's promise.
    func enqueue<Value: Sendable>(_ makeCommand: (EventLoopPromise<Value>) -> AMQPCommand) -> EventLoopFuture<Value> {
        let promise = channel.eventLoop.makePromise(of: Value.self)
        channel.writeAndFlush(makeCommand(promise)).whenFailure { error in
            promise.fail(AMQPError(code: .notConnected, message: "the AMQP connection is closed", cause: error))
        }
        return promise.futureResult
    }
}
