import AsyncHTTPClient
import Foundation
import Logging
import Synchronization
import Testing

@testable import KeystoneAuth

struct TokenValidatorTests {
    static let credentials = PasswordCredentials(
        username: "portwatch", password: "secret", userDomainName: "Default", projectName: "service",
        projectDomainName: "Default")

    static func validator(_ url: String, ttl: Duration = .seconds(300), timeout: Duration = .seconds(30))
        -> TokenValidator
    {
        var logger = Logger(label: "test")
        logger.logLevel = .critical
        return TokenValidator(
            settings: KeystoneSettings(authURL: url, credentials: credentials, cacheTTL: ttl, requestTimeout: timeout),
            httpClient: .shared, logger: logger)
    }

    @Test func validatesThenServesFromTheCacheWithoutARoundTrip() async throws {
        let keystone = FakeKeystone()
        keystone.state.withLock { $0.validTokens["user-token"] = "demo" }
        try await keystone.serve { url in
            let validator = Self.validator(url)
            guard case .valid(let user, nil) = await validator.validate(userToken: "user-token", serviceToken: nil)
            else { Issue.record("not valid"); return }
            #expect(user.userName == "demo")
            #expect(user.projectID == "p-demo")
            #expect(user.roles == ["member", "reader"])
            for _ in 0..<5 { _ = await validator.validate(userToken: "user-token", serviceToken: nil) }
            #expect(keystone.state.withLock { $0.validations } == 1, "cached validations cost no Keystone call")
            #expect(keystone.state.withLock { $0.issued } == 1, "one service token for all of them")
            #expect(await validator.validate(userToken: "garbage", serviceToken: nil) == .invalid)
        }
    }

    @Test func aRejectedServiceTokenIsReplacedOnce() async throws {
        let keystone = FakeKeystone()
        keystone.state.withLock { $0.validTokens["user-token"] = "demo" }
        try await keystone.serve { url in
            let validator = Self.validator(url)
            try await validator.prepare()
            keystone.state.withLock { $0.rejectServiceTokens.insert("service-1") }
            guard case .valid = await validator.validate(userToken: "user-token", serviceToken: nil) else {
                Issue.record("not valid after renewing the service token")
                return
            }
            #expect(keystone.state.withLock { $0.issued } == 2)
        }
    }

    @Test func aServiceTokenWithoutAServiceRoleIsInvalid() async throws {
        let keystone = FakeKeystone()
        keystone.state.withLock {
            $0.validTokens["user-token"] = "demo"
            $0.validTokens["member-as-service"] = "demo"
        }
        try await keystone.serve { url in
            let validator = Self.validator(url)
            #expect(await validator.validate(userToken: "user-token", serviceToken: "member-as-service") == .invalid)
        }
    }

    @Test func keystoneUnreachableIsUnavailableNotAHang() async throws {
        // Bounded by the request timeout (a refused connection is retried until then).
        let validator = Self.validator("http://127.0.0.1:1/v3", timeout: .seconds(1))
        #expect(await validator.validate(userToken: "t", serviceToken: nil) == .unavailable)
    }

    @Test func cacheTTLIsCappedByExpiryAndBoundedInSize() throws {
        let cache = TokenCache(capacity: 2, ttl: .seconds(300))
        let now = Date(timeIntervalSince1970: 1_000_000)
        var info = try TokenInfo(
            json: Array(FakeKeystone().tokenBody(user: "a", project: "p", roles: [], expires: now + 10).utf8))
        cache.store("a", info, now: now)
        #expect(cache.lookup("a", now: now + 9) != nil)
        #expect(cache.lookup("a", now: now + 11) == nil, "never past the token's expiry")
        info.expiresAt = now + 3600
        cache.store("b", info, now: now)
        #expect(cache.lookup("b", now: now + 299) != nil)
        #expect(cache.lookup("b", now: now + 301) == nil, "never past the TTL")
        cache.store("c", info, now: now)
        cache.store("d", info, now: now)
        cache.store("e", info, now: now)
        #expect(cache.count <= 2)
        #expect(cache.lookup("e", now: now) != nil)
    }

    @Test func parsesKeystoneTokens() throws {
        let system =
            #"{"token": {"methods": ["password"], "user": {"domain": {"id": "default", "name": "Default"}, "id": "u1", "name": "admin"}, "expires_at": "2026-12-01T18:51:13.123456Z", "issued_at": "2026-12-01T17:51:13.000000Z", "system": {"all": true}, "roles": [{"id": "1", "name": "admin"}, {"id": "2", "name": "reader"}], "is_admin_project": false}}"#
        let info = try TokenInfo(json: Array(system.utf8))
        #expect(info.systemScope == "all")
        #expect(info.projectID == nil)
        #expect(info.roles == ["admin", "reader"])
        #expect(info.isAdminProject == false)
        #expect(abs(info.expiresAt.timeIntervalSince1970 - 1_796_151_073.123456) < 0.001)
        #expect(throws: KeystoneError.self) { try TokenInfo(json: Array("{}".utf8)) }
    }

    @Test func readsCloudsYAMLWithSecureYAML() throws {
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent("clouds-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        try """
        clouds:
          ks:
            auth:
              auth_url: http://127.0.0.1:5001/v3
              username: portwatch
              project_name: service
              user_domain_name: Default
              project_domain_name: Default
            region_name: RegionOne
        """.write(to: directory.appendingPathComponent("clouds.yaml"), atomically: true, encoding: .utf8)
        try "clouds:\n  ks:\n    auth:\n      password: s3cret\n".write(
            to: directory.appendingPathComponent("secure.yaml"), atomically: true, encoding: .utf8)
        let cloud = try CloudsFile.cloud(
            named: "ks", environment: ["OS_CLIENT_CONFIG_FILE": directory.appendingPathComponent("clouds.yaml").path],
            currentDirectory: "/nonexistent")
        #expect(cloud.authURL == "http://127.0.0.1:5001/v3")
        #expect(cloud.credentials.password == "s3cret")
        #expect(cloud.credentials.projectName == "service")
        #expect(cloud.regionName == "RegionOne")
        #expect(throws: CloudsFile.Problem.self) {
            try CloudsFile.cloud(
                named: "nope",
                environment: ["OS_CLIENT_CONFIG_FILE": directory.appendingPathComponent("clouds.yaml").path],
                currentDirectory: "/nonexistent")
        }
    }
}
