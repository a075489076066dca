import Logging
import NIOCore
import NIOPosix

/// A confirming publisher that keeps one connection and channel to the broker, declares the
/// topology on every (re)connect, and returns from ``publish(_:)`` only once the broker acked.
///
/// Run it as a long-lived service and publish from anywhere:
///
/// ```swift
/// let publisher = AMQPPublisher(
///     configuration: try AMQPConfiguration(url: "amqp://guest:guest@localhost/"),
///     declarations: [.exchange(name: "neutron", type: .topic)],
///     logger: logger)
/// async let running: Void = publisher.run()   // reconnects with backoff until cancelled
/// try await publisher.publish([message])      // throws if not confirmed: retry later
/// ```
///
/// ``publish(_:)`` connects on demand if no connection is up (one attempt, shared with any
/// concurrent caller and with ``run()``); it does not retry, so a caller keeps its position and
/// tries again later. Delivery is at-least-once: a batch that throws may be partly delivered.
///
/// An `exchange.declare` answered with 406 `PRECONDITION_FAILED` (the exchange exists with other
/// properties, e.g. durability) is logged as a warning and skipped, as oslo.messaging does: the
/// broker closes the channel, so a new one is opened.
public actor AMQPPublisher {
    private struct Session {
        let connection: AMQPConnection
        var channel: AMQPChannel
        let established: ContinuousClock.Instant
        /// Set when the broker closed the channel: the connection is reused with a new channel.
        var needsChannel = false

        func isSame(as confirmation: AMQPConfirmation) -> Bool {
            connection === confirmation.connection && channel.id == confirmation.channelID
        }
    }

    private let configuration: AMQPConfiguration
    private let declarations: [AMQPDeclaration]
    private let eventLoopGroup: any EventLoopGroup
    private let logger: Logger
    private var session: Session?
    private var connecting: Task<Session, any Error>?
    private var isShutdown = false

    /// Creates a publisher; nothing connects until ``run()`` or ``publish(_:)``.
    public init(
        configuration: AMQPConfiguration,
        declarations: [AMQPDeclaration],
        eventLoopGroup: any EventLoopGroup = MultiThreadedEventLoopGroup.singleton,
        logger: Logger
    ) {
        self.configuration = configuration
        self.declarations = declarations
        self.eventLoopGroup = eventLoopGroup
        var logger = logger
        logger[metadataKey: "amqp.broker"] = "\(configuration)"
        self.logger = logger
    }

    /// Publishes `messages` with publisher confirms; returns when the broker acked all of them.
    ///
    /// - Throws: ``AMQPError`` when not connected and the connection attempt fails, on a nack, a
    ///   return, or when the channel or connection fails before all acks arrived.
    public func publish(_ messages: [AMQPMessage]) async throws {
        guard !messages.isEmpty else { return }
        try await startPublishing(messages, after: nil).confirmed()
    }

    /// Publishes `messages` with publisher confirms without waiting for the acks, so that several
    /// batches can be in flight: await ``AMQPConfirmation/confirmed()`` for each. Batches started
    /// one after another go out in that order on one channel, and the broker takes them in order.
    ///
    /// `previous` is the confirmation of the batch before this one, if it is still in flight: then
    /// this batch goes out only on that batch's channel, and the call throws
    /// ``AMQPError/Code/connectionLost`` rather than (re)connect once that channel is gone, so that
    /// no batch overtakes one that may have to be published again.
    ///
    /// ```swift
    /// var inFlight: [AMQPConfirmation] = []
    /// for batch in batches { inFlight.append(try await publisher.startPublishing(batch, after: inFlight.last)) }
    /// for confirmation in inFlight { try await confirmation.confirmed() }
    /// ```
    public func startPublishing(_ messages: [AMQPMessage], after previous: AMQPConfirmation?) async throws
        -> AMQPConfirmation
    {
        let session: Session
        if let previous {
            guard let current = self.session, current.isSame(as: previous), current.connection.isOpen,
                !current.needsChannel
            else {
                throw AMQPError(code: .connectionLost, message: "the channel of the batch before is gone")
            }
            session = current
        } else {
            session = try await currentSession()
        }
        let future: EventLoopFuture<Void>
        do {
            future = try session.channel.startPublishing(messages)
        } catch let error as AMQPError {
            invalidate(session, after: error)
            throw error
        }
        return AMQPConfirmation(
            future: future, connection: session.connection, channelID: session.channel.id, publisher: self)
    }

    /// Forgets the session of a confirmation that failed with `error` (see ``invalidate(_:after:)``).
    func confirmationFailed(connection: AMQPConnection, channelID: UInt16, error: AMQPError) {
        guard let session, session.connection === connection, session.channel.id == channelID else { return }
        invalidate(session, after: error)
    }

    /// Keeps a connection up until the task is cancelled or ``shutdown()`` is called: connects,
    /// waits for the connection to end, and reconnects after an exponential backoff with jitter
    /// (100 ms doubling to 5 s). On cancellation it closes the connection cleanly and returns.
    public func run() async throws {
        var backoff = AMQPBackoff()
        while !Task.isCancelled && !isShutdown {
            do {
                let session = try await currentSession()
                try await waitUntilClosed(session.connection)
                if ContinuousClock.now - session.established > .seconds(5) { backoff.reset() }
            } catch {
                guard !Task.isCancelled && !isShutdown else { break }
                let delay = backoff.next()
                logger.warning(
                    "AMQP connection down, retrying",
                    metadata: ["amqp.error": "\(error)", "amqp.retry_in": "\(delay)"])
                do { try await Task.sleep(for: delay) } catch { break }
            }
        }
        await closeSession()
    }

    /// Closes the connection cleanly; later ``publish(_:)`` calls throw ``AMQPError/Code/shutdown``
    /// and ``run()`` returns (at once if connected, otherwise after its current backoff delay, at
    /// most 5 s; cancelling the task that runs it returns immediately).
    public func shutdown() async {
        isShutdown = true
        connecting?.cancel()
        await closeSession()
    }

    // MARK: Session

    /// The connection in use, if any (for tests that need to break it).
    var activeConnection: AMQPConnection? { session?.connection }

    private func currentSession() async throws -> Session {
        guard !isShutdown else { throw AMQPError(code: .shutdown, message: "the AMQP publisher was shut down") }
        if let session, session.connection.isOpen, !session.needsChannel { return session }
        if let connecting { return try await connecting.value }
        let stale = session
        session = nil
        let task = Task { [configuration, declarations, eventLoopGroup, logger] in
            if let stale, stale.connection.isOpen, stale.needsChannel {
                // The connection is fine, only the channel was closed by the broker.
                do {
                    let channel = try await Self.openChannel(
                        on: stale.connection, declarations: declarations, logger: logger)
                    return Session(connection: stale.connection, channel: channel, established: stale.established)
                } catch {
                    stale.connection.initiateClose()
                    throw error
                }
            }
            stale?.connection.initiateClose()
            return try await Self.connect(
                configuration: configuration, declarations: declarations, eventLoopGroup: eventLoopGroup, logger: logger
            )
        }
        connecting = task
        defer { connecting = nil }
        let session = try await task.value
        if isShutdown {
            session.connection.initiateClose()
            throw AMQPError(code: .shutdown, message: "the AMQP publisher was shut down")
        }
        self.session = session
        return session
    }

    /// Forgets the session's channel (or connection) after an error that ended it.
    private func invalidate(_ failed: Session, after error: AMQPError) {
        guard let current = session, current.connection === failed.connection, current.channel.id == failed.channel.id
        else { return }
        switch error.code {
        case .channelClosed:
            // Keep the connection; the next call opens a new channel on it.
            session?.needsChannel = true
        case .nack, .returned, .invalidArgument:
            break
        default:
            session = nil
            current.connection.initiateClose()
        }
    }

    private func waitUntilClosed(_ connection: AMQPConnection) async throws {
        try await withTaskCancellationHandler {
            try await connection.closed()
        } onCancel: {
            connection.initiateClose()
        }
    }

    private func closeSession() async {
        guard let session else { return }
        self.session = nil
        do {
            try await session.connection.close()
            logger.debug("AMQP connection closed")
        } catch {
            logger.debug("AMQP close failed", metadata: ["amqp.error": "\(error)"])
        }
    }

    private static func connect(
        configuration: AMQPConfiguration, declarations: [AMQPDeclaration], eventLoopGroup: any EventLoopGroup,
        logger: Logger
    ) async throws -> Session {
        let connection = try await AMQPConnection.connect(
            configuration: configuration, eventLoopGroup: eventLoopGroup, logger: logger)
        do {
            let channel = try await openChannel(on: connection, declarations: declarations, logger: logger)
            logger.info("AMQP publisher connected")
            return Session(connection: connection, channel: channel, established: .now)
        } catch {
            connection.initiateClose()
            throw error
        }
    }

    /// Opens a channel, runs the declarations (tolerating 406 on exchanges) and enables confirms.
    private static func openChannel(
        on connection: AMQPConnection, declarations: [AMQPDeclaration], logger: Logger
    ) async throws -> AMQPChannel {
        let channel = try await AMQPDeclaration.declareAll(declarations, on: connection, logger: logger)
        try await channel.confirmSelect()
        return channel
    }
}
