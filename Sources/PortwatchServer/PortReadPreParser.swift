import HTTPTypes
import NIOCore

/// The strict reading of a request's frame straight from a connection's bytes, for
/// ``PortReadPreParser``. It accepts only a small, plain subset of HTTP/1.1 whose end any conforming
/// parser (NIO's llhttp in particular) finds at the same byte; anything else is `.other`, and that
/// request and every byte after it are left to NIO's decoder:
///
/// - the request line is `METHOD target HTTP/1.1` and CRLF, with a method of `GET`, `HEAD`, `POST`,
///   `PUT`, `PATCH`, `DELETE` or `OPTIONS` and a path of visible ASCII (an origin form, starting with
///   `/`);
/// - each field line is `name:value` and CRLF, with a token for the name, optional leading spaces or
///   tabs, and a value of visible ASCII, spaces and tabs that does not end in a space or tab (no bare
///   CR or LF, no line folding, no byte above 0x7E);
/// - the body's length is given by at most one `Content-Length` of plain digits, or is zero;
/// - no `Transfer-Encoding`, `Upgrade`, `Expect` or `Keep-Alive` field, and no `Connection` other than
///   `keep-alive`, so the connection carries another request right after this one's body;
/// - at most 64 fields and 8 KiB from the method to the empty line.
///
/// A `GET /v2.0/ports/{id}` (no query, escape, suffix or further segment; `{id}` of 1 to 255 of
/// `A-Z a-z 0-9 - _ ~`) with no body also comes with its fields, to be answered at once; so does a
/// `PUT` of that target with a body of 1 to ``PortReadFastPath/maxUpdateBody`` bytes, to be written
/// at once.
enum PortReadRequest {
    /// A port show or update, with the request's fields as the router would see them.
    struct PortRequest: Equatable {
        /// `PUT` (with a body) rather than `GET`.
        let isUpdate: Bool
        let id: String
        let fields: HTTPFields
    }

    enum Parsed: Equatable {
        /// The bytes so far are the start of a request that may be accepted: wait for more.
        case incomplete
        /// Not a request this reader accepts: leave it, and the rest of the connection, to NIO.
        case other
        /// A request of `head` bytes (empty line included) followed by `body` bytes.
        case request(head: Int, body: Int, port: PortRequest?)
    }

    static let maxHead = 8192
    static let maxFields = 64
    static let maxID = 255

    static func parse(_ bytes: UnsafeRawBufferPointer) -> Parsed {
        let count = bytes.count
        // The method and the space after it.
        var index = 0
        while index < count, index < 8, isUpperLetter(bytes[index]) { index += 1 }
        guard index < count else { return index < 8 ? .incomplete : .other }
        guard bytes[index] == UInt8(ascii: " "),
            methods.contains(where: { equal(bytes, 0..<index, $0) })
        else { return .other }
        let isGet = equal(bytes, 0..<index, "GET")
        let isPut = !isGet && equal(bytes, 0..<index, "PUT")
        index += 1
        // The target.
        let target = index
        while index < count, (0x21...0x7E).contains(bytes[index]) {
            index += 1
            if index > maxHead { return .other }
        }
        let targetRange = target..<index
        guard index < count else { return .incomplete }
        guard !targetRange.isEmpty, bytes[target] == UInt8(ascii: "/") else { return .other }
        switch match(bytes, at: index, " HTTP/1.1\r\n") {
        case .some(false): return .other
        case .none: return .incomplete
        case .some(true): index += 11
        }
        let portID = isGet || isPut ? portID(bytes, targetRange) : nil
        var fields = HTTPFields()
        var fieldCount = 0
        var contentLength: Int?
        while true {
            // One field line, or the empty line that ends the head.
            let start = index
            while index < count, bytes[index] != UInt8(ascii: "\r") {
                index += 1
                if index > maxHead { return .other }
            }
            guard index + 1 < count else { return count >= maxHead ? .other : .incomplete }
            guard bytes[index + 1] == UInt8(ascii: "\n") else { return .other }
            let line = start..<index
            index += 2
            guard index <= maxHead else { return .other }
            if line.isEmpty {
                let body = contentLength ?? 0
                let bodyFits = isGet ? body == 0 : (1...PortReadFastPath.maxUpdateBody).contains(body)
                guard let portID, bodyFits else { return .request(head: index, body: body, port: nil) }
                let id = String(decoding: UnsafeRawBufferPointer(rebasing: bytes[portID]), as: UTF8.self)
                return .request(head: index, body: body, port: PortRequest(isUpdate: isPut, id: id, fields: fields))
            }
            fieldCount += 1
            guard fieldCount <= maxFields, let field = Field(UnsafeRawBufferPointer(rebasing: bytes[line])) else {
                return .other
            }
            switch field.kind {
            case .refused: return .other
            case .contentLength(let length):
                guard contentLength == nil else { return .other }
                contentLength = length
            case .plain: break
            }
            if portID != nil, let field = field.httpField { fields.append(field) }
        }
    }

