import PortwatchCore

/// The port resource's attribute map: what POST and PUT accept, how values are validated, and which
/// attributes filter and sort.
enum PortAttributes {
    static let postable: Set<String> = [
        "network_id", "project_id", "tenant_id", "name", "description", "admin_state_up", "mac_address", "device_id",
        "device_owner", "fixed_ips", "security_groups", "allowed_address_pairs", "extra_dhcp_opts", "binding:host_id",
        "binding:profile", "binding:vnic_type", "port_security_enabled", "tags",
    ]
    static let puttable: Set<String> = [
        "name", "description", "admin_state_up", "mac_address", "device_id", "device_owner", "fixed_ips",
        "security_groups", "allowed_address_pairs", "extra_dhcp_opts", "binding:host_id", "binding:profile",
        "binding:vnic_type", "port_security_enabled", "data_plane_status",
    ]
    /// Attributes that exist but neither POST nor PUT may set (read-only).
    static let readOnly: Set<String> = [
        "id", "status", "created_at", "updated_at", "revision_number", "binding:vif_type", "binding:vif_details",
        "data_plane_status",
    ]
    static let all: Set<String> = postable.union(puttable).union(readOnly).union(["tags"])

    static let vnicTypes = [
        "normal", "direct", "macvtap", "baremetal", "direct-physical", "virtio-forwarder", "smart-nic", "vdpa",
        "accelerator-direct", "accelerator-direct-physical", "remote-managed",
    ]

    /// The checks before conversion, with the attributes POST and PUT refuse in Neutron 29's order.
    static let postChecks = RequestAttributes(
        known: all, allowed: postable,
        refusedOrder: [
            "id", "status", "data_plane_status", "binding:vif_type", "binding:vif_details", "revision_number",
            "created_at", "updated_at",
        ])
    static let putChecks = RequestAttributes(
        known: all, allowed: puttable,
        refusedOrder: [
            "id", "network_id", "tenant_id", "status", "binding:vif_type", "binding:vif_details", "revision_number",
            "tags", "created_at", "updated_at",
        ])

    /// Parses one object of a create request.
    static func create(_ object: [String: JSONValue], _ access: AccessPolicy) throws(NeutronError) -> PortInput {
        let project = try postChecks.check(object, verb: "POST", access)
        // neutron-lib fills defaults (and misses required attributes) before it converts any value.
        if object["network_id"] == nil {
            throw .badRequest("Failed to parse request. Required attribute 'network_id' not specified")
        }
        var input = try parse(AttributeReader(object: object))
        input.projectID =
            try AttributeReader(object: object).string(
                object["project_id"] != nil ? "project_id" : "tenant_id") ?? project
        return input
    }

    /// Parses the object of an update request.
    static func update(_ object: [String: JSONValue], _ access: AccessPolicy) throws(NeutronError) -> PortInput {
        _ = try putChecks.check(object, verb: "PUT", access)
        return try parse(AttributeReader(object: object))
    }

    /// The attributes in the order Neutron 29 converts and validates them (its attribute map, then
    /// the extensions' attributes in their loading order): the first invalid one is the one named.
    static let parseOrder = [
        "name", "network_id", "admin_state_up", "mac_address", "fixed_ips", "device_id", "device_owner",
        "allowed_address_pairs", "data_plane_status", "extra_dhcp_opts", "binding:vnic_type", "binding:profile",
        "port_security_enabled", "tags", "description", "security_groups", "binding:host_id",
    ]

