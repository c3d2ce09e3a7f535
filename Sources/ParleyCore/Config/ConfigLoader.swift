import Foundation
import Yams

/// Builds the configuration in layers: defaults < parley.yaml < `.env` < environment.
///
/// The YAML is checked against the schema before anything is decoded, so that an unknown
/// key (often a typo, or a secret put in the wrong place) fails at startup with its full path
/// rather than being silently ignored. Environment variables override any leaf by its path:
/// `llm.model` is `PARLEY_LLM_MODEL`, `chat.input.debounce_ms` is `PARLEY_CHAT_INPUT_DEBOUNCE_MS`.
public struct ConfigLoader: Sendable {
    public struct Loaded: Sendable {
        public var config: ParleyConfig
        public var secrets: ParleySecrets
        /// Where the YAML came from, if a file was read.
        public var yamlPath: String?
    }

    /// Maps with keys chosen by the operator, and the keys each entry may have.
    static let openMaps: [String: Set<String>] = [
        "agents": Set(ParleyConfig.AgentSection.CodingKeys.allCases.map(\.rawValue)),
        "llm.prices": ["prompt", "completion"],
    ]

    /// Keys that look like secrets: putting one in YAML gets a pointed message.
    static let secretKeyHints = ["api_key", "apikey", "secret", "password", "token"]

    public init() {}

    /// Loads `yamlPath` (or `parley.yaml` in the working directory when present), then `.env`
    /// in the same folder, then `environment`.
    public func load(yamlPath: String? = nil, dotEnvPath: String? = ".env",
                     environment: [String: String] = ProcessInfo.processInfo.environment) throws -> Loaded {
        let dotEnv = try dotEnvPath.map { try DotEnv.load(path: $0) } ?? [:]
        let merged = dotEnv.merging(environment) { _, process in process }
        let path = yamlPath ?? merged["PARLEY_CONFIG"] ?? (FileManager.default.fileExists(atPath: "parley.yaml") ? "parley.yaml" : nil)
        var yamlText = ""
        if let path {
            guard let data = FileManager.default.contents(atPath: path) else {
                throw ConfigError("cannot read configuration file \(path)")
            }
            yamlText = String(decoding: data, as: UTF8.self)
        }
        let config = try build(yaml: yamlText, environment: merged)
        return Loaded(config: config, secrets: ParleySecrets(environment: merged), yamlPath: path)
    }

    /// Builds a configuration from YAML text and an environment (no file access; used by tests).
    public func build(yaml: String, environment: [String: String] = [:]) throws -> ParleyConfig {
        let defaults = try JSONValue(encoding: ParleyConfig())
        var tree = defaults
        if !yaml.trimmingCharacters(in: .whitespacesAndNewlines).isEmpty {
            let parsed: Any?
            do {
                parsed = try Yams.load(yaml: yaml)
            } catch {
                throw ConfigError("parley.yaml is not valid YAML: \(Self.describe(yamlError: error))")
            }
            if let parsed, !(parsed is NSNull) {
                let document = try Self.jsonValue(fromYAML: parsed, path: "")
                guard case .object = document else { throw ConfigError("parley.yaml must be a mapping of sections") }
                try Self.validate(document, against: defaults, path: "")
                tree = Self.merge(Self.unbooleaned(document, schema: defaults, path: ""), into: defaults, path: "")
            }
        }
        tree = try applyEnvironment(environment, to: tree, defaults: defaults)
        do {
            return try tree.decode(ParleyConfig.self)
        } catch let error as DecodingError {
            throw ConfigError(Self.describe(decodingError: error))
        }
    }

    // MARK: - Schema validation

    static func validate(_ value: JSONValue, against schema: JSONValue, path: String) throws {
        guard case .object(let object) = value else { return }
        if let allowed = openMaps[path] {
            for (key, entry) in object {
                let entryPath = join(path, key)
                if path == "agents", !isAgentCode(key) {
                    throw ConfigError("\(entryPath): agent codes use lower-case letters, digits and '-'")
                }
                guard case .object(let fields) = entry else {
                    if entry == .null { continue }
                    throw ConfigError("\(entryPath): expected a mapping")
                }
                for field in fields.keys where !allowed.contains(field) {
                    throw unknownKey(join(entryPath, field), allowed: allowed)
                }
            }
            return
        }
        guard case .object(let schemaObject) = schema else {
            throw ConfigError("\(path): expected a single value, not a mapping")
        }
        for (key, child) in object {
            guard let childSchema = schemaObject[key] else {
                throw unknownKey(join(path, key), allowed: Set(schemaObject.keys))
            }
            if case .object = childSchema {
                if child == .null { continue }
                guard case .object = child else {
                    throw ConfigError("\(join(path, key)): expected a mapping")
                }
            }
            try validate(child, against: childSchema, path: join(path, key))
        }
    }

