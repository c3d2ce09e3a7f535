import Foundation
import ParleyCore

/// `/docs`: the OpenAPI document as one readable HTML page, rendered on the server from the same
/// document `/openapi.json` serves (no script, no third-party viewer). Every text from the
/// document is escaped.
enum APIReferencePage {
    static func render(_ api: OpenAPIDocument) -> String {
        let info = api.document["info"]
        var html = """
        <!doctype html>
        <html lang="en"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width, initial-scale=1">
        <title>\(e(info?["title"]?.stringValue ?? "API")) reference</title>
        <style>\(style)</style></head>
        <body><header><h1>\(e(info?["title"]?.stringValue ?? "API")) <small>\(e(info?["version"]?.stringValue ?? ""))</small></h1>
        <p>\(paragraphs(info?["description"]?.stringValue ?? ""))</p>
        <p>Machine-readable: <a href="/openapi.json">/openapi.json</a> (OpenAPI \(e(api.document["openapi"]?.stringValue ?? "")))</p></header>
        <nav aria-label="Operations"><ul>
        """
        let operations = api.operations
        let tags = (api.document["tags"]?.arrayValue ?? []).compactMap { $0["name"]?.stringValue }
        for tag in tags {
            html += "<li><a href=\"#tag-\(e(tag))\">\(e(tag))</a></li>"
        }
        html += "</ul></nav><main>"
        for tag in tags {
            let described = (api.document["tags"]?.arrayValue ?? []).first { $0["name"]?.stringValue == tag }?["description"]?.stringValue ?? ""
            html += "<section id=\"tag-\(e(tag))\"><h2>\(e(tag))</h2><p>\(e(described))</p>"
            for operation in operations where (operation.body["tags"]?.arrayValue ?? []).contains(.string(tag)) {
                html += render(operation, api)
            }
            html += "</section>"
        }
        return html + "</main></body></html>"
    }

    private static func render(_ operation: OpenAPIDocument.Operation, _ api: OpenAPIDocument) -> String {
        let body = operation.body
        let id = body["operationId"]?.stringValue ?? "\(operation.method)-\(operation.path)"
        var html = """
        <article id="\(e(id))"><h3><span class="method \(e(operation.method.lowercased()))">\(e(operation.method))</span> <code>\(e(operation.path))</code></h3>
        <p class="summary">\(e(body["summary"]?.stringValue ?? ""))</p>
        """
        if let description = body["description"]?.stringValue { html += "<p>\(paragraphs(description))</p>" }
        let security = (body["security"]?.arrayValue ?? []).map { requirement -> String in
            guard case let .object(schemes) = requirement, !schemes.isEmpty else { return "none" }
            return schemes.keys.sorted().joined(separator: " + ")
        }
        if !security.isEmpty { html += "<p><strong>Credentials:</strong> \(e(security.joined(separator: " or ")))</p>" }
        let parameters = (operation.pathParameters + (body["parameters"]?.arrayValue ?? [])).map(api.resolve)
        if !parameters.isEmpty {
            html += "<table><caption>Parameters</caption><thead><tr><th scope=\"col\">name</th><th scope=\"col\">in</th><th scope=\"col\">type</th><th scope=\"col\">required</th><th scope=\"col\">about</th></tr></thead><tbody>"
            for parameter in parameters {
                html += "<tr><td><code>\(e(parameter["name"]?.stringValue ?? ""))</code></td><td>\(e(parameter["in"]?.stringValue ?? ""))</td>"
                html += "<td>\(e(typeText(parameter["schema"] ?? .null, api)))</td><td>\(parameter["required"]?.boolValue == true ? "yes" : "no")</td>"
                html += "<td>\(e(parameter["description"]?.stringValue ?? ""))</td></tr>"
            }
            html += "</tbody></table>"
        }
        if let requestBody = body["requestBody"].map(api.resolve), case let .object(contents)? = requestBody["content"] {
            for (type, content) in contents.sorted(by: { $0.key < $1.key }) {
                html += "<h4>Body <code>\(e(type))</code></h4>" + fields(api.resolve(content["schema"] ?? .null), api)
            }
        }
        if case let .object(responses)? = body["responses"] {
            html += "<h4>Responses</h4><dl class=\"responses\">"
            for (status, response) in responses.sorted(by: { $0.key < $1.key }) {
                html += "<dt>\(e(status))</dt><dd>\(e(api.resolve(response)["description"]?.stringValue ?? ""))</dd>"
            }
            html += "</dl>"
        }
        return html + "</article>"
    }

