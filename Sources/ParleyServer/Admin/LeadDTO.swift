import Foundation
import ParleyCore
import Vapor

/// A lead as the admin API shows it: `LeadProfile.jsonValue` (`stage`, each known field as
/// `{"value", "confirmed"}`, `interests`, `preferences`, `contact_consent_at`, `updated_at`),
/// the same shape webhooks carry.
struct LeadDTO: Content {
    var json: JSONValue

    init(_ profile: LeadProfile) {
        json = profile.jsonValue
    }

    init(from decoder: any Decoder) throws {
        json = try JSONValue(from: decoder)
    }

    func encode(to encoder: any Encoder) throws {
        try json.encode(to: encoder)
    }
}