    private static let methods: [StaticString] = ["GET", "HEAD", "POST", "PUT", "PATCH", "DELETE", "OPTIONS"]

    /// The id of `/v2.0/ports/{id}`, nil for any other target.
    private static func portID(_ bytes: UnsafeRawBufferPointer, _ target: Range<Int>) -> Range<Int>? {
        guard target.count > 12, match(bytes, at: target.lowerBound, "/v2.0/ports/") == true else { return nil }
        let id = target.lowerBound + 12..<target.upperBound
        guard id.count <= maxID, id.allSatisfy({ isIDByte(bytes[$0]) }) else { return nil }
        return id
    }

    /// One field line, checked.
    private struct Field {
        enum Kind {
            case plain
            case contentLength(Int)
            /// A field this reader leaves to NIO (see ``PortReadRequest``).
            case refused
        }

        let kind: Kind
        private let name: UnsafeRawBufferPointer
        private let value: UnsafeRawBufferPointer

        init?(_ line: UnsafeRawBufferPointer) {
            guard let colon = line.firstIndex(of: UInt8(ascii: ":")), colon > 0,
                line[..<colon].allSatisfy(PortReadRequest.isTokenByte)
            else { return nil }
            var start = colon + 1
            while start < line.count, line[start] == UInt8(ascii: " ") || line[start] == UInt8(ascii: "\t") {
                start += 1
            }
            let value = UnsafeRawBufferPointer(rebasing: line[start...])
            guard value.allSatisfy(PortReadRequest.isValueByte) else { return nil }
            if let last = value.last, last == UInt8(ascii: " ") || last == UInt8(ascii: "\t") { return nil }
            let name = UnsafeRawBufferPointer(rebasing: line[..<colon])
            (self.name, self.value) = (name, value)
            if Self.named(name, "content-length") {
                // Plain digits, no sign, list or leading zero; at most 2^40.
                guard (1...13).contains(value.count), value.allSatisfy({ (0x30...0x39).contains($0) }),
                    value.count == 1 || value[0] != 0x30,
                    let length = Int(String(decoding: value, as: UTF8.self)), length <= 1 << 40
                else { return nil }
                kind = .contentLength(length)
            } else if Self.named(name, "connection") {
                // `Connection: keep-alive` (what python-requests sends) says what HTTP/1.1 means anyway.
                kind = Self.named(value, "keep-alive") ? .plain : .refused
            } else if Self.refused.contains(where: { Self.named(name, $0) }) {
                kind = .refused
            } else {
                kind = .plain
            }
        }

        /// The field as the router would see it.
        var httpField: HTTPField? {
            guard let name = HTTPField.Name(String(decoding: name, as: UTF8.self)) else { return nil }
            return HTTPField(name: name, value: String(decoding: value, as: UTF8.self))
        }

        private static let refused: [StaticString] = ["transfer-encoding", "upgrade", "expect", "keep-alive"]

