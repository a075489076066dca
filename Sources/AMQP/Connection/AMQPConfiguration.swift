import NIOCore

/// Where and how to connect: broker address, credentials, virtual host and the limits the client
/// proposes during tuning.
///
/// ```swift
/// let configuration = try AMQPConfiguration(url: "amqp://guest:guest@127.0.0.1:5672/%2F?heartbeat=30")
/// ```
public struct AMQPConfiguration: Hashable, Sendable {
    /// Broker host name or address.
    public var host: String
    /// Broker port; 5672 by default.
    public var port: Int
    /// User name for PLAIN authentication.
    public var username: String
    /// Password for PLAIN authentication.
    public var password: String
    /// Virtual host; `/` by default.
    public var virtualHost: String
    /// Heartbeat interval in seconds the client proposes; 0 disables heartbeats. The negotiated
    /// value is the smaller non-zero one of client and broker.
    public var heartbeat: UInt16
    /// Largest frame the client accepts, in bytes (the negotiated value is the smaller one).
    public var frameMax: UInt32
    /// Highest channel number the client proposes.
    public var channelMax: UInt16
    /// How long TCP connect plus the AMQP handshake may take.
    public var connectTimeout: TimeAmount
    /// Shown as `connection_name` in the broker's management UI, if set.
    public var connectionName: String?

    /// The default AMQP port.
    public static let defaultPort = 5672

    /// Creates a configuration; every argument but the host has RabbitMQ's usual default.
    public init(
        host: String = "localhost",
        port: Int = AMQPConfiguration.defaultPort,
        username: String = "guest",
        password: String = "guest",
        virtualHost: String = "/",
        heartbeat: UInt16 = 60,
        frameMax: UInt32 = 131_072,
        channelMax: UInt16 = 2047,
        connectTimeout: TimeAmount = .seconds(10),
        connectionName: String? = nil
    ) {
        self.host = host
        self.port = port
        self.username = username
        self.password = password
        self.virtualHost = virtualHost
        self.heartbeat = heartbeat
        self.frameMax = frameMax
        self.channelMax = channelMax
        self.connectTimeout = connectTimeout
        self.connectionName = connectionName
    }
}

extension AMQPConfiguration: CustomStringConvertible {
    /// The broker URL without the password, for logs.
    public var description: String {
        "amqp://\(username)@\(host.contains(":") ? "[\(host)]" : host):\(port)/\(virtualHost == "/" ? "%2F" : virtualHost)"
    }
}
