import Foundation

/// A Neutron port with the attributes of the extensions Portwatch implements.
///
/// Field names follow Swift conventions; the wire names (`binding:host_id`, ...) live in
/// ``PortAttribute`` and the renderer.
public struct Port: Sendable, Hashable, Codable {
    /// The attributes, stored once and shared between copies until one is changed (copy on write):
    /// a port is read, listed, compared and passed around far more often than it is changed, and a
    /// copy of the attributes themselves retains every one of their strings, arrays and dictionaries.
    struct Fields: Hashable, Codable {
        var id: String
        var name: String = ""
        var networkID: String
        var projectID: String
        var macAddress: String
        var adminStateUp: Bool = true
        var deviceID: String = ""
        var deviceOwner: String = ""
        var fixedIPs: [FixedIP] = []
        var allowedAddressPairs: [AllowedAddressPair] = []
        var extraDHCPOpts: [JSONValue] = []
        var securityGroups: [String] = []
        var description: String = ""
        var bindingVnicType: String = "normal"
        var bindingProfile: [String: JSONValue] = [:]
        var bindingHostID: String = ""
        var bindingVifType: String = "unbound"
        var bindingVifDetails: [String: JSONValue] = [:]
        var portSecurityEnabled: Bool = true
        var tags: [String] = []
        var createdAt: Date
    }

    /// What changes on every write and every fault (status, data-plane status, revision): kept
    /// inline, outside the shared box, so that a fault storm over 100,000 ports changes 100,000
    /// values in place instead of copying 100,000 boxes of attributes.
    struct State: Hashable, Sendable {
        var status: PortStatus = .down
        var dataPlaneStatus: DataPlaneStatus?
        var dataPlaneStatusOverride: DataPlaneStatus?
        var correlatedDataPlaneStatus: DataPlaneStatus?
        var updatedAt: Date
        var revisionNumber: Int = 1
    }

    /// The shared attributes; replaced by a copy before a change when another port shares them.
    final class Box: @unchecked Sendable {
        // Mutated only through `mutableFields`, when this box is uniquely referenced.
        var fields: Fields

        init(_ fields: Fields) {
            self.fields = fields
        }
    }

    private var box: Box
    private var state: State

    private var mutableFields: Fields {
        get { box.fields }
        _modify {
            if !isKnownUniquelyReferenced(&box) { box = Box(box.fields) }
            yield &box.fields
        }
    }

    public var id: String {
        get { box.fields.id }
        set { mutableFields.id = newValue }
    }
    public var name: String {
        get { box.fields.name }
        set { mutableFields.name = newValue }
    }
    public var networkID: String {
        get { box.fields.networkID }
        set { mutableFields.networkID = newValue }
    }
    public var projectID: String {
        get { box.fields.projectID }
        set { mutableFields.projectID = newValue }
    }
    public var macAddress: String {
        get { box.fields.macAddress }
        set { mutableFields.macAddress = newValue }
    }
    public var adminStateUp: Bool {
        get { box.fields.adminStateUp }
        set { mutableFields.adminStateUp = newValue }
    }
    public var status: PortStatus {
        get { state.status }
        set { state.status = newValue }
    }
    public var deviceID: String {
        get { box.fields.deviceID }
        set { mutableFields.deviceID = newValue }
    }
    public var deviceOwner: String {
        get { box.fields.deviceOwner }
        set { mutableFields.deviceOwner = newValue }
    }
    public var fixedIPs: [FixedIP] {
        get { box.fields.fixedIPs }
        set { mutableFields.fixedIPs = newValue }
    }
    public var allowedAddressPairs: [AllowedAddressPair] {
        get { box.fields.allowedAddressPairs }
        set { mutableFields.allowedAddressPairs = newValue }
    }
    public var extraDHCPOpts: [JSONValue] {
        get { box.fields.extraDHCPOpts }
        set { mutableFields.extraDHCPOpts = newValue }
    }
    public var securityGroups: [String] {
        get { box.fields.securityGroups }
        set { mutableFields.securityGroups = newValue }
    }
    public var description: String {
        get { box.fields.description }
        set { mutableFields.description = newValue }
    }
    public var bindingVnicType: String {
        get { box.fields.bindingVnicType }
        set { mutableFields.bindingVnicType = newValue }
    }
    public var bindingProfile: [String: JSONValue] {
        get { box.fields.bindingProfile }
        set { mutableFields.bindingProfile = newValue }
    }
    public var bindingHostID: String {
        get { box.fields.bindingHostID }
        set { mutableFields.bindingHostID = newValue }
    }
    public var bindingVifType: String {
        get { box.fields.bindingVifType }
        set { mutableFields.bindingVifType = newValue }
    }
    public var bindingVifDetails: [String: JSONValue] {
        get { box.fields.bindingVifDetails }
        set { mutableFields.bindingVifDetails = newValue }
    }
    public var portSecurityEnabled: Bool {
        get { box.fields.portSecurityEnabled }
        set { mutableFields.portSecurityEnabled = newValue }
    }
    public var dataPlaneStatus: DataPlaneStatus? {
        get { state.dataPlaneStatus }
        set { state.dataPlaneStatus = newValue }
    }
    /// The value an admin or integrator wrote through the API, which wins over correlation until cleared.
    public var dataPlaneStatusOverride: DataPlaneStatus? {
        get { state.dataPlaneStatusOverride }
        set { state.dataPlaneStatusOverride = newValue }
    }
    /// What fault correlation decided (nil until the port was first affected by a fault); the
    /// visible value is `dataPlaneStatusOverride ?? correlatedDataPlaneStatus`.
    public var correlatedDataPlaneStatus: DataPlaneStatus? {
        get { state.correlatedDataPlaneStatus }
        set { state.correlatedDataPlaneStatus = newValue }
    }
    public var tags: [String] {
        get { box.fields.tags }
        set { mutableFields.tags = newValue }
    }
    public var createdAt: Date {
        get { box.fields.createdAt }
        set { mutableFields.createdAt = newValue }
    }
    public var updatedAt: Date {
        get { state.updatedAt }
        set { state.updatedAt = newValue }
    }
    public var revisionNumber: Int {
        get { state.revisionNumber }
        set { state.revisionNumber = newValue }
    }

