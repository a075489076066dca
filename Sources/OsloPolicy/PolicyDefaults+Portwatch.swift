extension PolicyDefaults {
    /// Portwatch's own rules, named as Neutron names its rules.
    ///
    /// Fabric-wide writes (events, topology, maintenance) default to admins and the service role, not
    /// to project members; reading the fabric is also open to `data_plane_integrator`. They accept
    /// system-scoped tokens as well as project-scoped ones, since the fabric belongs to no project. A
    /// port's data-plane views follow `get_port`, so the target carries the port's `project_id` and
    /// `network:project_id`; webhooks and the stream belong to the project in the target's `project_id`.
    public static let portwatch: [RuleDefault] = [
        RuleDefault(
            "create_data_plane_event", or(admin, service),
            description: "Report data-plane fault events, in the native format or a monitor's own",
            operations: [
                .init("POST", "/data-plane-events"), .init("PUT", "/data-plane-events/doctor"),
                .init("POST", "/data-plane-events/doctor"), .init("POST", "/data-plane-events/alertmanager"),
                .init("POST", "/data-plane-events/onos"), .init("POST", "/data-plane-events/opendaylight"),
            ],
            scopeTypes: fabricScope),
        RuleDefault(
            "get_data_plane_faults", or(admin, service, dataPlaneIntegrator),
            description: "List the active data-plane faults of every source, and maintenance",
            operations: [.init("GET", "/data-plane-faults"), .init("GET", "/data-plane-blast-radius")],
            scopeTypes: fabricScope),
        RuleDefault(
            "get_topology", or(admin, service, dataPlaneIntegrator),
            description: "Get the physical topology: switches, hosts, links and maintenance windows",
            operations: [.init("GET", "/topology"), .init("GET", "/topology/maintenance")]
                + topologyParts.flatMap { [.init("GET", "/topology/\($0)"), .init("GET", "/topology/\($0)/{id}")] },
            scopeTypes: fabricScope),
        RuleDefault(
            "update_topology", or(admin, service),
            description: "Replace the physical topology, or add or remove a switch, host or link",
            operations: [.init("PUT", "/topology")]
                + topologyParts.flatMap { [.init("POST", "/topology/\($0)"), .init("DELETE", "/topology/\($0)/{id}")] },
            scopeTypes: fabricScope),
        RuleDefault(
            "update_maintenance", or(admin, service),
            description: "Start or end maintenance of a switch or host",
            operations: [.init("PUT", "/topology/maintenance")], scopeTypes: fabricScope),
        RuleDefault(
            "create_data_plane_what_if", admin,
            description:
                "Ask which ports hypothetical fault events or maintenance would take down, degrade or bring back (nothing is applied); the answer lists only the ports the caller may read",
            operations: [.init("POST", "/data-plane-what-if")], scopeTypes: fabricScope),
        RuleDefault(
            "get_port_data_plane", "rule:get_port",
            description: "Get a port's data-plane assessment: state, degradation, root cause and faults",
            operations: [.init("GET", "/ports/{id}/data-plane")], scopeTypes: projectScope),
        RuleDefault(
            "get_port_data_plane_history", "rule:get_port",
            description: "Get the audit trail of why a port's data-plane state changed",
            operations: [.init("GET", "/ports/{id}/data-plane-history")], scopeTypes: projectScope),
        RuleDefault(
            "create_webhook", adminOrProjectMember,
            description: "Create a webhook for the project's notifications",
            operations: [.init("POST", "/portwatch/webhooks")], scopeTypes: projectScope),
        RuleDefault(
            "get_webhook", adminOrProjectReader,
            description: "List or show the project's webhooks and their dead letters",
            operations: [
                .init("GET", "/portwatch/webhooks"), .init("GET", "/portwatch/webhooks/{id}"),
                .init("GET", "/portwatch/webhooks/{id}/dead-letters"),
            ],
            scopeTypes: projectScope),
        RuleDefault(
            "delete_webhook", adminOrProjectMember,
            description: "Delete a webhook of the project",
            operations: [.init("DELETE", "/portwatch/webhooks/{id}")], scopeTypes: projectScope),
        RuleDefault(
            "get_notification_stream", adminOrProjectReader,
            description: "Follow the project's notifications as Server-Sent Events",
            operations: [.init("GET", "/portwatch/stream")], scopeTypes: projectScope),
    ]

    /// Where Portwatch's defaults differ from Neutron's on purpose: rule name → Portwatch's rule and why.
    ///
    /// None today: Neutron 29's rules are Portwatch's, `binding:profile` included (the service role
    /// only; a policy file gives it to admins with `"create_port:binding:profile": "rule:admin_only or
    /// rule:service_api"`). ``neutronPorts`` keeps upstream's rules; ``all`` has these.
    public static let deviations: [String: (rule: String, reason: String)] = [:]

    /// `rule` with Portwatch's deviation, when it has one: the rule text replaced, the reason added to
    /// its description for the sample file.
    static func applyingDeviation(_ rule: RuleDefault) -> RuleDefault {
        guard let deviation = deviations[rule.name] else { return rule }
        var changed = rule
        changed.rule = deviation.rule
        changed.description += "\n\n" + deviation.reason
        return changed
    }

    /// The fabric belongs to no project: a system-scoped admin may manage it too.
    static let fabricScope = ["system", "project"]
    static let dataPlaneIntegrator = "role:data_plane_integrator"
    private static let topologyParts = ["switches", "hosts", "links"]
}
