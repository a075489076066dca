extension PolicyDefaults {
    /// Neutron's security group rules (`neutron/conf/policies/security_group.py`), new defaults.
    public static let neutronSecurityGroups: [RuleDefault] = [
        RuleDefault(
            "admin_or_sg_owner", or("rule:context_is_admin", "project_id:%(security_group:project_id)s"),
            description: "Rule for admin or security group owner access"),
        RuleDefault(
            "admin_owner_or_sg_owner", or("rule:owner", "rule:admin_or_sg_owner"),
            description: "Rule for resource owner, admin or security group owner access"),
        RuleDefault(
            "shared_security_group", "field:security_groups:shared=True",
            description: "Definition of a shared security group"),
        RuleDefault(
            "rule_default_sg", "field:security_group_rules:belongs_to_default_sg=True",
            description: "Definition of a security group rule that belongs to the project default security group"),
        RuleDefault(
            "create_default_security_group", or(adminOrService, projectReader),
            description:
                "Create a default security group for a project. This rule is only used internally by Neutron while "
                + "creating a default SG for a project.", scopeTypes: projectScope),
        RuleDefault(
            "create_security_group", adminOrProjectMember,
            description: "Create a security group", operations: securityGroups.post, scopeTypes: projectScope),
        RuleDefault(
            "create_security_group:tags", adminOrProjectMember,
            description: "Create the security group tags", operations: securityGroups.postTags,
            scopeTypes: projectScope, deprecatedNames: ["create_security_groups_tags"]),
        RuleDefault(
            "get_security_group", or(adminOrProjectReader, "rule:shared_security_group"),
            description: "Get a security group", operations: securityGroups.get, scopeTypes: projectScope),
        RuleDefault(
            "get_security_group:tags", or(adminOrProjectReader, "rule:shared_security_group"),
            description: "Get the security group tags", operations: securityGroups.getTags, scopeTypes: projectScope,
            deprecatedNames: ["get_security_groups_tags"]),
        RuleDefault(
            "update_security_group", adminOrProjectMember,
            description: "Update a security group", operations: securityGroups.put, scopeTypes: projectScope),
        RuleDefault(
            "update_security_group:tags", adminOrProjectMember,
            description: "Update the security group tags", operations: securityGroups.putTags,
            scopeTypes: projectScope, deprecatedNames: ["update_security_groups_tags"]),
        RuleDefault(
            "delete_security_group", adminOrProjectMember,
            description: "Delete a security group", operations: securityGroups.delete, scopeTypes: projectScope),
        RuleDefault(
            "delete_security_group:tags", adminOrProjectMember,
            description: "Delete the security group tags", operations: securityGroups.deleteTags,
            scopeTypes: projectScope, deprecatedNames: ["delete_security_groups_tags"]),
        RuleDefault(
            "create_security_group_rule", adminOrSecurityGroupOwnerMember,
            description: "Create a security group rule", operations: securityGroupRules.post,
            scopeTypes: projectScope),
        RuleDefault(
            "get_security_group_rule", adminOrSecurityGroupOwnerReader,
            description: "Get a security group rule", operations: securityGroupRules.get, scopeTypes: projectScope),
        RuleDefault(
            "delete_security_group_rule", adminOrSecurityGroupOwnerMember,
            description: "Delete a security group rule", operations: securityGroupRules.delete,
            scopeTypes: projectScope),
    ]

    // neutron/conf/policies/base.py: the owner of a rule's security group.
    static let adminOrSecurityGroupOwnerMember = "(\(admin)) or (role:member and rule:sg_owner)"
    static let adminOrSecurityGroupOwnerReader = "(\(admin)) or (role:reader and rule:sg_owner)"
    static let securityGroups = CollectionOperations("security-groups")
    static let securityGroupRules = CollectionOperations("security-group-rules")
}
