import ParleyCore
import Testing

/// Phrases found anywhere in lower-cased text, byte for byte.
@Suite("Phrase sets")
struct PhraseSetTests {
    let set = PhraseSet(["talk to a person", "aab", "call me", "é", "x"])

    @Test func findsAPhraseAtTheStartInTheMiddleAndAtTheEnd() {
        #expect(set.occurs(in: "Talk to a person please"))
        #expect(set.occurs(in: "could you CALL ME tomorrow"))
        #expect(set.occurs(in: "then call me"))
        #expect(set.occurs(in: "box"), "a one-byte phrase")
    }

    @Test func findsAPhraseThatStartsInsideAFalseStart() {
        // The first "a" starts a partial match ("aa" then "a" again): the phrase begins one later.
        #expect(set.occurs(in: "baaab"))
        #expect(!set.occurs(in: "aaca"))
    }

    @Test func findsNothingThatIsNotThere() {
        #expect(!set.occurs(in: ""))
        #expect(!set.occurs(in: "talk to a per"), "the text ends inside the phrase")
        #expect(!set.occurs(in: "call  me"))
        #expect(!PhraseSet([]).occurs(in: "anything"))
        #expect(!PhraseSet([""]).occurs(in: "an empty phrase matches nothing"))
    }

    @Test func comparesLowerCasedUTF8() {
        #expect(set.occurs(in: "CAFÉ"), "É lower-cases to é, two bytes")
        #expect(!PhraseSet(["café"]).occurs(in: "cafe"))
        #expect(PhraseSet(["café au lait"]).occurs(in: "Un CAFÉ AU LAIT"))
    }
}
