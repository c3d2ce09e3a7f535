import Foundation
import ParleyCore
import Testing

/// Business hours on the tenant's clock, and the hand-over settings that hold them.
@Suite("Business hours")
struct BusinessHoursTests {
    /// 2026-12-07 is a Monday.
    func instant(_ text: String) -> Date {
        ISO8601DateFormatter().date(from: text)!
    }

    @Test func openStretchesFollowTheTenantsTimeZoneAndDays() throws {
        let hours = try BusinessHours.parse("mon-fri 09:00-12:30 13:30-17:00; sat,sun 10:00-14:00", timeZone: "Europe/Amsterdam").get()
        // Amsterdam is UTC+1 in December: 08:30 UTC is 09:30 there.
        #expect(hours.isOpen(at: instant("2026-12-07T08:30:00Z")))
        #expect(!hours.isOpen(at: instant("2026-12-07T07:59:00Z")))   // 08:59 local
        #expect(hours.isOpen(at: instant("2026-12-07T08:00:00Z")))    // 09:00 local, the stretch's first minute
        #expect(!hours.isOpen(at: instant("2026-12-07T11:45:00Z")))   // 12:45, lunch
        #expect(!hours.isOpen(at: instant("2026-12-07T16:00:00Z")))   // 17:00, closed from the end minute
        #expect(hours.isOpen(at: instant("2026-12-12T09:30:00Z")))    // Saturday 10:30
        #expect(!hours.isOpen(at: instant("2026-12-12T13:00:00Z")))   // Saturday 14:00
        // In summer the same local hours are an hour earlier in UTC.
        #expect(hours.isOpen(at: instant("2026-07-06T07:30:00Z")))    // Monday 09:30 CEST
        let allDay = try BusinessHours.parse("sun 00:00-24:00").get()
        #expect(allDay.isOpen(at: instant("2026-12-06T23:59:00Z")) && !allDay.isOpen(at: instant("2026-12-07T00:00:00Z")))
    }

    @Test func malformedHoursAreRefusedByName() {
        for bad in ["", "mon", "9-5", "fri-mon 09:00-17:00", "mon 17:00-09:00", "mon 09:00-25:00", "mon 9:0-17:00",
                    "mon 09:00-17:00; xyz 10:00-11:00", "mon 09:00 17:00", String(repeating: "mon 09:00-10:00;", count: 20)] {
            #expect(throws: BusinessHours.Invalid.self, "\(bad)") { try BusinessHours.parse(bad).get() }
        }
        #expect(throws: BusinessHours.Invalid.self) { try BusinessHours.parse("mon 09:00-17:00", timeZone: "Mars/Olympus").get() }
    }

    @Test func handoffSettingsAreValidatedAndReachThePolicy() throws {
        var editor = TenantSettingsEditor(settings: .object([:]))
        try editor.apply("handoff.hours=mon-fri 09:00-17:00")
        try editor.apply("handoff.timezone=America/New_York")
        try editor.apply("handoff.escalate_below=0.5")
        try editor.apply("handoff.message=A colleague will reply soon.")
        for bad in ["handoff.hours=always", "handoff.timezone=Nowhere/City", "handoff.escalate_below=2", "handoff.refuse_below=x",
                    "handoff.message=" + String(repeating: "x", count: 1001)] {
            #expect(throws: TenantSettingsEditor.InvalidSetting.self, "\(bad)") { try editor.apply(bad) }
        }
        let policy = HandoffPolicy(config: ParleyConfig.HandoffSection(), tenantSettings: editor.settings)
        #expect(policy.escalateBelow == 0.5 && policy.refuseBelow == 0.3 && policy.message == "A colleague will reply soon.")
        // Monday 2026-12-07 10:00 in New York is 15:00 UTC; 08:00 UTC is 03:00 there.
        #expect(policy.isStaffed(at: instant("2026-12-07T15:00:00Z")))
        #expect(!policy.isStaffed(at: instant("2026-12-07T08:00:00Z")))
        #expect(HandoffPolicy().isStaffed(at: instant("2026-12-07T03:00:00Z")))
    }
}
