import ArgumentParser
import Foundation
import OsloPolicy
import PolicyFile

/// `portwatch policy`: the policy rules, as `oslopolicy-sample-generator` and `oslopolicy-checker` give them.
struct Policy: ParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Print the default policy rules, or check a policy file.",
        subcommands: [Defaults.self, Check.self])

    /// `portwatch policy defaults`: the sample policy file.
    struct Defaults: ParsableCommand {
        static let configuration = CommandConfiguration(
            abstract:
                "Print every rule with its default, description and operations, commented out: a policy file to start from."
        )

        func run() {
            print(PolicyRules.defaultsFile(), terminator: "")
        }
    }

    /// `portwatch policy check --policy-file F`: loads the file as `serve` would.
    struct Check: ParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Check a policy file as portwatch serve loads it: exit 0 when it loads, 1 with the reason.")

        @Option(help: "The policy file (PORTWATCH_POLICY_FILE).")
        var policyFile: String? = ProcessInfo.processInfo.environment["PORTWATCH_POLICY_FILE"]

        func run() throws {
            guard let policyFile, !policyFile.isEmpty else {
                throw ValidationError("--policy-file is required")
            }
            do {
                let rules = try PolicyFile(path: policyFile).rules()
                let names = rules.overriddenNames.sorted()
                print(
                    "\(policyFile): OK, \(names.count) rule(s) overridden\(names.isEmpty ? "" : ": " + names.joined(separator: ", "))"
                )
            } catch {
                FileHandle.standardError.write(Data("\(error)\n".utf8))
                throw ExitCode.failure
            }
        }
    }
}
