import Foundation
import KinexusPostgres
import KinexusSettings
import KnowledgeIndexing
import Logging
import PostgresNIO

/// Hybrid retrieval: full-text rank (Postgres, GIN) and embedding cosine (in memory), fused by reciprocal
/// rank fusion into the order and scores in (0, 1]; each hit with its absolute `Relevance`, its source and heading.
public struct KnowledgeRetriever: Sendable {
    public struct Hit: Sendable, Equatable, Codable {
        public let content: String
        /// Fusion's: the order, not whether the chunk answers the query.
        public let score: Double
        /// Whether it answers the query (`Relevance`); nil in suggestions stored before relevance was measured.
        public let relevance: Double?
        /// The object key or the page's address.
        public let source: String
        public let metadata: Metadata

        public struct Metadata: Sendable, Equatable, Codable {
            public let title: String
            public let heading: String
            public let kind: String
            public let chunkID: Int64

            enum CodingKeys: String, CodingKey {
                case title, heading, kind, chunkID = "chunk_id"
            }
        }
    }

    let client: PostgresClient
    let embedder: any Embedder
    /// The embeddings in memory: load it before serving (`index.load()`), or the first searches wait for it.
    public let index: EmbeddingIndex
    let logger: Logger
    /// How deep each ranking goes before fusion.
    static let depth = 50
    /// Full-text matches ranked per tier at most: each is a heap row read at random, 300 kept a million chunks'
    /// full-text half at about 17 ms (1,000: 29 ms; BENCHMARKS.md).
    static let candidates = 300
    /// Chunks a word may match and still choose which are ranked.
    static let commonMatches = 5_000

    public init(client: PostgresClient, embedder: any Embedder, index: EmbeddingIndex, logger: Logger) {
        self.client = client
        self.embedder = embedder
        self.index = index
        self.logger = logger
    }

    /// The retriever as every service that searches wires it: the embedder `KINEXUS_EMBEDDINGS_*` configures,
    /// and an embedding index of its own, saved under `KINEXUS_DATA_DIR`.
    public static func composed(postgres: PostgresClient, environment: [String: String], logger: Logger) throws -> KnowledgeRetriever {
        let saved = EnvironmentSettings(environment).dataDirectory + "/knowledge-index"
        return KnowledgeRetriever(client: postgres, embedder: try EmbedderConfiguration.embedder(environment: environment, logger: logger),
                                  index: EmbeddingIndex(client: postgres, logger: logger, savedIn: saved), logger: logger)
    }

    /// What one search found: the hits kept, the query's embedding, and the best relevance among every
    /// candidate, kept or not.
    public struct Retrieval: Sendable {
        public let hits: [Hit]
        public let embedding: [Float]
        public let bestRelevance: Double?
    }

    /// The `count` best hits in fusion's order among those whose relevance reaches `minimumRelevance`.
    public func search(_ query: String, count: Int, minimumRelevance: Double = 0) async throws -> [Hit] {
        try await retrieve(query, count: count, minimumRelevance: minimumRelevance).hits
    }

    public func retrieve(_ query: String, count: Int, minimumRelevance: Double = 0) async throws -> Retrieval {
        guard !query.trimmingCharacters(in: .whitespacesAndNewlines).isEmpty, count > 0 else {
            return Retrieval(hits: [], embedding: [], bestRelevance: nil)
        }
        async let lexical = fullText(query)
        let vector = try await embedding(of: query)
        let candidates = try await index.candidates(near: vector).map(\.id)
        let lexicalIDs = try await lexical
        // One read for both rankings: the semantic candidates' exact embeddings re-rank them, and the rows are the hits.
        let rows = try await chunks(Array(Set(lexicalIDs + candidates)), query: query)
        let semantic = Self.exactOrder(candidates, of: vector, rows: rows).prefix(Self.depth)
        let fused = RankFusion.fuse([lexicalIDs, Array(semantic)])
        let hits = fused.compactMap { ranked in
            rows[ranked.id].map { row in
                Hit(content: row.content, score: (ranked.score * 1000).rounded() / 1000,
                    relevance: Relevance.of(coverage: row.coverage, similarity: cosine(vector, row.embedding)), source: row.location,
                    metadata: .init(title: row.title, heading: row.heading, kind: row.kind, chunkID: ranked.id))
            }
        }
        return Retrieval(hits: Array(hits.filter { ($0.relevance ?? 0) >= minimumRelevance }.prefix(count)), embedding: vector,
                         bestRelevance: hits.compactMap(\.relevance).max())
    }

    /// The candidates that have rows, nearest to `vector` by their exact embeddings first (ties by id).
    static func exactOrder(_ candidates: [Int64], of vector: [Float], rows: [Int64: Row]) -> [Int64] {
        let similarities: [(id: Int64, similarity: Float)] = candidates.compactMap { id in
            guard let row = rows[id] else { return nil }
            return (id, cosine(vector, row.embedding))
        }
        return similarities.sorted { $0.similarity > $1.similarity || ($0.similarity == $1.similarity && $0.id < $1.id) }.map(\.id)
    }

