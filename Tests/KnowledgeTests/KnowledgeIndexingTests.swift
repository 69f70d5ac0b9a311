import KnowledgeIndexing
import Testing

/// Chunking, the embedded embedding, rank fusion and content hashes.
struct KnowledgeIndexingTests {
    @Test func headingsStayWithTheirText() {
        let markdown = """
            Intro before any heading.

            # Refunds

            ## Eligibility
            Items can be returned within 30 days.

            ```sh
            # not a heading
            ```

            ## How to ask
            Write to support.
            #hashtag is text
            """
        let chunks = MarkdownChunker().chunks(of: markdown, title: "Refunds")
        #expect(chunks.map(\.heading) == ["Refunds", "Refunds › Eligibility", "Refunds › How to ask"])
        #expect(chunks[1].text.hasPrefix("Items can be returned within 30 days."))
        #expect(chunks[1].text.contains("# not a heading"))
        #expect(chunks[2].text == "Write to support.\n#hashtag is text")
        #expect(chunks.map(\.position) == [0, 1, 2])
    }

    @Test func longSectionsBecomeOverlappingWindows() {
        let words = (1...600).map { "word\($0)" }.joined(separator: " ")
        let chunks = MarkdownChunker(size: 1000, overlap: 150).chunks(of: "## Long\n" + words)
        #expect(chunks.count > 3)
        #expect(chunks.allSatisfy { $0.text.count <= 1000 && $0.heading == "Long" })
        for (first, second) in zip(chunks, chunks.dropFirst()) {
            let lastWord = first.text.split(separator: " ").last!
            #expect(second.text.split(separator: " ").prefix(40).contains(lastWord), "windows overlap")
            #expect(!second.text.hasPrefix("ord"), "windows start at a word")
        }
        #expect(chunks.last!.text.hasSuffix("word600"))
        #expect(chunks.first!.text.hasPrefix("word1 "))
    }

    @Test func embeddingsAreUnitVectorsThatShareWordsAndPhrases() {
        let embedder = FeatureHashingEmbedder(dimensions: 256)
        let refund = embedder.embed("How do I get a refund for a damaged order?")
        let policy = embedder.embed("Refund policy: damaged orders are refunded in full.")
        let unrelated = embedder.embed("Configure single sign-on with Okta.")
        #expect(abs(cosine(refund, refund) - 1) < 1e-5)
        #expect(cosine(refund, policy) > cosine(refund, unrelated))
        #expect(embedder.embed("Refund") == embedder.embed("refund!"))
        #expect(embedder.embed("").allSatisfy { $0 == 0 })
    }

    @Test func rankFusionScoresFirstEverywhereAsOne() {
        let fused = RankFusion.fuse([["a", "b", "c"], ["a", "c", "d"]])
        #expect(fused.map(\.id) == ["a", "c", "b", "d"])
        #expect(fused.first?.score == 1)
        #expect(fused.allSatisfy { $0.score > 0 && $0.score <= 1 })
        #expect(RankFusion.fuse([[String]]()).isEmpty)
    }

    @Test func contentHashIsSHA256() {
        #expect(ContentHash.of("abc") == "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad")
    }

    @Test func relevanceIsTheMeanOfCoverageAndSimilarityWithinZeroAndOne() {
        #expect(Relevance.of(coverage: 0.5, similarity: 0.25) == 0.375)
        #expect(Relevance.of(coverage: 1, similarity: 1) == 1)
        #expect(Relevance.of(coverage: 0.4, similarity: -0.3) == 0.2)
        #expect(Relevance.of(coverage: 2, similarity: 3) == 1)
        #expect(Relevance.of(coverage: .nan, similarity: .infinity) == 0)
    }
}