    public init(id: String, networkID: String, projectID: String, macAddress: String, createdAt: Date) {
        box = Box(
            Fields(id: id, networkID: networkID, projectID: projectID, macAddress: macAddress, createdAt: createdAt))
        state = State(updatedAt: createdAt)
    }

    /// Changes the attributes in place (copying them first only when another port shares them).
    mutating func withFields(_ body: (inout Fields) -> Void) {
        body(&mutableFields)
    }

    /// Whether `other` has this port's attributes, its state (status, data-plane status, revision,
    /// `updated_at`) aside: a change from one to the other is a change of state only, which the store
    /// writes as a small row (``ChangeSet/putState(_:)``).
    public func hasSameAttributes(as other: Port) -> Bool {
        box === other.box || box.fields == other.box.fields
    }

    public static func == (lhs: Port, rhs: Port) -> Bool {
        lhs.state == rhs.state && (lhs.box === rhs.box || lhs.box.fields == rhs.box.fields)
    }

    public func hash(into hasher: inout Hasher) {
        box.fields.hash(into: &hasher)
        state.hash(into: &hasher)
    }

    /// Decodes the storage document (the attributes' Swift names as keys).
    /// The state's keys sit beside the attributes' in one flat object.
    public init(from decoder: any Decoder) throws {
        box = Box(try Fields(from: decoder))
        let container = try decoder.container(keyedBy: StateKey.self)
        state = State(
            status: try container.decode(PortStatus.self, forKey: .status),
            dataPlaneStatus: try container.decodeIfPresent(DataPlaneStatus.self, forKey: .dataPlaneStatus),
            dataPlaneStatusOverride: try container.decodeIfPresent(
                DataPlaneStatus.self, forKey: .dataPlaneStatusOverride),
            correlatedDataPlaneStatus: try container.decodeIfPresent(
                DataPlaneStatus.self, forKey: .correlatedDataPlaneStatus),
            updatedAt: try container.decode(Date.self, forKey: .updatedAt),
            revisionNumber: try container.decode(Int.self, forKey: .revisionNumber))
    }

    public func encode(to encoder: any Encoder) throws {
        try box.fields.encode(to: encoder)
        var container = encoder.container(keyedBy: StateKey.self)
        try container.encode(state.status, forKey: .status)
        try container.encodeIfPresent(state.dataPlaneStatus, forKey: .dataPlaneStatus)
        try container.encodeIfPresent(state.dataPlaneStatusOverride, forKey: .dataPlaneStatusOverride)
        try container.encodeIfPresent(state.correlatedDataPlaneStatus, forKey: .correlatedDataPlaneStatus)
        try container.encode(state.updatedAt, forKey: .updatedAt)
        try container.encode(state.revisionNumber, forKey: .revisionNumber)
    }

    private enum StateKey: String, CodingKey {
        case status, dataPlaneStatus, dataPlaneStatusOverride, correlatedDataPlaneStatus, updatedAt, revisionNumber
    }
}
