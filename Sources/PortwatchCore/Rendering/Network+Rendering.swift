extension Network {
    /// Writes the network's Neutron JSON object, attributes in Neutron's order, filtered by `view`.
    public func render(into writer: inout JSONWriter, view: ResourceView) {
        writer.beginObject()
        if view.wants("id") { writer.knownKey("id"); writer.string(id) }
        if view.wants("name") { writer.knownKey("name"); writer.string(name) }
        if view.wants("tenant_id") { writer.knownKey("tenant_id"); writer.string(projectID) }
        if view.wants("project_id") { writer.knownKey("project_id"); writer.string(projectID) }
        if view.wants("admin_state_up") { writer.knownKey("admin_state_up"); writer.bool(adminStateUp) }
        if view.wants("mtu") { writer.knownKey("mtu"); writer.int(mtu) }
        if view.wants("status") { writer.knownKey("status"); writer.string(status.rawValue) }
        if view.wants("subnets") { writer.knownKey("subnets"); writer.strings([]) }
        if view.wants("shared") { writer.knownKey("shared"); writer.bool(shared) }
        if view.wants("port_security_enabled") {
            writer.knownKey("port_security_enabled"); writer.bool(portSecurityEnabled)
        }
        if view.wants("router:external") { writer.knownKey("router:external"); writer.bool(routerExternal) }
        if view.shows("provider:network_type") { writer.knownKey("provider:network_type"); writer.string(networkType) }
        if view.shows("provider:physical_network") {
            writer.knownKey("provider:physical_network"); writer.optionalString(physicalNetwork)
        }
        if view.shows("provider:segmentation_id") {
            writer.knownKey("provider:segmentation_id")
            if let segmentationID { writer.int(segmentationID) } else { writer.null() }
        }
        if view.wants("vlan_transparent") { writer.knownKey("vlan_transparent"); writer.bool(vlanTransparent ?? false) }
        if view.wants("qinq") { writer.knownKey("qinq"); writer.bool(qinq ?? false) }
        if view.wants("availability_zone_hints") {
            writer.knownKey("availability_zone_hints"); writer.strings(availabilityZoneHints)
        }
        if view.wants("availability_zones") { writer.knownKey("availability_zones"); writer.strings([]) }
        if view.wants("ipv4_address_scope") { writer.knownKey("ipv4_address_scope"); writer.null() }
        if view.wants("ipv6_address_scope") { writer.knownKey("ipv6_address_scope"); writer.null() }
        if view.wants("description") { writer.knownKey("description"); writer.string(description) }
        if view.wants("tags") { writer.knownKey("tags"); writer.strings(tags) }
        if view.wants("created_at") { writer.knownKey("created_at"); writer.timestamp(createdAt) }
        if view.wants("updated_at") { writer.knownKey("updated_at"); writer.timestamp(updatedAt) }
        if view.wants("revision_number") { writer.knownKey("revision_number"); writer.int(revisionNumber) }
        writer.endObject()
    }
}
