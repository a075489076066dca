extension PolicyDefaults {
    /// Neutron's port rules (`neutron/conf/policies/port.py`), new defaults.
    public static let neutronPorts: [RuleDefault] = [
        RuleDefault(
            "network_device", "field:port:device_owner=~^network:",
            description: "Definition of port with network device_owner"),
        RuleDefault(
            "admin_or_data_plane_int", or("rule:context_is_admin", "role:data_plane_integrator"),
            description: "Rule for data plane integration"),
        RuleDefault(
            "create_port", or(adminOrService, networkOwnerMember, "rule:shared"),
            description: "Create a port", operations: ports.post, scopeTypes: projectScope),
        RuleDefault(
            "create_port:device_id", or(adminOrProjectMember, service),
            description: "Specify ``device_id`` attribute when creating a port", operations: ports.post,
            scopeTypes: projectScope),
        RuleDefault(
            "create_port:device_owner", or("not rule:network_device", adminOrService, networkOwnerMember),
            description: "Specify ``device_owner`` attribute when creating a port", operations: ports.post,
            scopeTypes: projectScope),
        RuleDefault(
            "create_port:mac_address", or(adminOrService, networkOwnerMember),
            description: "Specify ``mac_address`` attribute when creating a port", operations: ports.post,
            scopeTypes: projectScope),
        RuleDefault(
            "create_port:fixed_ips", or(adminOrService, networkOwnerMember, "rule:shared"),
            description: "Specify ``fixed_ips`` information when creating a port", operations: ports.post,
            scopeTypes: projectScope),
        RuleDefault(
            "create_port:fixed_ips:ip_address", or(adminOrService, networkOwnerMember),
            description: "Specify IP address in ``fixed_ips`` when creating a port", operations: ports.post,
            scopeTypes: projectScope),
        RuleDefault(
            "create_port:fixed_ips:subnet_id", or(adminOrService, networkOwnerMember, "rule:shared"),
            description: "Specify subnet ID in ``fixed_ips`` when creating a port", operations: ports.post,
            scopeTypes: projectScope),
        RuleDefault(
            "create_port:port_security_enabled", or(adminOrService, networkOwnerMember),
            description: "Specify ``port_security_enabled`` attribute when creating a port", operations: ports.post,
            scopeTypes: projectScope),
        RuleDefault(
            "create_port:binding:host_id", adminOrService,
            description: "Specify ``binding:host_id`` attribute when creating a port", operations: ports.post,
            scopeTypes: projectScope),
        RuleDefault(
            "create_port:binding:profile", service,
            description: "Specify ``binding:profile`` attribute when creating a port", operations: ports.post,
            scopeTypes: projectScope),
        RuleDefault(
            "create_port:binding:vnic_type", or(adminOrProjectMember, service),
            description: "Specify ``binding:vnic_type`` attribute when creating a port", operations: ports.post,
            scopeTypes: projectScope),
        RuleDefault(
            "create_port:allowed_address_pairs", or(adminOrNetworkOwnerMember, service),
            description: "Specify ``allowed_address_pairs`` attribute when creating a port", operations: ports.post,
            scopeTypes: projectScope),
        RuleDefault(
            "create_port:allowed_address_pairs:mac_address", or(adminOrNetworkOwnerMember, service),
            description: "Specify ``mac_address` of `allowed_address_pairs`` attribute when creating a port",
            operations: ports.post, scopeTypes: projectScope),
        RuleDefault(
            "create_port:allowed_address_pairs:ip_address", or(adminOrNetworkOwnerMember, service),
            description: "Specify ``ip_address`` of ``allowed_address_pairs`` attribute when creating a port",
            operations: ports.post, scopeTypes: projectScope),
        RuleDefault(
            "create_port:hints", admin,
            description: "Specify ``hints`` attribute when creating a port", operations: ports.post,
            scopeTypes: projectScope),
        RuleDefault(
            "create_port:trusted", admin,
            description: "Specify ``trusted`` attribute when creating a port", operations: ports.post,
            scopeTypes: projectScope),
        RuleDefault(
            "create_port:tags", or(adminOrProjectMember, advsvc),
            description: "Create the port tags", operations: ports.postTags, scopeTypes: projectScope,
            deprecatedNames: ["create_ports_tags"]),
        RuleDefault(
            "get_port", or(adminOrService, networkOwnerReader, projectReader),
            description: "Get a port", operations: ports.get, scopeTypes: projectScope),
        RuleDefault(
            "get_port:binding:vif_type", adminOrService,
            description: "Get ``binding:vif_type`` attribute of a port", operations: ports.get, scopeTypes: projectScope
        ),
        RuleDefault(
            "get_port:binding:vif_details", adminOrService,
            description: "Get ``binding:vif_details`` attribute of a port", operations: ports.get,
            scopeTypes: projectScope),
        RuleDefault(
            "get_port:binding:host_id", adminOrService,
            description: "Get ``binding:host_id`` attribute of a port", operations: ports.get,
            scopeTypes: projectScope),
        RuleDefault(
            "get_port:binding:profile", adminOrService,
            description: "Get ``binding:profile`` attribute of a port", operations: ports.get,
            scopeTypes: projectScope),
        RuleDefault(
            "get_port:resource_request", admin,
            description: "Get ``resource_request`` attribute of a port", operations: ports.get, scopeTypes: projectScope
        ),
        RuleDefault(
            "get_port:hints", admin,
            description: "Get ``hints`` attribute of a port", operations: ports.get, scopeTypes: projectScope),
        RuleDefault(
            "get_port:trusted", admin,
            description: "Get ``trusted`` attribute of a port", operations: ports.get, scopeTypes: projectScope),
        RuleDefault(
            "get_port:tags", or(advsvc, adminOrNetworkOwnerReader, projectReader),
            description: "Get the port tags", operations: ports.getTags, scopeTypes: projectScope,
            deprecatedNames: ["get_ports_tags"]),
        RuleDefault(
            "update_port", or(adminOrService, projectMember),
            description: "Update a port", operations: ports.put, scopeTypes: projectScope),
        RuleDefault(
            "update_port:device_id", or(adminOrProjectMember, service),
            description: "Update ``device_id`` attribute of a port", operations: ports.put, scopeTypes: projectScope),
        RuleDefault(
            "update_port:device_owner", or("not rule:network_device", adminOrService, networkOwnerMember),
            description: "Update ``device_owner`` attribute of a port", operations: ports.put,
            scopeTypes: projectScope),
        RuleDefault(
            "update_port:mac_address", or(adminOrService, networkOwnerManager),
            description: "Update ``mac_address`` attribute of a port", operations: ports.put, scopeTypes: projectScope),
        RuleDefault(
            "update_port:fixed_ips", or(adminOrService, networkOwnerMember),
            description: "Specify ``fixed_ips`` information when updating a port", operations: ports.put,
            scopeTypes: projectScope),
        RuleDefault(
            "update_port:fixed_ips:ip_address", or(adminOrService, networkOwnerMember),
            description: "Specify IP address in ``fixed_ips`` information when updating a port", operations: ports.put,
            scopeTypes: projectScope),
        RuleDefault(
            "update_port:fixed_ips:subnet_id", or(adminOrService, networkOwnerMember, "rule:shared"),
            description: "Specify subnet ID in ``fixed_ips`` information when updating a port", operations: ports.put,
            scopeTypes: projectScope),
        RuleDefault(
            "update_port:port_security_enabled", or(adminOrService, networkOwnerMember),
            description: "Update ``port_security_enabled`` attribute of a port", operations: ports.put,
            scopeTypes: projectScope),
        RuleDefault(
            "update_port:binding:host_id", adminOrService,
            description: "Update ``binding:host_id`` attribute of a port", operations: ports.put,
            scopeTypes: projectScope),
        RuleDefault(
            "update_port:binding:profile", service,
            description: "Update ``binding:profile`` attribute of a port", operations: ports.put,
            scopeTypes: projectScope),
        RuleDefault(
            "update_port:binding:vnic_type", or(adminOrService, projectMember),
            description: "Update ``binding:vnic_type`` attribute of a port", operations: ports.put,
            scopeTypes: projectScope),
        RuleDefault(
            "update_port:allowed_address_pairs", or(adminOrNetworkOwnerMember, service),
            description: "Update ``allowed_address_pairs`` attribute of a port", operations: ports.put,
            scopeTypes: projectScope),
        RuleDefault(
            "update_port:allowed_address_pairs:mac_address", or(adminOrNetworkOwnerMember, service),
            description: "Update ``mac_address`` of ``allowed_address_pairs`` attribute of a port",
            operations: ports.put, scopeTypes: projectScope),
        RuleDefault(
            "update_port:allowed_address_pairs:ip_address", or(adminOrNetworkOwnerMember, service),
            description: "Update ``ip_address`` of ``allowed_address_pairs`` attribute of a port",
            operations: ports.put, scopeTypes: projectScope),
        RuleDefault(
            "update_port:data_plane_status", or(admin, "role:data_plane_integrator"),
            description: "Update ``data_plane_status`` attribute of a port", operations: ports.put,
            scopeTypes: projectScope),
        RuleDefault(
            "update_port:hints", admin,
            description: "Update ``hints`` attribute of a port", operations: ports.put, scopeTypes: projectScope),
        RuleDefault(
            "update_port:trusted", admin,
            description: "Update ``trusted`` attribute of a port", operations: ports.put, scopeTypes: projectScope),
        RuleDefault(
            "update_port:tags", or(adminOrProjectMember, advsvc),
            description: "Update the port tags", operations: ports.putTags, scopeTypes: projectScope,
            deprecatedNames: ["update_ports_tags"]),
        RuleDefault(
            "delete_port", or(adminOrService, networkOwnerMember, projectMember),
            description: "Delete a port", operations: ports.delete, scopeTypes: projectScope),
        RuleDefault(
            "delete_port:tags", or(advsvc, projectMember, adminOrNetworkOwnerMember),
            description: "Delete the port tags", operations: ports.deleteTags, scopeTypes: projectScope,
            deprecatedNames: ["delete_ports_tags"]),
    ]
}
