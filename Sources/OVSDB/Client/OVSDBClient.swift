import Logging
import NIOCore
import NIOPosix

/// One JSON-RPC connection to an ovsdb-server (RFC 7047).
///
/// The client answers the server's `echo` probes itself and, when `probeInterval` is set, probes a
/// quiet server with its own `echo` and closes the connection when that goes unanswered. Method
/// wrappers (``listDatabases()``, ``monitor(database:id:requests:)``, ``transact(database:operations:)``…)
/// live in `OVSDBClient+Methods.swift`; ``call(_:_:)`` reaches any other method.
///
/// ```swift
/// let client = try await OVSDBClient.connect(to: OVSDBEndpoint("unix:/run/openvswitch/db.sock"), logger: logger)
/// defer { client.close() }
/// let names = try await client.listDatabases()
/// ```
///
/// A client is not reconnected: when the connection ends, ``notifications`` finishes with the
/// error that ended it and calls fail. ``OVSDBMonitor`` is the reconnecting layer.
public final class OVSDBClient: Sendable {
    /// How a connection is set up.
    public struct Configuration: Sendable {
        /// Send an `echo` after this long with nothing received, and give up after twice as long.
        /// `nil` disables our probe (the server's own probes are still answered).
        public var probeInterval: Duration?
        /// The largest JSON-RPC message accepted from the server.
        public var maximumMessageSize: Int
        /// How long to wait for the TCP or unix connect.
        public var connectTimeout: Duration

        /// Creates a configuration: a 5 s probe (ovsdb-server's own default), the 64 MiB message
        /// bound and a 10 s connect timeout unless told otherwise.
        public init(
            probeInterval: Duration? = .seconds(5),
            maximumMessageSize: Int = JSONObjectSplitter.defaultMaximumMessageSize,
            connectTimeout: Duration = .seconds(10)
        ) {
            self.probeInterval = probeInterval
            self.maximumMessageSize = maximumMessageSize
            self.connectTimeout = connectTimeout
        }
    }

    /// The endpoint this client is connected to.
    public let endpoint: OVSDBEndpoint
    /// Notifications from the server, in arrival order; finishes throwing when the connection ends.
    /// Iterate it from one task only.
    public let notifications: AsyncThrowingStream<OVSDBNotification, any Error>
    let channel: any Channel

    private init(
        endpoint: OVSDBEndpoint, channel: any Channel,
        notifications: AsyncThrowingStream<OVSDBNotification, any Error>
    ) {
        self.endpoint = endpoint
        self.channel = channel
        self.notifications = notifications
    }

    /// Opens a connection.
    ///
    /// - Throws: the connect error (refused, no such socket, timeout).
    public static func connect(
        to endpoint: OVSDBEndpoint,
        configuration: Configuration = Configuration(),
        eventLoopGroup: any EventLoopGroup = MultiThreadedEventLoopGroup.singleton,
        logger: Logger
    ) async throws -> OVSDBClient {
        let (stream, continuation) = AsyncThrowingStream<OVSDBNotification, any Error>.makeStream()
        var logger = logger
        logger[metadataKey: "ovsdb.endpoint"] = "\(endpoint)"
        let sessionLogger = logger
        let bootstrap = ClientBootstrap(group: eventLoopGroup)
            .connectTimeout(.nanoseconds(Int64(configuration.connectTimeout.nanoseconds)))
            .channelInitializer { channel in
                channel.eventLoop.makeCompletedFuture {
                    let pipeline = channel.pipeline.syncOperations
                    try pipeline.addHandler(
                        ByteToMessageHandler(OVSDBMessageDecoder(maximumMessageSize: configuration.maximumMessageSize)))
                    try pipeline.addHandler(MessageToByteHandler(OVSDBMessageEncoder()))
                    if let probe = configuration.probeInterval {
                        try pipeline.addHandler(IdleStateHandler(readTimeout: .nanoseconds(Int64(probe.nanoseconds))))
                    }
                    try pipeline.addHandler(OVSDBRPCHandler(notifications: continuation, logger: sessionLogger))
                }
            }
        let channel: any Channel
        do {
            switch endpoint {
            case .tcp(let host, let port): channel = try await bootstrap.connect(host: host, port: port).get()
            case .unix(let path): channel = try await bootstrap.connect(unixDomainSocketPath: path).get()
            }
        } catch {
            continuation.finish(throwing: error)
            throw error
        }
        logger.debug("connected to ovsdb-server")
        return OVSDBClient(endpoint: endpoint, channel: channel, notifications: stream)
    }

    /// Sends a JSON-RPC request and waits for its `result`.
    ///
    /// - Throws: ``OVSDBError`` with ``OVSDBError/Code/serverError`` when the server answers with
    ///   an `error`, ``OVSDBError/Code/connectionClosed`` when the connection ends first.
    public func call(_ method: String, _ params: [JSONValue]) async throws -> JSONValue {
        let promise = channel.eventLoop.makePromise(of: JSONValue.self)
        channel.writeAndFlush(OVSDBRPCHandler.Request(method: method, params: params, promise: promise))
            .whenFailure { error in
                let reason = error as? OVSDBError
                promise.fail(
                    reason
                        ?? OVSDBError(code: .connectionClosed, message: "the OVSDB connection is closed", cause: error))
            }
        return try await promise.futureResult.get()
    }

    /// Closes the connection; pending calls fail and ``notifications`` finishes.
    public func close() {
        channel.close(promise: nil)
    }

    /// How many `echo` requests (ovsdb-server's inactivity probes) this connection has answered.
    public func serverEchoesAnswered() async throws -> Int {
        let channel = self.channel
        return try await channel.eventLoop.submit {
            try channel.pipeline.syncOperations.handler(type: OVSDBRPCHandler.self).echoesAnswered
        }.get()
    }

    /// Completes when the connection has closed.
    public func closed() async {
        try? await channel.closeFuture.get()
    }
}

extension Duration {
    var nanoseconds: Int64 {
        let (seconds, attoseconds) = components
        return seconds * 1_000_000_000 + attoseconds / 1_000_000_000
    }
}