    private static func parse(_ reader: AttributeReader) throws(NeutronError) -> PortInput {
        var input = PortInput()
        for name in parseOrder {
            guard let value = reader.object[name] else { continue }
            switch name {
            case "name": input.name = try reader.string(name)
            case "network_id": input.networkID = try reader.uuid(name)
            case "admin_state_up": input.adminStateUp = try reader.bool(name)
            case "mac_address" where value.isNull: input.regeneratesMACAddress = true
            case "mac_address": input.macAddress = try reader.mac(name)
            case "fixed_ips": input.fixedIPs = try fixedIPs(value)
            case "device_id": input.deviceID = try reader.string(name)
            case "device_owner": input.deviceOwner = try reader.string(name)
            case "allowed_address_pairs": input.allowedAddressPairs = try addressPairs(value)
            case "data_plane_status": input.dataPlaneStatus = .some(try dataPlaneStatus(value))
            case "extra_dhcp_opts": input.extraDHCPOpts = try dhcpOptions(value)
            case "binding:vnic_type": input.bindingVnicType = try reader.values(name, vnicTypes)
            case "binding:profile": input.bindingProfile = try reader.dictionary(name)
            case "port_security_enabled": input.portSecurityEnabled = try reader.bool(name)
            case "tags": input.tags = try reader.uniqueStringList(name)
            case "description": input.description = try reader.string(name)
            // `convert_none_to_empty_list`, then `type:uuid_list`: duplicates first, then each id.
            case "security_groups" where value.isNull: input.securityGroups = []
            case "security_groups": input.securityGroups = try reader.uniqueStringList(name, uuids: true)
            case "binding:host_id": input.bindingHostID = try reader.string(name)
            default: break
            }
        }
        return input
    }

    /// `null` clears the value; else one of the statuses.
    private static func dataPlaneStatus(_ value: JSONValue) throws(NeutronError) -> DataPlaneStatus? {
        switch value {
        case .null: return nil
        case .string(let text) where DataPlaneStatus(rawValue: text) != nil: return DataPlaneStatus(rawValue: text)
        default: throw AttributeReader.invalid("data_plane_status", "\(value.pythonDescription) is not in valid_values")
        }
    }

    /// `extra_dhcp_opts`: null is none; else a list (neutron's converter says "is not a list") of
    /// objects with an `opt_name`.
    private static func dhcpOptions(_ value: JSONValue) throws(NeutronError) -> [JSONValue] {
        if value.isNull { return [] }
        guard let options = value.arrayValue else {
            throw .invalidInput("'\(value.pythonDescription)' is not a list")
        }
        // Each option must match a key spec (`opt_name` and its value).
        if let bad = options.first(where: { $0.objectValue?["opt_name"]?.stringValue == nil }) {
            throw .invalidInput("No valid key specs matched for: \(bad.pythonDescription)")
        }
        return options
    }

    private static func fixedIPs(_ value: JSONValue) throws(NeutronError) -> [FixedIP] {
        if value.isNull { return [] }
        guard let items = value.arrayValue else {
            throw AttributeReader.invalid("fixed_ips", "Invalid data format for fixed IP: '\(value.pythonDescription)'")
        }
        var result: [FixedIP] = []
        for item in items {
            guard let object = item.objectValue, Set(object.keys).isSubset(of: ["subnet_id", "ip_address"]) else {
                throw AttributeReader.invalid(
                    "fixed_ips", "Invalid data format for fixed IP: '\(item.pythonDescription)'")
            }
            let reader = AttributeReader(object: object)
            let subnet = try reader.uuid("subnet_id")
            let address = try reader.string("ip_address")
            if let address, !AttributeReader.isIPAddress(address) {
                throw AttributeReader.invalid("fixed_ips", "'\(address)' is not a valid IP address")
            }
            result.append(FixedIP(subnetID: subnet, ipAddress: address))
        }
        return result
    }

    private static func addressPairs(_ value: JSONValue) throws(NeutronError) -> [PortInput.AddressPairInput] {
        if value.isNull { return [] }
        guard let items = value.arrayValue else {
            throw NeutronError.badRequest("Allowed address pairs must be a list.")
        }
        var result: [PortInput.AddressPairInput] = []
        for item in items {
            guard let object = item.objectValue, let address = object["ip_address"]?.stringValue,
                Set(object.keys).isSubset(of: ["ip_address", "mac_address"])
            else {
                throw NeutronError(
                    status: 400, type: "AllowedAddressPairsMissingIP",
                    message: "AllowedAddressPair must contain ip_address")
            }
            guard AttributeReader.isIPAddress(address) else {
                throw NeutronError(
                    status: 400, type: "InvalidInput",
                    message: "Invalid input for operation: '\(address)' is not a valid IP address.")
            }
            let mac = try AttributeReader(object: object).mac("mac_address")
            result.append(.init(ipAddress: address, macAddress: mac))
        }
        return result
    }
}
