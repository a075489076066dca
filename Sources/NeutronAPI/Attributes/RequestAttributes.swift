import PortwatchCore

/// The checks neutron-lib's `prepare_request_body` makes on a create or update object before it
/// converts any value, in its order: project (`populate_project_id`), unknown attributes
/// (`verify_attributes`), then those the verb may not set, in the attribute map's order.
struct RequestAttributes {
    /// Every attribute the resource has.
    let known: Set<String>
    /// What POST (or PUT) may set.
    let allowed: Set<String>
    /// The attributes it may not set, in Neutron's attribute-map order: the first of these a body
    /// has is the one named.
    let refusedOrder: [String]

    /// Checks `object` for `verb` (`POST` or `PUT`) and returns the project it names, if any.
    func check(_ object: [String: JSONValue], verb: String, _ access: AccessPolicy) throws(NeutronError) -> String? {
        let project = try Self.project(object, access)
        let unknown = object.keys.filter { !known.contains($0) }.sorted()
        if !unknown.isEmpty {
            throw .badRequest("Unrecognized attribute(s) '\(unknown.joined(separator: ", "))'")
        }
        // neutron-lib copies project_id to tenant_id, so a refused project_id is named tenant_id.
        let refused = Set(object.keys.filter { !allowed.contains($0) }.map { $0 == "project_id" ? "tenant_id" : $0 })
        guard !refused.isEmpty else { return project }
        let first = refusedOrder.first(where: refused.contains) ?? refused.sorted()[0]
        if verb == "POST" { throw .badRequest("Attribute '\(first)' not allowed in POST") }
        throw .badRequest("Cannot update read-only attribute \(first)")
    }

    /// neutron-lib's `populate_project_info` and `_validate_privileges`: `project_id` and `tenant_id`
    /// must agree, and naming a project other than the caller's needs the privilege.
    private static func project(_ object: [String: JSONValue], _ access: AccessPolicy) throws(NeutronError) -> String? {
        let projectID = object["project_id"], tenantID = object["tenant_id"]
        if let projectID, let tenantID, projectID != tenantID {
            throw .badRequest("'project_id' and 'tenant_id' do not match")
        }
        guard let value = projectID ?? tenantID else { return nil }
        // A value that is not a string names no project the caller has.
        try access.checkProjectPrivileges(value.stringValue ?? value.pythonRepr)
        return value.stringValue
    }
}
