import ParleyCore
import Testing

/// When a turn calls for the lead form: the visitor asks for a person, a call or a quote, or the
/// answer asks for contact details, in the widget's five languages, whatever the case.
@Suite("Contact intent")
struct ContactIntentTests {
    @Test(arguments: [
        "Could someone CALL ME tomorrow?", "Ich hätte gern einen Rückruf", "Pouvez-vous me faire un devis ?",
        "Kunt u mij terugbellen", "Quiero hablar con una persona", "I want a quote", "callback",
    ])
    func aVisitorAskingIsHeard(_ question: String) {
        #expect(ContactIntent.callsForLeadForm(question: question, answer: "The Aurora City weighs 16.5 kg."))
    }

    @Test func anAnswerAskingForDetailsCountsAndOrdinaryTurnsDoNot() {
        #expect(ContactIntent.callsForLeadForm(question: "Do you deliver?", answer: "Yes. Leave your e-mail and we will write."))
        #expect(ContactIntent.callsForLeadForm(question: "Liefern Sie?", answer: "Ja. Wie lautet Ihre Telefonnummer?"))
        #expect(!ContactIntent.callsForLeadForm(question: "What does the Aurora City weigh?", answer: "It weighs 16.5 kg. [1]"))
        #expect(!ContactIntent.callsForLeadForm(question: "", answer: ""))
        #expect(!ContactIntent.callsForLeadForm(question: "call", answer: "your"), "a part of a phrase is not the phrase")
        #expect(!ContactIntent.callsForLeadForm(question: "a quot", answer: "e-mail"))
    }
}
