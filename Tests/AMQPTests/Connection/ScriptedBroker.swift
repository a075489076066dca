import Logging
import NIOCore
import NIOEmbedded
import Testing

@testable import AMQP

/// Drives an ``AMQPConnectionHandler`` on an `EmbeddedChannel`: the test plays the broker by
/// feeding frames in and reading the frames the client wrote.
final class ScriptedBroker {
    let channel = EmbeddedChannel()
    let ready: EventLoopPromise<Void>
    let closed: EventLoopPromise<Void>

    init(configuration: AMQPConfiguration = AMQPConfiguration()) throws {
        ready = channel.eventLoop.makePromise()
        closed = channel.eventLoop.makePromise()
        try channel.pipeline.syncOperations.addHandlers([
            ByteToMessageHandler(AMQPFrameDecoder()),
            AMQPConnectionHandler(
                configuration: configuration, logger: Logger(label: "test"), readyPromise: ready, closedPromise: closed),
        ])
        try channel.connect(to: SocketAddress(ipAddress: "127.0.0.1", port: 5672)).wait()
    }

    /// Sends frames as the broker.
    func send(_ frames: AMQPFrame...) throws {
        var buffer = ByteBuffer()
        for frame in frames { try AMQPFrameEncoder().encode(data: frame, out: &buffer) }
        try channel.writeInbound(buffer)
    }

    /// Everything the client wrote since the last call, as raw bytes.
    func writtenBytes() throws -> [UInt8] {
        var bytes: [UInt8] = []
        while let buffer = try channel.readOutbound(as: ByteBuffer.self) { bytes += buffer.readableBytesView }
        return bytes
    }

    /// Everything the client wrote since the last call, decoded (the protocol header excluded).
    func writtenFrames() throws -> [AMQPFrame] {
        var buffer = ByteBuffer(bytes: try writtenBytes())
        if buffer.readableBytesView.starts(with: AMQPFrame.protocolHeaderBytes) { buffer.moveReaderIndex(forwardBy: 8) }
        var frames: [AMQPFrame] = []
        while let frame = try AMQPFrameDecoder().decodeFrame(from: &buffer) { frames.append(frame) }
        return frames
    }

    /// Issues a command as the public API does and returns its future.
    func command<Value>(_ make: (EventLoopPromise<Value>) -> AMQPCommand) -> EventLoopFuture<Value> {
        let promise = channel.eventLoop.makePromise(of: Value.self)
        channel.writeAndFlush(make(promise), promise: nil)
        return promise.futureResult
    }

    /// Runs the handshake (heartbeat 60 s) and opens channel 1 in confirm mode.
    func openConfirmChannel() throws {
        _ = try writtenBytes()
        try send(
            .method(
                channel: 0,
                .connectionStart(
                    versionMajor: 0, versionMinor: 9, serverProperties: [:], mechanisms: "PLAIN", locales: "en_US")),
            .method(channel: 0, .connectionTune(channelMax: 2047, frameMax: 131_072, heartbeat: 60)),
            .method(channel: 0, .connectionOpenOk))
        try ready.futureResult.wait()
        let open = command { AMQPCommand.openChannel($0) }
        try send(.method(channel: 1, .channelOpenOk))
        #expect(try open.wait() == 1)
        let select = command { AMQPCommand.call(channel: 1, .confirmSelect(noWait: false), $0) }
        try send(.method(channel: 1, .confirmSelectOk))
        _ = try select.wait()
        _ = try writtenBytes()
    }
}

/// The outcome of a future so far, without blocking.
func outcome<Value: Sendable>(_ future: EventLoopFuture<Value>) -> Result<Value, any Error>? {
    let box = OutcomeBox<Value>()
    future.whenComplete { box.result = $0 }
    return box.result
}

private final class OutcomeBox<Value>: @unchecked Sendable {
    var result: Result<Value, any Error>?
}

extension Result {
    var amqpError: AMQPError? {
        if case .failure(let error) = self { return error as? AMQPError }
        return nil
    }

    var succeeded: Bool {
        if case .success = self { return true }
        return false
    }
}