    /// YAML 1.1 reads a bare `off`, `no`, `on`, `yes` as booleans, so `mode: off` arrives as
    /// `false`. Where the schema wants a word (a string or a choice such as `retrieval.mode`), a
    /// boolean is turned back into `off` or `on`, the only words of that kind Parley's choices use.
    static func unbooleaned(_ value: JSONValue, schema: JSONValue, path: String) -> JSONValue {
        guard case .object(let object) = value else {
            if case .bool(let flag) = value, case .string = schema { return .string(flag ? "on" : "off") }
            return value
        }
        var result: [String: JSONValue] = [:]
        for (key, child) in object {
            if path == "agents" || path.hasPrefix("agents.") {
                // Agent entries: their choice-valued fields have no default to read the type from.
                if case .bool(let flag) = child, key == "retrieval_mode" { result[key] = .string(flag ? "on" : "off"); continue }
                result[key] = unbooleaned(child, schema: .object([:]), path: join(path, key))
                continue
            }
            let childSchema: JSONValue = if case .object(let fields) = schema { fields[key] ?? .null } else { .null }
            result[key] = unbooleaned(child, schema: childSchema, path: join(path, key))
        }
        return .object(result)
    }

    static func unknownKey(_ path: String, allowed: Set<String>) -> ConfigError {
        let leaf = path.split(separator: ".").last.map(String.init) ?? path
        if secretKeyHints.contains(where: { leaf.lowercased().contains($0) }) {
            return ConfigError("unknown key \(path): secrets are read only from the environment or .env (see parley.example.yaml)")
        }
        return ConfigError("unknown key \(path) (expected one of: \(allowed.sorted().joined(separator: ", ")))")
    }

    /// Agent codes appear in URLs: lower-case ASCII letters, digits and "-".
    public static func isAgentCode(_ code: String) -> Bool {
        !code.isEmpty && code.count <= 64 && code.allSatisfy { ($0.isLowercase && $0.isASCII) || $0.isNumber || $0 == "-" }
    }

    // MARK: - Merging

    static func merge(_ overlay: JSONValue, into base: JSONValue, path: String) -> JSONValue {
        guard case .object(let overlayObject) = overlay else { return overlay }
        if overlayObject.isEmpty, case .null = base { return overlay }
        var result: [String: JSONValue]
        if case .object(let baseObject) = base { result = baseObject } else { result = [:] }
        if path == "agents" {
            // An agent entry is layered over the prototype entry, not over another agent.
            let prototype = (try? JSONValue(encoding: ParleyConfig.AgentSection())) ?? .object([:])
            var agents: [String: JSONValue] = [:]
            for (code, entry) in overlayObject {
                agents[code] = entry == .null ? prototype : merge(entry, into: prototype, path: join(path, code))
            }
            return .object(agents)
        }
        for (key, value) in overlayObject {
            if value == .null, case .object = result[key] ?? .null { continue }
            result[key] = merge(value, into: result[key] ?? .null, path: join(path, key))
        }
        return .object(result)
    }

    // MARK: - Environment

    func applyEnvironment(_ environment: [String: String], to tree: JSONValue, defaults: JSONValue) throws -> JSONValue {
        var tree = tree
        for (path, prototype) in Self.leaves(of: defaults, path: "") {
            var name = Self.environmentName(for: path)
            if environment[name] == nil, let alias = Self.environmentAliases[path], environment[alias] != nil { name = alias }
            guard let raw = environment[name] else { continue }
            let value = try Self.parseEnvironmentValue(raw, like: prototype, variable: name)
            tree = tree.replacing(at: path.split(separator: ".").map(String.init), with: value)
        }
        return tree
    }

    /// Settings also read from the variable the provider's own documentation names (seed 000's
    /// `.env`), when the `PARLEY_…` one is unset.
    static let environmentAliases = ["email.mailgun.domain": "MAILGUN_DOMAIN"]

