import Foundation

/// Reads a `.env` file: `KEY=value` lines, optional `export `, `#` comments,
/// single- or double-quoted values. Malformed lines are reported with their line number
/// (never with their value, which may be a secret).
public enum DotEnv {
    public static func parse(_ text: String, file: String = ".env") throws -> [String: String] {
        var values: [String: String] = [:]
        for (index, rawLine) in text.split(separator: "\n", omittingEmptySubsequences: false).enumerated() {
            var line = rawLine.trimmingCharacters(in: .whitespaces)
            if line.hasSuffix("\r") { line.removeLast() }
            if line.isEmpty || line.hasPrefix("#") { continue }
            if line.hasPrefix("export ") { line = String(line.dropFirst(7)).trimmingCharacters(in: .whitespaces) }
            guard let equals = line.firstIndex(of: "=") else {
                throw ConfigError("\(file) line \(index + 1): expected KEY=value")
            }
            let key = line[..<equals].trimmingCharacters(in: .whitespaces)
            guard !key.isEmpty, key.allSatisfy({ $0.isLetter || $0.isNumber || $0 == "_" }) else {
                throw ConfigError("\(file) line \(index + 1): invalid variable name")
            }
            values[key] = unquote(line[line.index(after: equals)...].trimmingCharacters(in: .whitespaces))
        }
        return values
    }

    public static func load(path: String) throws -> [String: String] {
        guard FileManager.default.fileExists(atPath: path) else { return [:] }
        guard let data = FileManager.default.contents(atPath: path) else {
            throw ConfigError("cannot read \(path)")
        }
        return try parse(String(decoding: data, as: UTF8.self), file: path)
    }

    private static func unquote(_ value: String) -> String {
        if value.count >= 2, let first = value.first, first == "\"" || first == "'", value.last == first {
            let inner = String(value.dropFirst().dropLast())
            return first == "\"" ? inner.replacingOccurrences(of: "\\n", with: "\n") : inner
        }
        if let hash = value.range(of: " #") { return String(value[..<hash.lowerBound]).trimmingCharacters(in: .whitespaces) }
        return value
    }
}
