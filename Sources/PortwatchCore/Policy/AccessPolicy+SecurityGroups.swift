import OsloPolicy

extension AccessPolicy {
    /// `get_security_group`: a group of the caller's project (or any, with global access) that the
    /// rule lets the caller read. Another project's group is `SecurityGroupNotFound`, as in Neutron,
    /// whose queries do not reach it.
    public func canSee(_ group: SecurityGroup) -> Bool {
        reaches(project: group.projectID) && allows("get_security_group", target: group.policyTarget)
    }

    /// `get_security_group_rule` on `rule` of `group`.
    public func canSee(_ rule: SecurityGroupRule, of group: SecurityGroup) -> Bool {
        reaches(project: rule.projectID, orProject: group.projectID)
            && allows("get_security_group_rule", target: rule.policyTarget(group: group))
    }

    /// `create_security_group`, `update_security_group` or `delete_security_group` on `group`.
    public func authorize(_ action: String, _ group: SecurityGroup) throws(NeutronError) {
        try authorize("\(action)_security_group", target: group.policyTarget)
    }
}

extension SecurityGroup {
    /// What a rule on this group sees as its target: its attributes under their API names.
    public var policyTarget: [String: PolicyValue] {
        [
            "id": .string(id), "name": .string(name), "project_id": .string(projectID),
            "tenant_id": .string(projectID), "description": .string(description), "stateful": .bool(stateful),
            "shared": .bool(false), "tags": .list(tags.map(PolicyValue.string)),
        ]
    }
}

extension SecurityGroupRule {
    /// What a rule on this security group rule sees: its attributes, and its group's owner as
    /// `security_group:project_id` and `security_group:tenant_id` (the parent Neutron fetches).
    public func policyTarget(group: SecurityGroup) -> [String: PolicyValue] {
        [
            "id": .string(id), "project_id": .string(projectID), "tenant_id": .string(projectID),
            "security_group_id": .string(securityGroupID), "direction": .string(direction),
            "ethertype": .string(ethertype),
            "security_group:project_id": .string(group.projectID),
            "security_group:tenant_id": .string(group.projectID),
        ]
    }
}
