import NIOCore

extension AMQPConnectionHandler {
    /// Checks every heartbeat/2: sends a heartbeat after that much write silence, and gives up on
    /// the broker after two heartbeat intervals without reading anything.
    func startHeartbeats(context: ChannelHandlerContext) {
        guard tuning.heartbeat > 0, heartbeatTask == nil else { return }
        let tick = TimeAmount.milliseconds(Int64(tuning.heartbeat) * 500)
        let loopBound = NIOLoopBound(self, eventLoop: context.eventLoop)
        heartbeatTask = context.eventLoop.scheduleRepeatedTask(initialDelay: tick, delay: tick) { _ in
            loopBound.value.heartbeatTick(interval: tick)
        }
    }

    private func heartbeatTick(interval: TimeAmount) {
        guard let context, state != .closed else { return }
        let now = context.eventLoop.now
        if now - lastRead > interval * 4 {
            fail(
                AMQPError(
                    code: .missedHeartbeats,
                    message: "no frame from the broker for two heartbeat intervals (\(tuning.heartbeat) s each)"))
            return
        }
        if now - lastWrite >= interval {
            send([.heartbeat], context: context)
        }
    }
}
