import Foundation

/// The rules of a robots.txt (RFC 9309) that apply to one user agent: the group naming our
/// product token, else the `*` group. The longest matching path rule wins; on a tie, Allow.
/// `*` matches any run of characters and a trailing `$` anchors the end.
public struct RobotsRules: Sendable, Equatable {
    struct Rule: Sendable, Equatable {
        var allow: Bool
        var pattern: String
    }

    private var rules: [Rule]
    /// `Sitemap:` lines (they apply to every agent).
    public private(set) var sitemaps: [String]

    public static let allowAll = RobotsRules(rules: [], sitemaps: [])
    public static let disallowAll = RobotsRules(rules: [Rule(allow: false, pattern: "/")], sitemaps: [])

    init(rules: [Rule], sitemaps: [String]) {
        self.rules = rules
        self.sitemaps = sitemaps
    }

    public init(parsing text: String, userAgent: String) {
        let token = userAgent.split(separator: "/").first.map { $0.lowercased() } ?? userAgent.lowercased()
        var groups: [(agents: [String], rules: [Rule])] = []
        var sitemaps: [String] = []
        var collectingAgents = false
        for rawLine in text.split(whereSeparator: \.isNewline) {
            let line = rawLine.split(separator: "#", maxSplits: 1, omittingEmptySubsequences: false).first ?? ""
            let parts = line.split(separator: ":", maxSplits: 1)
            guard parts.count == 2 else { continue }
            let field = parts[0].trimmingCharacters(in: .whitespaces).lowercased()
            let value = parts[1].trimmingCharacters(in: .whitespaces)
            switch field {
            case "user-agent":
                if !collectingAgents { groups.append(([], [])) }
                groups[groups.count - 1].agents.append(value.lowercased())
                collectingAgents = true
            case "allow", "disallow":
                collectingAgents = false
                guard !groups.isEmpty, !value.isEmpty else { continue }
                groups[groups.count - 1].rules.append(Rule(allow: field == "allow", pattern: value))
            case "sitemap":
                sitemaps.append(value)
            default:
                continue
            }
        }
        let ours = groups.filter { $0.agents.contains { $0 != "*" && token.contains($0) } }
        let chosen = ours.isEmpty ? groups.filter { $0.agents.contains("*") } : ours
        self.init(rules: chosen.flatMap(\.rules), sitemaps: sitemaps)
    }

    /// Whether the path (with its query) may be fetched.
    public func allows(_ path: String) -> Bool {
        let target = path.isEmpty ? "/" : path
        var best: Rule?
        for rule in rules where Self.matches(rule.pattern, target) {
            if let current = best {
                if rule.pattern.count > current.pattern.count || (rule.pattern.count == current.pattern.count && rule.allow) { best = rule }
            } else {
                best = rule
            }
        }
        return best?.allow ?? true
    }

    static func matches(_ pattern: String, _ path: String) -> Bool {
        let anchored = pattern.hasSuffix("$")
        let parts = (anchored ? String(pattern.dropLast()) : pattern).split(separator: "*", omittingEmptySubsequences: false).map(String.init)
        var remainder = Substring(path)
        for (index, part) in parts.enumerated() {
            if index == 0 {
                guard remainder.hasPrefix(part) else { return false }
                remainder = remainder.dropFirst(part.count)
            } else if part.isEmpty {
                continue
            } else if index == parts.count - 1, anchored {
                return remainder.hasSuffix(part)
            } else {
                guard let range = remainder.range(of: part) else { return false }
                remainder = remainder[range.upperBound...]
            }
        }
        return !anchored || remainder.isEmpty || parts.last?.isEmpty == true
    }
}

/// `<loc>` entries of a sitemap or sitemap index.
public enum SitemapParser {
    public static func locations(in xml: String) -> [String] {
        var locations: [String] = []
        var rest = Substring(xml)
        while let open = rest.range(of: "<loc>", options: .caseInsensitive),
              let close = rest.range(of: "</loc>", options: .caseInsensitive, range: open.upperBound ..< rest.endIndex) {
            var value = String(rest[open.upperBound ..< close.lowerBound]).trimmingCharacters(in: .whitespacesAndNewlines)
            if value.hasPrefix("<![CDATA["), value.hasSuffix("]]>") { value = String(value.dropFirst(9).dropLast(3)) }
            locations.append(value.replacingOccurrences(of: "&amp;", with: "&"))
            rest = rest[close.upperBound...]
        }
        return locations
    }

    public static func isIndex(_ xml: String) -> Bool {
        xml.range(of: "<sitemapindex", options: .caseInsensitive) != nil
    }
}
