/// Decides what a port's `data_plane_status` should be, from an admin's manual value and the
/// correlated state.
///
/// Precedence, highest first:
/// 1. **Manual value.** An admin `PUT {"data_plane_status": "DOWN"|"ACTIVE"}` wins while it is
///    set; correlation keeps computing (and auditing) but does not write. Clearing it (`null`)
///    hands the field back to correlation.
/// 2. **Correlated down.** `DOWN`.
/// 3. **Recovered.** Once correlation has marked the port `DOWN`, an `up` or `degraded` state
///    (or a port that is no longer mapped) writes `ACTIVE`: recovery is always written.
/// 4. **Untouched.** A port correlation never marked `DOWN` keeps `null`, as Neutron leaves it;
///    `degraded` alone is shown in the port's detail, not here.
///
/// Generic over the status type so it works with the API's `DataPlaneStatus` (a `String` enum
/// with `ACTIVE` and `DOWN`):
///
/// ```swift
/// let status: DataPlaneStatus? = DataPlaneStatusPrecedence.resolve(
///     manualOverride: port.dataPlaneStatusOverride, correlated: assessment.state,
///     hasBeenDown: assessment.hasBeenDown || port.dataPlaneCorrelated)
/// ```
public enum DataPlaneStatusPrecedence {
    /// The `data_plane_status` value to store; nil means JSON `null`.
    ///
    /// - Parameters:
    ///   - manualOverride: the admin-written value, nil when none is set.
    ///   - correlated: the engine's state, nil when the port's physical path is unknown.
    ///   - hasBeenDown: whether correlation has marked the port `DOWN` before (the engine's
    ///     ``PortAssessment/hasBeenDown``; a server restoring from its store may also pass
    ///     whether a correlated value was stored).
    public static func resolve<Status: RawRepresentable>(
        manualOverride: Status?, correlated: DataPlaneState?, hasBeenDown: Bool
    ) -> Status? where Status.RawValue == String {
        if let manualOverride { return manualOverride }
        switch correlated {
        case .down:
            return Status(rawValue: "DOWN")
        case .up, .degraded, nil:
            return hasBeenDown ? Status(rawValue: "ACTIVE") : nil
        }
    }
}
