import DocumentWriting
import FakeServices
import KinexusEvents
import KinexusJSON
import KinexusSettings
import LanguageModels
import Logging
import OutboundHTTP
import Testing

/// A provider that records what it was sent and answers from a script, one answer per request.
actor ScriptedProvider {
    private(set) var requests: [FakeRequest] = []
    private var script: [FakeResponse]

    init(_ script: [FakeResponse]) { self.script = script }

    func handle(_ request: FakeRequest) -> FakeResponse {
        requests.append(request)
        return script.count > 1 ? script.removeFirst() : script[0]
    }

    var bodies: [JSONValue] { requests.compactMap { try? JSONValue(parsing: $0.body) } }
}

let change = ChangeDetected(
    changeID: "c-1", origin: "jira", ticketKey: "API-7", ticketType: "Story", summary: "Rate limits for the public API",
    description: "Requests over 100 per minute answer 429.", labels: ["api-change"], apiPaths: ["GET /v1/limits"],
    documentationType: "api")

func writer(_ environment: [String: String], base: String) throws -> any TextGenerator {
    var settings = environment
    settings["KINEXUS_LLM_BASE_URL"] = base
    return try WriterConfiguration.writer(environment: settings, logger: Logger(label: "test"))
}

func chatAnswer(_ text: String) -> FakeResponse {
    .json(200, (["choices": [["message": ["role": "assistant", "content": .string(text)]]]] as JSONValue).jsonText)
}

@Suite("Language model writers against local fake providers")
struct ModelWriterTests {
    @Test("OpenAI-compatible: the ticket goes out as chat messages and the page comes back without its fence")
    func openAICompatible() async throws {
        let provider = ScriptedProvider([chatAnswer("```markdown\n# Rate limits\n\n## Overview\nLimits.\n```")])
        let page = try await withFakeServer({ await provider.handle($0) }) { base in
            let writer = try writer(["KINEXUS_LLM_PROVIDER": "openai", "KINEXUS_LLM_MODEL": "gpt-test", "KINEXUS_LLM_API_KEY": "sk-secret"],
                                    base: base + "/v1")
            return try await writer.newDocument(for: change, title: "Rate limits for the public API")
        }
        #expect(page == "# Rate limits\n\n## Overview\nLimits.\n")
        let request = try #require(await provider.requests.first)
        #expect(request.path == "/v1/chat/completions")
        #expect(request.header("Authorization") == "Bearer sk-secret")
        let body = try #require(await provider.bodies.first)
        #expect(body["model"] == "gpt-test")
        #expect(body["messages"]?.arrayValue?.map { $0["role"] } == ["system", "user"])
        let prompt = try #require(body["messages"]?.arrayValue?.last?["content"]?.stringValue)
        #expect(prompt.contains("API-7"))
        #expect(prompt.contains("GET /v1/limits"))
        #expect(prompt.contains("Overview, Purpose, Implementation Details, Usage, Examples, Impact, Notes"))
    }

    @Test("Anthropic Messages: key and version headers, system apart, text blocks joined")
    func anthropic() async throws {
        let answer: JSONValue = ["content": [["type": "text", "text": "## Overview\n"], ["type": "text", "text": "Limits."]]]
        let provider = ScriptedProvider([.json(200, answer.jsonText)])
        let page = try await withFakeServer({ await provider.handle($0) }) { base in
            let writer = try writer(["KINEXUS_LLM_PROVIDER": "anthropic", "KINEXUS_LLM_MODEL": "claude-test", "KINEXUS_LLM_API_KEY": "ant-key"],
                                    base: base)
            return try await writer.revisedDocument("# Rate limits\n", feedback: "Add the headers", reviewer: "dana")
        }
        #expect(page == "## Overview\nLimits.\n")
        let request = try #require(await provider.requests.first)
        #expect(request.path == "/v1/messages")
        #expect(request.header("x-api-key") == "ant-key")
        #expect(request.header("anthropic-version") == "2023-06-01")
        let body = try #require(await provider.bodies.first)
        #expect(body["system"]?.stringValue?.contains("technical writer") == true)
        #expect(body["max_tokens"] == 4096)
        #expect(body["messages"]?.arrayValue?.first?["content"]?.stringValue?.contains("Add the headers") == true)
    }

