import Foundation

/// Greetings, thanks and goodbyes in the widget's five languages: messages that ask the knowledge
/// base nothing, so that a low-scoring reply to them ("Hello! What would you like to know?") does
/// not hand the conversation to a person.
public enum SmallTalk {
    public static func isSmallTalk(_ message: String) -> Bool {
        let words = message.lowercased().split { !$0.isLetter }.map(String.init)
        return !words.isEmpty && words.count <= 6 && words.allSatisfy(Self.words.contains)
    }

    static let words: Set<String> = [
        // en
        "hi", "hello", "hey", "thanks", "thank", "you", "ok", "okay", "bye", "goodbye", "good", "morning", "afternoon", "evening",
        "great", "cool", "cheers", "much", "very", "so", "there", "yes", "no", "nice",
        // de
        "hallo", "danke", "schön", "vielen", "dank", "tschüss", "guten", "tag", "morgen", "abend", "ja", "nein", "super",
        // fr
        "bonjour", "salut", "merci", "beaucoup", "bonsoir", "au", "revoir", "oui", "non", "d'accord",
        // nl
        "hoi", "bedankt", "dankjewel", "dankuwel", "dag", "goedemorgen", "goedemiddag", "goedenavond", "doei", "nee",
        // es
        "hola", "gracias", "muchas", "adiós", "adios", "buenos", "días", "dias", "buenas", "tardes", "noches", "sí", "si",
    ]
}
