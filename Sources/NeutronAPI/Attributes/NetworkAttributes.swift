import PortwatchCore

/// The network resource's attribute map.
enum NetworkAttributes {
    static let postable: Set<String> = [
        "project_id", "tenant_id", "name", "description", "admin_state_up", "shared", "mtu", "port_security_enabled",
        "router:external", "provider:network_type", "provider:physical_network", "provider:segmentation_id",
        "availability_zone_hints",
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
        var input = try common(reader)
        input.projectID = try reader.string(object["project_id"] != nil ? "project_id" : "tenant_id") ?? project
        // A string, then one of the type drivers (ML2's message).
        input.networkType = try reader.string("provider:network_type")
        if let type = input.networkType, !networkTypes.contains(type) {
            throw .invalidInput("network_type value '\(type)' not supported")
        }
        if let value = object["provider:physical_network"], !value.isNull {
            input.physicalNetwork = try reader.string("provider:physical_network", maxLength: 64)
        }
        if let value = object["provider:segmentation_id"], !value.isNull {
            input.segmentationID = try reader.int("provider:segmentation_id")
        }
        input.availabilityZoneHints = try reader.uniqueStringList("availability_zone_hints", maxLength: .max)
        if let hints = input.availabilityZoneHints, hints.joined(separator: ",").count > 255 {
            throw .invalidInput("Too many availability_zone_hints specified")
        }
        return input
    }

    static func update(_ object: [String: JSONValue], _ access: AccessPolicy) throws(NeutronError) -> NetworkInput {
        _ = try putChecks.check(object, verb: "PUT", access)
        return try common(AttributeReader(object: object))
    }

    private static func common(_ reader: AttributeReader) throws(NeutronError) -> NetworkInput {
        var input = NetworkInput()
        input.name = try reader.string("name")
        input.description = try reader.string("description")
        input.adminStateUp = try reader.bool("admin_state_up")
        input.shared = try reader.bool("shared")
        input.mtu = try reader.int("mtu")
        input.portSecurityEnabled = try reader.bool("port_security_enabled")
        input.routerExternal = try reader.bool("router:external")
        return input
    }
}
