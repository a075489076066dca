/// What a subscriber without admin rights may see of a notification: the view its project gets from
/// `GET /v2.0/ports/{id}` or `GET /v2.0/networks/{id}`, so that webhooks and the live stream never
/// carry what the API would hide (`binding:*` details of ports, `provider:*` of networks).
extension OutboxEvent {
    /// The attributes that `get_port:*` and `get_network:*` rules control (admins and services only, by default).
    static let privilegedAttributes: [String: Set<String>] = [
        "port": Set(AccessPolicy.policedPortAttributes),
        "network": Set(AccessPolicy.policedNetworkAttributes + ["segments"]),
    ]

    /// This event as a subscriber gets it who may not see every policed attribute
    /// (``AccessPolicy/seesEveryPolicedAttribute``).
    public func unprivileged() -> OutboxEvent {
        var event = self
        event.payload = Self.unprivilegedPayload(payload)
        return event
    }

    /// `payload` without the privileged attributes of the ports and networks it carries (as
    /// `port`/`network` objects or `ports`/`networks` lists). A payload that is not a JSON object is
    /// returned unchanged; one that carries nothing privileged keeps its bytes.
    public static func unprivilegedPayload(_ payload: [UInt8]) -> [UInt8] {
        guard case .object(var object)? = try? JSONValue.parse(payload) else { return payload }
        var changed = false
        for (singular, hidden) in privilegedAttributes {
            if case .object(var resource)? = object[singular] {
                if strip(hidden, from: &resource) { changed = true }
                object[singular] = .object(resource)
            }
            if case .array(let list)? = object[singular + "s"] {
                object[singular + "s"] = .array(
                    list.map { item in
                        guard case .object(var resource) = item else { return item }
                        if strip(hidden, from: &resource) { changed = true }
                        return .object(resource)
                    })
            }
        }
        guard changed else { return payload }
        var writer = JSONWriter(capacity: payload.count)
        writer.value(.object(object))
        return writer.bytes
    }

    private static func strip(_ hidden: Set<String>, from resource: inout [String: JSONValue]) -> Bool {
        var changed = false
        for key in hidden where resource.removeValue(forKey: key) != nil { changed = true }
        return changed
    }
}
