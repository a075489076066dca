import NIOCore

/// Publisher-confirm bookkeeping for one channel: delivery tags count from 1 after
/// `confirm.select`; `basic.ack`/`basic.nack` settle one tag or, with `multiple`, every tag up to
/// and including it. Event-loop confined.
struct AMQPConfirmTracker {
    struct Outstanding {
        var deliveryTag: UInt64
        var batch: AMQPConfirmBatch
        var exchange: String
        var routingKey: String
        var mandatory: Bool
        var returned: AMQPCloseReply?
    }

    private(set) var nextDeliveryTag: UInt64 = 1
    /// Unsettled deliveries, ascending by tag.
    private var outstanding = CircularBuffer<Outstanding>()

    var count: Int { outstanding.count }

    /// Assigns the next delivery tag to a message of `batch`.
    mutating func register(_ message: AMQPMessage, in batch: AMQPConfirmBatch) {
        outstanding.append(
            Outstanding(
                deliveryTag: nextDeliveryTag, batch: batch, exchange: message.exchange,
                routingKey: message.routingKey, mandatory: message.mandatory))
        nextDeliveryTag += 1
    }

    /// Settles `deliveryTag` (and all before it if `multiple`); a nack settles with an error.
    mutating func settle(deliveryTag: UInt64, multiple: Bool, nack: Bool) {
        if multiple {
            while let first = outstanding.first, first.deliveryTag <= deliveryTag {
                outstanding.removeFirst()
                Self.complete(first, nack: nack)
            }
        } else if let index = index(of: deliveryTag) {
            let entry = outstanding.remove(at: index)
            Self.complete(entry, nack: nack)
        }
    }

    /// Marks the oldest unsettled mandatory message to that exchange and key as returned; RabbitMQ
    /// sends `basic.return` before the ack of the same message.
    mutating func markReturned(exchange: String, routingKey: String, reply: AMQPCloseReply) {
        guard
            let index = outstanding.firstIndex(where: {
                $0.mandatory && $0.returned == nil && $0.exchange == exchange && $0.routingKey == routingKey
            })
        else { return }
        outstanding[index].returned = reply
    }

    /// Fails every unsettled delivery (channel or connection gone).
    mutating func failAll(_ error: AMQPError) {
        while let entry = outstanding.popFirst() { entry.batch.settle(error) }
    }

    private func index(of deliveryTag: UInt64) -> CircularBuffer<Outstanding>.Index? {
        // Tags are ascending, so binary search.
        var low = outstanding.startIndex
        var count = outstanding.count
        while count > 0 {
            let half = count / 2
            let middle = outstanding.index(low, offsetBy: half)
            if outstanding[middle].deliveryTag < deliveryTag {
                low = outstanding.index(after: middle)
                count -= half + 1
            } else {
                count = half
            }
        }
        return low != outstanding.endIndex && outstanding[low].deliveryTag == deliveryTag ? low : nil
    }

    private static func complete(_ entry: Outstanding, nack: Bool) {
        if nack {
            entry.batch.settle(
                AMQPError(code: .nack, message: "broker nacked delivery \(entry.deliveryTag) to '\(entry.exchange)'"))
        } else if let returned = entry.returned {
            entry.batch.settle(
                AMQPError(
                    code: .returned,
                    message: "broker returned unroutable message to '\(entry.exchange)' with key '\(entry.routingKey)'",
                    reply: returned))
        } else {
            entry.batch.settle(nil)
        }
    }
}
