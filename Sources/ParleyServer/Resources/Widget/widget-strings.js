  // The widget's strings in each language it speaks.
  var STRINGS = {
    en: {
      open: "Open chat", close: "Close chat", title: "Chat with us", greeting: "Hi! How can I help you today?",
      placeholder: "Type your message…", send: "Send", clear: "Clear", clearLabel: "Clear this window",
      hintMod: "{key}+Enter to send", hintEnter: "Enter to send, Shift+Enter for a new line",
      typing: "The assistant is typing…", you: "You", assistant: "Assistant", sources: "Sources",
      copy: "Copy", copied: "Copied", copyCode: "Copy code", notSent: "Not sent.", resend: "Resend",
      lost: "The connection was lost before the answer was complete.", retry: "Retry",
      failed: "Something went wrong. Please try again.",
      unavailable: "This chat is not available on this page right now.",
      consentTitle: "Before we chat",
      consentText: "This chat stores your messages and your browser's details to answer you and to follow up. Do you accept our chat terms (version {version})?",
      accept: "Accept", decline: "Decline", message: "Message", conversation: "Conversation", answered: "Answer complete."
    },
    de: {
      open: "Chat öffnen", close: "Chat schließen", title: "Schreiben Sie uns", greeting: "Hallo! Wie kann ich Ihnen helfen?",
      placeholder: "Ihre Nachricht…", send: "Senden", clear: "Leeren", clearLabel: "Dieses Fenster leeren",
      hintMod: "{key}+Enter zum Senden", hintEnter: "Enter zum Senden, Umschalt+Enter für eine neue Zeile",
      typing: "Der Assistent schreibt…", you: "Sie", assistant: "Assistent", sources: "Quellen",
      copy: "Kopieren", copied: "Kopiert", copyCode: "Code kopieren", notSent: "Nicht gesendet.", resend: "Erneut senden",
      lost: "Die Verbindung brach ab, bevor die Antwort vollständig war.", retry: "Erneut versuchen",
      failed: "Etwas ist schiefgelaufen. Bitte versuchen Sie es noch einmal.",
      unavailable: "Dieser Chat ist auf dieser Seite gerade nicht verfügbar.",
      consentTitle: "Bevor wir chatten",
      consentText: "Dieser Chat speichert Ihre Nachrichten und Angaben Ihres Browsers, um Ihnen zu antworten und nachzufassen. Akzeptieren Sie unsere Chat-Bedingungen (Version {version})?",
      accept: "Akzeptieren", decline: "Ablehnen", message: "Nachricht", conversation: "Unterhaltung", answered: "Antwort vollständig."
    },
    fr: {
      open: "Ouvrir le chat", close: "Fermer le chat", title: "Discutons", greeting: "Bonjour ! Comment puis-je vous aider ?",
      placeholder: "Votre message…", send: "Envoyer", clear: "Effacer", clearLabel: "Effacer cette fenêtre",
      hintMod: "{key}+Entrée pour envoyer", hintEnter: "Entrée pour envoyer, Maj+Entrée pour une nouvelle ligne",
      typing: "L'assistant écrit…", you: "Vous", assistant: "Assistant", sources: "Sources",
      copy: "Copier", copied: "Copié", copyCode: "Copier le code", notSent: "Non envoyé.", resend: "Renvoyer",
      lost: "La connexion a été perdue avant la fin de la réponse.", retry: "Réessayer",
      failed: "Une erreur s'est produite. Veuillez réessayer.",
      unavailable: "Ce chat n'est pas disponible sur cette page pour le moment.",
      consentTitle: "Avant de discuter",
      consentText: "Ce chat enregistre vos messages et les informations de votre navigateur pour vous répondre et vous recontacter. Acceptez-vous nos conditions (version {version}) ?",
      accept: "Accepter", decline: "Refuser", message: "Message", conversation: "Conversation", answered: "Réponse terminée."
    },
    nl: {
      open: "Chat openen", close: "Chat sluiten", title: "Chat met ons", greeting: "Hallo! Waarmee kan ik u helpen?",
      placeholder: "Uw bericht…", send: "Versturen", clear: "Wissen", clearLabel: "Dit venster wissen",
      hintMod: "{key}+Enter om te versturen", hintEnter: "Enter om te versturen, Shift+Enter voor een nieuwe regel",
      typing: "De assistent typt…", you: "U", assistant: "Assistent", sources: "Bronnen",
      copy: "Kopiëren", copied: "Gekopieerd", copyCode: "Code kopiëren", notSent: "Niet verstuurd.", resend: "Opnieuw versturen",
      lost: "De verbinding viel weg voordat het antwoord compleet was.", retry: "Opnieuw proberen",
      failed: "Er ging iets mis. Probeer het opnieuw.",
      unavailable: "Deze chat is nu niet beschikbaar op deze pagina.",
      consentTitle: "Voordat we chatten",
      consentText: "Deze chat bewaart uw berichten en gegevens van uw browser om u te antwoorden en op te volgen. Gaat u akkoord met onze chatvoorwaarden (versie {version})?",
      accept: "Akkoord", decline: "Weigeren", message: "Bericht", conversation: "Gesprek", answered: "Antwoord compleet."
    },
    es: {
      open: "Abrir el chat", close: "Cerrar el chat", title: "Hable con nosotros", greeting: "¡Hola! ¿En qué puedo ayudarle?",
      placeholder: "Escriba su mensaje…", send: "Enviar", clear: "Vaciar", clearLabel: "Vaciar esta ventana",
      hintMod: "{key}+Intro para enviar", hintEnter: "Intro para enviar, Mayús+Intro para una nueva línea",
      typing: "El asistente está escribiendo…", you: "Usted", assistant: "Asistente", sources: "Fuentes",
      copy: "Copiar", copied: "Copiado", copyCode: "Copiar el código", notSent: "No enviado.", resend: "Reenviar",
      lost: "Se perdió la conexión antes de completar la respuesta.", retry: "Reintentar",
      failed: "Algo salió mal. Inténtelo de nuevo.",
      unavailable: "Este chat no está disponible en esta página en este momento.",
      consentTitle: "Antes de chatear",
      consentText: "Este chat guarda sus mensajes y datos de su navegador para responderle y hacer un seguimiento. ¿Acepta nuestras condiciones del chat (versión {version})?",
      accept: "Aceptar", decline: "Rechazar", message: "Mensaje", conversation: "Conversación", answered: "Respuesta completa."
    }
  };
