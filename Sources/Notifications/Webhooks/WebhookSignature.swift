import Crypto

/// The `X-Portwatch-Signature` header: `sha256=<hex HMAC-SHA256 of the body under the secret>`.
///
/// A receiver recomputes the HMAC over the raw body it got and compares in constant time.
public enum WebhookSignature {
    /// The header name.
    public static let headerName = "X-Portwatch-Signature"

    /// The header value for `body` signed with `secret`.
    public static func value(body: [UInt8], secret: String) -> String {
        let code = HMAC<SHA256>.authenticationCode(for: body, using: SymmetricKey(data: Array(secret.utf8)))
        return "sha256="
            + code.map { byte in
                let hex = String(byte, radix: 16)
                return byte < 16 ? "0" + hex : hex
            }.joined()
    }
}
