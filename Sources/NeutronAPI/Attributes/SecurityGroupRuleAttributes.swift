import Foundation
import PortwatchCore

/// The security group rule resource's attribute map: POST only (rules are not updated).
enum SecurityGroupRuleAttributes {
    static let postable: Set<String> = [
        "project_id", "tenant_id", "security_group_id", "direction", "ethertype", "protocol", "port_range_min",
        "port_range_max", "remote_ip_prefix", "remote_group_id", "remote_address_group_id", "description",
    ]
    static let readOnly: Set<String> = [
        "id", "normalized_cidr", "belongs_to_default_sg", "created_at", "updated_at", "revision_number",
    ]
    static let postChecks = RequestAttributes(
        known: postable.union(readOnly), allowed: postable,
        refusedOrder: ["id", "normalized_cidr", "belongs_to_default_sg", "revision_number", "created_at", "updated_at"])

    /// `SG_RULE_PROTO_ANY` and the names `convert_protocol` accepts, as its message prints them.
    static let protocolValues =
        "(None, 'any', 'ah', 'dccp', 'egp', 'esp', 'gre', 'hopopt', 'icmp', 'igmp', 'ip', 'ipip', 'ipv6-encap', "
        + "'ipv6-frag', 'ipv6-icmp', 'icmpv6', 'ipv6-nonxt', 'ipv6-opts', 'ipv6-route', 'ospf', 'pgm', 'rsvp', "
        + "'sctp', 'tcp', 'udp', 'udplite', 'vrrp')"

    /// Parses one rule of a create request, converting and validating in Neutron's attribute order.
    static func create(_ object: [String: JSONValue], _ access: AccessPolicy) throws(NeutronError)
        -> SecurityGroupRuleInput
    {
        let project = try postChecks.check(object, verb: "POST", access)
        for required in ["security_group_id", "direction"] where object[required] == nil {
            throw .badRequest("Failed to parse request. Required attribute '\(required)' not specified")
        }
        let reader = AttributeReader(object: object)
        let group = try reader.string("security_group_id", maxLength: 36) ?? ""
        let remoteGroup = object["remote_group_id"].flatMap {
            $0.isNull ? nil : ($0.stringValue ?? $0.pythonDescription)
        }
        let direction = try reader.values("direction", ["ingress", "egress"]) ?? ""
        var input = SecurityGroupRuleInput(securityGroupID: group, direction: direction)
        input.remoteGroupID = remoteGroup
        input.protocolName = try protocolName(object["protocol"])
        input.portRangeMin = try port(object["port_range_min"])
        input.portRangeMax = try port(object["port_range_max"])
        if let value = object["ethertype"] {
            guard let text = value.stringValue,
                let type = ["IPv4", "IPv6"].first(where: { $0.lowercased() == text.lowercased() })
            else {
                throw NeutronError(
                    status: 400, type: "SecurityGroupRuleInvalidEtherType",
                    message:
                        "Security group rule for ethertype '\(value.pythonDescription)' not supported. Allowed values are ['IPv4', 'IPv6']."
                )
            }
            input.ethertype = type
        }
        if let value = object["remote_ip_prefix"], !value.isNull {
            guard let text = value.stringValue, let prefix = IPPrefix(text) else {
                throw NeutronError(
                    status: 400, type: "InvalidCIDR",
                    message: "Invalid CIDR \(value.pythonDescription) given as IP prefix.")
            }
            input.remoteIPPrefix = prefix.text
        }
        input.projectID = try reader.string(object["project_id"] != nil ? "project_id" : "tenant_id") ?? project
        if let value = object["remote_address_group_id"], !value.isNull {
            input.remoteAddressGroupID = try reader.uuid("remote_address_group_id")
        }
        input.description = try reader.string("description")
        return input
    }

    /// Neutron's `convert_protocol`: none or `any` is nil; a number 0-255, or a known name in any case.
    private static func protocolName(_ value: JSONValue?) throws(NeutronError) -> String? {
        guard let value, !value.isNull else { return nil }
        if value.stringValue == "any" { return nil }
        let text = value.stringValue ?? value.pythonDescription
        if let number = Int(text.trimmingCharacters(in: .whitespaces)) {
            if (0...255).contains(number) { return text }
        } else if value.stringValue != nil, SecurityGroupRuleInput.protocolNumbers[text.lowercased()] != nil {
            return text.lowercased()
        }
        throw NeutronError(
            status: 400, type: "SecurityGroupRuleInvalidProtocol",
            message:
                "Security group rule protocol \(text) not supported. Only protocol values \(protocolValues) and integer representations [0 to 255] are supported."
        )
    }

    /// Neutron's `convert_validate_port_value`: none, or 0-65535 (a number or its text).
    private static func port(_ value: JSONValue?) throws(NeutronError) -> Int? {
        guard let value, !value.isNull else { return nil }
        let text = value.stringValue ?? value.pythonDescription
        if let number = Int(text.trimmingCharacters(in: .whitespaces)), (0...65535).contains(number) { return number }
        throw NeutronError(
            status: 400, type: "SecurityGroupInvalidPortValue", message: "Invalid value for port \(text)")
    }
}
