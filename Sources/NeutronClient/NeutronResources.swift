import PortwatchCore

/// The fields of a Neutron port that correlation needs (what bridge mode asks for with `fields=`).
public struct NeutronPort: Sendable, Hashable {
    public var id: String
    public var networkID: String
    public var projectID: String
    public var macAddress: String
    public var status: String
    public var deviceID: String
    public var deviceOwner: String
    public var bindingHostID: String
    public var bindingProfile: [String: JSONValue]
    public var bindingVnicType: String
    /// `data_plane_status`: nil is JSON `null` (or the extension is off).
    public var dataPlaneStatus: DataPlaneStatus?
    public var revisionNumber: Int

    /// The wire names asked for with `fields=` (`mac_address` keeps the mirror's MAC index true).
    public static let fields = [
        "id", "network_id", "project_id", "tenant_id", "mac_address", "status", "device_id", "device_owner",
        "binding:host_id", "binding:profile", "binding:vnic_type", "data_plane_status", "revision_number",
    ]

    public init(
        id: String, networkID: String, projectID: String = "", macAddress: String = "", status: String = "DOWN",
        deviceID: String = "", deviceOwner: String = "", bindingHostID: String = "",
        bindingProfile: [String: JSONValue] = [:], bindingVnicType: String = "normal",
        dataPlaneStatus: DataPlaneStatus? = nil, revisionNumber: Int = 1
    ) {
        self.id = id
        self.networkID = networkID
        self.projectID = projectID
        self.macAddress = macAddress
        self.status = status
        self.deviceID = deviceID
        self.deviceOwner = deviceOwner
        self.bindingHostID = bindingHostID
        self.bindingProfile = bindingProfile
        self.bindingVnicType = bindingVnicType
        self.dataPlaneStatus = dataPlaneStatus
        self.revisionNumber = revisionNumber
    }

    /// A port object as Neutron renders it (in a list, a show, or a notification's `port`).
    public init?(json: JSONValue) {
        guard let object = json.objectValue, let id = object["id"]?.stringValue,
            let networkID = object["network_id"]?.stringValue
        else { return nil }
        self.init(id: id, networkID: networkID)
        projectID = object["project_id"]?.stringValue ?? object["tenant_id"]?.stringValue ?? ""
        macAddress = object["mac_address"]?.stringValue ?? ""
        status = object["status"]?.stringValue ?? "DOWN"
        deviceID = object["device_id"]?.stringValue ?? ""
        deviceOwner = object["device_owner"]?.stringValue ?? ""
        bindingHostID = object["binding:host_id"]?.stringValue ?? ""
        bindingProfile = object["binding:profile"]?.objectValue ?? [:]
        bindingVnicType = object["binding:vnic_type"]?.stringValue ?? "normal"
        dataPlaneStatus = object["data_plane_status"]?.stringValue.flatMap(DataPlaneStatus.init(rawValue:))
        if case .int(let revision) = object["revision_number"] { revisionNumber = Int(revision) }
    }
}

/// A provider segment of a network (`provider:*`, or one entry of `segments`).
public struct NeutronSegment: Sendable, Hashable {
    public var networkType: String
    public var physicalNetwork: String?
    public var segmentationID: Int?

    public init(networkType: String, physicalNetwork: String? = nil, segmentationID: Int? = nil) {
        self.networkType = networkType
        self.physicalNetwork = physicalNetwork
        self.segmentationID = segmentationID
    }

    init?(object: [String: JSONValue]) {
        guard let type = object["provider:network_type"]?.stringValue else { return nil }
        networkType = type
        physicalNetwork = object["provider:physical_network"]?.stringValue
        if case .int(let id) = object["provider:segmentation_id"] { segmentationID = Int(id) }
    }
}

/// The fields of a Neutron network that correlation needs: its provider segment(s).
public struct NeutronNetwork: Sendable, Hashable {
    public var id: String
    public var name: String
    public var projectID: String
    /// The single-segment provider attributes, or every segment of a multi-segment network.
    public var segments: [NeutronSegment]
    public var revisionNumber: Int

    public static let fields = [
        "id", "name", "project_id", "tenant_id", "provider:network_type", "provider:physical_network",
        "provider:segmentation_id", "segments", "revision_number",
    ]

    public init(
        id: String, name: String = "", projectID: String = "", segments: [NeutronSegment] = [],
        revisionNumber: Int = 1
    ) {
        self.id = id
        self.name = name
        self.projectID = projectID
        self.segments = segments
        self.revisionNumber = revisionNumber
    }

    /// A network object as Neutron renders it.
    public init?(json: JSONValue) {
        guard let object = json.objectValue, let id = object["id"]?.stringValue else { return nil }
        self.init(id: id)
        name = object["name"]?.stringValue ?? ""
        projectID = object["project_id"]?.stringValue ?? object["tenant_id"]?.stringValue ?? ""
        if let many = object["segments"]?.arrayValue {
            segments = many.compactMap { $0.objectValue.flatMap(NeutronSegment.init(object:)) }
        } else if let one = NeutronSegment(object: object) {
            segments = [one]
        }
        if case .int(let revision) = object["revision_number"] { revisionNumber = Int(revision) }
    }
}

/// A Neutron agent's host and the mappings its `configurations` report.
public struct NeutronAgent: Sendable, Hashable {
    public var host: String
    public var agentType: String
    public var alive: Bool
    /// `bridge_mappings` (Open vSwitch: physnet → bridge), `interface_mappings` (Linux bridge:
    /// physnet → interface), `device_mappings` (SR-IOV: physnet → device(s)).
    public var bridgeMappings: [String: String]
    public var interfaceMappings: [String: String]
    public var deviceMappings: [String: [String]]
    public var tunnelingIP: String?

    public init(
        host: String, agentType: String, alive: Bool = true, bridgeMappings: [String: String] = [:],
        interfaceMappings: [String: String] = [:], deviceMappings: [String: [String]] = [:],
        tunnelingIP: String? = nil
    ) {
        self.host = host
        self.agentType = agentType
        self.alive = alive
        self.bridgeMappings = bridgeMappings
        self.interfaceMappings = interfaceMappings
        self.deviceMappings = deviceMappings
        self.tunnelingIP = tunnelingIP
    }

    /// An agent object as `GET /v2.0/agents` renders it.
    public init?(json: JSONValue) {
        guard let object = json.objectValue, let host = object["host"]?.stringValue else { return nil }
        self.init(host: host, agentType: object["agent_type"]?.stringValue ?? "")
        alive = object["alive"]?.boolValue ?? true
        let configurations = object["configurations"]?.objectValue ?? [:]
        bridgeMappings = Self.strings(configurations["bridge_mappings"])
        interfaceMappings = Self.strings(configurations["interface_mappings"])
        for (physnet, value) in configurations["device_mappings"]?.objectValue ?? [:] {
            if let one = value.stringValue {
                deviceMappings[physnet] = [one]
            } else if let many = value.arrayValue {
                deviceMappings[physnet] = many.compactMap(\.stringValue)
            }
        }
        tunnelingIP = configurations["tunneling_ip"]?.stringValue.flatMap { $0.isEmpty ? nil : $0 }
    }

    private static func strings(_ value: JSONValue?) -> [String: String] {
        (value?.objectValue ?? [:]).compactMapValues(\.stringValue)
    }
}
