/// JSON text as Python's `json.dumps` writes it by default, which is what oslo.messaging and kombu
/// put on the wire: `", "` and `": "` separators and `ensure_ascii` (every non-ASCII character as
/// `\uXXXX`, astral ones as surrogate pairs).
enum PythonJSON {
    /// Rewrites compact, valid JSON text with Python's separators and ASCII-only strings.
    ///
    /// Escapes already in the input are kept as they are.
    static func reformat(_ compact: [UInt8], into output: inout [UInt8]) {
        output.reserveCapacity(output.count + compact.count + compact.count / 8)
        compact.withUnsafeBufferPointer { input in
            var index = 0
            var inString = false
            // Runs of bytes that need no change are copied whole (ids, names, most of a payload).
            while index < input.count {
                let start = index
                if inString {
                    while index < input.count, input[index] != UInt8(ascii: "\\"), input[index] != UInt8(ascii: "\""),
                        input[index] < 0x80
                    {
                        index += 1
                    }
                } else {
                    while index < input.count, !Self.isStructural(input[index]) { index += 1 }
                }
                output.append(contentsOf: UnsafeBufferPointer(rebasing: input[start..<index]))
                guard index < input.count else { break }
                let byte = input[index]
                if inString {
                    switch byte {
                    case UInt8(ascii: "\\"):
                        // An escape and the byte it escapes, as they are.
                        output.append(byte)
                        if index + 1 < input.count { output.append(input[index + 1]) }
                        index += 2
                    case UInt8(ascii: "\""):
                        output.append(byte)
                        inString = false
                        index += 1
                    default:
                        // Non-ASCII: Python's ensure_ascii writes each scalar as \uXXXX.
                        let length = min(Self.sequenceLength(byte), input.count - index)
                        appendEscapedScalar(Array(input[index..<index + length]), into: &output)
                        index += length
                    }
                    continue
                }
                switch byte {
                case UInt8(ascii: "\""):
                    inString = true
                    output.append(byte)
                case UInt8(ascii: ","):
                    output.append(UInt8(ascii: ","))
                    output.append(UInt8(ascii: " "))
                case UInt8(ascii: ":"):
                    output.append(UInt8(ascii: ":"))
                    output.append(UInt8(ascii: " "))
                default:  // whitespace outside strings: dropped
                    break
                }
                index += 1
            }
        }
    }

    /// `{"oslo.version": "2.0", "oslo.message": "…"}` around `compact` reformatted (``reformat(_:into:)``)
    /// and escaped as a string (``appendASCIIString(_:into:)``), in one pass; nil when `compact` has a
    /// non-ASCII byte (the caller then takes the two passes, which write it as `\uXXXX`).
    static func envelope(reformatting compact: [UInt8]) -> [UInt8]? {
        let prefix: StaticString = #"{"oslo.version": "2.0", "oslo.message": ""#
        // Every input byte becomes at most two: `, `, `: `, `\"`, or `\\` and the escaped byte after it.
        let capacity = prefix.utf8CodeUnitCount + 2 * compact.count + 2
        var ascii = true
        let body = [UInt8](unsafeUninitializedCapacity: capacity) { output, written in
            var out = 0
            prefix.withUTF8Buffer { head in
                for byte in head {
                    output[out] = byte
                    out += 1
                }
            }
            compact.withUnsafeBufferPointer { input in
                var index = 0
                var inString = false
                while index < input.count {
                    let byte = input[index]
                    if byte >= 0x80 {
                        ascii = false
                        break
                    }
                    if inString {
                        switch byte {
                        case UInt8(ascii: "\\"):
                            // An escape as it is, escaped once more: its backslash, and the byte after it.
                            output[out] = 0x5C
                            output[out + 1] = 0x5C
                            out += 2
                            index += 1
                            guard index < input.count else { break }
                            let escaped = input[index]
                            if escaped >= 0x80 {
                                ascii = false
                                break
                            }
                            if escaped == 0x22 || escaped == 0x5C {
                                output[out] = 0x5C
                                out += 1
                            }
                            output[out] = escaped
                            out += 1
                        case UInt8(ascii: "\""):
                            output[out] = 0x5C
                            output[out + 1] = 0x22
                            out += 2
                            inString = false
                        default:
                            output[out] = byte
                            out += 1
                        }
                    } else {
                        switch byte {
                        case UInt8(ascii: "\""):
                            output[out] = 0x5C
                            output[out + 1] = 0x22
                            out += 2
                            inString = true
                        case UInt8(ascii: ","), UInt8(ascii: ":"):
                            output[out] = byte
                            output[out + 1] = UInt8(ascii: " ")
                            out += 2
                        case UInt8(ascii: " "), UInt8(ascii: "\n"), UInt8(ascii: "\r"), UInt8(ascii: "\t"):
                            break  // whitespace outside strings: dropped
                        default:
                            output[out] = byte
                            out += 1
                        }
                    }
                    index += 1
                }
            }
            output[out] = UInt8(ascii: "\"")
            output[out + 1] = UInt8(ascii: "}")
            written = out + 2
        }
        return ascii ? body : nil
    }

