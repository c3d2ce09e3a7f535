extension JSONValue {
    /// This document with `value` at the object path `path` (`["widget", "color"]`), creating
    /// objects on the way and replacing whatever is not an object. A nil `value` removes the
    /// key, and an object that the removal leaves empty goes too.
    public func replacing(at path: some Collection<String>, with value: JSONValue?) -> JSONValue {
        guard let head = path.first else { return value ?? .null }
        var object: [String: JSONValue] = [:]
        if case .object(let existing) = self { object = existing }
        let rest = path.dropFirst()
        if rest.isEmpty {
            object[head] = value
        } else {
            let child = (object[head] ?? .object([:])).replacing(at: rest, with: value)
            if case .object(let fields) = child, fields.isEmpty { object[head] = nil } else { object[head] = child }
        }
        return .object(object)
    }
}
