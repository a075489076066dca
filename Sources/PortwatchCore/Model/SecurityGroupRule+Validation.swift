/// Neutron's checks of a new security group rule (`_validate_base_security_group_rule_attributes`),
/// in its order, with its canonical forms.
extension SecurityGroupRuleInput {
    /// Protocols Neutron names, with their numbers (`neutron_lib.constants.IP_PROTOCOL_MAP`).
    public static let protocolNumbers: [String: Int] = [
        "ah": 51, "dccp": 33, "egp": 8, "esp": 50, "gre": 47, "hopopt": 0, "icmp": 1, "igmp": 2, "ip": 0, "ipip": 4,
        "ipv6-encap": 41, "ipv6-frag": 44, "ipv6-icmp": 58, "icmpv6": 58, "ipv6-nonxt": 59, "ipv6-opts": 60,
        "ipv6-route": 43, "ospf": 89, "pgm": 113, "rsvp": 46, "sctp": 132, "tcp": 6, "udp": 17, "udplite": 136,
        "vrrp": 112,
    ]
    /// The protocols whose rules take port ranges.
    static let portProtocols: Set<Int> = [33, 132, 6, 17, 136]
    /// The protocols only IPv6 carries.
    static let ipv6Protocols: Set<String> = [
        "ipv6-encap", "ipv6-frag", "ipv6-icmp", "icmpv6", "ipv6-nonxt", "ipv6-opts", "ipv6-route", "41", "44", "58",
        "59", "60", "43",
    ]

    /// The protocol's number, if it names one.
    static func number(of protocolName: String) -> Int? {
        Self.protocolNumbers[protocolName] ?? Int(protocolName)
    }

    /// Puts the rule in Neutron's canonical form (IPv6 ICMP under its IPv6 name or number, the whole
    /// port range as none) and checks it as Neutron does, in its order.
    public mutating func canonicalizeAndValidate() throws(NeutronError) {
        if ethertype == "IPv6" {
            if protocolName == "icmp" || protocolName == "icmpv6" { protocolName = "ipv6-icmp" }
            if protocolName == "1" { protocolName = "58" }
        }
        if portRangeMin == 1, portRangeMax == 65535 { (portRangeMin, portRangeMax) = (nil, nil) }
        try validatePortRange()
        if let prefix = remoteIPPrefix, let parsed = IPPrefix(prefix), ethertype != "IPv\(parsed.version)" {
            throw NeutronError(
                status: 400, type: "SecurityGroupRuleParameterConflict",
                message: "Conflicting value ethertype \(ethertype) for CIDR \(prefix)")
        }
        if ethertype == "IPv4", let name = protocolName, Self.ipv6Protocols.contains(name) {
            throw NeutronError(
                status: 400, type: "SecurityGroupEthertypeConflictWithProtocol",
                message: "Invalid ethertype \(ethertype) for protocol \(name).")
        }
        let remotes = [remoteIPPrefix, remoteGroupID, remoteAddressGroupID].compactMap { $0 }.filter { !$0.isEmpty }
        if remotes.count > 1 {
            throw NeutronError(
                status: 400, type: "SecurityGroupMultipleRemoteEntites",
                message: "Only one of remote_ip_prefix or remote_group_id or remote_address_group_id may be provided.")
        }
    }

    private func validatePortRange() throws(NeutronError) {
        guard portRangeMin != nil || portRangeMax != nil else { return }
        guard let name = protocolName else {
            throw NeutronError(
                status: 400, type: "SecurityGroupProtocolRequiredWithPorts",
                message: "Must also specify protocol if port range is given.")
        }
        let number = Self.number(of: name)
        if let number, Self.portProtocols.contains(number) {
            if portRangeMin == 0 || portRangeMax == 0 {
                throw NeutronError(
                    status: 400, type: "SecurityGroupInvalidPortValue", message: "Invalid value for port 0")
            }
            guard let low = portRangeMin, let high = portRangeMax, low <= high else {
                throw NeutronError(
                    status: 400, type: "SecurityGroupInvalidPortRange",
                    message: "For TCP/UDP protocols, port_range_min must be <= port_range_max")
            }
        } else if number == 1 || number == 58 {
            for (value, attribute, field) in [
                (portRangeMin, "port_range_min", "type"), (portRangeMax, "port_range_max", "code"),
            ] {
                if let value, !(0...255).contains(value) {
                    throw NeutronError(
                        status: 400, type: "SecurityGroupInvalidIcmpValue",
                        message: "Invalid value for ICMP \(field) (\(attribute)) \(value). It must be 0 to 255.")
                }
            }
            if portRangeMin == nil, let code = portRangeMax {
                throw NeutronError(
                    status: 400, type: "SecurityGroupMissingIcmpType",
                    message:
                        "ICMP code (port-range-max) \(code) is provided but ICMP type (port-range-min) is missing.")
            }
        } else {
            throw NeutronError(
                status: 400, type: "SecurityGroupInvalidProtocolForPort",
                message:
                    "Ports cannot be specified for protocol \(number.map(String.init) ?? name). Ports are only supported for DCCP, SCTP, TCP, UDP, UDPLITE."
            )
        }
    }
}

extension SecurityGroupRule {
    /// What makes two rules of a group the same rule (Neutron's `_rule_to_key`): a protocol by its
    /// number, and any-address prefixes as none.
    var duplicateKey: [String?] {
        let protocolKey = protocolName.map { name in
            let number = SecurityGroupRuleInput.number(of: name)
            return number.map(String.init) ?? name
        }
        let prefix = remoteIPPrefix.flatMap { IPPrefix($0)?.isAnyAddress == true ? nil : $0 }
        return [
            direction, ethertype, portRangeMax.map(String.init), portRangeMin.map(String.init), protocolKey,
            remoteGroupID, prefix, securityGroupID,
        ]
    }
}
