extension PolicyDefaults {
    /// Neutron's network rules (`neutron/conf/policies/network.py`), new defaults.
    public static let neutronNetworks: [RuleDefault] = [
        RuleDefault(
            "external", "field:networks:router:external=True",
            description: "Definition of an external network"),
        RuleDefault(
            "create_network", adminOrProjectMember,
            description: "Create a network", operations: networks.post, scopeTypes: projectScope),
        RuleDefault(
            "create_network:shared", admin,
            description: "Create a shared network", operations: networks.post, scopeTypes: projectScope),
        RuleDefault(
            "create_network:router:external", admin,
            description: "Create an external network", operations: networks.post, scopeTypes: projectScope),
        RuleDefault(
            "create_network:is_default", admin,
            description: "Specify ``is_default`` attribute when creating a network", operations: networks.post,
            scopeTypes: projectScope),
        RuleDefault(
            "create_network:port_security_enabled", adminOrProjectMember,
            description: "Specify ``port_security_enabled`` attribute when creating a network",
            operations: networks.post, scopeTypes: projectScope),
        RuleDefault(
            "create_network:segments", admin,
            description: "Specify ``segments`` attribute when creating a network", operations: networks.post,
            scopeTypes: projectScope),
        RuleDefault(
            "create_network:provider:network_type", admin,
            description: "Specify ``provider:network_type`` when creating a network", operations: networks.post,
            scopeTypes: projectScope),
        RuleDefault(
            "create_network:provider:physical_network", admin,
            description: "Specify ``provider:physical_network`` when creating a network", operations: networks.post,
            scopeTypes: projectScope),
        RuleDefault(
            "create_network:provider:segmentation_id", admin,
            description: "Specify ``provider:segmentation_id`` when creating a network", operations: networks.post,
            scopeTypes: projectScope),
        RuleDefault(
            "create_network:tags", adminOrProjectMember,
            description: "Create the network tags", operations: networks.postTags, scopeTypes: projectScope,
            deprecatedNames: ["create_networks_tags"]),
        RuleDefault(
            "get_network", or(adminOrProjectReader, service, "rule:shared", "rule:external", advsvc),
            description: "Get a network", operations: networks.get, scopeTypes: projectScope),
        RuleDefault(
            "get_network:segments", admin,
            description: "Get ``segments`` attribute of a network", operations: networks.get, scopeTypes: projectScope),
        RuleDefault(
            "get_network:provider:network_type", admin,
            description: "Get ``provider:network_type`` attribute of a network", operations: networks.get,
            scopeTypes: projectScope),
        RuleDefault(
            "get_network:provider:physical_network", admin,
            description: "Get ``provider:physical_network`` attribute of a network", operations: networks.get,
            scopeTypes: projectScope),
        RuleDefault(
            "get_network:provider:segmentation_id", admin,
            description: "Get ``provider:segmentation_id`` attribute of a network", operations: networks.get,
            scopeTypes: projectScope),
        RuleDefault(
            "get_network:tags", or(adminOrProjectReader, "rule:shared", "rule:external", advsvc),
            description: "Get the network tags", operations: networks.getTags, scopeTypes: projectScope,
            deprecatedNames: ["get_networks_tags"]),
        RuleDefault(
            "update_network", adminOrProjectMember,
            description: "Update a network", operations: networks.put, scopeTypes: projectScope),
        RuleDefault(
            "update_network:segments", admin,
            description: "Update ``segments`` attribute of a network", operations: networks.put,
            scopeTypes: projectScope),
        RuleDefault(
            "update_network:shared", admin,
            description: "Update ``shared`` attribute of a network", operations: networks.put,
            scopeTypes: projectScope),
        RuleDefault(
            "update_network:provider:network_type", admin,
            description: "Update ``provider:network_type`` attribute of a network", operations: networks.put,
            scopeTypes: projectScope),
        RuleDefault(
            "update_network:provider:physical_network", admin,
            description: "Update ``provider:physical_network`` attribute of a network", operations: networks.put,
            scopeTypes: projectScope),
        RuleDefault(
            "update_network:provider:segmentation_id", admin,
            description: "Update ``provider:segmentation_id`` attribute of a network", operations: networks.put,
            scopeTypes: projectScope),
        RuleDefault(
            "update_network:router:external", admin,
            description: "Update ``router:external`` attribute of a network", operations: networks.put,
            scopeTypes: projectScope),
        RuleDefault(
            "update_network:is_default", admin,
            description: "Update ``is_default`` attribute of a network", operations: networks.put,
            scopeTypes: projectScope),
        RuleDefault(
            "update_network:port_security_enabled", adminOrProjectMember,
            description: "Update ``port_security_enabled`` attribute of a network", operations: networks.put,
            scopeTypes: projectScope),
        RuleDefault(
            "update_network:tags", adminOrProjectMember,
            description: "Update the network tags", operations: networks.putTags, scopeTypes: projectScope,
            deprecatedNames: ["update_networks_tags"]),
        RuleDefault(
            "delete_network", adminOrProjectMember,
            description: "Delete a network", operations: networks.delete, scopeTypes: projectScope),
        RuleDefault(
            "delete_network:tags", adminOrProjectMember,
            description: "Delete the network tags", operations: networks.deleteTags, scopeTypes: projectScope,
            deprecatedNames: ["delete_networks_tags"]),
    ]
}
