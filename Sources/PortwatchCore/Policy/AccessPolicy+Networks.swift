import OsloPolicy

extension AccessPolicy {
    /// The network attributes rendered only when `get_network:ATTRIBUTE` allows them.
    public static let policedNetworkAttributes = [
        "provider:network_type", "provider:physical_network", "provider:segmentation_id",
    ]

    /// How the caller reads networks: `get_network` and the `get_network:provider:*` attribute rules,
    /// decided once for the request when the caller's roles alone decide them, else per network.
    public func networkReading() -> NetworkReading { caller.networks }

    /// The read rules of networks for one caller.
    public struct NetworkReading: Sendable {
        let rules: PolicyEvaluator
        let verdict: Bool?
        let hidden: Set<String>
        let perNetwork: [String]

        init(_ rules: PolicyEvaluator) {
            self.rules = rules
            verdict = rules.verdictForAnyTarget("get_network")
            var hidden = Set<String>()
            var perNetwork: [String] = []
            for attribute in AccessPolicy.policedNetworkAttributes {
                switch rules.verdictForAnyTarget("get_network:" + attribute) {
                case true?: break
                case false?: hidden.insert(attribute)
                case nil: perNetwork.append(attribute)
                }
            }
            self.hidden = hidden
            self.perNetwork = perNetwork
        }

        /// `get_network`: own project, shared or external networks, or every network for admins and services.
        ///
        /// A network the caller may not see is `NetworkNotFound`, whether beyond reach or denied.
        public func canSee(_ network: Network) -> Bool {
            verdict ?? rules.enforce("get_network", target: network.policyTarget)
        }

        /// The view of every network, when the attribute rules do not depend on the network.
        public func uniformView(fields: Set<String>? = nil) -> ResourceView? {
            perNetwork.isEmpty ? ResourceView(hiding: hidden, fields: fields) : nil
        }

        /// What the caller sees of `network`: `fields`, less the attributes its `get_network:*` rules deny.
        public func view(of network: Network, fields: Set<String>? = nil) -> ResourceView {
            if let view = uniformView(fields: fields) { return view }
            var hidden = hidden
            let target = network.policyTarget
            for attribute in perNetwork where !rules.enforce("get_network:" + attribute, target: target) {
                hidden.insert(attribute)
            }
            return ResourceView(hiding: hidden, fields: fields)
        }
    }

    /// Whether the caller sees the policed attributes of every port and network: what webhooks and the
    /// live stream, which carry many resources, decide once for a subscriber.
    public var seesEveryPolicedAttribute: Bool { caller.seesEveryPolicedAttribute }

    /// `create_network` with the rules of the attributes `input` sets, on the network it creates.
    public func authorizeCreate(_ network: Network, _ input: NetworkInput) throws(NeutronError) {
        try authorize(
            PolicyMatch("create_network", attributes: Self.enforcedAttributes(input, creating: true)),
            target: network.policyTarget)
    }

    /// `update_network` with the rules of the attributes `input` sets, on the network as it would be after.
    public func authorizeUpdate(_ updated: Network, _ input: NetworkInput) throws(NeutronError) {
        try authorize(
            PolicyMatch("update_network", attributes: Self.enforcedAttributes(input, creating: false)),
            target: updated.policyTarget)
    }

    /// `delete_network`.
    public func authorizeDelete(_ network: Network) throws(NeutronError) {
        try authorize("delete_network", target: network.policyTarget)
    }

    /// `get_network:tags`, `create_network:tags`, `update_network:tags` or `delete_network:tags`.
    public func authorizeTags(_ action: TagAction, of network: Network) throws(NeutronError) {
        try authorize("\(action.rawValue)_network:tags", target: network.policyTarget)
    }

    /// The policy-enforced attributes `input` sets, in Neutron's order; a create checks only those
    /// that differ from their default (`shared: false` is no claim), an update every one it names.
    static func enforcedAttributes(_ input: NetworkInput, creating: Bool) -> [PolicyMatch.Attribute] {
        var attributes: [PolicyMatch.Attribute] = []
        if let shared = input.shared, !(creating && !shared) { attributes.append(.init("shared")) }
        if let external = input.routerExternal, !(creating && !external) { attributes.append(.init("router:external")) }
        if let enabled = input.portSecurityEnabled, !(creating && enabled) {
            attributes.append(.init("port_security_enabled"))
        }
        if input.networkType != nil { attributes.append(.init("provider:network_type")) }
        if input.physicalNetwork != nil { attributes.append(.init("provider:physical_network")) }
        if input.segmentationID != nil { attributes.append(.init("provider:segmentation_id")) }
        return attributes
    }
}
