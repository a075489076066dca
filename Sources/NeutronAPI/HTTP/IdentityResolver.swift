import Foundation
import HTTPTypes
import Hummingbird
import KeystoneAuth
import PortwatchCore
import SourceCredentials

/// Turns a request into the caller's ``Identity``, in one of three explicit modes.
///
/// - `noauth`: everyone is Neutron's noauth admin (project `fake_project_id`); identity headers are
///   ignored, as Neutron's `noauth` pipeline ignores them. The default, on loopback only.
/// - `headers`: identity comes from a fronting proxy's keystonemiddleware-style headers
///   (`X-User-Id`, `X-Project-Id`, `X-Roles`, ...); a request without `X-User-Id` is 401, as Neutron's
///   header endpoint answers.
/// - `keystone`: every request's `X-Auth-Token` (and `X-Service-Token`, when sent) is validated
///   against Keystone as keystonemiddleware's `auth_token` does; identity headers a client sends
///   are ignored. A missing or invalid token is 401 with keystonemiddleware's body and
///   `WWW-Authenticate`; Keystone unavailable is 503.
///
/// In every mode, a request whose `Authorization: Bearer` or `Basic` credential is one of the
/// operator's static source credentials (``SourceCredentials/SourceAuthenticator``) is that source's
/// machine: it reaches that source's ingestion endpoint and nothing else (403 elsewhere); any other
/// `Bearer`/`Basic` credential on an ingestion endpoint is 401.
public struct IdentityResolver: Sendable {
    /// How callers are identified.
    public enum Mode: String, Sendable, CaseIterable {
        case noauth
        case headers
        case keystone

        /// Whether the mode believes what a client says about itself.
        public var trustsClients: Bool { self != .keystone }
    }

    /// What a request resolved to.
    public enum Resolution: Sendable {
        case identity(Identity)
        /// Answer 401 with this body and, when set, `WWW-Authenticate`.
        case unauthorized(body: [UInt8], wwwAuthenticate: String?)
        /// Answer 503: the identity service cannot be asked.
        case unavailable
        /// Answer 403 with this error: the caller is known, but may not make this request at all.
        case forbidden(NeutronError)
    }

    public let mode: Mode
    let validator: TokenValidator?
    /// The operator's static credentials for event sources, when configured.
    public let sources: SourceAuthenticator?

    /// A resolver in `mode`; `keystone` needs a `validator` (without one every request is 503,
    /// never a weaker mode).
    public init(mode: Mode = .noauth, validator: TokenValidator? = nil, sources: SourceAuthenticator? = nil) {
        self.mode = mode
        self.validator = validator
        self.sources = sources
    }

    static let userID = HTTPField.Name("X-User-Id")!
    static let projectID = HTTPField.Name("X-Project-Id")!
    static let tenantID = HTTPField.Name("X-Tenant-Id")!
    static let roles = HTTPField.Name("X-Roles")!
    static let userName = HTTPField.Name("X-User-Name")!
    static let projectName = HTTPField.Name("X-Project-Name")!
    static let userDomainID = HTTPField.Name("X-User-Domain-Id")!
    static let projectDomainID = HTTPField.Name("X-Project-Domain-Id")!
    static let systemScope = HTTPField.Name("OpenStack-System-Scope")!
    static let authToken = HTTPField.Name("X-Auth-Token")!
    static let storageToken = HTTPField.Name("X-Storage-Token")!
    static let serviceToken = HTTPField.Name("X-Service-Token")!
    /// `x-openstack-request-id`, stamped on every answer.
    public static let requestIDHeader = HTTPField.Name("x-openstack-request-id")!

    /// Resolves the caller of `request`.
    public func resolve(_ request: Request) async -> Resolution {
        let requestID = "req-" + RandomID.uuid()
        if let sources, let header = request.headers[.authorization],
            let presented = PresentedCredential(authorization: header),
            let resolution = await fromSourceCredential(presented, sources, request: request, requestID: requestID)
        {
            return resolution
        }
        switch mode {
        case .noauth:
            return .identity(.noauth(requestID: requestID))
        case .headers:
            return Self.fromHeaders(request.headers, requestID: requestID).map(Resolution.identity)
                ?? .unauthorized(body: Self.headerUnauthorizedBody, wwwAuthenticate: nil)
        case .keystone:
            guard let validator else { return .unavailable }
            return await fromToken(request.headers, validator: validator, requestID: requestID)
        }
    }

    /// The caller of a request with `headers`, when it is known without waiting: in `noauth` and
    /// `headers` modes, and in `keystone` mode when the token's validation is cached. Nil when only
    /// ``resolve(_:)`` can tell (a token to validate, a source credential to check) or the answer is
    /// not an identity (401, 403, 503).
    public func resolveImmediately(_ headers: HTTPFields) -> Identity? {
        if sources != nil, headers[.authorization] != nil { return nil }
        switch mode {
        case .noauth:
            return .noauth(requestID: "req-" + RandomID.uuid())
        case .headers:
            return Self.fromHeaders(headers, requestID: "req-" + RandomID.uuid())
        case .keystone:
            guard let validator, let tokens = Self.tokens(headers),
                case .valid(let user, let service) = validator.cachedValidation(
                    userToken: tokens.user, serviceToken: tokens.service)
            else { return nil }
            return Self.identity(user: user, service: service, requestID: "req-" + RandomID.uuid())
        }
    }

