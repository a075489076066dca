import Foundation
import PortwatchCore

/// What Portwatch last knew of a port's `data_plane_status` in the cloud's Neutron, stored as a
/// document (kind ``kind``, id the port's) in the same transaction as the mirrored port, so that
/// a restart (even after `kill -9`) tells Portwatch's own writes from an admin's.
///
/// The desired value is the mirrored port's own `data_plane_status` (stored with the port); the
/// controller writes whenever it differs from ``value``.
public struct NeutronPortRecord: Sendable, Hashable, Codable {
    /// The document kind of these records.
    public static let kind = "neutron-port"

    /// Neutron's `data_plane_status` at ``revision`` (nil: `null`).
    public var value: DataPlaneStatus?
    /// Neutron's `revision_number` when ``value`` was seen or written.
    public var revision: Int

    public init(value: DataPlaneStatus?, revision: Int) {
        self.value = value
        self.revision = revision
    }

    /// The value to write for `verdict`: the verdict itself, except that a Neutron that holds a
    /// value is never sent `null` (Neutron 29 answers `PUT data_plane_status: null` with 500, an
    /// upstream bug: the API accepts it, the object field does not), so "no status" becomes ACTIVE
    /// there: no fault is known on the port's path.
    public func target(for verdict: DataPlaneStatus?) -> DataPlaneStatus? {
        verdict ?? (value == nil ? nil : .active)
    }

    /// Whether Neutron's value is not yet what `verdict` asks for.
    public func lags(_ verdict: DataPlaneStatus?) -> Bool { target(for: verdict) != value }

    /// The record as stored.
    public var body: [UInt8] {
        Array((try? JSONEncoder().encode(self)) ?? Data("{}".utf8))
    }

    /// A stored record; nil when the document is not one.
    public init?(body: [UInt8]) {
        guard let record = try? JSONDecoder().decode(Self.self, from: Data(body)) else { return nil }
        self = record
    }
}