    /// The text's embedding, as retrieval computes it for a query.
    public func embedding(of text: String) async throws -> [Float] {
        try await embedder.embed([text]).first ?? []
    }

    /// Chunks with every word of the query rank first, then chunks with some. Postgres ranks only what the GIN
    /// index hands it, and a query of common words matches most chunks: each tier ranks at most `candidates` of
    /// its matches. A word in more than `commonMatches` chunks (by the column's statistics) does not choose
    /// them: listing its matches from the index cost up to 200 ms at a million chunks, and of so many matches the
    /// few ranked would be chosen by where they lie on disk, not by the word. It still counts in their rank.
    func fullText(_ query: String) async throws -> [Int64] {
        var ids: [Int64] = []
        // Any text is a query: its English lexemes (quoted, and not stemmed a second time), AND-ed and
        // OR-ed; only stop words find nothing.
        guard let rows = try await client.queryIfTablesExist("""
            WITH lexemes AS (SELECT tsvector_to_array(to_tsvector('english', \(query))) AS terms),
            common AS (SELECT coalesce(array_agg(m.lexeme), '{}') AS terms
                       FROM pg_stats s, pg_class c,
                            unnest(s.most_common_elems::text::text[], s.most_common_elem_freqs) AS m(lexeme, frequency)
                       WHERE s.schemaname = 'kb' AND s.tablename = 'chunks' AND s.attname = 'search' AND c.oid = to_regclass('kb.chunks')
                         AND m.lexeme IS NOT NULL AND m.frequency * c.reltuples > \(Self.commonMatches)),
            quoted AS (SELECT ARRAY(SELECT quote_literal(t) FROM unnest(lexemes.terms) t) AS every_term,
                              ARRAY(SELECT quote_literal(t) FROM unnest(lexemes.terms) t WHERE t <> ALL (common.terms)) AS telling
                       FROM lexemes, common),
            q AS (SELECT to_tsquery('simple', nullif(array_to_string(every_term, ' & '), '')) AS every,
                         to_tsquery('simple', nullif(array_to_string(every_term, ' | '), '')) AS some,
                         to_tsquery('simple', nullif(array_to_string(telling, ' & '), '')) AS every_telling,
                         to_tsquery('simple', nullif(array_to_string(telling, ' | '), '')) AS some_telling FROM quoted),
            strict AS (SELECT c.chunk_id, ts_rank_cd(c.search, q.every) AS rank
                       FROM (SELECT chunk_id, search FROM kb.chunks, q WHERE search @@ q.every_telling LIMIT \(Self.candidates)) c, q
                       ORDER BY rank DESC LIMIT \(Self.depth)),
            loose AS (SELECT c.chunk_id, ts_rank_cd(c.search, q.some) AS rank
                      FROM (SELECT chunk_id, search FROM kb.chunks, q WHERE search @@ q.some_telling LIMIT \(Self.candidates)) c, q
                      ORDER BY rank DESC LIMIT \(Self.depth))
            SELECT chunk_id FROM (SELECT chunk_id, 1 AS tier, rank FROM strict UNION ALL SELECT chunk_id, 2, rank FROM loose) ranked
            GROUP BY chunk_id ORDER BY min(tier), max(rank) DESC, chunk_id LIMIT \(Self.depth)
            """, logger: logger) else { return [] }
        for try await id in rows.decode(Int64.self) { ids.append(id) }
        return ids
    }

    struct Row {
        let content: String
        let heading: String
        let title: String
        let location: String
        let kind: String
        let embedding: [Float]
        /// The share of the query's lexemes the chunk holds.
        let coverage: Double
    }

    private func chunks(_ ids: [Int64], query: String) async throws -> [Int64: Row] {
        guard !ids.isEmpty else { return [:] }
        var found: [Int64: Row] = [:]
        let rows = try await client.tracedQuery("""
            WITH q AS (SELECT tsvector_to_array(to_tsvector('english', \(query))) AS lexemes)
            SELECT c.chunk_id, c.content, c.heading, s.title, s.location, s.kind, c.embedding,
                   (SELECT count(*) FROM unnest(q.lexemes) lexeme WHERE lexeme = ANY(tsvector_to_array(c.search)))::float8
                       / greatest(cardinality(q.lexemes), 1)
            FROM kb.chunks c JOIN kb.sources s USING (source_id), q WHERE c.chunk_id = ANY(\(ids))
            """, logger: logger)
        for try await (id, content, heading, title, location, kind, embedding, coverage)
            in rows.decode((Int64, String, String, String, String, String, [Float], Double).self)
        {
            found[id] = Row(content: content, heading: heading, title: title, location: location, kind: kind, embedding: embedding,
                            coverage: coverage)
        }
        return found
    }
}
