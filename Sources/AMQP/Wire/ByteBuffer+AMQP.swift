import NIOCore

/// AMQP 0-9-1 primitive types on `ByteBuffer`: short and long strings, field tables and arrays.
/// All integers are big-endian (network order), which is `ByteBuffer`'s default.
extension ByteBuffer {
    /// Writes a short string: one length octet and at most 255 bytes of UTF-8.
    mutating func writeAMQPShortString(_ string: String) throws {
        let utf8 = string.utf8
        guard utf8.count <= 255 else {
            throw AMQPError(
                code: .invalidArgument, message: "short string longer than 255 bytes: \(string.prefix(40))…")
        }
        writeInteger(UInt8(utf8.count))
        writeBytes(utf8)
    }

    /// Reads a short string.
    mutating func readAMQPShortString() throws -> String {
        let length = try readAMQPInteger(as: UInt8.self)
        guard let string = readString(length: Int(length)) else { throw AMQPError.truncated("short string") }
        return string
    }

    /// Writes a long string: a 32-bit length and the bytes.
    mutating func writeAMQPLongString(_ bytes: some Collection<UInt8>) {
        writeInteger(UInt32(bytes.count))
        writeBytes(bytes)
    }

    /// Reads a long string as raw bytes.
    mutating func readAMQPLongStringBytes() throws -> [UInt8] {
        let length = try readAMQPInteger(as: UInt32.self)
        guard let bytes = readBytes(length: Int(length)) else { throw AMQPError.truncated("long string") }
        return bytes
    }

    /// Reads a long string as UTF-8 text (invalid sequences are repaired).
    mutating func readAMQPLongString() throws -> String {
        String(decoding: try readAMQPLongStringBytes(), as: UTF8.self)
    }

    /// Reads an integer or throws a ``AMQPError/Code/malformedFrame`` error when the buffer is short.
    mutating func readAMQPInteger<T: FixedWidthInteger>(as: T.Type = T.self) throws -> T {
        guard let value = readInteger(as: T.self) else { throw AMQPError.truncated("\(T.self)") }
        return value
    }

    /// Writes a field table: a 32-bit byte length followed by (short-string key, tagged value) pairs.
    mutating func writeAMQPTable(_ table: AMQPTable) throws {
        let lengthIndex = writerIndex
        writeInteger(UInt32(0))
        for entry in table.entries {
            try writeAMQPShortString(entry.key)
            try writeAMQPFieldValue(entry.value)
        }
        setInteger(UInt32(writerIndex - lengthIndex - 4), at: lengthIndex)
    }

    /// Reads a field table.
    mutating func readAMQPTable() throws -> AMQPTable {
        let length = try readAMQPInteger(as: UInt32.self)
        guard var slice = readSlice(length: Int(length)) else { throw AMQPError.truncated("field table") }
        var table = AMQPTable()
        while slice.readableBytes > 0 {
            let key = try slice.readAMQPShortString()
            table[key] = try slice.readAMQPFieldValue()
        }
        return table
    }

    /// Writes a type tag and the value.
    mutating func writeAMQPFieldValue(_ value: AMQPFieldValue) throws {
        writeInteger(value.typeTag)
        switch value {
        case .bool(let bool): writeInteger(UInt8(bool ? 1 : 0))
        case .int8(let int): writeInteger(int)
        case .uint8(let int): writeInteger(int)
        case .int16(let int): writeInteger(int)
        case .uint16(let int): writeInteger(int)
        case .int32(let int): writeInteger(int)
        case .uint32(let int): writeInteger(int)
        case .int64(let int): writeInteger(int)
        case .float(let float): writeInteger(float.bitPattern)
        case .double(let double): writeInteger(double.bitPattern)
        case .decimal(let scale, let decimal):
            writeInteger(scale)
            writeInteger(decimal)
        case .string(let string): writeAMQPLongString(string.utf8)
        case .bytes(let bytes): writeAMQPLongString(bytes)
        case .array(let array):
            let lengthIndex = writerIndex
            writeInteger(UInt32(0))
            for element in array { try writeAMQPFieldValue(element) }
            setInteger(UInt32(writerIndex - lengthIndex - 4), at: lengthIndex)
        case .timestamp(let seconds): writeInteger(seconds)
        case .table(let table): try writeAMQPTable(table)
        case .void: break
        }
    }

    /// Reads a type tag and the value that follows.
    mutating func readAMQPFieldValue() throws -> AMQPFieldValue {
        let tag = try readAMQPInteger(as: UInt8.self)
        switch tag {
        case UInt8(ascii: "t"): return .bool(try readAMQPInteger(as: UInt8.self) != 0)
        case UInt8(ascii: "b"): return .int8(try readAMQPInteger())
        case UInt8(ascii: "B"): return .uint8(try readAMQPInteger())
        case UInt8(ascii: "s"): return .int16(try readAMQPInteger())
        case UInt8(ascii: "u"): return .uint16(try readAMQPInteger())
        case UInt8(ascii: "I"): return .int32(try readAMQPInteger())
        case UInt8(ascii: "i"): return .uint32(try readAMQPInteger())
        case UInt8(ascii: "l"): return .int64(try readAMQPInteger())
        case UInt8(ascii: "f"): return .float(Float(bitPattern: try readAMQPInteger()))
        case UInt8(ascii: "d"): return .double(Double(bitPattern: try readAMQPInteger()))
        case UInt8(ascii: "D"): return .decimal(scale: try readAMQPInteger(), value: try readAMQPInteger())
        case UInt8(ascii: "S"): return .string(try readAMQPLongString())
        case UInt8(ascii: "x"): return .bytes(try readAMQPLongStringBytes())
        case UInt8(ascii: "A"):
            let length = try readAMQPInteger(as: UInt32.self)
            guard var slice = readSlice(length: Int(length)) else { throw AMQPError.truncated("field array") }
            var array: [AMQPFieldValue] = []
            while slice.readableBytes > 0 { array.append(try slice.readAMQPFieldValue()) }
            return .array(array)
        case UInt8(ascii: "T"): return .timestamp(try readAMQPInteger())
        case UInt8(ascii: "F"): return .table(try readAMQPTable())
        case UInt8(ascii: "V"): return .void
        default:
            throw AMQPError(code: .malformedFrame, message: "unknown field value type tag 0x\(String(tag, radix: 16))")
        }
    }
}

extension AMQPError {
    static func truncated(_ what: String) -> AMQPError {
        AMQPError(code: .malformedFrame, message: "frame payload too short while reading \(what)")
    }
}
