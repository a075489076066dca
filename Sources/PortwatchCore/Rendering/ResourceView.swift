/// What a caller sees of a resource: which attributes policy lets through, and which `fields=` asked for.
public struct ResourceView: Sendable, Hashable {
    /// The policy-controlled attributes the caller may not see (`binding:host_id` when
    /// `get_port:binding:host_id` denies it); see ``AccessPolicy/PortReading``.
    public var hidden: Set<String>
    /// `fields=` of the request, or nil for every attribute.
    public var fields: Set<String>?

    /// A view hiding `hidden`, showing `fields` (every attribute when nil).
    public init(hiding hidden: Set<String> = [], fields: Set<String>? = nil) {
        self.hidden = hidden
        self.fields = fields
    }

    /// Every attribute: the view of notifications of Portwatch's own changes, and of storage.
    public static let full = ResourceView()

    @inline(__always)
    func wants(_ attribute: String) -> Bool {
        guard let fields else { return true }
        return fields.contains(attribute)
    }

    /// Whether a policy-controlled attribute is rendered: asked for, and not hidden.
    @inline(__always)
    func shows(_ attribute: String) -> Bool {
        (hidden.isEmpty || !hidden.contains(attribute)) && wants(attribute)
    }
}
