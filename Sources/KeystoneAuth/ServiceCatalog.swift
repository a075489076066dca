import Foundation

/// The service catalog of an issued token: where each service type's endpoints are, per interface
/// and region, as openstacksdk reads it to find the `network` endpoint.
///
/// ```swift
/// let issued = try await client.issueServiceToken()
/// let neutron = issued.catalog.url(type: "network", interface: "public", region: "RegionOne")
/// ```
public struct ServiceCatalog: Sendable, Hashable {
    public struct Endpoint: Sendable, Hashable {
        public var type: String
        public var interface: String
        public var region: String?
        public var url: String
    }

    public var endpoints: [Endpoint]

    public init(endpoints: [Endpoint] = []) {
        self.endpoints = endpoints
    }

    /// The catalog of a token document (`token.catalog`); empty when it has none.
    public init(json: [UInt8]) {
        guard let root = try? JSONSerialization.jsonObject(with: Data(json)) as? [String: Any],
            let token = root["token"] as? [String: Any], let services = token["catalog"] as? [[String: Any]]
        else {
            self.init()
            return
        }
        var endpoints: [Endpoint] = []
        for service in services {
            guard let type = service["type"] as? String else { continue }
            for endpoint in service["endpoints"] as? [[String: Any]] ?? [] {
                guard let url = endpoint["url"] as? String, let interface = endpoint["interface"] as? String else {
                    continue
                }
                endpoints.append(
                    Endpoint(
                        type: type, interface: interface,
                        region: endpoint["region_id"] as? String ?? endpoint["region"] as? String, url: url))
            }
        }
        self.init(endpoints: endpoints)
    }

    /// The URL of `type` at `interface` (`public`, `internal`, `admin`; `publicURL` style names
    /// accepted) in `region` (any region when nil), if the catalog has one.
    public func url(type: String, interface: String = "public", region: String? = nil) -> String? {
        var wanted = interface.lowercased()
        if wanted.hasSuffix("url") { wanted = String(wanted.dropLast(3)) }
        return endpoints.first {
            $0.type == type && $0.interface == wanted && (region == nil || $0.region == region)
        }?.url
    }
}