        /// `bytes` spell `lowercased` in any case.
        private static func named(_ bytes: UnsafeRawBufferPointer, _ lowercased: StaticString) -> Bool {
            guard bytes.count == lowercased.utf8CodeUnitCount else { return false }
            let expected = UnsafeRawBufferPointer(start: lowercased.utf8Start, count: lowercased.utf8CodeUnitCount)
            for index in 0..<bytes.count {
                let byte = bytes[index]
                let folded = (0x41...0x5A).contains(byte) ? byte | 0x20 : byte
                if folded != expected[index] { return false }
            }
            return true
        }
    }

    /// `true` when `bytes` from `offset` start with `text`, `false` when they differ, nil when they
    /// agree so far but are too short to tell.
    private static func match(_ bytes: UnsafeRawBufferPointer, at offset: Int, _ text: StaticString) -> Bool? {
        let expected = UnsafeRawBufferPointer(start: text.utf8Start, count: text.utf8CodeUnitCount)
        let available = min(expected.count, bytes.count - offset)
        for index in 0..<available where bytes[offset + index] != expected[index] { return false }
        return available == expected.count ? true : nil
    }

    private static func equal(_ bytes: UnsafeRawBufferPointer, _ range: Range<Int>, _ text: StaticString) -> Bool {
        range.count == text.utf8CodeUnitCount && match(bytes, at: range.lowerBound, text) == true
    }

    private static func isUpperLetter(_ byte: UInt8) -> Bool { (0x41...0x5A).contains(byte) }

    private static func isIDByte(_ byte: UInt8) -> Bool {
        switch byte {
        case UInt8(ascii: "a")...UInt8(ascii: "z"), UInt8(ascii: "A")...UInt8(ascii: "Z"),
            UInt8(ascii: "0")...UInt8(ascii: "9"), UInt8(ascii: "-"), UInt8(ascii: "_"), UInt8(ascii: "~"):
            return true
        default: return false
        }
    }

    /// RFC 9110's `tchar`.
    private static func isTokenByte(_ byte: UInt8) -> Bool {
        switch byte {
        case UInt8(ascii: "a")...UInt8(ascii: "z"), UInt8(ascii: "A")...UInt8(ascii: "Z"),
            UInt8(ascii: "0")...UInt8(ascii: "9"):
            return true
        default: return "!#$%&'*+-.^_`|~".utf8.contains(byte)
        }
    }

    /// Visible ASCII, space and tab.
    private static func isValueByte(_ byte: UInt8) -> Bool {
        (0x20...0x7E).contains(byte) || byte == UInt8(ascii: "\t")
    }
}

/// Answers `GET /v2.0/ports/{id}` and writes `PUT /v2.0/ports/{id}` from the connection's bytes,
/// before NIO's HTTP/1 decoder.
///
/// It frames each request itself (``PortReadRequest``, a strict subset of HTTP/1.1) and answers a port
/// show that ``NeutronAPI/immediatePortShow(id:headers:)`` answers at once, while every earlier request
/// of the connection has had its answer written (``ConnectionReads``), so answers keep the requests'
/// order. Under the same condition, a port update whose whole body is here and that
/// ``NeutronAPI/immediatePortUpdate(id:headers:body:on:answer:)`` takes goes to the writer, and its
/// answer (the route's status, body and headers) is written here once the write is durable. Every
/// other request it hands to NIO's decoder, whole, and from there it goes through ``PortReadFastPath``
/// and Hummingbird as before. The first request it cannot frame, and every byte after it, are NIO's
/// alone.
///
/// While an update is with the writer, nothing after it is read from the bytes already here, and the
/// connection's events (the end of the client's input) wait too: they go on once its answer is
/// written. A client that waits for each answer before it sends the next request keeps being read as
/// usual (no change of the socket's registration per request); once bytes wait behind the update, no
/// more is read from the socket until it is answered.
///
/// NIO's decoder with Hummingbird's conversion to HTTP types costs as much as the answer itself
/// (`portwatch-bench nio-http` against `nio-raw`); a port show a monitor polls needs neither, nor does
/// the `data_plane_status` a monitor writes.
final class PortReadPreParser: ChannelDuplexHandler, RemovableChannelHandler {
    typealias InboundIn = ByteBuffer
    typealias InboundOut = ByteBuffer
    typealias OutboundIn = Any
    typealias OutboundOut = ByteBuffer

