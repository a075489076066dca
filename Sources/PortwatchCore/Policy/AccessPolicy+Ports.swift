import OsloPolicy

extension AccessPolicy {
    /// The outcome of looking up a port the caller may or may not see.
    public enum Visibility: Sendable, Equatable {
        /// The read rule allows it.
        case visible
        /// Beyond the caller's reach (another project's port): reported as `PortNotFound`.
        case otherProject
        /// Within reach, but the read rule denies it: `HTTPNotFound`, as Neutron answers.
        case forbiddenToRead
    }

    /// The port attributes rendered only when `get_port:ATTRIBUTE` allows them.
    public static let policedPortAttributes = [
        "binding:profile", "binding:host_id", "binding:vif_type", "binding:vif_details",
    ]

    /// How the caller reads ports: `rule` (`get_port`, or a data-plane view's rule) and the
    /// `get_port:binding:*` attribute rules, each decided once for the request when the caller's roles
    /// alone decide it, else per port.
    public func portReading(rule: String = "get_port") -> PortReading {
        rule == caller.ports.rule ? caller.ports : PortReading(rules, hasGlobalAccess: hasGlobalAccess, rule: rule)
    }

    /// The read rules of ports for one caller, for one port or a list of thousands.
    public struct PortReading: Sendable {
        let rules: PolicyEvaluator
        let hasGlobalAccess: Bool
        let rule: String
        /// `rule`'s verdict for every port, when known without one.
        let verdict: Bool?
        /// The attributes hidden from every port, and those that depend on the port.
        let hidden: Set<String>
        let perPort: [String]

        init(_ rules: PolicyEvaluator, hasGlobalAccess: Bool, rule: String) {
            self.rules = rules
            self.hasGlobalAccess = hasGlobalAccess
            self.rule = rule
            verdict = rules.verdictForAnyTarget(rule)
            var hidden = Set<String>()
            var perPort: [String] = []
            for attribute in AccessPolicy.policedPortAttributes {
                switch rules.verdictForAnyTarget("get_port:" + attribute) {
                case true?: break
                case false?: hidden.insert(attribute)
                case nil: perPort.append(attribute)
                }
            }
            self.hidden = hidden
            self.perPort = perPort
        }

        /// Whether the caller sees `port`, on `network` (looked up only when the rules need it: an
        /// admin's list of ten thousand ports asks for none).
        public func visibility(of port: Port, network: @autoclosure () -> Network?) -> Visibility {
            var fetched: Network??
            func parent() -> Network? {
                if let fetched { return fetched }
                let found = network()
                fetched = .some(found)
                return found
            }
            // Neutron's database query: another project's port exists only for global access, or
            // for the owner of its network.
            let mine = rules.credentials.projectID
            guard hasGlobalAccess || (mine != nil && (mine == port.projectID || mine == parent()?.projectID)) else {
                return .otherProject
            }
            let allowed = verdict ?? rules.enforce(rule, target: port.policyTarget(network: parent()))
            return allowed ? .visible : .forbiddenToRead
        }

        /// The port when the caller may see it: `PortNotFound` for an unknown port or one beyond reach,
        /// `HTTPNotFound` for one the read rule denies (as Neutron answers).
        public func visiblePort(_ port: Port?, id: String, network: Network?) throws(NeutronError) -> Port {
            guard let port else { throw .portNotFound(id) }
            switch visibility(of: port, network: network) {
            case .visible: return port
            case .otherProject: throw .portNotFound(id)
            case .forbiddenToRead: throw .resourceNotFound
            }
        }

        /// The view of every port, when the attribute rules do not depend on the port.
        public func uniformView(fields: Set<String>? = nil) -> ResourceView? {
            perPort.isEmpty ? ResourceView(hiding: hidden, fields: fields) : nil
        }

        /// What the caller sees of `port`: `fields`, less the attributes its `get_port:*` rules deny.
        public func view(of port: Port, network: Network?, fields: Set<String>? = nil) -> ResourceView {
            if let view = uniformView(fields: fields) { return view }
            var hidden = hidden
            let target = port.policyTarget(network: network)
            for attribute in perPort where !rules.enforce("get_port:" + attribute, target: target) {
                hidden.insert(attribute)
            }
            return ResourceView(hiding: hidden, fields: fields)
        }
    }

