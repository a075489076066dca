import Foundation
import OsloPolicy
import PolicyFile
import Testing

/// A policy file in a fresh temporary directory.
struct TemporaryPolicyFile {
    let path: String

    init(_ text: String, name: String = "policy.yaml") throws {
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent(
            "portwatch-policy-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        path = directory.appendingPathComponent(name).path
        try write(text)
    }

    /// Replaces the file's contents the way an editor or a config manager does: write aside, rename.
    func write(_ text: String) throws {
        let aside = path + ".tmp"
        try Data(text.utf8).write(to: URL(fileURLWithPath: aside))
        guard rename(aside, path) == 0 else { throw CocoaError(.fileWriteUnknown) }
    }

    var file: PolicyFile { PolicyFile(path: path) }
}

struct PolicyFileTests {
    private let custom = Credentials(userID: "u", projectID: "p1", roles: ["custom"])
    private let port: [String: PolicyValue] = ["project_id": "p1", "network:project_id": "p1"]

    /// The error loading `text` as a file named `name` gives, or a recorded issue when it loads.
    private func loadError(_ text: String, name: String = "policy.yaml") throws -> PolicyFileError? {
        let temporary = try TemporaryPolicyFile(text, name: name)
        do {
            _ = try temporary.file.rules()
            Issue.record("the file loaded")
            return nil
        } catch {
            #expect(error.path == temporary.path)
            #expect(error.description.hasPrefix(temporary.path))
            return error
        }
    }

    @Test func aYAMLFileOverridesRulesWithTheirLines() throws {
        let temporary = try TemporaryPolicyFile(
            """
            # Portwatch policy
            "update_port:data_plane_status": "role:custom"

            net_admins: role:netops
            'update_topology': "rule:admin_only or rule:net_admins"
            """)
        let overrides = try temporary.file.overrides()
        #expect(overrides.map(\.name) == ["update_port:data_plane_status", "net_admins", "update_topology"])
        #expect(overrides.map(\.line) == [2, 4, 5])
        #expect(overrides.map(\.rule) == ["role:custom", "role:netops", "rule:admin_only or rule:net_admins"])
        let rules = try temporary.file.rules()
        #expect(rules.enforce("update_port:data_plane_status", target: port, credentials: custom))
        #expect(rules.overriddenNames == ["update_port:data_plane_status", "net_admins", "update_topology"])
    }

    @Test func aJSONFileOverridesRulesWithTheirLines() throws {
        let temporary = try TemporaryPolicyFile(
            """
            {
                "update_port:data_plane_status": "role:custom",
                "get_port:binding:host_id":
                    "rule:admin_only or role:member and project_id:%(project_id)s",
                "escaped\\u0020name": "@"
            }
            """, name: "policy.json")
        let overrides = try temporary.file.overrides()
        #expect(overrides.map(\.name) == ["update_port:data_plane_status", "get_port:binding:host_id", "escaped name"])
        #expect(overrides.map(\.line) == [2, 3, 5])
        let compact = try PolicyFile.overrides(in: #"{"get_port":"@","update_port":"!"}"#, format: .json)
        #expect(compact.map(\.name) == ["get_port", "update_port"])
        #expect(compact.map(\.line) == [1, 1])
    }

    @Test func emptyFilesOverrideNothing() throws {
        #expect(try TemporaryPolicyFile("# nothing yet\n").file.overrides().isEmpty)
        #expect(try TemporaryPolicyFile("").file.overrides().isEmpty)
        #expect(try TemporaryPolicyFile("\n", name: "policy.json").file.overrides().isEmpty)
        #expect(try TemporaryPolicyFile("{}", name: "policy.json").file.rules().overriddenNames.isEmpty)
    }

    @Test func theDefaultsFileLoadsAndChangesNothing() throws {
        let rules = try TemporaryPolicyFile(PolicyRules.defaultsFile()).file.rules()
        #expect(rules.overriddenNames.isEmpty)
    }

    @Test func anUnknownRuleNamesTheFileAndLine() throws {
        let error = try #require(
            try loadError("\"get_port\": \"@\"\n\"updte_port:data_plane_status\": \"role:custom\"\n"))
        #expect(error.code == .rule)
        #expect(error.line == 2)
        #expect(error.policyError?.code == .unknownRule)
        #expect(
            error.description.hasSuffix(
                ", line 2: policy rule \"updte_port:data_plane_status\": is not a known rule, and no rule references it (is the name misspelt?)"
            ))
    }

    @Test func aRuleSyntaxErrorNamesTheLine() throws {
        let error = try #require(try loadError("# header\n\n\"get_port\": \"rule:admin_only or\"\n"))
        #expect(error.code == .rule)
        #expect(error.line == 3)
        #expect(error.description.hasSuffix(", line 3: policy rule \"get_port\": expected a check after 'or'"))
    }

    @Test func aYAMLSyntaxErrorNamesTheLine() throws {
        let error = try #require(try loadError("\"get_port\": \"@\"\n\"update_port\": \"unclosed\n"))
        #expect(error.code == .syntax)
        #expect(error.line == 3 || error.line == 2)
        #expect(error.description.contains("is not valid YAML"))
        let misplaced = try #require(try loadError("get_port: \"@\"\n  - a list where a key belongs\n"))
        #expect(misplaced.code == .syntax)
        #expect(misplaced.line == 2)
    }

    @Test func aJSONSyntaxErrorIsReported() throws {
        let error = try #require(
            try loadError("{\n  \"get_port\": \"@\",\n  \"update_port\" \"!\"\n}\n", name: "policy.json"))
        #expect(error.code == .syntax)
        #expect(error.description.contains("is not valid JSON"))
        #expect(error.line == 3, "Foundation's offset, as a line")
    }

    @Test func valuesMustBeStrings() throws {
        for text in ["get_port:\n", "get_port: true\n", "get_port: 3\n", "get_port: [a]\n", "get_port: !\n"] {
            let error = try #require(try loadError("# x\n" + text), "\(text)")
            #expect(error.code == .shape)
            #expect(error.line == 2)
            #expect(error.message.contains("the rule must be a string"))
        }
        #expect(try TemporaryPolicyFile("get_port: \"\"\n").file.rules().ruleText("get_port") == "")
        let json = try #require(try loadError("{\"get_port\": 1}", name: "policy.json"))
        #expect(json.code == .shape)
        #expect(json.line == 1)
    }

    @Test func theDocumentMustBeAMapping() throws {
        let error = try #require(try loadError("- get_port\n"))
        #expect(error.code == .shape)
        #expect(try #require(try loadError("[]", name: "policy.json")).code == .shape)
    }

    @Test func aRuleWrittenTwiceIsAnError() throws {
        let error = try #require(try loadError("get_port: \"@\"\nupdate_port: \"@\"\nget_port: \"!\"\n"))
        #expect(error.line == 1 || error.line == 3)
        #expect(error.message == "policy rule \"get_port\" is written more than once")
        let json = try #require(try loadError("{\"get_port\": \"@\",\n \"get_port\": \"!\"}", name: "policy.json"))
        #expect(json.line == 2)
        #expect(json.policyError?.code == .duplicateRule)
        #expect(json.message.contains("first at line 1"))
    }

    @Test func aMissingFileIsUnreadable() throws {
        let error: PolicyFileError
        do {
            _ = try PolicyFile(path: "/nonexistent/portwatch/policy.yaml").rules()
            Issue.record("loaded")
            return
        } catch let caught {
            error = caught
        }
        #expect(error.code == .unreadable)
        #expect(error.description.hasPrefix("/nonexistent/portwatch/policy.yaml: cannot be read"))
    }
}
