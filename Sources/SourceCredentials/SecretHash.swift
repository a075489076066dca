import Crypto
import CryptoExtras
import Foundation

/// How a source credential's secret is stored: never the secret, only what verifies it.
///
/// Two forms:
/// - `$pbkdf2-sha256$ROUNDS$SALT$CHECKSUM` (or `pbkdf2-sha512`), the format of passlib's
///   `pbkdf2_sha256` (salt and checksum in its "adapted base64": `.` for `+`, no padding), for
///   secrets a person chose. ``make(secret:rounds:)`` writes it; `portwatch source-credentials hash`
///   prints one.
/// - `sha256:HEX`, the SHA-256 of the secret, only for machine-generated random tokens (a fast hash
///   is no defence for a guessable one).
///
/// ```swift
/// let hash = try SecretHash("$pbkdf2-sha256$210000$c2FsdHNhbHQ$…")
/// hash.verifies("the token")   // true or false, in constant time over the derived bytes
/// ```
public struct SecretHash: Sendable, Hashable, CustomStringConvertible {
    /// The key-derivation function and its parameters.
    public enum Scheme: Sendable, Hashable {
        case pbkdf2(PBKDF2Hash, rounds: Int, salt: [UInt8])
        case sha256
    }

    /// PBKDF2's pseudo-random function.
    public enum PBKDF2Hash: String, Sendable, Hashable {
        case sha256 = "pbkdf2-sha256"
        case sha512 = "pbkdf2-sha512"

        var function: KDF.Insecure.PBKDF2.HashFunction { self == .sha256 ? .sha256 : .sha512 }
        var outputByteCount: Int { self == .sha256 ? 32 : 64 }
    }

    public let scheme: Scheme
    /// What the secret derives to.
    public let checksum: [UInt8]

    /// The rounds ``make(secret:rounds:)`` uses by default: swift-crypto's checked minimum, after
    /// OWASP's guidance for PBKDF2-HMAC-SHA256 (a fraction of a second: each secret is verified once and
    /// then remembered).
    public static let defaultRounds = 210_000
    /// The fewest rounds a stored PBKDF2 hash may have (passlib's own default is 29,000).
    public static let minimumRounds = 10_000

    /// Why a stored hash cannot be used.
    public struct FormatError: Error, Sendable, CustomStringConvertible {
        public var description: String
    }

    /// Parses a stored hash.
    public init(_ text: String) throws(FormatError) {
        if text.hasPrefix("sha256:") {
            let hex = text.dropFirst("sha256:".count)
            guard hex.count == 64, let bytes = Self.bytes(hex: hex) else {
                throw FormatError(description: "a sha256: hash is 64 hexadecimal digits")
            }
            scheme = .sha256
            checksum = bytes
            return
        }
        let parts = text.split(separator: "$", omittingEmptySubsequences: false)
        guard parts.count == 5, parts[0].isEmpty, let function = PBKDF2Hash(rawValue: String(parts[1])) else {
            throw FormatError(
                description:
                    "not a hash Portwatch reads: expected $pbkdf2-sha256$ROUNDS$SALT$CHECKSUM (portwatch source-credentials hash prints one) or sha256:HEX"
            )
        }
        guard let rounds = Int(parts[2]), rounds >= Self.minimumRounds, rounds <= 100_000_000 else {
            throw FormatError(description: "PBKDF2 rounds must be a number from \(Self.minimumRounds) to 100000000")
        }
        guard let salt = Self.bytes(adaptedBase64: parts[3]), salt.count >= 8 else {
            throw FormatError(description: "the salt must be at least 8 bytes in adapted base64")
        }
        guard let checksum = Self.bytes(adaptedBase64: parts[4]), checksum.count == function.outputByteCount else {
            throw FormatError(description: "the checksum must be \(function.outputByteCount) bytes in adapted base64")
        }
        scheme = .pbkdf2(function, rounds: rounds, salt: salt)
        self.checksum = checksum
    }

    init(scheme: Scheme, checksum: [UInt8]) {
        self.scheme = scheme
        self.checksum = checksum
    }

    /// A new PBKDF2-SHA256 hash of `secret`, with a random 16-byte salt.
    public static func make(secret: String, rounds: Int = defaultRounds) throws -> SecretHash {
        var generator = SystemRandomNumberGenerator()
        let salt = (0..<16).map { _ in UInt8.random(in: .min ... .max, using: &generator) }
        let scheme = Scheme.pbkdf2(.sha256, rounds: max(rounds, minimumRounds), salt: salt)
        return SecretHash(scheme: scheme, checksum: try derive(secret, scheme))
    }

    /// Whether `secret` is the secret this hash was made from. Slow for PBKDF2, by design.
    public func verifies(_ secret: String) -> Bool {
        guard let derived = try? Self.derive(secret, scheme) else { return false }
        return Self.constantTimeEqual(derived, checksum)
    }

    static func derive(_ secret: String, _ scheme: Scheme) throws -> [UInt8] {
        switch scheme {
        case .sha256:
            return Array(SHA256.hash(data: Array(secret.utf8)))
        case .pbkdf2(let function, let rounds, let salt):
            let key = try KDF.Insecure.PBKDF2.deriveKey(
                from: Array(secret.utf8), salt: salt, using: function.function,
                outputByteCount: function.outputByteCount, unsafeUncheckedRounds: rounds)
            return key.withUnsafeBytes { Array($0) }
        }
    }

    static func constantTimeEqual(_ a: [UInt8], _ b: [UInt8]) -> Bool {
        guard a.count == b.count else { return false }
        var difference: UInt8 = 0
        for index in a.indices { difference |= a[index] ^ b[index] }
        return difference == 0
    }

    /// The stored form.
    public var description: String {
        switch scheme {
        case .sha256:
            return "sha256:" + checksum.map { String(format: "%02x", $0) }.joined()
        case .pbkdf2(let function, let rounds, let salt):
            return "$\(function.rawValue)$\(rounds)$\(Self.adaptedBase64(salt))$\(Self.adaptedBase64(checksum))"
        }
    }

    /// passlib's adapted base64: `.` for `+`, no padding.
    static func adaptedBase64(_ bytes: [UInt8]) -> String {
        Data(bytes).base64EncodedString().replacingOccurrences(of: "+", with: ".").replacingOccurrences(
            of: "=", with: "")
    }

    static func bytes(adaptedBase64 text: Substring) -> [UInt8]? {
        var standard = text.replacingOccurrences(of: ".", with: "+")
        guard !standard.contains("="), !standard.isEmpty else { return nil }
        while standard.count % 4 != 0 { standard += "=" }
        return Data(base64Encoded: standard).map(Array.init)
    }

    static func bytes(hex: Substring) -> [UInt8]? {
        var bytes: [UInt8] = []
        bytes.reserveCapacity(hex.count / 2)
        var index = hex.startIndex
        while index < hex.endIndex {
            let next = hex.index(index, offsetBy: 2)
            guard let byte = UInt8(hex[index..<next], radix: 16) else { return nil }
            bytes.append(byte)
            index = next
        }
        return bytes
    }
}