    private let answer: PortReadFastPath.Answer
    /// Nil to leave every update to NIO's decoder (and ``PortReadFastPath``).
    private let update: PortReadFastPath.Update?
    private let metrics: RequestMetrics?
    private let reads: ConnectionReads
    /// The start of a request not yet complete.
    private var held: ByteBuffer?
    /// Bytes of a body handed to NIO's decoder that are still to come.
    private var bodyToPass = 0
    /// Every byte goes to NIO's decoder from now on.
    private var passing = false
    private var unflushed = false
    /// A port update is with the writer and its answer is not written yet.
    private var writing = false
    /// What the connection sent after that update, read once it is answered.
    private var waiting: ByteBuffer?
    /// The connection's events that came while an update was with the writer, in order.
    private var waitingEvents: [Any] = []
    /// A read from the socket asked for while bytes waited behind an update, issued once it is answered.
    private var readHeld = false

    init(
        answer: @escaping PortReadFastPath.Answer, update: PortReadFastPath.Update? = nil, metrics: RequestMetrics?,
        reads: ConnectionReads
    ) {
        self.answer = answer
        self.update = update
        self.metrics = metrics
        self.reads = reads
    }

    func channelRead(context: ChannelHandlerContext, data: NIOAny) {
        guard !passing else { return context.fireChannelRead(data) }
        var buffer = unwrapInboundIn(data)
        guard !writing else {
            if waiting == nil { waiting = buffer } else { waiting!.writeBuffer(&buffer) }
            return
        }
        frame(buffer, context: context)
    }

    /// Frames and answers, writes or passes on the requests in `incoming` (after any start of one held).
    private func frame(_ incoming: ByteBuffer, context: ChannelHandlerContext) {
        var buffer = incoming
        if var held {
            self.held = nil
            held.writeBuffer(&buffer)
            buffer = held
        }
        while buffer.readableBytes > 0 {
            if bodyToPass > 0 {
                let length = min(bodyToPass, buffer.readableBytes)
                bodyToPass -= length
                pass(context: context, buffer.readSlice(length: length)!)
                continue
            }
            let started = ContinuousClock.now
            switch buffer.withUnsafeReadableBytes(PortReadRequest.parse) {
            case .incomplete:
                held = buffer
                return
            case .other:
                passing = true
                return pass(context: context, buffer)
            case .request(let head, let body, let port):
                if let port, reads.unanswered == 0 {
                    if !port.isUpdate, let answered = answer(port.id, port.fields) {
                        buffer.moveReaderIndex(forwardBy: head)
                        let response = PortReadFastPath.response(
                            body: answered.body, requestID: answered.requestID, allocator: context.channel.allocator)
                        context.write(wrapOutboundOut(response), promise: nil)
                        unflushed = true
                        metrics?.record(method: "GET", status: 200, since: started)
                        metrics?.recordFastRead(stage: "bytes")
                        continue
                    }
                    if port.isUpdate, update != nil {
                        // Decided once the whole body is here (at most `maxUpdateBody` bytes).
                        guard buffer.readableBytes >= head + body else {
                            held = buffer
                            return
                        }
                        let requestBody = buffer.getSlice(at: buffer.readerIndex + head, length: body)!
                        if write(port, body: requestBody, started: started, context: context) {
                            buffer.moveReaderIndex(forwardBy: head + body)
                            if buffer.readableBytes > 0 { waiting = buffer }
                            return
                        }
                    }
                }
                // NIO's decoder reads it; its answer is written behind ``PortReadFastPath``.
                reads.unanswered += 1
                let length = min(head + body, buffer.readableBytes)
                bodyToPass = head + body - length
                pass(context: context, buffer.readSlice(length: length)!)
            }
        }
    }

