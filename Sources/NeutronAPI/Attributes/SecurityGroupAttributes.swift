import PortwatchCore

/// The security group resource's attribute map.
enum SecurityGroupAttributes {
    static let postable: Set<String> = ["project_id", "tenant_id", "name", "description", "stateful"]
    static let puttable: Set<String> = ["name", "description", "stateful"]
    static let readOnly: Set<String> = [
        "id", "security_group_rules", "shared", "tags", "created_at", "updated_at", "revision_number",
    ]
    static let all: Set<String> = postable.union(puttable).union(readOnly)

    static let postChecks = RequestAttributes(
        known: all, allowed: postable,
        refusedOrder: ["id", "security_group_rules", "shared", "revision_number", "tags", "created_at", "updated_at"])
    static let putChecks = RequestAttributes(
        known: all, allowed: puttable,
        refusedOrder: [
            "id", "tenant_id", "security_group_rules", "shared", "revision_number", "tags", "created_at",
            "updated_at",
        ])

    static func create(_ object: [String: JSONValue], _ access: AccessPolicy) throws(NeutronError)
        -> SecurityGroupInput
    {
        let project = try postChecks.check(object, verb: "POST", access)
        let reader = AttributeReader(object: object)
        var input = try common(reader)
        input.projectID = try reader.string(object["project_id"] != nil ? "project_id" : "tenant_id") ?? project
        return input
    }

    static func update(_ object: [String: JSONValue], _ access: AccessPolicy) throws(NeutronError)
        -> SecurityGroupInput
    {
        _ = try putChecks.check(object, verb: "PUT", access)
        return try common(AttributeReader(object: object))
    }

    private static func common(_ reader: AttributeReader) throws(NeutronError) -> SecurityGroupInput {
        var input = SecurityGroupInput()
        input.name = try reader.string("name")
        // neutron's `name_not_default` validator: the default group's name, in any case, is taken.
        if input.name?.lowercased() == SecurityGroup.defaultName { throw .securityGroupDefaultAlreadyExists }
        input.description = try reader.string("description")
        input.stateful = try reader.bool("stateful")
        return input
    }
}
