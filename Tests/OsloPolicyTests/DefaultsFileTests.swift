import OsloPolicy
import Testing

struct DefaultsFileTests {
    private let file = PolicyRules.defaultsFile()

    @Test func aRuleIsItsDescriptionOperationsScopeAndCommentedRule() {
        let entry = """
            # Update ``data_plane_status`` attribute of a port
            # PUT  /ports/{id}
            # Intended scope(s): project
            #"update_port:data_plane_status": "rule:admin_only or role:data_plane_integrator"


            """
        #expect(file.contains(entry))
        #expect(file.hasPrefix("# Rule for cloud admin access\n#\"context_is_admin\": \"role:admin\"\n\n"))
    }

    @Test func operationsAreListedOnePerLine() {
        let entry = """
            # Get a port
            # GET  /ports
            # GET  /ports/{id}
            # Intended scope(s): project
            #"get_port": "(rule:admin_only) or (rule:service_api) or role:reader and rule:network_owner or role:reader and project_id:%(project_id)s"
            """
        #expect(file.contains(entry))
    }

    @Test func longDescriptionsWrapAtSeventyColumns() {
        let lines = file.split(separator: "\n").filter { !$0.hasPrefix("#\"") && !$0.hasPrefix("# \"") }
        #expect(lines.allSatisfy { $0.count <= 70 })
        #expect(
            file.contains(
                """
                # Rule for context with privileges to send project_id in the request
                # body of the requests to create resources for other projects
                #"context_can_set_project_id": "!"
                """))
    }

    @Test func renamedRulesShowTheAliasForTheirOldName() {
        #expect(file.contains("# DEPRECATED\n# \"create_ports_tags\" has been renamed \"create_port:tags\"."))
        #expect(file.contains("\n# \"create_ports_tags\": \"rule:create_port:tags\"\n"))
    }

    @Test func everyLineIsACommentSoTheFileChangesNothing() {
        #expect(file.split(separator: "\n").allSatisfy { $0.hasPrefix("#") })
    }

    @Test func uncommentingEveryRuleGivesTheDefaultsBack() throws {
        var overrides: [PolicyRules.Override] = []
        for (number, line) in file.split(separator: "\n", omittingEmptySubsequences: false).enumerated()
        where line.hasPrefix("#\"") {
            let parts = line.dropFirst(2).split(separator: "\": \"", maxSplits: 1)
            overrides.append((String(parts[0]), String(parts[1].dropLast()), number + 1))
        }
        #expect(overrides.count == PolicyDefaults.all.count)
        let rules = try PolicyRules(overrides: overrides)
        for rule in PolicyDefaults.all {
            #expect(rules.ruleText(rule.name) == rule.rule)
        }
    }

    @Test func anInstanceRendersItsDefaults() throws {
        let rules = try PolicyRules(defaults: [
            RuleDefault(
                "update_topology", "rule:ops", description: "Edit the topology", operations: [.init("PUT", "/topology")]
            ),
            RuleDefault("ops", "role:ops", description: ""),
        ])
        #expect(
            rules.defaultsFile()
                == "# Edit the topology\n# PUT  /topology\n#\"update_topology\": \"rule:ops\"\n\n#\"ops\": \"role:ops\"\n\n"
        )
    }
}
