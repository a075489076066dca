import Crypto
import Foundation

/// UUIDs derived from a namespace and a name, shaped like version-4 UUIDs (what oslo.messaging's
/// `uuid.uuid4()` produces), so that a redelivered record carries the same `message_id`.
enum DeterministicUUID {
    /// The first 16 bytes of SHA-256(namespace ‖ purpose ‖ sequence), with version 4 and RFC 4122 variant.
    static func make(namespace: UUID, purpose: String, sequence: Int64) -> UUID {
        var input = withUnsafeBytes(of: namespace.uuid) { Array($0) }
        input.append(contentsOf: purpose.utf8)
        withUnsafeBytes(of: sequence.bigEndian) { input.append(contentsOf: $0) }
        var bytes = Array(SHA256.hash(data: input).prefix(16))
        bytes[6] = (bytes[6] & 0x0F) | 0x40
        bytes[8] = (bytes[8] & 0x3F) | 0x80
        return UUID(
            uuid: (
                bytes[0], bytes[1], bytes[2], bytes[3], bytes[4], bytes[5], bytes[6], bytes[7],
                bytes[8], bytes[9], bytes[10], bytes[11], bytes[12], bytes[13], bytes[14], bytes[15]
            ))
    }

    /// `uuid.hex`: 32 lowercase hex digits, no dashes.
    static func hex(_ uuid: UUID) -> String {
        withUnsafeBytes(of: uuid.uuid) { bytes in
            let digits = Array("0123456789abcdef".utf8)
            var hex: [UInt8] = []
            hex.reserveCapacity(32)
            for byte in bytes {
                hex.append(digits[Int(byte >> 4)])
                hex.append(digits[Int(byte & 0x0F)])
            }
            return String(decoding: hex, as: UTF8.self)
        }
    }
}
