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
        let indices = changes.map { change in
            if let known = index[change.cause] { return known }
            causes.append((try? encoder.encode(change.cause)).map { [UInt8]($0) } ?? Array("null".utf8))
            index[change.cause] = causes.count - 1
            return causes.count - 1
        }
        return (causes, indices)
    }

    /// `{"port_id", "decided_at", "previous", "current", "data_plane_status", "port_changed"}`; the
    /// store splices the shared `"cause"` in when it is read back.
    public static func line(
        _ change: PortDataPlaneChange, decidedAt: String, dataPlaneStatus: DataPlaneStatus?, portChanged: Bool
    ) -> [UInt8] {
        var writer = JSONWriter(capacity: 256)
        writer.beginObject()
        writer.key("port_id"); writer.string(change.portID)
        writer.key("decided_at"); writer.string(decidedAt)
        writer.key("previous"); writer.optionalString(change.previous?.rawValue)
        writer.key("current"); writer.optionalString(change.current?.rawValue)
        writer.key("data_plane_status"); writer.optionalString(dataPlaneStatus?.rawValue)
        writer.key("port_changed"); writer.bool(portChanged)
        writer.endObject()
        return writer.bytes
    }
}
