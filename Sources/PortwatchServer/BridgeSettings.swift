import KeystoneAuth

/// Bridge mode (`--neutron-url` or `--neutron-interface`/`--neutron-region` with Keystone): the
/// cloud's Neutron is the port API, Portwatch mirrors it and writes its verdicts back.
public struct BridgeSettings: Sendable {
    /// Neutron's URL (`--neutron-url`); nil: the `network` endpoint of the service catalog.
    public var neutronURL: String?
    /// The catalog interface and region to take Neutron's endpoint from.
    public var interface = "public"
    public var region: String?
    /// Portwatch's Keystone service user (nil: Neutron is asked without a token, for a noauth Neutron).
    public var keystone: KeystoneSettings?
    /// The most `PUT /v2.0/ports/{id}` at once.
    public var writeConcurrency = 8
    /// How often the whole inventory is read again.
    public var resyncInterval: Duration = .seconds(300)
    /// The cloud's RabbitMQ, for Neutron's notifications (nil: periodic resync only).
    public var amqpURL: String?
    /// Portwatch's queue on it.
    public var amqpQueue = "portwatch-bridge"

    public init() {}
}
