import ParleyCore
import ParleyLeads
import Testing

/// The deterministic extractor on a table of visitor messages written for it: contact details
/// in the five widget languages and several countries' phone formats, and messages that only
/// look like they hold some (dates, prices, order numbers, "I'm interested").
@Suite("Contact extractor")
struct ContactExtractorTests {
    struct Row: CustomTestStringConvertible, Sendable {
        var message: String
        var name: String?
        var email: String?
        var phone: String?
        var interests: [String] = []
        var testDescription: String { String(message.prefix(50)) }
    }

    static let catalogue = InterestCatalogue(names: ["Aurora City", "Aurora Trek", "Aurora Cargo", "Battery upgrade", "Test ride",
                                                     "Service plan", "Frequently asked questions", "Warranty"])

    static let rows: [Row] = [
        Row(message: "Hi, I'm Anna Berg, please mail me at Anna.Berg@example.com", name: "Anna Berg", email: "anna.berg@example.com"),
        Row(message: "my name is Tom. Call me on +49 30 1234567 tomorrow", name: "Tom", phone: "+49301234567"),
        Row(message: "This is Priya from Acme, we need 12 Aurora Cargo bikes", name: "Priya", interests: ["Aurora Cargo"]),
        Row(message: "I'm interested in the Aurora Trek, what's the range?", interests: ["Aurora Trek"]),
        Row(message: "i am looking for a test ride this weekend", interests: ["Test ride"]),
        Row(message: "Ich bin Jonas Müller und hätte gern ein Angebot, Tel. 0049 (0)30-123 45 67", name: "Jonas Müller", phone: "+49301234567"),
        Row(message: "Mein Name ist Lena. Meine Nummer: 030 1234567", name: "Lena", phone: "030 1234567"),
        Row(message: "Ich bin auf der Suche nach einem Lastenrad"),
        Row(message: "Bonjour, je m'appelle Claire Dubois, mon numéro est le 06 12 34 56 78", name: "Claire Dubois", phone: "06 12 34 56 78"),
        Row(message: "Je suis intéressé par l'Aurora City", interests: ["Aurora City"]),
        Row(message: "Hallo, ik ben Sanne, bel me op +31 6 12345678", name: "Sanne", phone: "+31612345678"),
        Row(message: "Mijn naam is Pieter de Vries, pieter@devries.nl", name: "Pieter", email: "pieter@devries.nl"),
        Row(message: "Hola, me llamo Lucía y mi teléfono es +34 612 345 678", name: "Lucía", phone: "+34612345678"),
        Row(message: "Soy cliente y quiero un plan de servicio"),
        Row(message: "You can reach me at (555) 123-4567 or jo@shop.example.co.uk", email: "jo@shop.example.co.uk", phone: "(555) 123-4567"),
        Row(message: "UK office: 020 7946 0958", phone: "020 7946 0958"),
        Row(message: "Order 48213377 arrived damaged"),
        Row(message: "The bike costs 2499.00 EUR, delivered on 12.03.2026?"),
        Row(message: "We were founded in 2019 and have 250 employees"),
        Row(message: "Is the battery upgrade covered by the warranty?", interests: ["Battery upgrade", "Warranty"]),
        Row(message: "Do you sell batteries?"),
        Row(message: "I'm not sure yet, just browsing"),
        Row(message: "Call me back: 1-800-555-0199", phone: "1-800-555-0199"),
        Row(message: "email: info@aurora-bikes.example, name's Rick", name: "Rick", email: "info@aurora-bikes.example"),
        Row(message: "contact me: not-an-address@ or @handle"),
        Row(message: "Can I book a service plan for my Aurora City bikes?", interests: ["Aurora City", "Service plan"]),
    ]

    @Test(arguments: rows)
    func extractsWhatTheMessageSays(_ row: Row) {
        let found = ContactExtractor(catalogue: Self.catalogue).extract(from: row.message)
        #expect(found.name == row.name, "name")
        #expect(found.email == row.email, "email")
        #expect(found.phone == row.phone, "phone")
        #expect(found.interests == row.interests, "interests")
    }

    @Test func longHostileInputIsLinear() {
        let text = String(repeating: "I'm 1-2-3-4-5-6 @@ a@b. ", count: 2_000)
        let found = ContactExtractor(catalogue: Self.catalogue).extract(from: text)
        #expect(found.email == nil)
    }
}
