/// A validated physical topology with the lookups the correlation engine needs.
///
/// Built from a ``TopologyDocument``; every id the document leaves implicit is resolved here
/// (switch port `"<switch>:<name>"`, NIC and bond `"<host>:<name>"`, link `"<a>--<b>"`).
///
/// ```swift
/// let document = try JSONDecoder().decode(TopologyDocument.self, from: data)
/// let topology = try Topology(document)
/// topology.contains(.switch("leaf-a1"))  // true
/// ```
public struct Topology: Sendable {
    /// The document this topology was built from.
    public let document: TopologyDocument

    struct ResolvedSwitchPort: Sendable {
        var id: String
        var switchID: String
        var name: String
    }

    struct ResolvedHostInterface: Sendable {
        var id: String
        var hostID: String
        var name: String
    }

    struct ResolvedBond: Sendable {
        var id: String
        var hostID: String
        var name: String
        var memberNICIDs: [String]
    }

    enum ResolvedEndpoint: Sendable, Hashable {
        case switchPort(portID: String, switchID: String)
        case hostNIC(nicID: String, hostID: String)
    }

    struct ResolvedLink: Sendable {
        var id: String
        var a: ResolvedEndpoint
        var b: ResolvedEndpoint
    }

    var switchesByID: [String: PhysicalSwitch] = [:]
    var switchIDByMAC: [String: String] = [:]
    var switchIDByName: [String: String] = [:]
    var switchPortsByID: [String: ResolvedSwitchPort] = [:]
    var switchPortIDByName: [String: [String: String]] = [:]
    var hostsByID: [String: PhysicalHost] = [:]
    var nicsByID: [String: ResolvedHostInterface] = [:]
    var bondsByID: [String: ResolvedBond] = [:]
    var interfacesByHost: [String: [String: HostInterfaceRef]] = [:]
    var linksByID: [String: ResolvedLink] = [:]
    var linkIDsBySwitchPort: [String: [String]] = [:]
    var linkIDsByNIC: [String: [String]] = [:]
    var uplinksBySwitch: [String: [SwitchUplink]] = [:]
    var switchReachability: [String: PathRequirement] = [:]

    /// An empty topology: every port's physical state is unknown.
    public init() {
        self.document = TopologyDocument()
    }

    /// Validates `document` and builds the indexes.
    ///
    /// - Throws: ``TopologyValidationError`` on duplicate ids, references to missing
    ///   switches, ports, hosts or interfaces, and host-to-host links.
    public init(_ document: TopologyDocument) throws(TopologyValidationError) {
        self.document = document
        try indexSwitches(document.switches)
        try indexHosts(document.hosts)
        try indexLinks(document.links)
        for switchID in switchesByID.keys.sorted() {
            _ = buildSwitchReachability(switchID)
        }
    }

    /// Whether the topology has a resource with this kind and id.
    public func contains(_ resource: PhysicalResourceRef) -> Bool {
        switch resource.kind {
        case .switch: switchesByID[resource.id] != nil
        case .switchPort: switchPortsByID[resource.id] != nil
        case .link: linksByID[resource.id] != nil
        case .hostNIC: nicsByID[resource.id] != nil
        case .bond: bondsByID[resource.id] != nil
        case .host, .vswitch: hostsByID[resource.id] != nil
        // A port's interface is known from the port, not from the document.
        case .vif: false
        }
    }

    /// All switch ids.
    public var switchIDs: [String] { Array(switchesByID.keys) }

    /// All host ids.
    public var hostIDs: [String] { Array(hostsByID.keys) }

    /// The host with this id.
    public func host(_ id: String) -> PhysicalHost? { hostsByID[id] }

    /// The switch with this id.
    public func physicalSwitch(_ id: String) -> PhysicalSwitch? { switchesByID[id] }

    /// The uplinks of a switch (links to switches of a higher tier), sorted by link id.
    public func uplinks(ofSwitch switchID: String) -> [SwitchUplink] {
        uplinksBySwitch[switchID] ?? []
    }

    /// The id of the switch that `identifier` names: its id, its chassis MAC (any case or
    /// separator: `aa:bb:..`, `aa-bb-..`, `aabb.ccdd.eeff`) or its name.
    public func switchID(matching identifier: String) -> String? {
        if switchesByID[identifier] != nil { return identifier }
        if let normalized = Self.normalizedMAC(identifier), let id = switchIDByMAC[normalized] { return id }
        return switchIDByName[identifier]
    }

    /// The topology-wide id of a switch's port named `port` (or whose id is `port`).
    public func switchPortID(switchID: String, port: String) -> String? {
        if let id = switchPortIDByName[switchID]?[port] { return id }
        if let resolved = switchPortsByID[port], resolved.switchID == switchID { return port }
        return nil
    }

    /// The NIC or bond named `name` on host `hostID`.
    public func hostInterface(hostID: String, name: String) -> HostInterfaceRef? {
        interfacesByHost[hostID]?[name]
    }

    /// Hex digits of a MAC address, lowercased, when the text looks like one (12 hex digits
    /// with optional `:`, `-` or `.` separators); nil otherwise.
    static func normalizedMAC(_ text: String) -> String? {
        var digits = ""
        for character in text.lowercased() {
            if character.isHexDigit {
                digits.append(character)
            } else if character != ":" && character != "-" && character != "." {
                return nil
            }
        }
        return digits.count == 12 ? digits : nil
    }
}
