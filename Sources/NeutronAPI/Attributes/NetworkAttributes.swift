import PortwatchCore

/// The network resource's attribute map.
enum NetworkAttributes {
    static let postable: Set<String> = [
        "project_id", "tenant_id", "name", "description", "admin_state_up", "shared", "mtu", "port_security_enabled",
        "router:external", "provider:network_type", "provider:physical_network", "provider:segmentation_id",
        "availability_zone_hints", "vlan_transparent", "qinq",
    ]
    static let puttable: Set<String> = [
        "name", "description", "admin_state_up", "shared", "mtu", "port_security_enabled", "router:external",
    ]
    static let readOnly: Set<String> = [
        "id", "status", "subnets", "created_at", "updated_at", "revision_number", "availability_zones",
        "provider:network_type", "provider:physical_network", "provider:segmentation_id", "availability_zone_hints",
        "project_id", "tenant_id", "tags", "vlan_transparent", "qinq", "ipv4_address_scope", "ipv6_address_scope",
    ]
    static let all: Set<String> = postable.union(puttable).union(readOnly)
    static let networkTypes = ["local", "flat", "vlan", "vxlan", "geneve", "gre"]

    /// The checks before conversion, with the attributes POST and PUT refuse in Neutron 29's order.
    static let postChecks = RequestAttributes(
        known: all, allowed: postable,
        refusedOrder: [
            "id", "subnets", "status", "ipv4_address_scope", "ipv6_address_scope", "availability_zones",
            "revision_number", "tags", "created_at", "updated_at", "vlan_transparent", "qinq",
        ])
    static let putChecks = RequestAttributes(
        known: all, allowed: puttable,
        refusedOrder: [
            "id", "subnets", "status", "tenant_id", "ipv4_address_scope", "ipv6_address_scope", "availability_zones",
            "availability_zone_hints", "qinq", "revision_number", "tags", "created_at", "updated_at",
            "vlan_transparent", "provider:network_type", "provider:physical_network", "provider:segmentation_id",
        ])

    static func create(_ object: [String: JSONValue], _ access: AccessPolicy) throws(NeutronError) -> NetworkInput {
        let project = try postChecks.check(object, verb: "POST", access)
        let reader = AttributeReader(object: object)
        var input = try parse(reader)
        input.projectID = try reader.string(object["project_id"] != nil ? "project_id" : "tenant_id") ?? project
        // A string, then one of the type drivers (ML2's message).
        if let type = input.networkType, !networkTypes.contains(type) {
            throw .invalidInput("network_type value '\(type)' not supported")
        }
        if let hints = input.availabilityZoneHints, hints.joined(separator: ",").count > 255 {
            throw .invalidInput("Too many availability_zone_hints specified")
        }
        if input.vlanTransparent == true, input.qinq == true {
            throw .badRequest(
                resource: "network",
                "Attributes 'vlan_transparent' and 'qinq' can not be set to True for the same network."
            )
        }
        return input
    }

    static func update(_ object: [String: JSONValue], _ access: AccessPolicy) throws(NeutronError) -> NetworkInput {
        _ = try putChecks.check(object, verb: "PUT", access)
        return try parse(AttributeReader(object: object))
    }

    /// The attributes in the order Neutron 29 converts and validates them (its attribute map, then
    /// the extensions' attributes in their loading order): the first invalid one is the one named.
    static let parseOrder = [
        "name", "admin_state_up", "shared", "router:external", "mtu", "availability_zone_hints",
        "port_security_enabled", "provider:network_type", "provider:physical_network", "provider:segmentation_id",
        "qinq", "vlan_transparent", "description",
    ]

    private static func parse(_ reader: AttributeReader) throws(NeutronError) -> NetworkInput {
        var input = NetworkInput()
        for name in parseOrder where reader.has(name) {
            switch name {
            case "name": input.name = try reader.string(name)
            case "admin_state_up": input.adminStateUp = try reader.bool(name)
            case "shared": input.shared = try reader.bool(name)
            case "router:external": input.routerExternal = try reader.bool(name)
            case "mtu": input.mtu = try reader.int(name)
            case "availability_zone_hints":
                input.availabilityZoneHints = try reader.uniqueStringList(name, maxLength: .max)
            case "port_security_enabled": input.portSecurityEnabled = try reader.bool(name)
            case "provider:network_type": input.networkType = try reader.string(name)
            case "provider:physical_network" where reader.object[name]?.isNull == false:
                input.physicalNetwork = try reader.string(name, maxLength: 64)
            case "provider:segmentation_id" where reader.object[name]?.isNull == false:
                input.segmentationID = try reader.int(name)
            case "qinq": input.qinq = try reader.bool(name)
            case "vlan_transparent": input.vlanTransparent = try reader.bool(name)
            case "description": input.description = try reader.string(name)
            default: break
            }
        }
        return input
    }
}
