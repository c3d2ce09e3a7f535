/// Whether a turn calls for the lead form: the visitor asks for a person, a quote or a call
/// back, or the answer asks the visitor for their contact details. Phrases in the widget's five
/// languages; a lower-cased substring scan over text bounded by the chat's message and answer
/// limits.
public enum ContactIntent {
    public static func callsForLeadForm(question: String, answer: String) -> Bool {
        visitorAskPhrases.occurs(in: question) || answerAskPhrases.occurs(in: answer)
    }

    static let visitorAskPhrases = PhraseSet(visitorAsks)
    static let answerAskPhrases = PhraseSet(answerAsks)

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
