extension PolicyDefaults {
    /// Neutron's building-block rules (`neutron/conf/policies/base.py`), which the API rules reference,
    /// and neutron-lib's `context_can_set_project_id`, which Neutron reads from the same policy file.
    public static let neutronBase: [RuleDefault] = [
        RuleDefault(
            "context_is_admin", "role:admin",
            description: "Rule for cloud admin access"),
        RuleDefault(
            "context_with_global_access", "!",
            description: "Rule for context with global access to the resources"),
        RuleDefault(
            "service_api", "role:service",
            description: "Default rule for the service-to-service APIs."),
        RuleDefault(
            "owner", "project_id:%(project_id)s",
            description: "Rule for resource owner access"),
        RuleDefault(
            "admin_or_owner", or("rule:context_is_admin", "rule:owner"),
            description: "Rule for admin or owner access"),
        RuleDefault(
            "context_is_advsvc", "role:advsvc",
            description: "Rule for advsvc role access"),
        RuleDefault(
            "admin_or_network_owner", or("rule:context_is_admin", "project_id:%(network:project_id)s"),
            description: "Rule for admin or network owner access"),
        RuleDefault(
            "admin_owner_or_network_owner", or("rule:owner", "rule:admin_or_network_owner"),
            description: "Rule for resource owner, admin or network owner access"),
        RuleDefault(
            "network_owner", "project_id:%(network:project_id)s",
            description: "Rule for network owner access"),
        RuleDefault(
            "admin_only", "rule:context_is_admin",
            description: "Rule for admin-only access"),
        RuleDefault(
            "regular_user", "",
            description: "Rule for regular user access"),
        RuleDefault(
            "shared", "field:networks:shared=True",
            description: "Rule of shared network"),
        RuleDefault(
            "default", "rule:admin_or_owner",
            description: "Default access rule"),
        RuleDefault(
            "admin_or_ext_parent_owner", or("rule:context_is_admin", "project_id:%(ext_parent:project_id)s"),
            description: "Rule for common parent owner check"),
        RuleDefault(
            "ext_parent_owner", "project_id:%(ext_parent:project_id)s",
            description: "Rule for common parent owner check"),
        RuleDefault(
            "sg_owner", "project_id:%(security_group:project_id)s",
            description: "Rule for security group owner access"),
        RuleDefault(
            "context_can_set_project_id", "!",
            description: "Rule for context with privileges to send project_id in the request body of the requests "
                + "to create resources for other projects"),
    ]
}