    @Test("429 and 5xx are retried; a provider that keeps failing ends in an error naming the status")
    func retries() async throws {
        let flaky = ScriptedProvider([FakeResponse(status: 429, headers: ["Retry-After": "0"]), .json(503, "{}"), chatAnswer("# T\n\nok")])
        let text = try await withFakeServer({ await flaky.handle($0) }) { base in
            try await OpenAICompatibleModel(baseURL: base, model: "m", apiKey: nil, http: quickHTTP()).complete(system: "s", prompt: "p")
        }
        #expect(text == "# T\n\nok")
        #expect(await flaky.requests.count == 3)

        let broken = ScriptedProvider([.json(500, #"{"error":"overloaded"}"#)])
        let error = await #expect(throws: UnexpectedStatus.self) {
            try await withFakeServer({ await broken.handle($0) }) { base in
                try await OpenAICompatibleModel(baseURL: base, model: "m", apiKey: nil, http: quickHTTP()).complete(system: "s", prompt: "p")
            }
        }
        #expect(error?.status == 500)
        #expect(await broken.requests.count == 3)
    }

    @Test("a huge description is cut to the prompt bound, and the cut is said")
    func promptBound() async throws {
        let provider = ScriptedProvider([chatAnswer("# T\n")])
        let huge = {
            var huge = change
            huge.description = String(repeating: "Every request is counted.\n", count: 20_000)
            return huge
        }()
        try await withFakeServer({ await provider.handle($0) }) { base in
            let writer = try writer(["KINEXUS_LLM_PROVIDER": "openai", "KINEXUS_LLM_MODEL": "m", "KINEXUS_LLM_MAX_PROMPT_CHARS": "4000"],
                                    base: base)
            _ = try await writer.newDocument(for: huge, title: "T")
        }
        let prompt = try #require(await provider.bodies.first?["messages"]?.arrayValue?.last?["content"]?.stringValue)
        #expect(prompt.count <= 4000)
        #expect(prompt.contains("more characters not shown"))
    }

    @Test("configuration: template by default; an unknown provider or a missing model is refused by name")
    func configuration() throws {
        #expect(try WriterConfiguration.writer(environment: [:], logger: Logger(label: "t")) is TemplateWriter)
        #expect(throws: InvalidSetting.self) {
            try WriterConfiguration.writer(environment: ["KINEXUS_LLM_PROVIDER": "gpt"], logger: Logger(label: "t"))
        }
        #expect(throws: InvalidSetting.self) {
            try WriterConfiguration.writer(environment: ["KINEXUS_LLM_PROVIDER": "openai"], logger: Logger(label: "t"))
        }
        #expect(throws: InvalidSetting.self) {
            try WriterConfiguration.writer(environment: ["KINEXUS_LLM_PROVIDER": "anthropic", "KINEXUS_LLM_MODEL": "m"], logger: Logger(label: "t"))
        }
        #expect(throws: InvalidSetting.self) {
            try WriterConfiguration.writer(environment: ["KINEXUS_LLM_PROVIDER": "openai", "KINEXUS_LLM_MODEL": "m",
                                                         "KINEXUS_LLM_TIMEOUT": "999999999999999999"], logger: Logger(label: "t"))
        }
    }
}

func quickHTTP() -> RetryingHTTPClient {
    RetryingHTTPClient(service: "LLM", policy: .init(timeout: .seconds(5), attempts: 3, firstDelay: .milliseconds(5)), logger: Logger(label: "test"))
}

@Suite("The model decides update or create")
struct RelatedPageDecisionTests {
    let pages = [RelatedPage(title: "Billing API", markdown: "# Billing API\n"),
                 RelatedPage(title: "Public API rate limits", markdown: "# Public API rate limits\n")]

    func decide(_ answer: String) async throws -> (RelatedPage?, String) {
        let provider = ScriptedProvider([chatAnswer(answer)])
        let pages = self.pages
        let chosen = try await withFakeServer({ await provider.handle($0) }) { base in
            try await writer(["KINEXUS_LLM_PROVIDER": "openai", "KINEXUS_LLM_MODEL": "m"], base: base)
                .relatedPage(for: change, among: pages)
        }
        let prompt = await provider.bodies.first?["messages"]?.arrayValue?.last?["content"]?.stringValue ?? ""
        return (chosen, prompt)
    }

    @Test("the page the model names is updated; 0 means a new page")
    func modelAnswers() async throws {
        let (second, prompt) = try await decide("2")
        #expect(second?.title == "Public API rate limits")
        #expect(prompt.contains("1. Billing API\n2. Public API rate limits"))
        #expect(try await decide("0").0 == nil)
    }

    @Test("an answer naming no listed page falls back to keyword overlap")
    func unusableAnswer() async throws {
        #expect(try await decide("I think the second one, probably.").0?.title == "Public API rate limits")
        #expect(try await decide("7").0?.title == "Public API rate limits")
    }
}

@Suite("A knowledge article from a language model")
struct ModelArticleTests {
    @Test("the tickets and their answers go out; the Sources section is Kinexus's own, whatever the model wrote")
    func article() async throws {
        let provider = ScriptedProvider([chatAnswer("# Dark mode\n\nUse Settings → Appearance (ticket T-1).\n\n## Sources\n- made up")])
        let request = KnowledgeArticleRequested(
            gapID: "g", draft: 1, question: "Dark mode",
            tickets: [.init(ticketID: "T-1", subject: "Dark mode", description: "Is there a dark mode?", customerTier: "pro",
                            answer: "Settings → Appearance."),
                      .init(ticketID: "T-2", subject: "Too bright", description: "Too bright at night.", customerTier: nil, answer: nil)],
            requestedBy: "ana")
        let page = try await withFakeServer({ await provider.handle($0) }) { base in
            let writer = try writer(["KINEXUS_LLM_PROVIDER": "openai", "KINEXUS_LLM_MODEL": "m"], base: base)
            return try await writer.article(for: request, previous: nil)
        }
        let prompt = try #require(await provider.bodies.first?["messages"]?.arrayValue?.last?["content"]?.stringValue)
        #expect(prompt.contains("Write a knowledge-base article titled \"Dark mode\""))
        #expect(prompt.contains("Ticket T-1 (pro customer)\nSubject: Dark mode"))
        #expect(prompt.contains("Agent's answer:\nSettings → Appearance."))
        #expect(prompt.contains("Agent's answer:\nnone recorded"))
        #expect(page.contains("Use Settings → Appearance (ticket T-1)."))
        #expect(!page.contains("made up"))
        #expect(page.hasSuffix("## Sources\n\n- Ticket T-1 (pro customer): Dark mode — answered\n- Ticket T-2: Too bright\n"))
    }
}
