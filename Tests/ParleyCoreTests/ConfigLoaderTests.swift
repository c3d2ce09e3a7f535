import Foundation
import ParleyCore
import Testing

@Suite("Configuration loading")
struct ConfigLoaderTests {
    let loader = ConfigLoader()

    @Test func emptyYAMLGivesDefaults() throws {
        let config = try loader.build(yaml: "")
        #expect(config == ParleyConfig())
        #expect(config.app.mode == .singleTenant)
        #expect(config.agents["sales"]?.enabled == true)
    }

    @Test func seedExampleParses() throws {
        let yaml = """
        app:
          name: SalesBot
          mode: multi-tenant
        chat:
          inactivity_minutes: 45
          input:
            debounce_ms: 300
            submit_shortcut: ctrl+enter
            enter_inserts_newline: true
        email:
          mock_sales_recipient: sales@example.com
        logging:
          level: DEBUG
          path: ./logs/app.jsonl
          rotation: 50 MB
          retention: 14 days
        vector:
          pinecone:
            index_name: agrofresh01
        embeddings:
          model: text-embedding-3-small
        llm:
          provider: openrouter
          model: openai/gpt-oss-20b:free
          temperature: 0.3
          max_tokens: 1024
        ui:
          sse_enabled: true
          allow_basic_html: true
        """
        let config = try loader.build(yaml: yaml)
        #expect(config.app.name == "SalesBot")
        #expect(config.app.mode == .multiTenant)
        #expect(config.chat.inactivityMinutes == 45)
        #expect(config.chat.input.debounceMs == 300)
        #expect(config.chat.historyWindow == ParleyConfig().chat.historyWindow)
        #expect(config.vector.pinecone.indexName == "agrofresh01")
        #expect(config.logging.level == "DEBUG")
    }

