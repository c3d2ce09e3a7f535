import Foundation
@testable import ParleyCore
import Testing

/// The HTML builder's escaping, the shared e-mail address rule, and the tenant's lead settings.
@Suite("E-mail parts")
struct EmailPartsTests {
    @Test func interpolatedTextIsEscapedAndMarkupIsKept() {
        let name = "<script>alert('x')</script> & \"co\""
        let inner: HTML = "<b>\(name)</b>"
        let outer: HTML = "<p>\(inner) \(3)</p>"
        #expect(outer.markup == "<p><b>&lt;script&gt;alert(&#39;x&#39;)&lt;/script&gt; &amp; &quot;co&quot;</b> 3</p>")
        #expect(HTML("\(name)").markup == HTML.escape(name))
    }

    @Test func emailAddressesAreCheckedAndNormalised() {
        #expect(EmailAddress.normalised("  Anna@Example.COM ") == "anna@example.com")
        for bad in ["anna", "anna@", "@example.com", "a b@example.com", "a@example", "a@.example.com", "a@example..com",
                    "a@exa\nmple.com", "\"a\"@example.com", "a<b>@example.com", "a@b@example.com", String(repeating: "a", count: 65) + "@example.com"] {
            #expect(EmailAddress.normalised(bad) == nil, "\(bad)")
        }
    }

    @Test func leadRecipientsComeFromTheTenantOrTheDefault() throws {
        #expect(LeadSettings(tenantSettings: .object([:]), defaultRecipient: "sales@example.com").recipients == ["sales@example.com"])
        var editor = TenantSettingsEditor(settings: .object([:]))
        try editor.set("leads.recipients", to: "A@x.example, b@y.example, a@x.example")
        try editor.set("leads.email_on_inactivity", to: "false")
        let settings = LeadSettings(tenantSettings: editor.settings, defaultRecipient: "sales@example.com")
        #expect(settings.recipients == ["a@x.example", "b@y.example"] && !settings.emailOnInactivity)
        try editor.set("leads.recipients", to: #"["c@z.example"]"#)
        #expect(LeadSettings(tenantSettings: editor.settings, defaultRecipient: "").recipients == ["c@z.example"])
        #expect(throws: TenantSettingsEditor.InvalidSetting.self) { try editor.set("leads.recipients", to: "not-an-address") }
        #expect(throws: TenantSettingsEditor.InvalidSetting.self) {
            try editor.set("leads.recipients", to: (0 ..< 11).map { "p\($0)@x.example" }.joined(separator: ","))
        }
        #expect(throws: TenantSettingsEditor.InvalidSetting.self) { try editor.set("leads.email_on_inactivity", to: "maybe") }
    }
}

/// The byte-level reading of ASCII addresses gives what the general rules give.
@Suite("E-mail addresses in ASCII")
struct EmailASCIIReadingTests {
    @Test func randomTextReadsAsTheGeneralRulesReadIt() {
        let pieces = ["a", "Z", "sales", "@", ".", "..", "example", "com", " ", "\t", "\n", "-", "_", "+", "<", "\"", "'", ":", ";", ",",
                      "\\", "[", "\u{7F}", "\u{1}", "é", "\u{A0}", "x.y", String(repeating: "a", count: 64), String(repeating: "b", count: 200)]
        var random = SplitMix64(seed: 29)
        for _ in 0 ..< 30_000 {
            let text = (0 ..< Int.random(in: 0 ... 8, using: &random)).map { _ in pieces.randomElement(using: &random)! }.joined()
            let general = EmailAddress.generalNormalised(text)
            #expect(EmailAddress.normalised(text) == general, "\(text.debugDescription)")
            switch EmailAddress.asciiNormalised(text) {
            case .address(let address): #expect(address == general, "\(text.debugDescription)")
            case .invalid: #expect(general == nil, "\(text.debugDescription)")
            case .notASCII: #expect(text.utf8.contains { $0 >= 0x80 })
            }
        }
        #expect(EmailAddress.asciiNormalised(" Sales@Example.COM\t") == .address("sales@example.com"))
        #expect(EmailAddress.asciiNormalised("a@b..c") == .invalid && EmailAddress.asciiNormalised("é@x.de") == .notASCII)
    }
}