    /// `create_port` with the rules of the attributes `input` sets, on the port it creates (`port`, on `network`).
    public func authorizeCreate(_ port: Port, _ input: PortInput, network: Network) throws(NeutronError) {
        try authorize(
            PolicyMatch("create_port", attributes: Self.enforcedAttributes(input, creating: true)),
            target: port.policyTarget(network: network))
    }

    /// `update_port` with the rules of the attributes `input` sets, on the port as it would be after
    /// the update (Neutron's target is the stored port with the request's values applied).
    ///
    /// A caller denied the update who may not read the port either gets `HTTPNotFound`, as Neutron
    /// answers rather than confirm the port exists.
    public func authorizeUpdate(
        _ original: Port, to updated: Port, _ input: PortInput, network: Network?
    ) throws(NeutronError) {
        let match = PolicyMatch("update_port", attributes: Self.enforcedAttributes(input, creating: false))
        guard
            rules.firstDeniedRule(
                match.action, attributes: match.attributeRules, lazyTarget: { updated.policyTarget(network: network) })
                != nil
        else { return }
        try hideUnreadable(original, network: network)
        throw .policyNotAuthorized(match.description)
    }

    /// `delete_port`; a caller who may not read the port either gets `HTTPNotFound`.
    public func authorizeDelete(_ port: Port, network: Network?) throws(NeutronError) {
        guard !allows("delete_port", target: port.policyTarget(network: network)) else { return }
        try hideUnreadable(port, network: network)
        throw .policyNotAuthorized(PolicyMatch("delete_port").description)
    }

    /// `get_port:tags`, `create_port:tags`, `update_port:tags` or `delete_port:tags` on `port`.
    public func authorizeTags(_ action: TagAction, of port: Port, network: Network?) throws(NeutronError) {
        try authorize("\(action.rawValue)_port:tags", target: port.policyTarget(network: network))
    }

    /// What a tags call does, as the first word of its rule.
    public enum TagAction: String, Sendable {
        /// `GET …/tags[/{tag}]`.
        case get
        /// `POST …/tags`.
        case create
        /// `PUT …/tags[/{tag}]`.
        case update
        /// `DELETE …/tags[/{tag}]`.
        case delete
    }

    /// Neutron's `_update`/`_delete`: a denied write on a port the caller may not `get_port` either
    /// is reported as not found.
    private func hideUnreadable(_ port: Port, network: Network?) throws(NeutronError) {
        if portReading().visibility(of: port, network: network) != .visible { throw .resourceNotFound }
    }

    /// The policy-enforced attributes `input` sets, in Neutron's order, with the keys of list items.
    ///
    /// A create checks only attributes that differ from their default, as Neutron's
    /// `_is_attribute_explicitly_set` does (an empty `device_owner` or a `normal` VNIC is no claim);
    /// an update checks every attribute the body names.
    static func enforcedAttributes(_ input: PortInput, creating: Bool) -> [PolicyMatch.Attribute] {
        var attributes: [PolicyMatch.Attribute] = []
        if input.macAddress != nil || input.regeneratesMACAddress { attributes.append(.init("mac_address")) }
        if let fixedIPs = input.fixedIPs {
            let keys = fixedIPs.flatMap {
                ($0.subnetID == nil ? [] : ["subnet_id"]) + ($0.ipAddress == nil ? [] : ["ip_address"])
            }
            attributes.append(.init("fixed_ips", itemKeys: keys))
        }
        if let deviceID = input.deviceID, !(creating && deviceID.isEmpty) { attributes.append(.init("device_id")) }
        if let owner = input.deviceOwner, !(creating && owner.isEmpty) { attributes.append(.init("device_owner")) }
        if input.bindingHostID != nil { attributes.append(.init("binding:host_id")) }
        if let vnicType = input.bindingVnicType, !(creating && vnicType == "normal") {
            attributes.append(.init("binding:vnic_type"))
        }
        if input.bindingProfile != nil { attributes.append(.init("binding:profile")) }
        if input.portSecurityEnabled != nil { attributes.append(.init("port_security_enabled")) }
        if let pairs = input.allowedAddressPairs {
            let keys = pairs.flatMap { ["ip_address"] + ($0.macAddress == nil ? [] : ["mac_address"]) }
            attributes.append(.init("allowed_address_pairs", itemKeys: keys))
        }
        if input.dataPlaneStatus != nil { attributes.append(.init("data_plane_status")) }
        return attributes
    }
}
