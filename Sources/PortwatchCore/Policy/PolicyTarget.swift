import OsloPolicy

extension Port {
    /// What a rule on this port sees as its target: the port's attributes under their API names, and
    /// its network's owner and flags as `network:project_id`, `network:tenant_id`, `network:shared`,
    /// the keys Neutron fetches from the parent for `OwnerCheck` and `FieldCheck`.
    public func policyTarget(network: Network?) -> [String: PolicyValue] {
        var target: [String: PolicyValue] = [
            "id": .string(id), "name": .string(name), "network_id": .string(networkID),
            "project_id": .string(projectID), "tenant_id": .string(projectID), "mac_address": .string(macAddress),
            "admin_state_up": .bool(adminStateUp), "status": .string(status.rawValue), "device_id": .string(deviceID),
            "device_owner": .string(deviceOwner), "description": .string(description),
            "binding:host_id": .string(bindingHostID), "binding:vnic_type": .string(bindingVnicType),
            "binding:vif_type": .string(bindingVifType), "port_security_enabled": .bool(portSecurityEnabled),
            "data_plane_status": dataPlaneStatus.map { .string($0.rawValue) } ?? .null,
            "tags": .list(tags.map(PolicyValue.string)),
        ]
        if let network {
            target["network:project_id"] = .string(network.projectID)
            target["network:tenant_id"] = .string(network.projectID)
            target["network:shared"] = .bool(network.shared)
            target["network:router:external"] = .bool(network.routerExternal)
        }
        return target
    }
}

extension Network {
    /// What a rule on this network sees as its target: its attributes under their API names.
    public var policyTarget: [String: PolicyValue] {
        [
            "id": .string(id), "name": .string(name), "project_id": .string(projectID), "tenant_id": .string(projectID),
            "admin_state_up": .bool(adminStateUp), "status": .string(status.rawValue), "shared": .bool(shared),
            "router:external": .bool(routerExternal), "mtu": .int(mtu),
            "port_security_enabled": .bool(portSecurityEnabled),
            "provider:network_type": .string(networkType),
            "provider:physical_network": physicalNetwork.map(PolicyValue.string) ?? .null,
            "provider:segmentation_id": segmentationID.map(PolicyValue.int) ?? .null,
            "description": .string(description), "tags": .list(tags.map(PolicyValue.string)),
        ]
    }
}
