/// One end of a physical link: a switch port or a host NIC.
///
/// Encoded as `{"switch": "<switch id>", "port": "<port name or id>"}` or
/// `{"host": "<host id>", "nic": "<NIC name>"}`.
public enum LinkEndpoint: Codable, Sendable, Hashable {
    /// A port of a switch; `port` is the port's name or its topology-wide id.
    case switchPort(switchID: String, port: String)
    /// A NIC of a host, by the NIC's name on that host.
    case hostNIC(hostID: String, nic: String)

    enum CodingKeys: String, CodingKey {
        case `switch`, port, host, nic
    }

    public init(from decoder: any Decoder) throws {
        let container = try decoder.container(keyedBy: CodingKeys.self)
        if let switchID = try container.decodeIfPresent(String.self, forKey: .switch) {
            self = .switchPort(switchID: switchID, port: try container.decode(String.self, forKey: .port))
        } else if let hostID = try container.decodeIfPresent(String.self, forKey: .host) {
            self = .hostNIC(hostID: hostID, nic: try container.decode(String.self, forKey: .nic))
        } else {
            throw DecodingError.dataCorrupted(
                .init(
                    codingPath: decoder.codingPath,
                    debugDescription: "A link endpoint needs either \"switch\" and \"port\" or \"host\" and \"nic\""))
        }
    }

    public func encode(to encoder: any Encoder) throws {
        var container = encoder.container(keyedBy: CodingKeys.self)
        switch self {
        case .switchPort(let switchID, let port):
            try container.encode(switchID, forKey: .switch)
            try container.encode(port, forKey: .port)
        case .hostNIC(let hostID, let nic):
            try container.encode(hostID, forKey: .host)
            try container.encode(nic, forKey: .nic)
        }
    }
}