    /// `chat.input.debounce_ms` → `PARLEY_CHAT_INPUT_DEBOUNCE_MS`.
    public static func environmentName(for path: String) -> String {
        "PARLEY_" + path.replacingOccurrences(of: ".", with: "_").uppercased()
    }

    static func leaves(of value: JSONValue, path: String) -> [(String, JSONValue)] {
        if openMaps[path] != nil { return [] }
        guard case .object(let object) = value else { return [(path, value)] }
        return object.flatMap { leaves(of: $0.value, path: join(path, $0.key)) }
    }

    static func parseEnvironmentValue(_ raw: String, like prototype: JSONValue, variable: String) throws -> JSONValue {
        switch prototype {
        case .number:
            guard let number = Double(raw.trimmingCharacters(in: .whitespaces)) else {
                throw ConfigError("\(variable): expected a number")
            }
            return .number(number)
        case .bool:
            guard let flag = Bool(settingWord: raw) else { throw ConfigError("\(variable): expected true or false") }
            return .bool(flag)
        case .array:
            // Lists come comma-separated: PARLEY_INGEST_ALLOWED_PRIVATE_ADDRESSES=10.0.0.5,10.0.0.6
            return .array(raw.split(separator: ",").map { $0.trimmingCharacters(in: .whitespaces) }.filter { !$0.isEmpty }.map { .string($0) })
        default:
            return .string(raw)
        }
    }


    // MARK: - YAML and error wording

    /// A YAML document as JSON (for documents shipped as YAML and served as JSON).
    public static func json(fromYAML text: String) throws -> JSONValue {
        let parsed: Any?
        do {
            parsed = try Yams.load(yaml: text)
        } catch {
            throw ConfigError("not valid YAML: \(describe(yamlError: error))")
        }
        return try jsonValue(fromYAML: parsed ?? NSNull(), path: "")
    }

    static func jsonValue(fromYAML value: Any, path: String) throws -> JSONValue {
        switch value {
        case is NSNull: return .null
        case let bool as Bool: return .bool(bool)
        case let int as Int: return .number(Double(int))
        case let double as Double: return .number(double)
        case let string as String: return .string(string)
        case let array as [Any]:
            return .array(try array.enumerated().map { try jsonValue(fromYAML: $0.element, path: "\(path)[\($0.offset)]") })
        case let dictionary as [String: Any]:
            return .object(try dictionary.reduce(into: [:]) { $0[$1.key] = try jsonValue(fromYAML: $1.value, path: join(path, $1.key)) })
        case let dictionary as [AnyHashable: Any]:
            var object: [String: JSONValue] = [:]
            for (key, entry) in dictionary {
                let name = "\(key)"
                object[name] = try jsonValue(fromYAML: entry, path: join(path, name))
            }
            return .object(object)
        default:
            if let date = value as? Date { return .string(ISO8601DateFormatter().string(from: date)) }
            throw ConfigError("\(path.isEmpty ? "document" : path): unsupported YAML value")
        }
    }

    static func join(_ path: String, _ key: String) -> String { path.isEmpty ? key : "\(path).\(key)" }

    static func describe(decodingError error: DecodingError) -> String {
        func keyPath(_ codingPath: [any CodingKey]) -> String {
            codingPath.map { $0.intValue.map { "[\($0)]" } ?? $0.stringValue }.joined(separator: ".")
        }
        switch error {
        case .typeMismatch(let type, let context):
            return "\(keyPath(context.codingPath)): expected \(typeName(type))"
        case .valueNotFound(let type, let context):
            return "\(keyPath(context.codingPath)): missing \(typeName(type))"
        case .keyNotFound(let key, let context):
            return "\(keyPath(context.codingPath + [key])): missing"
        case .dataCorrupted(let context):
            let path = keyPath(context.codingPath)
            return "\(path.isEmpty ? "document" : path): \(context.debugDescription)"
        @unknown default:
            return "invalid configuration"
        }
    }

    static func typeName(_ type: Any.Type) -> String {
        switch type {
        case is Int.Type: return "a whole number"
        case is Double.Type: return "a number"
        case is Bool.Type: return "true or false"
        case is String.Type: return "a string"
        default: return "a value of the right type"
        }
    }

    static func describe(yamlError error: any Error) -> String {
        if let yamlError = error as? YamlError { return "\(yamlError)".split(separator: "\n").first.map(String.init) ?? "syntax error" }
        return "syntax error"
    }
}
