extension Port {
    /// Writes the port's Neutron JSON object, attributes in Neutron's order, filtered by `view`.
    public func render(into writer: inout JSONWriter, view: ResourceView) {
        writer.beginObject()
        if view.wants("id") { writer.key("id"); writer.string(id) }
        if view.wants("name") { writer.key("name"); writer.string(name) }
        if view.wants("network_id") { writer.key("network_id"); writer.string(networkID) }
        if view.wants("project_id") { writer.key("project_id"); writer.string(projectID) }
        if view.wants("mac_address") { writer.key("mac_address"); writer.string(macAddress) }
        if view.wants("admin_state_up") { writer.key("admin_state_up"); writer.bool(adminStateUp) }
        if view.wants("status") { writer.key("status"); writer.string(status.rawValue) }
        if view.wants("device_id") { writer.key("device_id"); writer.string(deviceID) }
        if view.wants("device_owner") { writer.key("device_owner"); writer.string(deviceOwner) }
        if view.wants("fixed_ips") {
            writer.key("fixed_ips")
            writer.beginArray()
            for fixedIP in fixedIPs {
                writer.beginObject()
                if let subnet = fixedIP.subnetID { writer.key("subnet_id"); writer.string(subnet) }
                if let address = fixedIP.ipAddress { writer.key("ip_address"); writer.string(address) }
                writer.endObject()
            }
            writer.endArray()
        }
        if view.wants("allowed_address_pairs") {
            writer.key("allowed_address_pairs")
            writer.beginArray()
            for pair in allowedAddressPairs {
                writer.beginObject()
                writer.key("ip_address"); writer.string(pair.ipAddress)
                writer.key("mac_address"); writer.string(pair.macAddress)
                writer.endObject()
            }
            writer.endArray()
        }
        if view.wants("extra_dhcp_opts") { writer.key("extra_dhcp_opts"); writer.value(.array(extraDHCPOpts)) }
        if view.wants("security_groups") { writer.key("security_groups"); writer.strings(securityGroups) }
        if view.wants("description") { writer.key("description"); writer.string(description) }
        if view.wants("binding:vnic_type") { writer.key("binding:vnic_type"); writer.string(bindingVnicType) }
        if view.shows("binding:profile") { writer.key("binding:profile"); writer.value(.object(bindingProfile)) }
        if view.shows("binding:host_id") { writer.key("binding:host_id"); writer.string(bindingHostID) }
        if view.shows("binding:vif_type") { writer.key("binding:vif_type"); writer.string(bindingVifType) }
        if view.shows("binding:vif_details") {
            writer.key("binding:vif_details"); writer.value(.object(bindingVifDetails))
        }
        if view.wants("port_security_enabled") { writer.key("port_security_enabled"); writer.bool(portSecurityEnabled) }
        if view.wants("data_plane_status") {
            writer.key("data_plane_status"); writer.optionalString(dataPlaneStatus?.rawValue)
        }
        if view.wants("tags") { writer.key("tags"); writer.strings(tags) }
        if view.wants("created_at") { writer.key("created_at"); writer.string(NeutronTimestamp.format(createdAt)) }
        if view.wants("updated_at") { writer.key("updated_at"); writer.string(NeutronTimestamp.format(updatedAt)) }
        if view.wants("revision_number") { writer.key("revision_number"); writer.int(revisionNumber) }
        if view.wants("tenant_id") { writer.key("tenant_id"); writer.string(projectID) }
        writer.endObject()
    }
}
