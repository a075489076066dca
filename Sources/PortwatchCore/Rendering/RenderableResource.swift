/// A Neutron resource that renders itself as JSON: `{"<singular>": {...}}` alone, or inside a
/// `{"<plural>": [...]}` collection.
public protocol RenderableResource: Sendable {
    /// `port`, `network`.
    static var singular: String { get }
    /// `ports`, `networks`.
    static var plural: String { get }
    /// The collection's path under `/v2.0/`: the plural, hyphenated where Neutron's is
    /// (`security-groups`).
    static var path: String { get }
    /// Writes the resource's JSON object as `view` lets the caller see it.
    func render(into writer: inout JSONWriter, view: ResourceView)
}

extension RenderableResource {
    public static var path: String { plural }

    /// `{"port": {...}}` as Neutron answers a show, create or update.
    public func envelope(view: ResourceView) -> [UInt8] {
        var writer = JSONWriter()
        writer.beginObject()
        writer.key(Self.singular)
        render(into: &writer, view: view)
        writer.endObject()
        return writer.bytes
    }

    /// `{"ports": [...]}`, as a bulk create answers, each item as `view` lets the caller see it.
    public static func collection(_ items: [Self], view: (Self) -> ResourceView) -> [UInt8] {
        var writer = JSONWriter(capacity: 256 + items.count * 900)
        writer.beginObject()
        writer.key(plural)
        writer.beginArray()
        for item in items { item.render(into: &writer, view: view(item)) }
        writer.endArray()
        writer.endObject()
        return writer.bytes
    }
}

extension Port: RenderableResource {
    public static let singular = "port"
    public static let plural = "ports"
}

extension Network: RenderableResource {
    public static let singular = "network"
    public static let plural = "networks"
}

extension SecurityGroup: RenderableResource {
    public static let singular = "security_group"
    public static let plural = "security_groups"
    public static let path = "security-groups"
}

extension SecurityGroupRule: RenderableResource {
    public static let singular = "security_group_rule"
    public static let plural = "security_group_rules"
    public static let path = "security-group-rules"
}
