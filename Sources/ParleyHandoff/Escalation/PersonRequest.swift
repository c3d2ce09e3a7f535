import Foundation
import ParleyCore

/// Whether a visitor's message asks for a person, in the widget's five languages. A lower-cased
/// substring scan over a message the chat already bounds (`chat.max_message_chars`).
public enum PersonRequest {
    public static func asksForPerson(_ message: String) -> Bool {
        phraseSet.occurs(in: message)
    }

    static let phraseSet = PhraseSet(phrases)

    static let phrases = [
        // en
        "talk to a person", "speak to a person", "talk to someone", "speak to someone", "talk to a human", "speak to a human",
        "real person", "a human", "human agent", "live agent", "an agent", "an operator", "customer service", "speak with someone",
        "talk with someone", "a colleague",
        // de
        "mit einem menschen", "mit jemandem sprechen", "mit einem mitarbeiter", "mitarbeiter sprechen", "einen mitarbeiter",
        "echten person", "echte person", "kundenservice", "kundendienst",
        // fr
        "parler à quelqu", "parler à une personne", "parler à un humain", "un conseiller", "une vraie personne", "un humain",
        "service client", "un opérateur",
        // nl
        "met een mens", "met iemand spreken", "met een medewerker", "medewerker spreken", "een echte persoon", "klantenservice",
        "een persoon spreken",
        // es
        "hablar con una persona", "hablar con alguien", "hablar con un humano", "un humano", "un agente", "una persona real",
        "atención al cliente", "un operador",
    ]
}