    /// Hands a port update to the writer; false (nothing done) when it is not one to write here.
    private func write(
        _ port: PortReadRequest.PortRequest, body: ByteBuffer, started: ContinuousClock.Instant,
        context: ChannelHandlerContext
    ) -> Bool {
        guard let update else { return false }
        let bound = NIOLoopBound((handler: self, context: context), eventLoop: context.eventLoop)
        // The answer comes on a later turn of the event loop, never from within `update`.
        let taken = update(port.id, port.fields, body, context.eventLoop) { status, body, requestID in
            bound.value.handler.written(
                status: status, body: body, requestID: requestID, started: started, context: bound.value.context)
        }
        if taken { writing = true }
        return taken
    }

    /// Writes an update's answer, then goes on with what the connection sent meanwhile.
    private func written(
        status: Int, body: [UInt8], requestID: String, started: ContinuousClock.Instant,
        context: ChannelHandlerContext
    ) {
        writing = false
        metrics?.record(method: "PUT", status: status, since: started)
        metrics?.recordFastWrite()
        guard context.channel.isActive else {
            // No one to answer or read the rest for.
            waiting = nil
            waitingEvents.removeAll()
            return
        }
        let response = PortReadFastPath.response(
            status: status, body: body, requestID: requestID, allocator: context.channel.allocator)
        context.write(wrapOutboundOut(response), promise: nil)
        unflushed = true
        if let waiting {
            self.waiting = nil
            frame(waiting, context: context)
        }
        // As at the end of a read from the socket: answers go out, and what was passed on is delivered.
        channelReadComplete(context: context)
        while !writing, !waitingEvents.isEmpty {
            userInboundEventTriggered(context: context, event: waitingEvents.removeFirst())
        }
        if !writing, readHeld {
            readHeld = false
            context.read()
        }
    }

    /// Reading goes on while an update is with the writer, unless bytes already wait behind it.
    func read(context: ChannelHandlerContext) {
        guard !writing || waiting == nil else {
            readHeld = true
            return
        }
        context.read()
    }

    func channelReadComplete(context: ChannelHandlerContext) {
        flushAnswers(context: context)
        context.fireChannelReadComplete()
    }

    func userInboundEventTriggered(context: ChannelHandlerContext, event: Any) {
        // The end of the client's input must not reach Hummingbird before an update's answer: it
        // would close the connection with the answer unwritten.
        guard !writing else { return waitingEvents.append(event) }
        passHeld(context: context)
        context.fireUserInboundEventTriggered(event)
    }

    func channelInactive(context: ChannelHandlerContext) {
        if writing {
            waiting = nil
            waitingEvents.removeAll()
        }
        passHeld(context: context)
        context.fireChannelInactive()
    }

    private func pass(context: ChannelHandlerContext, _ buffer: ByteBuffer) {
        flushAnswers(context: context)
        context.fireChannelRead(wrapInboundOut(buffer))
    }

    /// A request cut short by the end of input or another event is NIO's decoder's to judge, with
    /// every byte after it.
    private func passHeld(context: ChannelHandlerContext) {
        guard let held else { return }
        self.held = nil
        passing = true
        pass(context: context, held)
    }

    private func flushAnswers(context: ChannelHandlerContext) {
        guard unflushed else { return }
        unflushed = false
        context.flush()
    }
}

/// What a connection's ``PortReadPreParser`` and ``PortReadFastPath`` share, on its event loop.
final class ConnectionReads {
    /// Requests handed to NIO's decoder whose answer has not been written yet.
    var unanswered = 0

    /// An answer behind NIO's decoder was written. Once the reader has left a connection to NIO, it no
    /// longer counts the requests it hands over, and the count stays at zero.
    func answerWritten() {
        unanswered = max(0, unanswered - 1)
    }
}
