import ParleyCore
import Testing

/// Tenant settings edited key by key: valid values land where the widget and CORS read them,
/// anything else is refused with a message naming the key, and the document stays unchanged.
@Suite("Tenant settings editor")
struct TenantSettingsEditorTests {
    @Test func assignmentsLandWhereTheirReadersLook() throws {
        var editor = TenantSettingsEditor(settings: ["other": "kept"])
        try editor.apply("allowed_origins=https://Shop.example/, http://127.0.0.1:8081,https://shop.example")
        try editor.apply("consent_required=yes")
        try editor.apply("terms_version=2026-11")
        try editor.apply("widget.color=#0B6E4F")
        try editor.apply("widget.title=Ask Aurora")
        try editor.apply("widget.greeting=Hello!\\nAsk me anything.")
        try editor.apply("widget.position=left")
        try editor.apply("widget.avatar=https://cdn.example/a.png")
        try editor.apply("widget.language=de")
        let settings = editor.settings
        #expect(settings["allowed_origins"] == ["https://shop.example", "http://127.0.0.1:8081"])
        #expect(settings["consent_required"] == true)
        #expect(settings["other"] == "kept")
        #expect(ConsentPolicy(tenant: Tenant(id: TenantID(), name: "A", slug: "a", isActive: true, widgetKey: "pk_a", settings: settings),
                              defaults: ParleyConfig().consent) == ConsentPolicy(required: true, termsVersion: "2026-11"))
        #expect(WidgetAppearance(settings: settings) == WidgetAppearance(
            title: "Ask Aurora", greeting: "Hello!\nAsk me anything.", color: "#0B6E4F", position: .left,
            avatar: "https://cdn.example/a.png", language: "de"))
    }

    @Test func invalidValuesAreRefusedByName() throws {
        let refused: [(String, String)] = [
            ("allowed_origins=https://shop.example/path", "allowed_origins"),
            ("allowed_origins=javascript:alert(1)", "allowed_origins"),
            ("allowed_origins=[1, 2]", "allowed_origins"),
            ("consent_required=maybe", "consent_required"),
            ("terms_version=", "terms_version"),
            ("terms_version=<b>", "terms_version"),
            ("widget.color=red;}body{display:none", "widget.color"),
            ("widget.color=#12345", "widget.color"),
            ("widget.avatar=javascript:alert(1)", "widget.avatar"),
            ("widget.avatar=https://user:pw@cdn.example/a.png", "widget.avatar"),
            ("widget.position=middle", "widget.position"),
            ("widget.language=klingon", "widget.language"),
            ("widget.title=" + String(repeating: "x", count: 81), "widget.title"),
            ("widget.title=   ", "widget.title"),
            ("widget.greeting=bell\u{07}", "widget.greeting"),
            ("widget.script=alert(1)", "unknown setting"),
            ("no equals sign", "key=value"),
        ]
        for (assignment, named) in refused {
            var editor = TenantSettingsEditor(settings: ["widget": ["title": "Kept"]])
            #expect(throws: TenantSettingsEditor.InvalidSetting.self, "\(assignment)") { try editor.apply(assignment) }
            do {
                try editor.apply(assignment)
            } catch {
                #expect(error.description.contains(named), "\(assignment): \(error.description)")
            }
            #expect(editor.settings == ["widget": ["title": "Kept"]], "nothing changed by \(assignment)")
        }
    }

    @Test func unsetRemovesKeysAndEmptyGroups() throws {
        var editor = TenantSettingsEditor(settings: ["widget": ["color": "#123"], "consent_required": true])
        try editor.unset("widget.color")
        try editor.unset("consent_required")
        #expect(editor.settings == .object([:]))
        #expect(throws: TenantSettingsEditor.InvalidSetting.self) { try editor.unset("widget.nothing") }
    }

    @Test func appearanceIgnoresInvalidStoredValues() {
        // Settings written around the editor (an older version, a database edit) still reach
        // a page only when valid.
        let stored: JSONValue = ["widget": ["color": "url(javascript:x)", "avatar": "data:image/svg+xml,<svg onload=x>",
                                            "position": "top", "title": "", "greeting": .number(3), "language": "xx"]]
        #expect(WidgetAppearance(settings: stored) == WidgetAppearance())
        #expect(WidgetAppearance(settings: .string("garbage")) == WidgetAppearance())
    }
}
