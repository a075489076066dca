import NIOCore
import NIOEmbedded
import Testing

@testable import AMQP

struct ConfirmTrackerTests {
    private let loop = EmbeddedEventLoop()

    private func batch(_ count: Int) -> (AMQPConfirmBatch, EventLoopFuture<Void>) {
        let promise = loop.makePromise(of: Void.self)
        return (AMQPConfirmBatch(promise: promise, count: count), promise.futureResult)
    }

    private let message = AMQPMessage(exchange: "neutron", routingKey: "k", body: "x")

    @Test func singleAcksInAnyOrder() {
        var tracker = AMQPConfirmTracker()
        let (batch, future) = batch(3)
        for _ in 0..<3 { tracker.register(message, in: batch) }
        tracker.settle(deliveryTag: 2, multiple: false, nack: false)
        tracker.settle(deliveryTag: 3, multiple: false, nack: false)
        #expect(outcome(future) == nil)
        tracker.settle(deliveryTag: 1, multiple: false, nack: false)
        #expect(outcome(future)?.succeeded == true)
        #expect(tracker.count == 0)
        #expect(tracker.nextDeliveryTag == 4)
    }

    @Test func multipleNackFailsEveryBatchUpToTheTag() {
        var tracker = AMQPConfirmTracker()
        let (first, firstFuture) = batch(2)
        let (second, secondFuture) = batch(1)
        let (third, thirdFuture) = batch(1)
        tracker.register(message, in: first)
        tracker.register(message, in: first)
        tracker.register(message, in: second)
        tracker.register(message, in: third)
        tracker.settle(deliveryTag: 3, multiple: true, nack: true)
        #expect(outcome(firstFuture)?.amqpError?.code == .nack)
        #expect(outcome(secondFuture)?.amqpError?.code == .nack)
        #expect(outcome(thirdFuture) == nil)
        tracker.failAll(AMQPError(code: .connectionLost, message: "gone"))
        #expect(outcome(thirdFuture)?.amqpError?.code == .connectionLost)
    }

    @Test func unknownTagsAreIgnored() {
        var tracker = AMQPConfirmTracker()
        let (batch, future) = batch(1)
        tracker.register(message, in: batch)
        tracker.settle(deliveryTag: 99, multiple: false, nack: false)
        #expect(outcome(future) == nil)
        tracker.settle(deliveryTag: 1, multiple: false, nack: false)
        #expect(outcome(future)?.succeeded == true)
    }
}

struct BackoffTests {
    @Test func doublesWithJitterUpToTheCap() {
        var backoff = AMQPBackoff()
        let steps: [Int64] = [100, 200, 400, 800, 1600, 3200, 5000, 5000]
        for step in steps {
            let delay = backoff.next()
            #expect(delay >= .milliseconds(step / 2) && delay <= .milliseconds(step))
        }
        backoff.reset()
        #expect(backoff.next() <= .milliseconds(100))
    }
}
