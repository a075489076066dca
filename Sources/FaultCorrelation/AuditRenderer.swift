import Foundation
import PortwatchCore

/// Renders audit trail lines: why a port's data-plane state changed.
///
/// A leaf failure changes thousands of ports with the same cause, so each distinct cause is encoded
/// once and spliced into every line that shares it.
enum AuditRenderer {
    static func encodeCauses(_ changes: [PortDataPlaneChange]) -> [[UInt8]] {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys]
        encoder.dateEncodingStrategy = .iso8601
        var cache: [AuditCause: [UInt8]] = [:]
        return changes.map { change in
            if let bytes = cache[change.cause] { return bytes }
            let bytes = (try? encoder.encode(change.cause)).map { [UInt8]($0) } ?? Array("null".utf8)
            cache[change.cause] = bytes
            return bytes
        }
    }

    /// `{"port_id", "decided_at", "previous", "current", "data_plane_status", "port_changed", "cause"}`.
    static func line(
        _ change: PortDataPlaneChange, cause: [UInt8], dataPlaneStatus: DataPlaneStatus?, portChanged: Bool
    ) -> [UInt8] {
        var writer = JSONWriter(capacity: 256 + cause.count)
        writer.beginObject()
        writer.key("port_id"); writer.string(change.portID)
        writer.key("decided_at"); writer.string(NeutronTimestamp.formatOslo(change.decidedAt))
        writer.key("previous"); writer.optionalString(change.previous?.rawValue)
        writer.key("current"); writer.optionalString(change.current?.rawValue)
        writer.key("data_plane_status"); writer.optionalString(dataPlaneStatus?.rawValue)
        writer.key("port_changed"); writer.bool(portChanged)
        writer.key("cause"); writer.raw(cause)
        writer.endObject()
        return writer.bytes
    }
}
