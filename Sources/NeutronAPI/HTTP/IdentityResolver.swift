import Foundation
import HTTPTypes
import Hummingbird
import PortwatchCore

/// Turns request headers into the caller's ``Identity``, as keystonemiddleware's headers would.
///
/// Without any identity header the caller is Neutron's noauth admin (project `fake_project_id`).
/// With `X-User-Id`, `X-Project-Id` or `X-Roles` present, identity comes from them; a request with
/// identity headers but no user id is 401, as keystone's context would reject it.
public struct IdentityResolver: Sendable {
    /// Whether header identity is trusted (`headers`) or every caller is admin (`noauth`).
    public enum Mode: String, Sendable, CaseIterable {
        case headers
        case noauth
    }

    public var mode: Mode

    public init(mode: Mode = .headers) {
        self.mode = mode
    }

    static let userID = HTTPField.Name("X-User-Id")!
    static let projectID = HTTPField.Name("X-Project-Id")!
    static let tenantID = HTTPField.Name("X-Tenant-Id")!
    static let roles = HTTPField.Name("X-Roles")!
    static let userName = HTTPField.Name("X-User-Name")!
    static let projectName = HTTPField.Name("X-Project-Name")!
    static let requestIDHeader = HTTPField.Name("x-openstack-request-id")!

    /// The identity of `request`, or nil when it must be answered 401.
    public func identity(of request: Request) -> Identity? {
        let requestID = "req-" + UUID().uuidString.lowercased()
        let headers = request.headers
        let project = headers[Self.projectID] ?? headers[Self.tenantID]
        let user = headers[Self.userID]
        let rolesHeader = headers[Self.roles]
        if mode == .noauth || (project == nil && user == nil && rolesHeader == nil) {
            return .noauth(requestID: requestID)
        }
        guard let user, !user.isEmpty else { return nil }
        let roles = (rolesHeader ?? "").split(separator: ",").map { $0.trimmingCharacters(in: .whitespaces) }
            .filter { !$0.isEmpty }
        return Identity(
            userID: user, projectID: project, roles: roles, requestID: requestID,
            userName: headers[Self.userName], projectName: headers[Self.projectName])
    }

    /// The body keystonemiddleware answers a request without credentials with.
    static let unauthorizedBody = Array(
        #"{"message": "This server could not verify that you are authorized to access the document you requested. Either you supplied the wrong credentials (e.g., bad password), or your browser does not understand how to supply the credentials required.<br /><br />\n\n\n", "code": "401 Unauthorized", "title": "Unauthorized"}"#
            .utf8)
}
