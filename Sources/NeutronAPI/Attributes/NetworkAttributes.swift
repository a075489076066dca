import PortwatchCore

/// The network resource's attribute map.
enum NetworkAttributes {
    static let postable: Set<String> = [
        "project_id", "tenant_id", "name", "description", "admin_state_up", "shared", "mtu", "port_security_enabled",
        "router:external", "provider:network_type", "provider:physical_network", "provider:segmentation_id",
        "availability_zone_hints", "tags",
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

    static func create(_ object: [String: JSONValue]) throws(NeutronError) -> NetworkInput {
        try checkKeys(object, allowed: postable, verb: "POST")
        let reader = AttributeReader(object: object)
        var input = try common(reader)
        input.projectID = try reader.string("project_id")
        if input.projectID == nil { input.projectID = try reader.string("tenant_id") }
        input.networkType = try reader.values("provider:network_type", networkTypes)
        if let value = object["provider:physical_network"], !value.isNull {
            input.physicalNetwork = try reader.string("provider:physical_network", maxLength: 64)
        }
        if let value = object["provider:segmentation_id"], !value.isNull {
            input.segmentationID = try reader.int("provider:segmentation_id")
        }
        input.availabilityZoneHints = try reader.stringList("availability_zone_hints")
        input.tags = try reader.stringList("tags")
        return input
    }

    static func update(_ object: [String: JSONValue]) throws(NeutronError) -> NetworkInput {
        try checkKeys(object, allowed: puttable, verb: "PUT")
        return try common(AttributeReader(object: object))
    }

    static func checkKeys(_ object: [String: JSONValue], allowed: Set<String>, verb: String) throws(NeutronError) {
        let unknown = object.keys.filter { !all.contains($0) }.sorted()
        if !unknown.isEmpty {
            throw .badRequest("Unrecognized attribute(s) '\(unknown.joined(separator: ", "))'")
        }
        for key in object.keys.sorted() where !allowed.contains(key) {
            if verb == "POST" { throw .badRequest("Attribute '\(key)' not allowed in POST") }
            throw .badRequest("Cannot update read-only attribute \(key)")
        }
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
