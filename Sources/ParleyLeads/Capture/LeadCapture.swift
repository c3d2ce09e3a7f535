import Foundation
import ParleyCore
import ParleyJobs

/// What the visitor typed into the widget's lead form.
public struct LeadFormSubmission: Sendable, Equatable {
    public var values: [LeadProfile.Key: String]
    /// The visitor ticked "you may contact me".
    public var consent: Bool

    public init(values: [LeadProfile.Key: String], consent: Bool) {
        self.values = values
        self.consent = consent
    }
}

/// The lead form's submission: checked field by field, merged into the conversation's lead as
/// confirmed values (they overwrite guesses), with the time of the visitor's consent; then a
/// summary of the conversation is queued and e-mailed to the sales team (`summaries.create`,
/// trigger `lead_form`).
public struct LeadCapture: Sendable {
    private let profiles: any LeadProfileStore
    private let jobs: JobQueue
    private let onChange: @Sendable (LeadChange) async -> Void

    /// `onChange` hears of every lead the form creates or changes (the CRM webhooks).
    public init(profiles: any LeadProfileStore, jobs: JobQueue, onChange: @escaping @Sendable (LeadChange) async -> Void = { _ in }) {
        self.profiles = profiles
        self.jobs = jobs
        self.onChange = onChange
    }

    /// Checks a submission against the tenant's form fields; the values, normalised, or a
    /// 400 naming the first problem.
    public static func validated(_ form: LeadFormSubmission, allowed: [LeadProfile.Key]) throws -> [LeadProfile.Key: String] {
        guard form.consent else {
            throw ParleyError.badRequest("consent_missing", "Tick the box that allows us to contact you.")
        }
        var values: [LeadProfile.Key: String] = [:]
        for (key, raw) in form.values {
            let text = raw.trimmingCharacters(in: .whitespacesAndNewlines)
            if text.isEmpty { continue }
            guard allowed.contains(key) else {
                throw ParleyError.badRequest("unknown_field", "This form does not ask for \(key.rawValue).")
            }
            guard text.count <= key.maxLength else {
                throw ParleyError.badRequest("field_too_long", "\(key.label) can be at most \(key.maxLength) characters.")
            }
            guard text.unicodeScalars.allSatisfy({ $0.value >= 0x20 || ($0 == "\n" && key == .note) }), !text.unicodeScalars.contains(where: { $0.value == 0x7F }) else {
                throw ParleyError.badRequest("invalid_text", "\(key.label) contains control characters.")
            }
            switch key {
            case .email:
                guard let email = EmailAddress.normalised(text) else {
                    throw ParleyError.badRequest("invalid_email", "That is not an e-mail address like name@example.com.")
                }
                values[key] = email
            case .phone:
                guard let phone = PhoneNumbers.field(text) else {
                    throw ParleyError.badRequest("invalid_phone", "That is not a telephone number like +49 30 1234567.")
                }
                values[key] = phone
            default:
                values[key] = text
            }
        }
        guard values[.email] != nil || values[.phone] != nil else {
            throw ParleyError.badRequest("contact_missing", "Give an e-mail address or a telephone number so that we can reach you.")
        }
        return values
    }

    /// Records the submission for the conversation; returns the lead as it now is.
    public func submit(_ form: LeadFormSubmission, allowed: [LeadProfile.Key], session: SessionID, tenant: TenantID,
                       now: Date = Date()) async throws -> LeadProfile {
        let values = try Self.validated(form, allowed: allowed)
        let current = try await profiles.profile(tenant: tenant, session: session) ?? LeadProfile()
        var lead = current.merging(ExtractedContact(values: values), from: nil, confirmed: true)
        // A double click, or a second submission within a minute of the one that e-mailed the team,
        // changes the lead but e-mails nobody: that submission's consent time stands and says when
        // it was. The minute's dedupe key covers two submissions racing each other.
        let previous = current.contactConsentAt
        let withinAMinute = previous.map { now >= $0 && now.timeIntervalSince($0) < 60 } ?? false
        lead.contactConsentAt = withinAMinute ? previous : now
        let created = try await profiles.save(lead, tenant: tenant, session: session)
        await onChange(LeadChange(tenant: tenant, session: session, lead: lead, created: created))
        if withinAMinute { return lead }
        try await jobs.enqueue(SummaryJob.self, .init(sessionID: session, trigger: .leadForm, email: true), tenant: tenant, priority: 1,
                               dedupeKey: SummaryJob.dedupeKey(session: session, trigger: .leadForm, at: "\(Int(now.timeIntervalSince1970 / 60))"))
        return lead
    }
}

/// A lead that was created or changed.
public struct LeadChange: Sendable {
    public var tenant: TenantID
    public var session: SessionID
    public var lead: LeadProfile
    public var created: Bool

    public init(tenant: TenantID, session: SessionID, lead: LeadProfile, created: Bool) {
        self.tenant = tenant
        self.session = session
        self.lead = lead
        self.created = created
    }
}
