import Foundation
import HTTPTypes
import Hummingbird
import KeystoneAuth
import NIOCore
import NeutronAPI
import PortwatchCore

extension Console {
    /// `POST /ui/login` `{"username", "password", "project_name", "user_domain_name"?,
    /// "project_domain_name"?}`: asks Keystone for a project-scoped token with these credentials and
    /// answers `{"token": {"id", "expires_at", "user_id", "project_id", "roles"}}`. Nothing is kept
    /// here: the browser holds the token (in session storage) and sends it as `X-Auth-Token`, which the
    /// API validates as any other. Keystone refusing the credentials is 401; outside keystone mode 404.
    func login(_ request: Request) async throws -> Response {
        guard authMode == .keystone, let keystone else {
            throw NeutronError(
                status: 404, type: "NotFound",
                message: "The console logs in with Keystone only when Portwatch runs with --auth keystone.")
        }
        let buffer: ByteBuffer
        do {
            buffer = try await request.body.collect(upTo: 16 << 10)
        } catch {
            throw NeutronError(status: 413, type: "HTTPRequestEntityTooLarge", message: "Request is too large.")
        }
        guard let value = try? JSONValue.parse(buffer.readableBytesView), let fields = value.objectValue else {
            throw NeutronError(status: 400, type: "BadRequest", message: "The login needs a JSON object.")
        }
        func text(_ key: String) -> String? {
            guard let string = fields[key]?.stringValue?.trimmingCharacters(in: .whitespaces), !string.isEmpty,
                string.count <= 255
            else { return nil }
            return string
        }
        guard let username = text("username"), let password = fields["password"]?.stringValue, !password.isEmpty,
            password.count <= 4096, let project = text("project_name")
        else {
            throw NeutronError(
                status: 400, type: "BadRequest", message: "The login needs username, password and project_name.")
        }
        let credentials = PasswordCredentials(
            username: username, password: password, userDomainName: text("user_domain_name") ?? "Default",
            projectName: project, projectDomainName: text("project_domain_name") ?? "Default")
        let issued: KeystoneClient.IssuedToken
        do {
            issued = try await KeystoneClient(settings: keystone, httpClient: httpClient).issueToken(credentials)
        } catch  where error.code == .serviceCredentialsRejected {
            throw NeutronError(
                status: 401, type: "Unauthorized",
                message: "The user name, password or project is not accepted by Keystone.")
        } catch {
            throw NeutronError(
                status: 503, type: "ServiceUnavailable", message: "The Keystone service is temporarily unavailable.")
        }
        let answer: [String: Any] = [
            "token": [
                "id": issued.token, "expires_at": NeutronTimestamp.format(issued.info.expiresAt),
                "user_id": issued.info.userID, "user_name": issued.info.userName ?? username,
                "project_id": issued.info.projectID ?? "", "project_name": issued.info.projectName ?? project,
                "roles": issued.info.roles.sorted(),
            ]
        ]
        let data = try JSONSerialization.data(withJSONObject: answer, options: [.sortedKeys])
        var headers = HTTPFields()
        headers[.contentType] = "application/json"
        headers[.cacheControl] = "no-store"
        return Response(status: .ok, headers: headers, body: .init(byteBuffer: ByteBuffer(bytes: data)))
    }
}
