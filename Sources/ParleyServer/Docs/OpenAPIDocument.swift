import Foundation
import ParleyCore

/// The API's OpenAPI 3.1 description, written by hand in `Resources/OpenAPI/openapi.yaml` (where
/// it is read and reviewed beside the code) and served as JSON. A test checks that every route
/// the server registers under the documented prefixes is in it, and CI validates it and runs
/// schemathesis against a live server with it.
struct OpenAPIDocument: Sendable {
    let document: JSONValue
    /// The JSON text served at `/openapi.json`.
    let json: String

    static func load() throws -> OpenAPIDocument {
        guard let url = Bundle.module.url(forResource: "openapi", withExtension: "yaml", subdirectory: "OpenAPI"),
              let data = FileManager.default.contents(atPath: url.path) else {
            throw ParleyError.internalFailure("The bundled OpenAPI document is missing.")
        }
        let document = try ConfigLoader.json(fromYAML: String(decoding: data, as: UTF8.self))
        return OpenAPIDocument(document: document, json: document.jsonString)
    }

    /// One operation: a method on a path.
    struct Operation {
        var method: String
        var path: String
        var body: JSONValue
        var pathParameters: [JSONValue]
    }

    static let methods = ["get", "post", "put", "patch", "delete"]

    var operations: [Operation] {
        guard case let .object(paths)? = document["paths"] else { return [] }
        return paths.keys.sorted().flatMap { path -> [Operation] in
            let item = paths[path] ?? .null
            return Self.methods.compactMap { method in
                item[method].map { Operation(method: method.uppercased(), path: path, body: $0, pathParameters: item["parameters"]?.arrayValue ?? []) }
            }
        }
    }

    /// Follows a local `$ref` (`#/components/…`); other values are returned as they are.
    func resolve(_ value: JSONValue) -> JSONValue {
        guard let reference = value["$ref"]?.stringValue, reference.hasPrefix("#/") else { return value }
        var current: JSONValue? = document
        for part in reference.dropFirst(2).split(separator: "/") { current = current?[String(part)] }
        return current ?? value
    }
}
