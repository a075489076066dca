import Foundation
import HTTPTypes
import Hummingbird
import NIOCore
import Notifications
import OsloPolicy
import PortwatchCore

extension NotificationsAPI {
    /// `GET /v2.0/portwatch/stream`: Server-Sent Events of outbox records (`id` the sequence, `event`
    /// the event type, `data` the payload), only the caller's project unless admin, resuming after
    /// `Last-Event-ID` (or `?last_event_id=`); `?event_types=port.*` (repeatable) narrows it, and
    /// `?max_events=N` ends the stream after N events (for scripts waiting for a change).
    /// `?fabric=true` (callers `get_data_plane_faults` allows) adds a `portwatch.fabric.update` event at
    /// each change of faults, maintenance or topology.
    func registerStream(on router: Router<PortwatchRequestContext>) {
        router.get("/v2.0/portwatch/stream") { request, context in
            let parameters = QueryParameters(request.uri.query)
            let resume = request.headers[HTTPField.Name("Last-Event-ID")!] ?? parameters.first("last_event_id")
            let start: Int64
            if let resume {
                guard let sequence = Int64(resume.trimmingCharacters(in: .whitespaces)), sequence >= 0 else {
                    throw NeutronError.invalidInput("Last-Event-ID must be an outbox sequence number")
                }
                start = sequence
            } else {
                start = hub.liveStream.currentSequence
            }
            let limit: Int?
            if let text = parameters.first("max_events") {
                guard let value = Int(text), value > 0 else {
                    throw NeutronError.invalidInput("max_events must be a positive integer")
                }
                limit = value
            } else {
                limit = nil
            }
            let patterns = parameters.values("event_types").flatMap { $0.split(separator: ",") }
                .map { EventTypePattern(String($0)) }
            let access = context.access
            let project = access.identity.projectID
            try access.authorize(
                "get_notification_stream",
                target: project.map { ["project_id": .string($0), "tenant_id": .string($0)] } ?? [:])
            var fabric: FabricChangeSignal?
            if let text = parameters.first("fabric") {
                guard let wanted = Bool(text.lowercased()) else {
                    throw NeutronError.invalidInput("fabric must be true or false")
                }
                if wanted {
                    try access.authorize("get_data_plane_faults")
                    fabric = hub.fabric
                }
            }
            let fabricStart = fabric?.current ?? 0
            let followed = fabric
            let everything = access.isAdmin
            let privileged = access.seesEveryPolicedAttribute
            let liveStream = hub.liveStream
            var headers = HTTPFields()
            headers[.contentType] = "text/event-stream"
            headers[.cacheControl] = "no-cache"
            headers[HTTPField.Name("X-Accel-Buffering")!] = "no"
            return Response(
                status: .ok, headers: headers,
                body: ResponseBody { writer in
                    try await liveStream.run(
                        after: start, limit: limit,
                        include: { record in
                            (everything || (project != nil && record.event.projectID == project))
                                && (patterns.isEmpty || patterns.contains { $0.matches(record.event.eventType) })
                        },
                        transform: privileged
                            ? nil
                            : { record in
                                OutboxRecord(sequence: record.sequence, event: record.event.unprivileged())
                            },
                        fabric: followed, fabricAfter: fabricStart,
                        write: { bytes in try await writer.write(ByteBuffer(bytes: bytes)) })
                    try await writer.finish(nil)
                })
        }
    }
}
