extension Network {
    /// Writes the network's Neutron JSON object, attributes in Neutron's order, filtered by `view`.
    public func render(into writer: inout JSONWriter, view: ResourceView) {
        writer.beginObject()
        if view.wants("id") { writer.key("id"); writer.string(id) }
        if view.wants("name") { writer.key("name"); writer.string(name) }
        if view.wants("tenant_id") { writer.key("tenant_id"); writer.string(projectID) }
        if view.wants("project_id") { writer.key("project_id"); writer.string(projectID) }
        if view.wants("admin_state_up") { writer.key("admin_state_up"); writer.bool(adminStateUp) }
        if view.wants("mtu") { writer.key("mtu"); writer.int(mtu) }
        if view.wants("status") { writer.key("status"); writer.string(status.rawValue) }
        if view.wants("subnets") { writer.key("subnets"); writer.strings([]) }
        if view.wants("shared") { writer.key("shared"); writer.bool(shared) }
        if view.wants("port_security_enabled") { writer.key("port_security_enabled"); writer.bool(portSecurityEnabled) }
        if view.wants("router:external") { writer.key("router:external"); writer.bool(routerExternal) }
        if view.shows("provider:network_type") { writer.key("provider:network_type"); writer.string(networkType) }
        if view.shows("provider:physical_network") {
            writer.key("provider:physical_network"); writer.optionalString(physicalNetwork)
        }
        if view.shows("provider:segmentation_id") {
            writer.key("provider:segmentation_id")
            if let segmentationID { writer.int(segmentationID) } else { writer.null() }
        }
        if view.wants("vlan_transparent") { writer.key("vlan_transparent"); writer.bool(vlanTransparent ?? false) }
        if view.wants("qinq") { writer.key("qinq"); writer.bool(qinq ?? false) }
        if view.wants("availability_zone_hints") {
            writer.key("availability_zone_hints"); writer.strings(availabilityZoneHints)
        }
        if view.wants("availability_zones") { writer.key("availability_zones"); writer.strings([]) }
        if view.wants("ipv4_address_scope") { writer.key("ipv4_address_scope"); writer.null() }
        if view.wants("ipv6_address_scope") { writer.key("ipv6_address_scope"); writer.null() }
        if view.wants("description") { writer.key("description"); writer.string(description) }
        if view.wants("tags") { writer.key("tags"); writer.strings(tags) }
        if view.wants("created_at") { writer.key("created_at"); writer.string(NeutronTimestamp.format(createdAt)) }
        if view.wants("updated_at") { writer.key("updated_at"); writer.string(NeutronTimestamp.format(updatedAt)) }
        if view.wants("revision_number") { writer.key("revision_number"); writer.int(revisionNumber) }
        writer.endObject()
    }
}