    /// The identity a fronting proxy's headers describe; nil without `X-User-Id`.
    static func fromHeaders(_ headers: HTTPFields, requestID: String) -> Identity? {
        guard let user = headers[userID], !user.isEmpty else { return nil }
        let roles = (headers[Self.roles] ?? "").split(separator: ",").map { $0.trimmingCharacters(in: .whitespaces) }
            .filter { !$0.isEmpty }
        var identity = Identity(
            userID: user, projectID: headers[projectID] ?? headers[tenantID], roles: roles, requestID: requestID,
            userName: headers[userName], projectName: headers[projectName])
        identity.userDomainID = headers[userDomainID]
        identity.projectDomainID = headers[projectDomainID]
        identity.systemScope = headers[systemScope]
        return identity
    }

    /// The user token (`X-Auth-Token`, else `X-Storage-Token`) and the service token, when sent, without
    /// surrounding blanks; nil without a user token.
    static func tokens(_ headers: HTTPFields) -> (user: String, service: String?)? {
        guard let user = (headers[authToken] ?? headers[storageToken]).map(stripped), !user.isEmpty else { return nil }
        let service = headers[serviceToken].map(stripped)
        return (user, service?.isEmpty == true ? nil : service)
    }

    func fromToken(_ headers: HTTPFields, validator: TokenValidator, requestID: String) async -> Resolution {
        let unauthorized = Resolution.unauthorized(
            body: Self.keystoneUnauthorizedBody,
            wwwAuthenticate: "Keystone uri=\"\(validator.settings.wwwAuthenticateURI)\"")
        guard let tokens = Self.tokens(headers) else { return unauthorized }
        switch await validator.validate(userToken: tokens.user, serviceToken: tokens.service) {
        case .valid(let user, let service):
            return .identity(Self.identity(user: user, service: service, requestID: requestID))
        case .invalid:
            return unauthorized
        case .unavailable:
            return .unavailable
        }
    }

    /// The identity of a valid user token (and service token, when sent), as keystonemiddleware
    /// passes it on.
    static func identity(user: TokenInfo, service: TokenInfo?, requestID: String) -> Identity {
        var identity = Identity(
            userID: user.userID, projectID: user.projectID, roles: user.roles, requestID: requestID,
            userName: user.userName, projectName: user.projectName)
        identity.userDomainID = user.userDomainID
        identity.projectDomainID = user.projectDomainID
        identity.domainID = user.domainID
        identity.isAdminProject = user.isAdminProject
        // keystonemiddleware sets OpenStack-System-Scope from the service token when there is one.
        identity.systemScope = service?.systemScope ?? user.systemScope
        identity.serviceRoles = service?.roles ?? []
        return identity
    }

    /// The resolution of a request that presents a `Bearer` or `Basic` credential: a source's machine
    /// on its own endpoint, 401 for anything else on an ingestion endpoint, 403 for a source
    /// credential elsewhere, nil (the mode decides) for another credential elsewhere.
    func fromSourceCredential(
        _ presented: PresentedCredential, _ sources: SourceAuthenticator, request: Request, requestID: String
    ) async -> Resolution? {
        let endpoint = EventSourceEndpoints.source(
            ofPath: request.uri.path[...], userAgent: request.headers[.userAgent])
        let credential = await sources.authenticate(presented, for: endpoint)
        switch (credential, endpoint) {
        case (let credential?, let endpoint?) where credential.source == endpoint:
            return .identity(.eventSource(credential.source, credential: credential.name, requestID: requestID))
        case (_, let endpoint?):
            let error = NeutronError(
                status: 401, type: "HTTPUnauthorized",
                message: "The credential presented is not valid for \(endpoint) events.")
            return .unauthorized(body: error.bodyBytes, wwwAuthenticate: "\(presented.scheme) realm=\"portwatch\"")
        case (let credential?, nil):
            return .forbidden(
                NeutronError(
                    status: 403, type: "HTTPForbidden",
                    message:
                        "The \(credential.source) source credential \"\(credential.name)\" admits only \(credential.source) fault events at \(EventSourceEndpoints.path(of: credential.source))."
                ))
        case (nil, nil):
            return nil
        }
    }

    /// `token` without surrounding blanks (keystonemiddleware strips them); no copy when there are none.
    static func stripped(_ token: String) -> String {
        guard let first = token.utf8.first, let last = token.utf8.last,
            first == 0x20 || first == 0x09 || last == 0x20 || last == 0x09
        else { return token }
        return token.trimmingCharacters(in: .whitespaces)
    }

    /// The body Neutron's header endpoint (keystonemiddleware's `delay_auth_decision`) answers a
    /// request without identity with.
    static let headerUnauthorizedBody = Array(
        #"{"message": "This server could not verify that you are authorized to access the document you requested. Either you supplied the wrong credentials (e.g., bad password), or your browser does not understand how to supply the credentials required.<br /><br />\n\n\n", "code": "401 Unauthorized", "title": "Unauthorized"}"#
            .utf8)

    /// keystonemiddleware's 401 body (its key order and spacing).
    static let keystoneUnauthorizedBody = Array(
        #"{"error": {"code": 401, "title": "Unauthorized", "message": "The request you have made requires authentication."}}"#
            .utf8)

    /// keystonemiddleware's 503 message when Keystone cannot be reached.
    static let keystoneUnavailable = NeutronError(
        status: 503, type: "ServiceUnavailable", message: "The Keystone service is temporarily unavailable.")
}
