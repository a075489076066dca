extension NeutronError {
    public static func securityGroupNotFound(_ id: String) -> NeutronError {
        NeutronError(status: 404, type: "SecurityGroupNotFound", message: "Security group \(id) does not exist")
    }

    public static func securityGroupRuleNotFound(_ id: String) -> NeutronError {
        NeutronError(
            status: 404, type: "SecurityGroupRuleNotFound", message: "Security group rule \(id) does not exist")
    }

    public static func securityGroupInUse(_ id: String) -> NeutronError {
        NeutronError(status: 409, type: "SecurityGroupInUse", message: "Security Group \(id) in use.")
    }

    /// A member deleting their project's default group (an admin may).
    public static let securityGroupCannotRemoveDefault = NeutronError(
        status: 409, type: "SecurityGroupCannotRemoveDefault",
        message: "Insufficient rights for removing default security group.")

    /// A name given to a project's default group.
    public static let securityGroupCannotUpdateDefault = NeutronError(
        status: 409, type: "SecurityGroupCannotUpdateDefault", message: "Updating default security group not allowed.")

    /// A group created or renamed `default` (in any case): the name of each project's default group.
    public static let securityGroupDefaultAlreadyExists = NeutronError(
        status: 409, type: "SecurityGroupDefaultAlreadyExists", message: "Default security group already exists.")

    /// Security groups named on a port without port security.
    public static let portSecurityAndIPRequiredForSecurityGroups = NeutronError(
        status: 400, type: "PortSecurityAndIPRequiredForSecurityGroups",
        message:
            "Port security must be enabled and port must have an IP address in order to use security groups.")

    /// Port security turned off on a port that keeps security groups.
    public static let portSecurityPortHasSecurityGroup = NeutronError(
        status: 409, type: "PortSecurityPortHasSecurityGroup",
        message:
            "Port has security group associated. Cannot disable port security or IP address until security group is removed."
    )
}
