import Foundation
import ParleyCore
@testable import ParleyLeads
import Testing

/// What models get wrong in JSON (seed 002), repaired; what cannot be repaired, refused.
@Suite("Lenient JSON")
struct LenientJSONTests {
    @Test(arguments: [
        ("fenced, with prose", "Sure! Here it is:\n```json\n{\"name\": \"Ann\"}\n```\nAnything else?", "Ann"),
        ("trailing comma in the object", "{\"name\": \"Ann\",}", "Ann"),
        ("trailing commas in a nested array", "{\"interests\": [\"a\", \"b\", ], \"name\": \"Ann\" , \n}", "Ann"),
        ("a raw line break and tab inside a string", "{\"name\": \"Ann\nBerg\tX\"}", "Ann\nBerg\tX"),
        ("other control characters inside a string", "{\"name\": \"A\u{01}n\u{1F}n\"}", "Ann"),
        ("an escaped quote and a comma-brace inside a string", "{\"name\": \"A \\\",}\\\" n\",}", "A \",}\" n"),
    ])
    func repairs(_ label: String, _ text: String, _ name: String) throws {
        let object = try #require(LenientJSON.object(from: text), "\(label)")
        #expect(object["name"]?.stringValue == name, "\(label)")
    }

    @Test func refusesWhatIsNotAnObject() {
        #expect(LenientJSON.object(from: "I could not find any details.") == nil)
        #expect(LenientJSON.object(from: "[\"name\", \"Ann\"]") == nil)
        #expect(LenientJSON.object(from: "{\"name\": }") == nil)
        #expect(LenientJSON.object(from: "} {") == nil)
        #expect(LenientJSON.object(from: "{\"x\": \"" + String(repeating: "a", count: 70_000) + "\"}") == nil, "bounded")
    }

    @Test func valuesAreTakenLenientlyAndBounded() {
        let object: JSONValue = [
            "name": ["Ann", "Berg"], "email": "ANN@Example.com", "phone": "call +49 30 1234567 after six", "company": "null",
            "quantity": 12, "budget": 4999.5, "city": .null, "street": .string(String(repeating: "s", count: 500)),
            "interests": "Aurora City, Test ride", "preferences": ["blue", "", 5],
        ]
        let contact = ModelLeadExtractor.contact(from: object)
        #expect(contact.values[.name] == "Ann, Berg" && contact.values[.email] == "ann@example.com")
        #expect(contact.values[.phone] == "+49301234567" && contact.values[.company] == nil && contact.values[.city] == nil)
        #expect(contact.values[.quantity] == "12" && contact.values[.budget] == "4999.5")
        #expect(contact.values[.street]?.count == 200)
        #expect(contact.interests == ["Aurora City", "Test ride"] && contact.preferences == ["blue", "5"])
        #expect(ModelLeadExtractor.contact(from: ["email": "not an address", "phone": "no number"]).isEmpty)
    }
}
