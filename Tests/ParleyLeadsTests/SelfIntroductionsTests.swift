import Foundation
@testable import ParleyLeads
import Testing

/// The word trimming the name rules use reads as Foundation's punctuation trimming did.
@Suite("Self-introductions")
struct SelfIntroductionsTests {
    @Test func bareWordsTrimAsFoundationDoes() {
        let punctuation = CharacterSet(charactersIn: ",.!?;:()\"“”«»¡¿")
        var words = ["Anna", "Anna,", "(Anna)", "¿Lucía?", "«Claire»", "Müller.", "...", "", "a.b", "“Tom”!", "é,", ",Jo-Ann's", "¡¡Hola!!"]
        var generator = SystemRandomNumberGenerator()
        let alphabet = Array(",.!?;:()\"“”«»¡¿aZé-'’1 ")
        for _ in 0 ..< 500 {
            words.append(String((0 ..< Int.random(in: 0 ... 6, using: &generator)).map { _ in alphabet.randomElement(using: &generator)! }))
        }
        for word in words {
            #expect(SelfIntroductions.bare(word) == word.trimmingCharacters(in: punctuation), "\(word)")
        }
    }

    @Test func phrasesAreFoundAtAnyPlace() {
        #expect(SelfIntroductions.name(in: "Hello there, my name is Anna Berg.") == "Anna Berg")
        #expect(SelfIntroductions.name(in: "my name") == nil, "a phrase with nothing after it")
        #expect(SelfIntroductions.name(in: "name is Anna") == nil, "part of a phrase is not one")
        #expect(SelfIntroductions.name(in: "I think I am Tom") == "Tom")
    }
}
