/// Whether a turn calls for the lead form: the visitor asks for a person, a quote or a call
/// back, or the answer asks the visitor for their contact details. Phrases in the widget's five
/// languages; a lower-cased substring scan over text bounded by the chat's message and answer
/// limits.
public enum ContactIntent {
    public static func callsForLeadForm(question: String, answer: String) -> Bool {
        contains(question.lowercased(), visitorAskBytes) || contains(answer.lowercased(), answerAskBytes)
    }

    /// Whether `text` holds one of the phrases, compared as UTF-8 bytes: every answer is scanned
    /// at its end, and `String.contains` compared grapheme by grapheme (about 0.2 ms a turn). Text
    /// from browsers is in composed form (NFC), as the phrases are.
    static func contains(_ text: String, _ phrases: [[UInt8]]) -> Bool {
        var text = text
        return text.withUTF8 { haystack in
            phrases.contains { phrase in
                guard let first = phrase.first, haystack.count >= phrase.count else { return false }
                var start = 0
                while start <= haystack.count - phrase.count {
                    if haystack[start] == first, phrase.indices.allSatisfy({ haystack[start + $0] == phrase[$0] }) { return true }
                    start += 1
                }
                return false
            }
        }
    }

    static let visitorAskBytes = visitorAsks.map { Array($0.utf8) }
    static let answerAskBytes = answerAsks.map { Array($0.utf8) }

    /// A visitor asking to be contacted, for a person, or for a quote.
    static let visitorAsks = [
        // en
        "talk to a person", "speak to a person", "talk to someone", "speak to someone", "real person", "a human", "talk to a human",
        "speak with", "call me", "call back", "callback", "contact me", "get in touch", "a quote", "quotation", "sales team",
        "representative",
        // de
        "mit einem menschen", "mit jemandem sprechen", "mitarbeiter sprechen", "rückruf", "ruf mich an", "rufen sie mich an",
        "angebot", "kontaktieren sie mich", "ansprechpartner", "melden sie sich",
        // fr
        "parler à quelqu", "parler à une personne", "un conseiller", "rappelez-moi", "me rappeler", "devis", "contactez-moi",
        "un humain",
        // nl
        "met een mens", "met iemand spreken", "medewerker spreken", "bel me", "terugbellen", "offerte", "neem contact met me",
        "een persoon",
        // es
        "hablar con una persona", "hablar con alguien", "un humano", "un agente", "llámenme", "llamarme", "devolver la llamada",
        "presupuesto", "cotización", "contácteme", "contactarme",
    ]

    /// An answer asking for contact details.
    static let answerAsks = [
        "your email", "your e-mail", "your phone", "your number", "your contact details", "contact information",
        "ihre e-mail", "ihre telefonnummer", "ihre kontaktdaten", "ihre rufnummer",
        "votre e-mail", "votre adresse e-mail", "votre numéro", "vos coordonnées",
        "uw e-mail", "uw telefoonnummer", "uw contactgegevens",
        "su correo", "su teléfono", "su número", "sus datos de contacto",
    ]
}
