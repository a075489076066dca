import Hummingbird
import PortwatchCore
import PortwatchStore

extension NeutronAPI {
    /// `/v2.0/security-groups` (list, show, create, update, delete) and `/v2.0/security-group-rules`
    /// (list, show, create, delete): the `security-group` extension.
    func registerSecurityGroups(on router: Router<PortwatchRequestContext>) {
        router.get("/v2.0/security-groups") { request, context in
            try await listSecurityGroups(request, context.access)
        }
        router.get("/v2.0/security-groups/{id}") { request, context in
            let id = try context.parameters.require("id")
            // Unlike a port's or network's, the show of a group or rule uses `fields` and ignores the rest.
            let fields = QueryParameters(request.uri.query).fields
            guard let group = repository.read({ $0.securityGroups[id] }), context.access.canSee(group) else {
                throw NeutronError.securityGroupNotFound(id)
            }
            return JSONResponse.make(bytes: group.envelope(view: ResourceView(fields: fields)))
        }
        registerWrites(
            on: router,
            ResourceWrites<SecurityGroup, SecurityGroupInput>(
                parseCreate: { try SecurityGroupAttributes.create($0, $1) },
                parseUpdate: { try SecurityGroupAttributes.update($0, $1) },
                create: { try $0.createSecurityGroups($1, request: $2, bulk: $3, by: $4) },
                update: { try $0.updateSecurityGroup(id: $1, $2, request: $3, ifMatch: $4, by: $5) },
                delete: { try $0.deleteSecurityGroup(id: $1, ifMatch: $2, by: $3) },
                view: { _, _ in .full }, notFound: NeutronError.securityGroupNotFound, bodyRequired: true))
        router.get("/v2.0/security-group-rules") { request, context in
            try listSecurityGroupRules(request, context.access)
        }
        router.post("/v2.0/security-group-rules") { request, context in
            let body = try await RequestBody.json(request)
            let access = context.access
            let (items, bulk) = try RequestBody.resources(
                body, singular: SecurityGroupRule.singular, plural: SecurityGroupRule.plural)
            let inputs = try items.map {
                try SecurityGroupRuleAttributes.create(
                    try RequestBody.item($0, singular: SecurityGroupRule.singular), access)
            }
            let created = try await repository.write { changes in
                try inputs.map { input throws(NeutronError) in
                    try changes.createSecurityGroupRule(input, request: body, by: access)
                }
            }
            let bytes =
                bulk
                ? SecurityGroupRule.collection(created) { _ in .full } : created[0].envelope(view: .full)
            return JSONResponse.make(status: .created, bytes: bytes)
        }
        router.delete("/v2.0/security-group-rules/{id}") { _, context in
            let id = try context.parameters.require("id")
            let access = context.access
            try await repository.write { changes in try changes.deleteSecurityGroupRule(id: id, by: access) }
            return JSONResponse.noContent()
        }
        router.get("/v2.0/security-group-rules/{id}") { request, context in
            let id = try context.parameters.require("id")
            let fields = QueryParameters(request.uri.query).fields
            let access = context.access
            // Neutron finds any rule, then asks `get_security_group_rule`: one the caller may not
            // read is the plain 404.
            let rule = try repository.read { state throws(NeutronError) -> SecurityGroupRule in
                guard let rule = state.securityGroupRule(id), let group = state.securityGroups[rule.securityGroupID]
                else { throw .securityGroupRuleNotFound(id) }
                guard access.canSee(rule, of: group) else { throw .resourceNotFound }
                return rule
            }
            return JSONResponse.make(bytes: rule.envelope(view: ResourceView(fields: fields)))
        }
    }

    /// Neutron's list ensures the default group of the project it lists (the filter's, or the
    /// caller's) first: the first list of a project creates its default group, durably.
    func listSecurityGroups(_ request: Request, _ access: AccessPolicy) async throws -> Response {
        let parameters = QueryParameters(request.uri.query)
        let query = try ListQuery(parameters, spec: .securityGroups)
        if access.identity.projectID != nil {
            let named = query.filters.first { $0.attribute == "project_id" || $0.attribute == "tenant_id" }?.values
            if let project = named?.first ?? access.identity.projectID,
                repository.read({ $0.defaultSecurityGroupIDs[project] }) == nil
            {
                try await repository.write { $0.ensureDefaultSecurityGroup(ofProject: project) }
            }
        }
        let candidates: [SecurityGroup] = try repository.read { state throws(NeutronError) in
            var result: [SecurityGroup] = []
            for group in state.securityGroups.values where access.canSee(group) {
                if try query.matches(group) { result.append(group) }
            }
            return result
        }
        return try Self.page(candidates, query, parameters, request, notFound: NeutronError.securityGroupNotFound) {
            group, view, writer in group.render(into: &writer, view: view, listed: true)
        }
    }

    /// Pages `candidates` and renders them with the query's fields (an unknown marker is `notFound`).
    static func page<R: Sendable>(
        _ candidates: [R], _ query: ListQuery<R>, _ parameters: QueryParameters, _ request: Request,
        notFound: (String) -> NeutronError, render: @escaping @Sendable (R, ResourceView, inout JSONWriter) -> Void
    ) throws -> Response {
        let (page, markerFound) = query.page(candidates)
        if !markerFound, let marker = query.marker { throw notFound(marker) }
        let view = ResourceView(fields: query.fields)
        return listResponse(page, query: query, parameters: parameters, request: request) { item, writer in
            render(item, view, &writer)
        }
    }

    func listSecurityGroupRules(_ request: Request, _ access: AccessPolicy) throws -> Response {
        let parameters = QueryParameters(request.uri.query)
        let query = try ListQuery(parameters, spec: .securityGroupRules)
        let candidates: [SecurityGroupRule] = try repository.read { state throws(NeutronError) in
            var result: [SecurityGroupRule] = []
            for group in state.securityGroups.values {
                for rule in group.rules where access.canSee(rule, of: group) {
                    if try query.matches(rule) { result.append(rule) }
                }
            }
            return result
        }
        return try Self.page(candidates, query, parameters, request, notFound: NeutronError.securityGroupRuleNotFound) {
            rule, view, writer in rule.render(into: &writer, view: view)
        }
    }
}
