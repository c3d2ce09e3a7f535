import Foundation
import ParleyCore
import Vapor

/// A lead as the admin API shows it: `stage`, each known field (`name`, `email`, `phone`,
/// `company`, `street`, `city`, `state`, `zip`, `quantity`, `budget`, `timeline`, `note`) as
/// `{"value", "confirmed"}`, `interests`, `preferences`, and when the visitor agreed to be contacted.
struct LeadDTO: Content {
    struct Value: Codable, Sendable {
        var value: String
        var confirmed: Bool
    }

    var stage: String
    var fields: [LeadProfile.Key: Value]
    var interests: [String]
    var preferences: [String]
    var contactConsentAt: Date?
    var updatedAt: Date?

    init(_ profile: LeadProfile) {
        stage = profile.stage.rawValue
        fields = profile.fields.mapValues { Value(value: $0.value, confirmed: $0.confirmed) }
        interests = profile.interests.map(\.value)
        preferences = profile.preferences.map(\.value)
        contactConsentAt = profile.contactConsentAt
        updatedAt = profile.updatedAt
    }

    private struct Key: CodingKey {
        var stringValue: String
        var intValue: Int? { nil }
        init(_ string: String) { stringValue = string }
        init?(stringValue: String) { self.stringValue = stringValue }
        init?(intValue: Int) { nil }
    }

    func encode(to encoder: any Encoder) throws {
        var container = encoder.container(keyedBy: Key.self)
        try container.encode(stage, forKey: Key("stage"))
        for key in LeadProfile.Key.allCases {
            if let value = fields[key] { try container.encode(value, forKey: Key(key.rawValue)) }
        }
        try container.encode(interests, forKey: Key("interests"))
        try container.encode(preferences, forKey: Key("preferences"))
        try container.encodeIfPresent(contactConsentAt, forKey: Key("contact_consent_at"))
        try container.encodeIfPresent(updatedAt, forKey: Key("updated_at"))
    }

    init(from decoder: any Decoder) throws {
        let container = try decoder.container(keyedBy: Key.self)
        stage = try container.decode(String.self, forKey: Key("stage"))
        var fields: [LeadProfile.Key: Value] = [:]
        for key in LeadProfile.Key.allCases {
            fields[key] = try container.decodeIfPresent(Value.self, forKey: Key(key.rawValue))
        }
        self.fields = fields
        interests = try container.decodeIfPresent([String].self, forKey: Key("interests")) ?? []
        preferences = try container.decodeIfPresent([String].self, forKey: Key("preferences")) ?? []
        contactConsentAt = try container.decodeIfPresent(Date.self, forKey: Key("contact_consent_at"))
        updatedAt = try container.decodeIfPresent(Date.self, forKey: Key("updated_at"))
    }
}
