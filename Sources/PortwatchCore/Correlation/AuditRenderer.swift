import Foundation

/// Renders audit trail lines: why a port's data-plane state changed.
///
/// A leaf failure changes thousands of ports with the same cause, so each distinct cause is encoded
/// and stored once, and every line that shares it refers to it.
public enum AuditRenderer {
    /// The distinct causes of `changes`, encoded once each, and which one each change has.
    public static func encodeCauses(_ changes: [PortDataPlaneChange]) -> (causes: [[UInt8]], indices: [Int]) {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys]
        encoder.dateEncodingStrategy = .iso8601
        var index: [AuditCause: Int] = [:]
        var causes: [[UInt8]] = []
        // The changes of one decision mostly share one cause: equal to the last one, it is not hashed
        // (comparing a cause with a copy of itself is cheap, their arrays sharing storage).
        var last: (cause: AuditCause, index: Int)?
        var indices: [Int] = []
        indices.reserveCapacity(changes.count)
        // By position, not by element: a storm's changes are not copied one by one.
        for position in changes.indices {
            if let last, last.cause == changes[position].cause {
                indices.append(last.index)
                continue
            }
            let cause = changes[position].cause
            let known = index[cause]
            if known == nil {
                causes.append((try? encoder.encode(cause)).map { [UInt8]($0) } ?? Array("null".utf8))
                index[cause] = causes.count - 1
            }
            last = (cause, known ?? causes.count - 1)
            indices.append(known ?? causes.count - 1)
        }
        return (causes, indices)
    }

    /// `{"port_id", "decided_at", "previous", "current", "data_plane_status", "port_changed"}`; the
    /// store splices the shared `"cause"` in when it is read back.
    ///
    /// It takes the change's fields, not the change: a storm renders its lines on every core, and a
    /// copy of each change would count references to its shared cause from all of them at once.
    public static func line(
        portID: String, previous: DataPlaneState?, current: DataPlaneState?, decidedAt: String,
        dataPlaneStatus: DataPlaneStatus?, portChanged: Bool
    ) -> [UInt8] {
        var writer = JSONWriter(capacity: 256)
        writer.beginObject()
        writer.knownKey("port_id"); writer.string(portID)
        writer.knownKey("decided_at"); writer.string(decidedAt)
        writer.knownKey("previous"); writer.optionalString(previous?.rawValue)
        writer.knownKey("current"); writer.optionalString(current?.rawValue)
        writer.knownKey("data_plane_status"); writer.optionalString(dataPlaneStatus?.rawValue)
        writer.knownKey("port_changed"); writer.bool(portChanged)
        writer.endObject()
        return writer.bytes
    }
}
