import Foundation
import ParleyCore

/// The e-mail the sales team gets about a conversation: the lead card, the summary, and the
/// transcript with each answer's sources, as HTML (every value escaped by `HTML`) and as plain
/// text. Long transcripts keep their newest messages.
public struct LeadSummaryEmail: Sendable {
    public static let kind = "lead_summary"
    static let maxLines = 60
    static let maxLineChars = 2000

    public var tenantName: String
    public var lead: LeadProfile?
    public var summary: ConversationSummary
    public var lines: [TranscriptLine]

    public init(tenantName: String, lead: LeadProfile?, summary: ConversationSummary, lines: [TranscriptLine]) {
        self.tenantName = tenantName
        self.lead = lead
        self.summary = summary
        self.lines = lines
    }

    public var subject: String {
        let who = lead?.name?.value ?? lead?.email?.value ?? "a website visitor"
        let reason = switch summary.trigger {
        case .leadForm: "asked to be contacted"
        case .inactivity: "conversation ended"
        case .onDemand: "conversation summary"
        }
        return String("\(tenantName): \(who), \(reason)".prefix(200))
    }

    var shownLines: ArraySlice<TranscriptLine> { lines.suffix(Self.maxLines) }

    static func clipped(_ text: String) -> String {
        text.count > maxLineChars ? String(text.prefix(maxLineChars)) + "…" : text
    }

    /// The lead card's rows: label, value, and whether the visitor confirmed it.
    var cardRows: [(String, String, Bool)] {
        guard let lead else { return [] }
        var rows: [(String, String, Bool)] = LeadProfile.Key.allCases.compactMap { key in
            lead.fields[key].map { (key.label, $0.value, $0.confirmed) }
        }
        if !lead.interests.isEmpty { rows.append(("Interested in", lead.interests.map(\.value).joined(separator: ", "), false)) }
        if !lead.preferences.isEmpty { rows.append(("Preferences", lead.preferences.map(\.value).joined(separator: "; "), false)) }
        rows.append(("Stage", lead.stage.rawValue, false))
        return rows
    }

    public var text: String {
        var out = "\(tenantName): a conversation for the sales team\n\n"
        if !cardRows.isEmpty {
            out += "LEAD\n" + cardRows.map { "\($0.0): \($0.1)\($0.2 ? " (confirmed)" : "")" }.joined(separator: "\n") + "\n\n"
        }
        out += "SUMMARY (\(summary.method))\n\(summary.text)\n\nTRANSCRIPT\n"
        if lines.count > shownLines.count { out += "(the newest \(shownLines.count) of \(lines.count) messages)\n" }
        for line in shownLines {
            out += "\n\(line.speaker): \(Self.clipped(line.text))\n"
            for source in line.sources { out += "  source: \(source.title)\(source.url.map { " <\($0)>" } ?? "")\n" }
        }
        return out
    }

    public var html: String {
        let card: HTML = cardRows.isEmpty ? "" : """
            <h2 style="font-size:16px;margin:24px 0 8px">Lead</h2>
            <table style="border-collapse:collapse">\(cardRows.map { row -> HTML in
                "<tr><td style=\"padding:2px 12px 2px 0;color:#555\">\(row.0)</td><td style=\"padding:2px 0\">\(row.1)\(row.2 ? HTML(" <span style=\"color:#080\">(confirmed)</span>") : "")</td></tr>"
            })</table>
            """
        let summaryParagraphs = summary.text.components(separatedBy: "\n\n").map { paragraph -> HTML in
            let lines = paragraph.split(separator: "\n", omittingEmptySubsequences: true).map { HTML("\(String($0))") }
            return "<p style=\"margin:0 0 8px\">\(Self.joined(lines, with: "<br>"))</p>"
        }
        let transcript = shownLines.map { line -> HTML in
            let sources = line.sources.map { source -> HTML in
                if let url = source.url { return "<li><a href=\"\(url)\">\(source.title)</a></li>" }
                return "<li>\(source.title)</li>"
            }
            let list: HTML = sources.isEmpty ? "" : "<ul style=\"margin:4px 0 0;color:#555;font-size:13px\">\(sources)</ul>"
            let colour = line.role == .human ? "#f1f5ff" : "#f6f6f6"
            return """
                <div style="background:\(colour);border-radius:6px;padding:8px 10px;margin:0 0 8px">\
                <div style="font-size:12px;color:#555">\(line.speaker)</div>\
                <div style="white-space:pre-wrap">\(Self.clipped(line.text))</div>\(list)</div>
                """
        }
        let omitted: HTML = lines.count > shownLines.count ? "<p style=\"color:#555\">The newest \(shownLines.count) of \(lines.count) messages.</p>" : ""
        let document: HTML = """
            <!doctype html>
            <html><head><meta charset="utf-8"><title>\(subject)</title></head>
            <body style="font-family:-apple-system,Segoe UI,Helvetica,Arial,sans-serif;font-size:14px;color:#222;max-width:680px">
            <h1 style="font-size:18px">\(tenantName): a conversation for the sales team</h1>
            \(card)
            <h2 style="font-size:16px;margin:24px 0 8px">Summary</h2>
            \(summaryParagraphs)
            <h2 style="font-size:16px;margin:24px 0 8px">Transcript</h2>
            \(omitted)\(transcript)
            </body></html>
            """
        return document.markup
    }

    static func joined(_ parts: [HTML], with separator: HTML) -> HTML {
        HTML(trusted: parts.map(\.markup).joined(separator: separator.markup))
    }
}