    @Test func unknownKeyIsNamed() {
        #expect {
            try loader.build(yaml: "chat:\n  histroy_window: 3\n")
        } throws: { error in
            (error as? ConfigError)?.message.contains("chat.histroy_window") == true
        }
    }

    @Test func secretInYAMLIsRefusedWithAPointer() {
        #expect {
            try loader.build(yaml: "llm:\n  api_key: sk-live-abcdef\n")
        } throws: { error in
            let message = (error as? ConfigError)?.message ?? ""
            return message.contains("llm.api_key") && message.contains("environment") && !message.contains("sk-live")
        }
    }

    @Test func wrongTypeIsNamed() {
        #expect {
            try loader.build(yaml: "app:\n  port: eighty\n")
        } throws: { error in
            (error as? ConfigError)?.message.contains("app.port") == true
        }
        #expect {
            try loader.build(yaml: "llm:\n  temperature: [1, 2]\n")
        } throws: { error in
            (error as? ConfigError)?.message.contains("llm.temperature") == true
        }
        #expect {
            try loader.build(yaml: "app:\n  mode: both\n")
        } throws: { error in
            (error as? ConfigError)?.message.contains("app.mode") == true
        }
    }

    @Test func environmentOverridesYAML() throws {
        let config = try loader.build(
            yaml: "llm:\n  model: from-yaml\n  temperature: 0.1\n",
            environment: ["PARLEY_LLM_MODEL": "from-env", "PARLEY_CHAT_INPUT_DEBOUNCE_MS": "90",
                          "PARLEY_UI_SSE_ENABLED": "false"])
        #expect(config.llm.model == "from-env")
        #expect(config.llm.temperature == 0.1)
        #expect(config.chat.input.debounceMs == 90)
        #expect(config.ui.sseEnabled == false)
    }

    @Test func listsComeCommaSeparatedFromTheEnvironment() throws {
        let config = try loader.build(yaml: "ingest:\n  allowed_private_addresses: [\"10.0.0.1\"]\n",
                                      environment: ["PARLEY_CORS_ALLOWED_ORIGINS": " https://a.example , https://b.example,,"])
        #expect(config.cors.allowedOrigins == ["https://a.example", "https://b.example"])
        #expect(config.ingest.allowedPrivateAddresses == ["10.0.0.1"])
    }

    @Test func badEnvironmentValueNamesTheVariable() {
        #expect {
            try loader.build(yaml: "", environment: ["PARLEY_APP_PORT": "http"])
        } throws: { error in
            (error as? ConfigError)?.message.contains("PARLEY_APP_PORT") == true
        }
    }

    @Test func agentsAndPricesAreOpenMaps() throws {
        let yaml = """
        agents:
          support:
            name: Support desk
            model: groq/llama
            max_tokens: 300
        llm:
          prices:
            groq/llama: {prompt: 0.59, completion: 0.79}
        """
        let config = try loader.build(yaml: yaml)
        #expect(config.agents["support"]?.name == "Support desk")
        #expect(config.agents["support"]?.maxTokens == 300)
        #expect(config.agents["support"]?.enabled == true)
        #expect(config.agents["sales"] == nil)
        #expect(config.llm.prices["groq/llama"] == ModelPrice(prompt: 0.59, completion: 0.79))
        #expect(throws: ConfigError.self) { try loader.build(yaml: "agents:\n  sales:\n    modle: x\n") }
        #expect(throws: ConfigError.self) { try loader.build(yaml: "agents:\n  Bad_Code:\n    name: x\n") }
    }

    @Test func secretsComeFromTheEnvironmentOnly() throws {
        let secrets = ParleySecrets(environment: ["PARLEY_LLM_API_KEY": "sk-test-123456", "DATABASE_URL": "postgres://x"])
        #expect(secrets.llmAPIKey == "sk-test-123456")
        #expect(secrets.databaseURL == "postgres://x")
        #expect(!secrets.description.contains("sk-test"))
        #expect(ParleySecrets(environment: ["OPENROUTER_API_KEY": "sk-or-1"]).llmAPIKey == "sk-or-1")
    }

    @Test func invalidYAMLIsAClearError() {
        #expect(throws: ConfigError.self) { try loader.build(yaml: "app: [unclosed\n") }
        #expect(throws: ConfigError.self) { try loader.build(yaml: "- just\n- a list\n") }
    }

    @Test func dotEnvParsing() throws {
        let values = try DotEnv.parse("""
        # comment
        export PARLEY_LLM_API_KEY="sk-abc def"
        PARLEY_LLM_MODEL=mistral # trailing comment
        EMPTY=
        SINGLE='x y'
        """)
        #expect(values["PARLEY_LLM_API_KEY"] == "sk-abc def")
        #expect(values["PARLEY_LLM_MODEL"] == "mistral")
        #expect(values["EMPTY"] == "")
        #expect(values["SINGLE"] == "x y")
        #expect(throws: ConfigError.self) { try DotEnv.parse("NOEQUALS\n") }
    }

    @Test func loadReadsFilesWithEnvironmentWinning() throws {
        let folder = FileManager.default.temporaryDirectory.appendingPathComponent("parley-config-\(UUID())")
        try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: folder) }
        let yaml = folder.appendingPathComponent("parley.yaml").path
        let env = folder.appendingPathComponent(".env").path
        try "app:\n  port: 9000\nllm:\n  model: yaml-model\n".write(toFile: yaml, atomically: true, encoding: .utf8)
        try "PARLEY_LLM_MODEL=dotenv-model\nPARLEY_LLM_API_KEY=sk-from-dotenv\n".write(toFile: env, atomically: true, encoding: .utf8)
        let loaded = try loader.load(yamlPath: yaml, dotEnvPath: env, environment: ["PARLEY_APP_PORT": "9100"])
        #expect(loaded.config.app.port == 9100)
        #expect(loaded.config.llm.model == "dotenv-model")
        #expect(loaded.secrets.llmAPIKey == "sk-from-dotenv")
    }
}

@Suite("Configuration words YAML reads as booleans")
struct ConfigChoiceTests {
    @Test func offIsAcceptedHoweverYAMLTypesIt() throws {
        for yaml in ["retrieval:\n  mode: off\n", "retrieval:\n  mode: 'off'\n", "retrieval:\n  mode: \"off\"\n"] {
            #expect(try ConfigLoader().build(yaml: yaml).retrieval.mode == .off, "\(yaml)")
        }
        let agents = try ConfigLoader().build(yaml: "agents:\n  sales:\n    retrieval_mode: off\n")
        #expect(agents.agents["sales"]?.retrievalMode == .off)
        #expect(try ConfigLoader().build(yaml: "", environment: ["PARLEY_RETRIEVAL_MODE": "off"]).retrieval.mode == .off)
        // Real booleans stay booleans.
        #expect(try ConfigLoader().build(yaml: "app:\n  seed_demo: off\n").app.seedDemo == false)
    }

    @Test func aWrongChoiceListsTheAllowedValues() {
        do {
            _ = try ConfigLoader().build(yaml: "retrieval:\n  mode: semantic\n")
            Issue.record("an unknown mode was accepted")
        } catch {
            let message = "\(error)"
            #expect(message.contains("retrieval.mode") && message.contains("hybrid, dense, lexical, off"), "\(message)")
        }
        do {
            _ = try ConfigLoader().build(yaml: "", environment: ["PARLEY_APP_MODE": "multi"])
            Issue.record("an unknown tenancy mode was accepted")
        } catch {
            #expect("\(error)".contains("single-tenant, multi-tenant"), "\(error)")
        }
    }
}
