extension Port {
    /// Writes the port's Neutron JSON object, attributes in Neutron's order, filtered by `view`.
    public func render(into writer: inout JSONWriter, view: ResourceView) {
        writer.beginObject()
        if view.wants("id") { writer.knownKey("id"); writer.string(id) }
        if view.wants("name") { writer.knownKey("name"); writer.string(name) }
        if view.wants("network_id") { writer.knownKey("network_id"); writer.string(networkID) }
        if view.wants("project_id") { writer.knownKey("project_id"); writer.string(projectID) }
        if view.wants("mac_address") { writer.knownKey("mac_address"); writer.string(macAddress) }
        if view.wants("admin_state_up") { writer.knownKey("admin_state_up"); writer.bool(adminStateUp) }
        if view.wants("status") { writer.knownKey("status"); writer.string(status.rawValue) }
        if view.wants("device_id") { writer.knownKey("device_id"); writer.string(deviceID) }
        if view.wants("device_owner") { writer.knownKey("device_owner"); writer.string(deviceOwner) }
        if view.wants("fixed_ips") {
            writer.knownKey("fixed_ips")
            writer.beginArray()
            for fixedIP in fixedIPs {
                writer.beginObject()
                if let subnet = fixedIP.subnetID { writer.knownKey("subnet_id"); writer.string(subnet) }
                if let address = fixedIP.ipAddress { writer.knownKey("ip_address"); writer.string(address) }
                writer.endObject()
            }
            writer.endArray()
        }
        if view.wants("allowed_address_pairs") {
            writer.knownKey("allowed_address_pairs")
            writer.beginArray()
            for pair in allowedAddressPairs {
                writer.beginObject()
                writer.knownKey("ip_address"); writer.string(pair.ipAddress)
                writer.knownKey("mac_address"); writer.string(pair.macAddress)
                writer.endObject()
            }
            writer.endArray()
        }
        if view.wants("extra_dhcp_opts") { writer.knownKey("extra_dhcp_opts"); writer.value(.array(extraDHCPOpts)) }
        if view.wants("security_groups") { writer.knownKey("security_groups"); writer.strings(securityGroups) }
        if view.wants("description") { writer.knownKey("description"); writer.string(description) }
        if view.wants("binding:vnic_type") { writer.knownKey("binding:vnic_type"); writer.string(bindingVnicType) }
        if view.shows("binding:profile") { writer.knownKey("binding:profile"); writer.value(.object(bindingProfile)) }
        if view.shows("binding:host_id") { writer.knownKey("binding:host_id"); writer.string(bindingHostID) }
        if view.shows("binding:vif_type") { writer.knownKey("binding:vif_type"); writer.string(bindingVifType) }
        if view.shows("binding:vif_details") {
            writer.knownKey("binding:vif_details"); writer.value(.object(bindingVifDetails))
        }
        if view.wants("port_security_enabled") {
            writer.knownKey("port_security_enabled"); writer.bool(portSecurityEnabled)
        }
        if view.wants("data_plane_status") {
            writer.knownKey("data_plane_status"); writer.optionalString(dataPlaneStatus?.rawValue)
        }
        if view.wants("tags") { writer.knownKey("tags"); writer.strings(tags) }
        if view.wants("created_at") { writer.knownKey("created_at"); writer.timestamp(createdAt) }
        if view.wants("updated_at") { writer.knownKey("updated_at"); writer.timestamp(updatedAt) }
        if view.wants("revision_number") { writer.knownKey("revision_number"); writer.int(revisionNumber) }
        if view.wants("tenant_id") { writer.knownKey("tenant_id"); writer.string(projectID) }
        writer.endObject()
    }
}
