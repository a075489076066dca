import ArgumentParser
import Foundation
import NeutronAPI
import SourceCredentials

/// `portwatch source-credentials`: makes the hashes a source credentials file stores, and checks a file.
struct SourceCredentialsCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "source-credentials",
        abstract: "Make and check the static credentials event sources (Alertmanager, ONOS, collectd...) post with.",
        subcommands: [New.self, Hash.self, Check.self])

    /// `portwatch source-credentials new SOURCE --name NAME`: a fresh random token and its entry.
    struct New: ParsableCommand {
        static let configuration = CommandConfiguration(
            abstract:
                "Generate a random bearer token for SOURCE: prints the token (give it to the machine) and the entry for the credentials file (which stores only its hash)."
        )

        @Argument(help: "The event source: \(EventSourceEndpoints.names.joined(separator: ", ")).")
        var source: String

        @Option(help: "The credential's name, unique within the source (shown in logs).")
        var name: String

        func run() throws {
            guard EventSourceEndpoints.names.contains(source) else {
                throw ValidationError("SOURCE must be one of \(EventSourceEndpoints.names.joined(separator: ", "))")
            }
            var generator = SystemRandomNumberGenerator()
            let bytes = (0..<32).map { _ in UInt8.random(in: .min ... .max, using: &generator) }
            let token = Data(bytes).base64EncodedString().replacingOccurrences(of: "+", with: "-")
                .replacingOccurrences(of: "/", with: "_").replacingOccurrences(of: "=", with: "")
            let hash = try SecretHash.make(secret: token)
            print("# token (shown once; configure the \(source) sender with Authorization: Bearer <token>):")
            print("#   \(token)")
            print("\(source):")
            print("  - name: \(name)")
            print("    bearer: \"\(hash)\"")
        }
    }

    /// `portwatch source-credentials hash`: the PBKDF2 hash of a secret read from standard input.
    struct Hash: ParsableCommand {
        static let configuration = CommandConfiguration(
            abstract:
                "Print the hash of a secret (a bearer token or a basic-auth password) read from standard input, for the credentials file."
        )

        @Option(help: "PBKDF2-SHA256 rounds (at least \(SecretHash.minimumRounds)).")
        var rounds: Int = SecretHash.defaultRounds

        func run() throws {
            guard rounds >= SecretHash.minimumRounds else {
                throw ValidationError("--rounds must be at least \(SecretHash.minimumRounds)")
            }
            let input = String(decoding: FileHandle.standardInput.readDataToEndOfFile(), as: UTF8.self)
            // One trailing newline is the terminal's, not the secret's.
            var secret = Substring(input)
            if secret.hasSuffix("\r\n") { secret = secret.dropLast(2) } else if secret.hasSuffix("\n") { secret = secret.dropLast() }
            guard !secret.isEmpty else { throw ValidationError("no secret on standard input") }
            print(try SecretHash.make(secret: String(secret), rounds: rounds))
        }
    }

    /// `portwatch source-credentials check --source-credentials F`: loads the file as `serve` would.
    struct Check: ParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Check a source credentials file as portwatch serve loads it: exit 0 when it loads, 1 with the reason.")

        @Option(help: "The source credentials file (PORTWATCH_SOURCE_CREDENTIALS).")
        var sourceCredentials: String? = ProcessInfo.processInfo.environment["PORTWATCH_SOURCE_CREDENTIALS"]

        func run() throws {
            guard let sourceCredentials, !sourceCredentials.isEmpty else {
                throw ValidationError("--source-credentials is required")
            }
            do {
                let credentials = try SourceCredentialsFile(
                    path: sourceCredentials, knownSources: EventSourceEndpoints.names
                ).load()
                let bySource = Dictionary(grouping: credentials, by: \.source).sorted { $0.key < $1.key }
                    .map { "\($0.key): \($0.value.count)" }
                print(
                    "\(sourceCredentials): OK, \(credentials.count) credential(s)\(bySource.isEmpty ? "" : " (" + bySource.joined(separator: ", ") + ")")"
                )
            } catch {
                FileHandle.standardError.write(Data("\(error)\n".utf8))
                throw ExitCode.failure
            }
        }
    }
}
