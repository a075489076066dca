import Foundation
import Testing

@testable import SourceCredentials

struct SourceAuthenticatorTests {
    static let amToken = "am-token-1"
    static let amHash = try! SecretHash("sha256:d6269268ddee727b1bf6d9faec31e6ae96a77ef350f4d1f24a1b2cf958341d0f")

    static func bearer(_ token: String) -> PresentedCredential {
        PresentedCredential(authorization: "Bearer \(token)")!
    }

    static func basic(_ user: String, _ password: String) -> PresentedCredential {
        PresentedCredential(authorization: "Basic " + Data("\(user):\(password)".utf8).base64EncodedString())!
    }

    @Test func theAuthorizationHeaderIsRead() throws {
        #expect(PresentedCredential(authorization: "Bearer abc")?.kind == .bearer(token: "abc"))
        #expect(PresentedCredential(authorization: "bearer   abc ")?.kind == .bearer(token: "abc"))
        #expect(
            PresentedCredential(authorization: "Basic " + Data("u:p:q".utf8).base64EncodedString())?.kind
                == .basic(username: "u", password: "p:q"))
        #expect(PresentedCredential(authorization: "Basic !!!") == nil)
        #expect(PresentedCredential(authorization: "Basic " + Data("nocolon".utf8).base64EncodedString()) == nil)
        #expect(PresentedCredential(authorization: "Bearer") == nil)
        #expect(PresentedCredential(authorization: "Digest abc") == nil)
    }

    @Test func aTokenMatchesItsCredentialOnly() async throws {
        let onosPassword = try SecretHash(SecretHashTests.pythonSHA512)
        let authenticator = SourceAuthenticator([
            SourceCredential(source: "alertmanager", name: "am", secret: .bearer(Self.amHash)),
            SourceCredential(source: "onos", name: "onos", secret: .basic(username: "onos", password: onosPassword)),
        ])
        let am = await authenticator.authenticate(Self.bearer(Self.amToken), for: "alertmanager")
        #expect(am?.name == "am")
        // The same token on another endpoint is still recognised (the resolver refuses it there).
        #expect(await authenticator.authenticate(Self.bearer(Self.amToken), for: nil)?.source == "alertmanager")
        #expect(await authenticator.authenticate(Self.bearer("am-token-2"), for: "alertmanager") == nil)
        #expect(await authenticator.authenticate(Self.basic("onos", "hunter2"), for: "onos")?.name == "onos")
        #expect(await authenticator.authenticate(Self.basic("other", "hunter2"), for: "onos") == nil)
        #expect(await authenticator.authenticate(Self.basic("onos", "hunter3"), for: "onos") == nil)
        // A bearer token that is a basic password is not a basic credential, and the reverse.
        #expect(await authenticator.authenticate(Self.bearer("hunter2"), for: "onos") == nil)
        #expect(await authenticator.authenticate(Self.basic("am", Self.amToken), for: "alertmanager") == nil)
        // Remembered verdicts give the same answers.
        #expect(await authenticator.authenticate(Self.bearer(Self.amToken), for: "alertmanager")?.name == "am")
        #expect(await authenticator.authenticate(Self.bearer("am-token-2"), for: "alertmanager") == nil)
    }

    @Test func anExpiredCredentialMatchesNothingEvenWhenRemembered() async throws {
        let expiry = Date(timeIntervalSince1970: 2_000_000_000)
        let authenticator = SourceAuthenticator([
            SourceCredential(source: "alertmanager", name: "am", secret: .bearer(Self.amHash), expires: expiry)
        ])
        let before = expiry.addingTimeInterval(-1)
        #expect(await authenticator.authenticate(Self.bearer(Self.amToken), for: "alertmanager", now: before) != nil)
        #expect(await authenticator.authenticate(Self.bearer(Self.amToken), for: "alertmanager", now: expiry) == nil)
    }

    @Test func rotationKeepsBothUntilTheOldOneIsRemoved() async throws {
        let newHash = try SecretHash.make(secret: "am-token-new", rounds: SecretHash.minimumRounds)
        let old = SourceCredential(source: "alertmanager", name: "old", secret: .bearer(Self.amHash))
        let new = SourceCredential(source: "alertmanager", name: "new", secret: .bearer(newHash))
        let authenticator = SourceAuthenticator([old, new])
        #expect(await authenticator.authenticate(Self.bearer(Self.amToken), for: "alertmanager")?.name == "old")
        #expect(await authenticator.authenticate(Self.bearer("am-token-new"), for: "alertmanager")?.name == "new")
        authenticator.replace(with: [new])
        // The remembered verdict for the old token is forgotten with the credentials.
        #expect(await authenticator.authenticate(Self.bearer(Self.amToken), for: "alertmanager") == nil)
        #expect(await authenticator.authenticate(Self.bearer("am-token-new"), for: "alertmanager")?.name == "new")
        #expect(authenticator.hasCredentials(for: "alertmanager"))
        #expect(!authenticator.hasCredentials(for: "onos"))
    }
}
