import Foundation

extension CorrelationEngine {
    /// Records fault events and re-evaluates the ports whose paths they touch.
    ///
    /// Per event, in order:
    /// - unknown resource (neither in the topology nor a host) → ignored (`.unknownResource`),
    ///   nothing recorded (callers refuse hosts that ``knows(_:)`` does not know first);
    /// - same state as this source's record → duplicate (the record's `lastEventTime` advances);
    ///   an `up` from a source with no record is a duplicate too (up is the default);
    /// - older than this source's latest event for the resource → ignored (`.outOfOrder`), so a
    ///   late "down" never overrides a newer "up";
    /// - otherwise accepted: the (source, resource) record takes the new state.
    ///
    /// Then every resource whose faultiness flipped re-evaluates the ports that depend on it.
    public mutating func apply(_ events: [FaultEvent], now: Date) -> CorrelationResult {
        var result = CorrelationResult()
        var faultinessBefore: [PhysicalResourceRef: Bool] = [:]
        for event in events {
            guard records(event.resource) else {
                result.ignored.append(IgnoredFaultEvent(event: event, reason: .unknownResource))
                continue
            }
            let key = FaultKey(source: event.source, resource: event.resource)
            if var record = records[key] {
                if record.state == event.state {
                    record.lastEventTime = max(record.lastEventTime, event.time)
                    records[key] = record
                    result.duplicates.append(event)
                    continue
                }
                if event.time < record.lastEventTime {
                    result.ignored.append(
                        IgnoredFaultEvent(event: event, reason: .outOfOrder(latestEventTime: record.lastEventTime)))
                    continue
                }
            } else if event.state == .up {
                store(Self.record(from: event, now: now), for: key)
                result.duplicates.append(event)
                continue
            }
            if faultinessBefore[event.resource] == nil {
                faultinessBefore[event.resource] = isFaulty(event.resource)
            }
            store(Self.record(from: event, now: now), for: key)
            result.accepted.append(event)
        }
        let flipped = faultinessBefore.filter { isFaulty($0.key) != $0.value }.keys
        result.changes = reevaluate(pointsDependingOn: flipped, trigger: .faultEvents, now: now)
        // A port's own interface: after the shared points are current, the ports whose interface
        // went down (or came back) move to a point of their own (or back).
        let interfaces = faultinessBefore.keys.filter { $0.kind == .vif }
        if !interfaces.isEmpty {
            let moved = replacePorts(withInterfaceFaultsIn: interfaces, now: now)
            if !moved.isEmpty { result.changes = Self.coalesce(result.changes + moved) }
        }
        return result
    }

    /// One change per port: the first `previous` and the last `current` (dropped when they agree),
    /// sorted by port id.
    static func coalesce(_ changes: [PortDataPlaneChange]) -> [PortDataPlaneChange] {
        var byPort: [String: PortDataPlaneChange] = [:]
        var order: [String] = []
        for change in changes {
            if var existing = byPort[change.portID] {
                existing.current = change.current
                existing.cause = change.cause
                byPort[change.portID] = existing
            } else {
                byPort[change.portID] = change
                order.append(change.portID)
            }
        }
        return order.compactMap { byPort[$0] }.filter { $0.previous != $0.current }.sorted { $0.portID < $1.portID }
    }

    mutating func store(_ record: FaultRecord, for key: FaultKey) {
        records[key] = record
        sourcesByResource[key.resource, default: []].insert(key.source)
        switch record.state {
        case .down:
            downSources[key.resource, default: []].insert(key.source)
        case .up:
            downSources[key.resource]?.remove(key.source)
            if downSources[key.resource]?.isEmpty == true { downSources[key.resource] = nil }
        }
    }

    static func record(from event: FaultEvent, now: Date) -> FaultRecord {
        FaultRecord(
            source: event.source, resource: event.resource, state: event.state, since: event.time,
            lastEventTime: event.time, recordedAt: now, severity: event.severity,
            correlationID: event.correlationID, reason: event.reason)
    }
}
