import ParleyCore
import ParleyLeads
import Testing

/// Merging what each message says into a lead: provenance kept, confirmed values never
/// overwritten by guesses, newer guesses win, the stage only moves forward.
@Suite("Lead profile")
struct LeadProfileTests {
    let first = MessageID(), second = MessageID(), third = MessageID()

    @Test func guessesFillAndReplaceEachOtherWithTheirMessage() {
        var profile = LeadProfile()
        #expect(profile.stage == .new)
        profile = profile.merging(ExtractedContact(name: "Anna"), from: first, confirmed: false)
        #expect(profile.name == .init("Anna", messageID: first, confirmed: false) && profile.stage == .engaged)
        profile = profile.merging(ExtractedContact(name: "Anna Berg", interests: ["Aurora City"]), from: second, confirmed: false)
        #expect(profile.name?.value == "Anna Berg" && profile.name?.messageID == second, "a newer guess replaces an older one")
        #expect(profile.interests.map(\.value) == ["Aurora City"] && profile.stage == .engaged)
        profile = profile.merging(ExtractedContact(email: "anna@example.com", interests: ["Aurora City", "Test ride"]), from: third, confirmed: false)
        #expect(profile.interests.map(\.value) == ["Aurora City", "Test ride"])
        #expect(profile.interests.first?.messageID == second, "an interest keeps the message that first named it")
        #expect(profile.stage == .qualified)
    }

    @Test func aConfirmedValueIsNeverOverwrittenByAGuess() {
        var profile = LeadProfile().merging(ExtractedContact(name: "Anna Berg", email: "anna@example.com"), from: nil, confirmed: true)
        profile = profile.merging(ExtractedContact(name: "Bob", email: "someone@else.example", phone: "+49301234567"), from: first, confirmed: false)
        #expect(profile.name == .init("Anna Berg", messageID: nil, confirmed: true))
        #expect(profile.email?.value == "anna@example.com" && profile.email?.confirmed == true)
        #expect(profile.phone == .init("+49301234567", messageID: first, confirmed: false), "an empty field still takes the guess")
        // A confirmation replaces a guess, and confirming the same value keeps its first source.
        profile = profile.merging(ExtractedContact(phone: "+31612345678"), from: nil, confirmed: true)
        #expect(profile.phone == .init("+31612345678", messageID: nil, confirmed: true))
        let guessed = LeadProfile().merging(ExtractedContact(email: "a@b.example"), from: second, confirmed: false)
            .merging(ExtractedContact(email: "a@b.example"), from: nil, confirmed: true)
        #expect(guessed.email == .init("a@b.example", messageID: second, confirmed: true))
    }

    @Test func theStageOnlyMovesForward() {
        let qualified = LeadProfile().merging(ExtractedContact(phone: "020 7946 0958", interests: ["Warranty"]), from: first, confirmed: false)
        #expect(qualified.stage == .qualified)
        #expect(qualified.merging(ExtractedContact(), from: second, confirmed: false).stage == .qualified)
        #expect(LeadProfile(stage: .qualified).merging(ExtractedContact(name: "X"), from: first, confirmed: false).stage == .qualified)
    }
}