    /// A body schema's top-level fields as a table.
    private static func fields(_ schema: JSONValue, _ api: OpenAPIDocument) -> String {
        guard case let .object(properties)? = schema["properties"] else { return "<p>\(e(typeText(schema, api)))</p>" }
        let required = Set((schema["required"]?.arrayValue ?? []).compactMap(\.stringValue))
        var html = "<table><thead><tr><th scope=\"col\">field</th><th scope=\"col\">type</th><th scope=\"col\">required</th></tr></thead><tbody>"
        for (name, property) in properties.sorted(by: { $0.key < $1.key }) {
            html += "<tr><td><code>\(e(name))</code></td><td>\(e(typeText(property, api)))</td><td>\(required.contains(name) ? "yes" : "no")</td></tr>"
        }
        return html + "</tbody></table>"
    }

    /// A short description of a schema: `string (1–4000)`, `one of hybrid, dense`, `array of Source`.
    static func typeText(_ schema: JSONValue, _ api: OpenAPIDocument) -> String {
        if let reference = schema["$ref"]?.stringValue { return String(reference.split(separator: "/").last ?? "") }
        if let values = schema["enum"]?.arrayValue {
            return "one of " + values.map { $0.stringValue ?? "null" }.joined(separator: ", ")
        }
        let type: String
        switch schema["type"] {
        case let .string(name)?: type = name
        case let .array(names)?: type = names.compactMap(\.stringValue).joined(separator: " or ")
        default: type = "any"
        }
        if type == "array", let items = schema["items"] { return "array of " + typeText(items, api) }
        var bounds: [String] = []
        if let low = schema["minLength"]?.doubleValue ?? schema["minimum"]?.doubleValue { bounds.append("min \(number(low))") }
        if let high = schema["maxLength"]?.doubleValue ?? schema["maximum"]?.doubleValue { bounds.append("max \(number(high))") }
        if let format = schema["format"]?.stringValue { bounds.append(format) }
        return bounds.isEmpty ? type : "\(type) (\(bounds.joined(separator: ", ")))"
    }

    private static func number(_ value: Double) -> String {
        value == value.rounded() && abs(value) < 1e15 ? String(Int64(value)) : String(value)
    }

    private static func e(_ text: String) -> String { HTMLTemplate.escape(text) }

    /// Text with blank-line paragraphs and `code` spans, escaped first.
    private static func paragraphs(_ text: String) -> String {
        let escaped = e(text.trimmingCharacters(in: .whitespacesAndNewlines))
        var html = ""
        var inCode = false
        for character in escaped {
            if character == "`" {
                html += inCode ? "</code>" : "<code>"
                inCode.toggle()
            } else {
                html.append(character)
            }
        }
        if inCode { html += "</code>" }
        return html.replacingOccurrences(of: "\n\n", with: "</p><p>")
    }

    private static let style = """
    :root{color-scheme:light;--ink:#1d2433;--muted:#4a5568;--line:#d5dae3;--accent:#1f5fbf}
    body{font:16px/1.5 system-ui,-apple-system,"Segoe UI",sans-serif;color:var(--ink);margin:0 auto;max-width:60rem;padding:1rem}
    h1 small{font-size:.6em;color:var(--muted)}a{color:var(--accent)}code{font-family:ui-monospace,Menlo,Consolas,monospace;font-size:.92em}
    nav ul{display:flex;gap:1rem;list-style:none;padding:0;flex-wrap:wrap}article{border-top:1px solid var(--line);padding:.5rem 0 1rem}
    h3{font-size:1.05rem;word-break:break-all}.method{display:inline-block;min-width:4.2rem;text-align:center;border-radius:.25rem;color:#fff;padding:0 .4rem;font-size:.85rem}
    .get{background:#1c6b3a}.post{background:#1f4fa8}.put,.patch{background:#8a4b00}.delete{background:#a11d2b}
    .summary{font-weight:600}table{border-collapse:collapse;width:100%;margin:.5rem 0;display:block;overflow-x:auto}
    th,td{border:1px solid var(--line);padding:.25rem .5rem;text-align:left;vertical-align:top}caption{text-align:left;font-weight:600}
    dl.responses{display:grid;grid-template-columns:4rem 1fr;gap:.2rem .5rem}dt{font-weight:600}dd{margin:0}
    a:focus,a:focus-visible{outline:3px solid var(--accent);outline-offset:2px}
    """
}
