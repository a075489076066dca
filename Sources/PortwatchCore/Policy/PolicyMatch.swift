/// The check Neutron enforces for a call: `rule:ACTION`, and `rule:ACTION:ATTRIBUTE` for every
/// policy-enforced attribute the request sets, with the keys of a list attribute's items
/// (`rule:create_port:fixed_ips:ip_address`).
///
/// Its ``description`` is the text of Neutron's `PolicyNotAuthorized`, which prints oslo.policy's
/// check tree as Neutron builds it, nesting one `and` per attribute:
///
/// ```
/// rule:delete_port
/// (rule:update_port and rule:update_port:data_plane_status)
/// ((rule:update_port and rule:update_port:binding:host_id) and rule:update_port:data_plane_status)
/// (rule:create_port and (rule:create_port:fixed_ips and (rule:create_port:fixed_ips:subnet_id)))
/// ```
public struct PolicyMatch: Sendable, Hashable, CustomStringConvertible {
    /// A policy-enforced attribute the request sets.
    public struct Attribute: Sendable, Hashable {
        /// The attribute, e.g. `fixed_ips`.
        public var name: String
        /// The keys of its items, one per key of each item, as Neutron lists them (`subnet_id`, `ip_address`).
        public var itemKeys: [String]

        /// An attribute (and the keys of its items, for a list of objects).
        public init(_ name: String, itemKeys: [String] = []) {
            self.name = name
            self.itemKeys = itemKeys
        }
    }

    /// The action, e.g. `update_port`.
    public var action: String
    /// The attributes, in the order Neutron checks them.
    public var attributes: [Attribute]

    /// The match of `action` setting `attributes`.
    public init(_ action: String, attributes: [Attribute] = []) {
        self.action = action
        self.attributes = attributes
    }

    /// The rules to check after `action`, as `ATTRIBUTE` and `ATTRIBUTE:KEY` suffixes.
    public var attributeRules: [String] {
        attributes.flatMap { attribute in [attribute.name] + attribute.itemKeys.map { attribute.name + ":" + $0 } }
    }

    /// The match as oslo.policy prints it.
    public var description: String {
        var text = "rule:" + action
        for attribute in attributes {
            var rule = "rule:\(action):\(attribute.name)"
            if !attribute.itemKeys.isEmpty {
                let keys = attribute.itemKeys.map { "rule:\(action):\(attribute.name):\($0)" }
                rule = "(\(rule) and (\(keys.joined(separator: " and "))))"
            }
            text = "(\(text) and \(rule))"
        }
        return text
    }
}
