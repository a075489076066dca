/// What a caller sees of a resource: which attributes policy lets through, and which `fields=` asked for.
public struct ResourceView: Sendable {
    /// Admin/service callers see `binding:*` details and `provider:*` attributes.
    public var privileged: Bool
    /// `fields=` of the request, or nil for every attribute.
    public var fields: Set<String>?

    public init(privileged: Bool, fields: Set<String>? = nil) {
        self.privileged = privileged
        self.fields = fields
    }

    /// The view of an admin asking for everything, used for notifications of internal changes.
    public static let full = ResourceView(privileged: true)

    @inline(__always)
    func wants(_ attribute: String) -> Bool {
        fields.map { $0.contains(attribute) } ?? true
    }
}
