#if canImport(Glibc)
    import Glibc
#endif
import Synchronization

/// Random identifiers in the form Neutron and oslo write them.
///
/// Foundation's `UUID()` opens and reads `/dev/urandom` on every call on Linux (an `open`, a `read`
/// and a `close` per request id, measured as 5 % of a port read), and the standard library's
/// generator makes a `getrandom` system call per 8 bytes (two per id, a fifth of a port read
/// answered on the event loop). Ids here come from a pool of the kernel's randomness refilled 4 KiB
/// at a time from `/dev/urandom`, kept open: one system call per 256 ids.
public enum RandomID {
    private static let pool = Mutex(Pool())

    private struct Pool: ~Copyable {
        var words = [UInt64](repeating: 0, count: 512)
        var next = 512

        /// `/dev/urandom`, opened once (the standard library's generator when it cannot be).
        private static let urandom: Int32 = {
            #if canImport(Glibc)
                return open("/dev/urandom", O_RDONLY | O_CLOEXEC)
            #else
                return -1
            #endif
        }()

        /// Fills `buffer` from the kernel's generator: one `read` of `/dev/urandom`.
        static func fill(_ buffer: UnsafeMutableRawBufferPointer) {
            #if canImport(Glibc)
                var filled = 0
                while urandom >= 0, filled < buffer.count {
                    let count = read(urandom, buffer.baseAddress! + filled, buffer.count - filled)
                    if count > 0 { filled += count } else if count == 0 || errno != EINTR { break }
                }
                if filled == buffer.count { return }
            #endif
            var generator = SystemRandomNumberGenerator()
            for offset in stride(from: 0, to: buffer.count, by: 8) {
                buffer.storeBytes(of: generator.next() as UInt64, toByteOffset: offset, as: UInt64.self)
            }
        }

        mutating func take() -> (UInt64, UInt64) {
            if next + 2 > words.count {
                words.withUnsafeMutableBytes { Self.fill($0) }
                next = 0
            }
            defer { next += 2 }
            return (words[next], words[next + 1])
        }
    }

    /// A random (version 4, RFC 9562) UUID in lowercase: `a0f1c2d3-…`.
    public static func uuid() -> String {
        var (high, low) = pool.withLock { $0.take() }
        high = (high & ~0xF000) | 0x4000  // version 4: the high nibble of byte 6
        low = (low & 0x3FFF_FFFF_FFFF_FFFF) | 0x8000_0000_0000_0000  // variant 10: byte 8's top bits
        let hex: StaticString = "0123456789abcdef"
        return String(unsafeUninitializedCapacity: 36) { buffer in
            hex.withUTF8Buffer { digits in
                var index = 0
                func put(_ value: UInt64, nibbles: Int) {
                    for shift in stride(from: (nibbles - 1) * 4, through: 0, by: -4) {
                        buffer[index] = digits[Int((value >> UInt64(shift)) & 0xF)]
                        index += 1
                    }
                }
                func dash() {
                    buffer[index] = UInt8(ascii: "-")
                    index += 1
                }
                put(high >> 32, nibbles: 8)
                dash()
                put((high >> 16) & 0xFFFF, nibbles: 4)
                dash()
                put(high & 0xFFFF, nibbles: 4)
                dash()
                put(low >> 48, nibbles: 4)
                dash()
                put(low & 0xFFFF_FFFF_FFFF, nibbles: 12)
            }
            return 36
        }
    }
}
