import ParleyCore
import Vapor

/// `GET /a/{agent}/config`: what the widget needs before its first message: the tenant's
/// appearance, the input keys, whether basic HTML is allowed and whether consent is asked.
/// Only public values: the page that embeds the widget can read all of it.
struct WidgetConfigResponse: Content {
    struct Agent: Codable {
        var code: String
        var name: String
    }

    struct Input: Codable {
        var debounceMs: Int
        var submitShortcut: String
        var enterInsertsNewline: Bool

        enum CodingKeys: String, CodingKey {
            case debounceMs = "debounce_ms", submitShortcut = "submit_shortcut", enterInsertsNewline = "enter_inserts_newline"
        }
    }

    struct Consent: Codable {
        var required: Bool
        var termsVersion: String

        enum CodingKeys: String, CodingKey {
            case required
            case termsVersion = "terms_version"
        }
    }

    /// The lead form: whether the widget may offer it and which fields it asks for.
    struct LeadForm: Codable {
        var enabled: Bool
        var fields: [String]
    }

    var agent: Agent
    var leadForm: LeadForm
    var site: String
    var appearance: WidgetAppearance
    var allowBasicHTML: Bool
    var input: Input
    var consent: Consent
    var maxMessageChars: Int
    /// Mark answers the assistant is not sure of (`done` and history say `unsure`) below them.
    var unsureMarker: Bool

    enum CodingKeys: String, CodingKey {
        case agent, site, appearance, input, consent
        case leadForm = "lead_form", unsureMarker = "unsure_marker"
        case allowBasicHTML = "allow_basic_html", maxMessageChars = "max_message_chars"
    }

    init(tenant: Tenant, agent: ResolvedAgent, config: ParleyConfig) {
        self.agent = Agent(code: agent.code, name: agent.name)
        site = tenant.name
        appearance = WidgetAppearance(settings: tenant.settings)
        allowBasicHTML = tenant.settings["allow_basic_html"]?.boolValue ?? config.ui.allowBasicHTML
        let keys = config.chat.input
        input = Input(debounceMs: max(0, keys.debounceMs), submitShortcut: keys.submitShortcut,
                      enterInsertsNewline: keys.enterInsertsNewline)
        let policy = ConsentPolicy(tenant: tenant, defaults: config.consent)
        consent = Consent(required: policy.required, termsVersion: policy.termsVersion)
        maxMessageChars = config.chat.maxMessageChars
        unsureMarker = tenant.settings["widget"]?["unsure_marker"]?.boolValue ?? false
        let leads = LeadSettings(tenantSettings: tenant.settings, defaultRecipient: config.email.mockSalesRecipient)
        leadForm = LeadForm(enabled: leads.formEnabled, fields: leads.formFields.map(\.rawValue))
    }
}
