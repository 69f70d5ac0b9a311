import Accounts
import ArgumentParser
import Foundation
import KinexusPostgres
import KinexusServiceKit
import Logging
import NIOPosix
import PostgresNIO

/// `kinexus users …`: the console's people, straight in the ingress's Postgres (KINEXUS_POSTGRES_URL).
struct UsersCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "users", abstract: "Add, list and change the console's users.",
        discussion: "Roles: \(Role.allCases.map(\.rawValue).joined(separator: ", ")). Uses KINEXUS_POSTGRES_URL.",
        subcommands: [Add.self, List.self, SetRoles.self, Disable.self, ResetPassword.self])

    struct Add: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Add a user; prints a generated password unless --password-stdin gives one.")
        @Argument(help: "The user's name.") var name: String
        @Option(help: "ROLE[,ROLE…]") var role: String
        @Flag(help: "Read the password from the first line of standard input.") var passwordStdin = false

        func run() async throws {
            let roles = try AccountRules.roles(role)
            let given = passwordStdin ? try await standardInputLine() : nil
            let password = try await withAccounts { try await $0.add(name: name, roles: roles, password: given) }
            emit(given == nil ? "added \(name) (\(roles.sorted().map(\.rawValue).joined(separator: ","))); password: \(password)"
                 : "added \(name) (\(roles.sorted().map(\.rawValue).joined(separator: ",")))")
        }
    }

    struct List: AsyncParsableCommand {
        static let configuration = CommandConfiguration(abstract: "List the users with their roles.")

        func run() async throws {
            let users = try await withAccounts { try await $0.list() }
            emit("NAME\tROLES\tSTATE\tCREATED")
            for user in users {
                emit("\(user.name)\t\(user.roles.sorted().map(\.rawValue).joined(separator: ","))\t"
                     + "\(user.disabled ? "disabled" : "active")\t\(user.createdAt.ISO8601Format())")
            }
        }
    }

    struct SetRoles: AsyncParsableCommand {
        static let configuration = CommandConfiguration(commandName: "set-roles", abstract: "Replace a user's roles.")
        @Argument(help: "The user's name.") var name: String
        @Argument(help: "ROLE[,ROLE…]") var roles: String

        func run() async throws {
            let roles = try AccountRules.roles(roles)
            try await withAccounts { try await $0.setRoles(name: name, roles: roles) }
            emit("\(name) now has the roles \(roles.sorted().map(\.rawValue).joined(separator: ","))")
        }
    }

    struct Disable: AsyncParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Stop a user signing in; their sessions end.")
        @Argument(help: "The user's name.") var name: String

        func run() async throws {
            try await withAccounts { try await $0.disable(name: name) }
            emit("disabled \(name); their sessions have ended")
        }
    }

    struct ResetPassword: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            commandName: "reset-password", abstract: "Give a user a new generated password; their sessions end.")
        @Argument(help: "The user's name.") var name: String

        func run() async throws {
            let password = try await withAccounts { try await $0.resetPassword(name: name) }
            emit("new password for \(name): \(password)")
        }
    }
}

/// Runs `body` on the accounts, their table created first if the ingress has not started yet.
private func withAccounts<Result: Sendable>(_ body: @escaping @Sendable (Accounts) async throws -> Result) async throws -> Result {
    let logger = Logger(label: "kinexus.users")
    let postgres = try CommandEnvironment.postgres(logger: logger)
    return try await withThrowingTaskGroup(of: Result?.self) { tasks in
        tasks.addTask {
            await postgres.run()
            return nil
        }
        defer { tasks.cancelAll() }
        try await MigrationRunner(client: postgres, logger: logger).run(try Accounts.migrations())
        return try await body(Accounts(client: postgres, logger: logger))
    }
}

/// The first line of standard input, read off Swift's cooperative pool.
private func standardInputLine() async throws -> String {
    let line = try await NIOThreadPool.singleton.runIfActive { readLine(strippingNewline: true) }
    guard let line, !line.isEmpty else { throw CommandFailure("--password-stdin: standard input held no password") }
    return line
}
