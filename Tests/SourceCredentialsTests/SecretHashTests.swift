import Foundation
import Testing

@testable import SourceCredentials

struct SecretHashTests {
    /// Made with Python's `hashlib.pbkdf2_hmac`, written as passlib writes it.
    static let pythonSHA256 = "$pbkdf2-sha256$10000$cG9ydHdhdGNoLXNhbHQtMQ$c0mfI/46n5/GB2AdeJmGL8xXbJSwYXeVrsBOumeYvwk"
    static let pythonSHA512 =
        "$pbkdf2-sha512$10000$cG9ydHdhdGNoLXNhbHQtMQ$mSL4eK734Op4Bo717rWU/G1Y.7g2SDDH7aAOa78Mst4rSrxAnV.TrDeuSLbSzKJZeur2A99YclJD3skkFFGkqw"

    @Test func aHashMadeElsewhereVerifiesItsSecretOnly() throws {
        let sha256 = try SecretHash(Self.pythonSHA256)
        #expect(sha256.verifies("correct horse battery staple"))
        #expect(!sha256.verifies("correct horse battery stapler"))
        #expect(!sha256.verifies(""))
        let sha512 = try SecretHash(Self.pythonSHA512)
        #expect(sha512.verifies("hunter2"))
        #expect(!sha512.verifies("hunter3"))
        // The stored form is written back as read.
        #expect(sha256.description == Self.pythonSHA256)
        #expect(sha512.description == Self.pythonSHA512)
    }

    @Test func aSHA256HashIsTheDigestOfTheToken() throws {
        let hash = try SecretHash("sha256:d6269268ddee727b1bf6d9faec31e6ae96a77ef350f4d1f24a1b2cf958341d0f")
        #expect(hash.verifies("am-token-1"))
        #expect(!hash.verifies("am-token-2"))
    }

    @Test func aNewHashIsSaltedAndVerifies() throws {
        let first = try SecretHash.make(secret: "s3cret", rounds: SecretHash.minimumRounds)
        let second = try SecretHash.make(secret: "s3cret", rounds: SecretHash.minimumRounds)
        #expect(first != second)
        #expect(first.verifies("s3cret") && second.verifies("s3cret"))
        #expect(!first.verifies("s3cret "))
        #expect(try SecretHash(first.description) == first)
        #expect(first.description.hasPrefix("$pbkdf2-sha256$10000$"))
    }

    @Test(arguments: [
        "s3cret",  // a secret in clear
        "sha256:abc",
        "sha256:" + String(repeating: "g", count: 64),
        "$pbkdf2-sha256$10$c2FsdHNhbHQ$c0mfI/46n5/GB2AdeJmGL8xXbJSwYXeVrsBOumeYvwk",  // too few rounds
        "$pbkdf2-sha256$10000$c2FsdA$c0mfI/46n5/GB2AdeJmGL8xXbJSwYXeVrsBOumeYvwk",  // a 4-byte salt
        "$pbkdf2-sha256$10000$cG9ydHdhdGNoLXNhbHQtMQ$c0mfI",  // a short checksum
        "$pbkdf2-md5$10000$cG9ydHdhdGNoLXNhbHQtMQ$c0mfI/46n5/GB2AdeJmGL8xXbJSwYXeVrsBOumeYvwk",
        "$2b$12$abcdefghijklmnopqrstuv",  // bcrypt is not read
    ])
    func aMalformedHashIsRefused(_ text: String) {
        #expect(throws: SecretHash.FormatError.self) { try SecretHash(text) }
    }
}
