extension PolicyDefaults {
    /// Neutron's security group rules (`neutron/conf/policies/security_group.py`), new defaults.
    public static let neutronSecurityGroups: [RuleDefault] = [
        RuleDefault(
            "admin_or_sg_owner", or("rule:context_is_admin", "tenant_id:%(security_group:tenant_id)s"),
            description: "Rule for admin or security group owner access"),
        RuleDefault(
            "admin_owner_or_sg_owner", or("rule:owner", "rule:admin_or_sg_owner"),
            description: "Rule for resource owner, admin or security group owner access"),
        RuleDefault(
            "shared_security_group", "field:security_groups:shared=True",
            description: "Definition of a shared security group"),
        RuleDefault(
            "create_security_group", adminOrProjectMember,
            description: "Create a security group", operations: securityGroups.post, scopeTypes: projectScope),
        RuleDefault(
            "get_security_group", or(adminOrProjectReader, "rule:shared_security_group"),
            description: "Get a security group", operations: securityGroups.get, scopeTypes: projectScope),
        RuleDefault(
            "update_security_group", adminOrProjectMember,
            description: "Update a security group", operations: securityGroups.put, scopeTypes: projectScope),
        RuleDefault(
            "delete_security_group", adminOrProjectMember,
            description: "Delete a security group", operations: securityGroups.delete, scopeTypes: projectScope),
        RuleDefault(
            "create_security_group_rule", adminOrProjectMember,
            description: "Create a security group rule", operations: securityGroupRules.post,
            scopeTypes: projectScope),
        RuleDefault(
            "get_security_group_rule", or(adminOrProjectReader, "rule:sg_owner"),
            description: "Get a security group rule", operations: securityGroupRules.get, scopeTypes: projectScope),
        RuleDefault(
            "delete_security_group_rule", adminOrProjectMember,
            description: "Delete a security group rule", operations: securityGroupRules.delete,
            scopeTypes: projectScope),
    ]

    static let securityGroups = CollectionOperations("security-groups")
    static let securityGroupRules = CollectionOperations("security-group-rules")
}