    @inline(__always)
    private static func isStructural(_ byte: UInt8) -> Bool {
        switch byte {
        case UInt8(ascii: "\""), UInt8(ascii: ","), UInt8(ascii: ":"), UInt8(ascii: " "), UInt8(ascii: "\n"),
            UInt8(ascii: "\r"), UInt8(ascii: "\t"):
            true
        default: false
        }
    }

    /// Appends `text` as a JSON string literal, escaped as Python does (`ensure_ascii=True`).
    static func appendString(_ text: some StringProtocol, into output: inout [UInt8]) {
        output.append(UInt8(ascii: "\""))
        for scalar in text.unicodeScalars {
            switch scalar.value {
            case 0x22: output.append(contentsOf: [0x5C, 0x22])
            case 0x5C: output.append(contentsOf: [0x5C, 0x5C])
            case 0x0A: output.append(contentsOf: [0x5C, UInt8(ascii: "n")])
            case 0x0D: output.append(contentsOf: [0x5C, UInt8(ascii: "r")])
            case 0x09: output.append(contentsOf: [0x5C, UInt8(ascii: "t")])
            case 0x08: output.append(contentsOf: [0x5C, UInt8(ascii: "b")])
            case 0x0C: output.append(contentsOf: [0x5C, UInt8(ascii: "f")])
            case 0x20..<0x7F: output.append(UInt8(scalar.value))
            default: appendUnicodeEscape(scalar.value, into: &output)
            }
        }
        output.append(UInt8(ascii: "\""))
    }

    /// Appends ASCII bytes as a JSON string literal (the inner message of the oslo envelope).
    static func appendASCIIString(_ ascii: [UInt8], into output: inout [UInt8]) {
        output.reserveCapacity(output.count + ascii.count + ascii.count / 8 + 2)
        output.append(UInt8(ascii: "\""))
        ascii.withUnsafeBufferPointer { input in
            var start = 0
            for index in input.indices where input[index] == 0x22 || input[index] == 0x5C {
                output.append(contentsOf: UnsafeBufferPointer(rebasing: input[start..<index]))
                output.append(0x5C)
                output.append(input[index])
                start = index + 1
            }
            output.append(contentsOf: UnsafeBufferPointer(rebasing: input[start...]))
        }
        output.append(UInt8(ascii: "\""))
    }

    private static func sequenceLength(_ lead: UInt8) -> Int {
        switch lead {
        case 0xF0...: 4
        case 0xE0...: 3
        case 0xC0...: 2
        default: 1
        }
    }

    private static func appendEscapedScalar(_ bytes: [UInt8], into output: inout [UInt8]) {
        let text = String(decoding: bytes, as: UTF8.self)
        for scalar in text.unicodeScalars { appendUnicodeEscape(scalar.value, into: &output) }
    }

    private static func appendUnicodeEscape(_ value: UInt32, into output: inout [UInt8]) {
        if value > 0xFFFF {
            let offset = value - 0x10000
            appendUnit(UInt16(0xD800 + (offset >> 10)), into: &output)
            appendUnit(UInt16(0xDC00 + (offset & 0x3FF)), into: &output)
        } else {
            appendUnit(UInt16(value), into: &output)
        }
    }

    private static let hexDigits: [UInt8] = Array("0123456789abcdef".utf8)

    private static func appendUnit(_ unit: UInt16, into output: inout [UInt8]) {
        output.append(contentsOf: [
            UInt8(ascii: "\\"), UInt8(ascii: "u"),
            hexDigits[Int(unit >> 12 & 0xF)], hexDigits[Int(unit >> 8 & 0xF)],
            hexDigits[Int(unit >> 4 & 0xF)], hexDigits[Int(unit & 0xF)],
        ])
    }
}
