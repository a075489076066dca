import Foundation
import Testing

@testable import SourceCredentials

struct SourceCredentialsFileTests {
    static let sources = ["native", "doctor", "alertmanager", "onos", "opendaylight"]
    static let token = "sha256:d6269268ddee727b1bf6d9faec31e6ae96a77ef350f4d1f24a1b2cf958341d0f"

    func load(_ text: String) throws(SourceCredentialsError) -> [SourceCredential] {
        try SourceCredentialsFile.credentials(in: text, knownSources: Self.sources, path: "creds.yaml")
    }

    func failure(_ text: String) -> SourceCredentialsError? {
        do {
            _ = try load(text)
            return nil
        } catch {
            return error
        }
    }

    @Test func aFileListsCredentialsPerSource() throws {
        let credentials = try load(
            """
            # rotated monthly
            alertmanager:
              - name: am-new
                bearer: "\(Self.token)"
              - name: am-old
                bearer: "\(SecretHashTests.pythonSHA256)"
                expires: "2026-12-31T00:00:00Z"
            onos:
              - name: onos-webhook
                username: onos
                password: "\(SecretHashTests.pythonSHA512)"
            doctor:
            """)
        #expect(credentials.map(\.name) == ["am-new", "am-old", "onos-webhook"])
        #expect(credentials.map(\.source) == ["alertmanager", "alertmanager", "onos"])
        #expect(credentials[0].line == 3)
        #expect(credentials[1].expires == ISO8601DateFormatter().date(from: "2026-12-31T00:00:00Z"))
        guard case .basic(let username, let password) = credentials[2].secret else {
            Issue.record("expected basic auth")
            return
        }
        #expect(username == "onos")
        #expect(password.verifies("hunter2"))
        #expect(try load("").isEmpty)
        #expect(try load("# nothing yet\n").isEmpty)
    }

    @Test func everyMistakeNamesItsLine() throws {
        let unknown = try #require(failure("alertmanger:\n  - name: a\n    bearer: \"\(Self.token)\"\n"))
        #expect(unknown.line == 1)
        #expect(unknown.description.hasPrefix("creds.yaml, line 1: \"alertmanger\" is not an event source"))
        #expect(unknown.message.contains("alertmanager"))

        let clear = try #require(failure("alertmanager:\n  - name: a\n    bearer: my-token\n"))
        #expect(clear.line == 3)
        #expect(clear.message.contains("must be stored hashed, never in clear"))

        let twice = try #require(
            failure(
                "onos:\n  - name: a\n    bearer: \"\(Self.token)\"\n  - name: a\n    bearer: \"\(Self.token)\"\n"))
        #expect(twice.line == 4)
        #expect(twice.message.contains("used twice"))

        let key = try #require(failure("onos:\n  - name: a\n    token: \"\(Self.token)\"\n"))
        #expect(key.line == 3)
        #expect(key.message.contains("unknown key \"token\""))

        let both = try #require(
            failure("onos:\n  - name: a\n    bearer: \"\(Self.token)\"\n    username: u\n    password: \"\(Self.token)\"\n"))
        #expect(both.line == 2)
        #expect(both.message.contains("either bearer, or username and password"))

        let unnamed = try #require(failure("onos:\n  - bearer: \"\(Self.token)\"\n"))
        #expect(unnamed.message.contains("needs a name"))

        let expiry = try #require(failure("onos:\n  - name: a\n    bearer: \"\(Self.token)\"\n    expires: soon\n"))
        #expect(expiry.line == 4)

        let syntax = try #require(failure("onos:\n  - name: [\n"))
        #expect(syntax.line != nil)
        #expect(syntax.message.contains("not valid YAML"))

        #expect(failure("- alertmanager\n")?.message.contains("must be a mapping") == true)
        #expect(failure("onos: token\n")?.message.contains("expected a list") == true)
    }

    @Test func aMissingFileSaysSo() {
        let file = SourceCredentialsFile(path: "/nonexistent/creds.yaml", knownSources: Self.sources)
        #expect(throws: SourceCredentialsError.self) { try file.load() }
    }
}
