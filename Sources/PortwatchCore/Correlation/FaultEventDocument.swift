/// How fault events are stored: one document per source and resource, the latest event.
public enum FaultEventDocument {
    /// The document kind.
    public static let kind = "fault-event"

    /// The document id of `source`'s latest event on `resource`.
    public static func key(source: String, resource: PhysicalResourceRef) -> String {
        "\(source)|\(resource.kind.rawValue)|\(resource.id)"
    }
}
