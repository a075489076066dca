extension SecurityGroup {
    /// Writes the group's Neutron JSON object, attributes in Neutron's order, filtered by `view`; its
    /// rules are written whole, as Neutron embeds them.
    public func render(into writer: inout JSONWriter, view: ResourceView) {
        render(into: &writer, view: view, listed: false)
    }

    /// `listed`: the group as a list shows it, where Neutron does not load its rules'
    /// `belongs_to_default_sg` (null).
    public func render(into writer: inout JSONWriter, view: ResourceView, listed: Bool) {
        writer.beginObject()
        if view.wants("id") { writer.knownKey("id"); writer.string(id) }
        if view.wants("name") { writer.knownKey("name"); writer.string(name) }
        if view.wants("stateful") { writer.knownKey("stateful"); writer.bool(stateful) }
        if view.wants("tenant_id") { writer.knownKey("tenant_id"); writer.string(projectID) }
        if view.wants("project_id") { writer.knownKey("project_id"); writer.string(projectID) }
        if view.wants("description") { writer.knownKey("description"); writer.string(description) }
        if view.wants("shared") { writer.knownKey("shared"); writer.bool(false) }
        if view.wants("security_group_rules") {
            writer.knownKey("security_group_rules")
            writer.beginArray()
            for rule in rules { rule.render(into: &writer, view: .full, embedded: true, listed: listed) }
            writer.endArray()
        }
        if view.wants("tags") { writer.knownKey("tags"); writer.strings(tags) }
        if view.wants("created_at") { writer.knownKey("created_at"); writer.timestamp(createdAt) }
        if view.wants("updated_at") { writer.knownKey("updated_at"); writer.timestamp(updatedAt) }
        if view.wants("revision_number") { writer.knownKey("revision_number"); writer.int(revisionNumber) }
        writer.endObject()
    }
}

extension SecurityGroupRule {
    /// Writes the rule's Neutron JSON object, attributes in Neutron's order, filtered by `view`.
    public func render(into writer: inout JSONWriter, view: ResourceView) {
        render(into: &writer, view: view, embedded: false, listed: false)
    }

    /// `embedded`: the rule inside its group's `security_group_rules`, where Neutron also writes its
    /// `standard_attr_id` and `tags`.
    func render(into writer: inout JSONWriter, view: ResourceView, embedded: Bool, listed: Bool) {
        writer.beginObject()
        if view.wants("id") { writer.knownKey("id"); writer.string(id) }
        if view.wants("project_id") { writer.knownKey("project_id"); writer.string(projectID) }
        if view.wants("security_group_id") { writer.knownKey("security_group_id"); writer.string(securityGroupID) }
        if view.wants("ethertype") { writer.knownKey("ethertype"); writer.string(ethertype) }
        if view.wants("direction") { writer.knownKey("direction"); writer.string(direction) }
        if view.wants("protocol") { writer.knownKey("protocol"); writer.optionalString(protocolName) }
        if view.wants("port_range_min") { writer.knownKey("port_range_min"); writer.optionalInt(portRangeMin) }
        if view.wants("port_range_max") { writer.knownKey("port_range_max"); writer.optionalInt(portRangeMax) }
        if view.wants("remote_ip_prefix") { writer.knownKey("remote_ip_prefix"); writer.optionalString(remoteIPPrefix) }
        if view.wants("remote_address_group_id") { writer.knownKey("remote_address_group_id"); writer.null() }
        if view.wants("normalized_cidr") {
            writer.knownKey("normalized_cidr"); writer.optionalString(remoteIPPrefix.flatMap { IPPrefix($0)?.network })
        }
        if view.wants("remote_group_id") { writer.knownKey("remote_group_id"); writer.optionalString(remoteGroupID) }
        if embedded, view.wants("standard_attr_id") {
            writer.knownKey("standard_attr_id"); writer.int(standardAttributeID)
        }
        if view.wants("belongs_to_default_sg") {
            writer.knownKey("belongs_to_default_sg")
            if listed { writer.null() } else { writer.bool(belongsToDefaultGroup) }
        }
        if view.wants("description") { writer.knownKey("description"); writer.optionalString(description) }
        if embedded, view.wants("tags") { writer.knownKey("tags"); writer.strings([]) }
        if view.wants("created_at") { writer.knownKey("created_at"); writer.timestamp(createdAt) }
        if view.wants("updated_at") { writer.knownKey("updated_at"); writer.timestamp(updatedAt) }
        if view.wants("revision_number") { writer.knownKey("revision_number"); writer.int(revisionNumber) }
        if view.wants("tenant_id") { writer.knownKey("tenant_id"); writer.string(projectID) }
        writer.endObject()
    }
}
