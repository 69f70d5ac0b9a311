import Foundation
import Testing

/// DESIGN's rule, checked in the sources: every table has one writer — the module `Package.swift` names in
/// `tablesWrittenBy` — and no other module's sources (Swift or SQL) insert into, update or delete from it.
/// Kinexus names every table with its schema, which is what the scan looks for.
struct TableOwnershipTests {
    static let root = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
        .deletingLastPathComponent()

    /// `tablesWrittenBy` of `Package.swift`: table → the module that writes it.
    static func owners() throws -> [String: String] {
        let manifest = try String(contentsOf: root.appendingPathComponent("Package.swift"), encoding: .utf8)
        guard let start = manifest.range(of: "let tablesWrittenBy"),
              let end = manifest.range(of: "\n]", range: start.upperBound..<manifest.endIndex) else { return [:] }
        var owners: [String: String] = [:]
        for entry in manifest[start.upperBound..<end.lowerBound].matches(of: #/"(\w+)": \[([^\]]*)\]/#) {
            for table in entry.output.2.matches(of: #/"([a-z_]+\.[a-z_]+)"/#) {
                owners[String(table.output.1)] = String(entry.output.1)
            }
        }
        return owners
    }

    /// Every module's folder, by module name: `Shared/<Module>` and `Services/<service>/<Module>` (the CLI's
    /// executable is `Services/kinexus` itself), and the fuzzer's entry points.
    static func moduleFolders() throws -> [String: URL] {
        let files = FileManager.default
        var folders: [String: URL] = ["FuzzEntryPoints": root.appendingPathComponent("Fuzz/EntryPoints"),
                                      "kinexus": root.appendingPathComponent("Services/kinexus")]
        for name in try files.contentsOfDirectory(atPath: root.appendingPathComponent("Shared").path) {
            folders[name] = root.appendingPathComponent("Shared/\(name)")
        }
        for service in try files.contentsOfDirectory(atPath: root.appendingPathComponent("Services").path) where service != "kinexus" {
            for name in try files.contentsOfDirectory(atPath: root.appendingPathComponent("Services/\(service)").path) {
                folders[name] = root.appendingPathComponent("Services/\(service)/\(name)")
            }
        }
        return folders
    }

    /// The tables a source writes to, with the statement's first words.
    static func writes(in source: String) -> [(table: String, statement: String)] {
        source.matches(of: #/(?i)\b(INSERT\s+INTO|UPDATE|DELETE\s+FROM|TRUNCATE(?:\s+TABLE)?)\s+([a-z_]+\.[a-z_]+)\b/#).map { match in
            (String(match.output.2).lowercased(), String(match.output.0))
        }
    }

    /// "module: statement" for every write by a module that does not own the table, or to a table no one owns.
    static func violations(owners: [String: String], sources: [(module: String, text: String)]) -> [String] {
        sources.flatMap { module, text in
            writes(in: text).compactMap { write in
                owners[write.table] == module ? nil : "\(module): \(write.statement) (owned by \(owners[write.table] ?? "no module"))"
            }
        }
    }

    @Test func onlyTheOwnerOfATableWritesIt() throws {
        let owners = try Self.owners()
        #expect(owners["docs.document_versions"] == "Orchestration", "the manifest parser found the owners")
        var sources: [(module: String, text: String)] = []
        for (module, folder) in try Self.moduleFolders() {
            let files = FileManager.default.enumerator(at: folder, includingPropertiesForKeys: nil)?.compactMap { $0 as? URL } ?? []
            for file in files where ["swift", "sql"].contains(file.pathExtension) {
                sources.append((module, try String(contentsOf: file, encoding: .utf8)))
            }
        }
        #expect(sources.count > 200, "the scan read the sources")
        #expect(Self.violations(owners: owners, sources: sources) == [])
    }

    @Test func everyOwnedTableIsCreatedByItsOwnersMigrations() throws {
        let owners = try Self.owners()
        let folders = try Self.moduleFolders()
        for (table, owner) in owners where table != "public.schema_migrations" {
            let migrations = try #require(folders[owner]).appendingPathComponent("Migrations")
            let sql = try FileManager.default.contentsOfDirectory(atPath: migrations.path)
                .map { try String(contentsOf: migrations.appendingPathComponent($0), encoding: .utf8) }.joined()
            let creation = try Regex("(?i)CREATE TABLE (IF NOT EXISTS )?\(table)\\b")
            #expect(sql.contains(creation), "\(table) is not created by \(owner)'s migrations")
        }
    }

    @Test func theScanFindsAWriteToAnotherModulesTable() {
        let owners = ["kb.sources": "KnowledgeBase", "docs.pages": "Approval"]
        let sources = [
            (module: "KinexusCLI", text: #"try await postgres.query("DELETE FROM kb.sources WHERE location LIKE 'bench/%'", logger: logger)"#),
            (module: "Approval", text: "INSERT INTO docs.pages (slug) VALUES ($1) ON CONFLICT (slug) DO UPDATE SET title = excluded.title"),
            (module: "Reviewing", text: "UPDATE docs.pages SET title = 'x'"),
            (module: "Stories", text: "insert into stories.secret (id) values (1)"),
        ]
        #expect(Self.violations(owners: owners, sources: sources) == [
            "KinexusCLI: DELETE FROM kb.sources (owned by KnowledgeBase)",
            "Reviewing: UPDATE docs.pages (owned by Approval)",
            "Stories: insert into stories.secret (owned by no module)",
        ])
    }
}
