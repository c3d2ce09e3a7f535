import Foundation

extension LeadProfile {
    /// The lead as the API, the CSV's neighbours and webhooks show it: `stage`, each known field
    /// as `{"value", "confirmed"}` under its key, `interests`, `preferences`, and the consent and
    /// change times when known.
    public var jsonValue: JSONValue {
        let iso = ISO8601DateFormatter()
        var object: [String: JSONValue] = ["stage": .string(stage.rawValue),
                                           "interests": .array(interests.map { .string($0.value) }),
                                           "preferences": .array(preferences.map { .string($0.value) })]
        for (key, field) in fields { object[key.rawValue] = ["value": .string(field.value), "confirmed": .bool(field.confirmed)] }
        if let contactConsentAt { object["contact_consent_at"] = .string(iso.string(from: contactConsentAt)) }
        if let updatedAt { object["updated_at"] = .string(iso.string(from: updatedAt)) }
        return .object(object)
    }
}

extension ConversationSummary {
    public var jsonValue: JSONValue {
        ["id": .string(id.description), "text": .string(text), "trigger": .string(trigger.rawValue), "method": .string(method),
         "created_at": .string(ISO8601DateFormatter().string(from: createdAt))]
    }
}
