/*
 * Parley chat widget. One tag on any page:
 *   <script src="https://HOST/widget.js" data-tenant="PUBLIC_WIDGET_KEY" data-agent="sales" async></script>
 * Optional: data-lang (en, de, fr, nl, es), data-color (#rrggbb), data-position (right, left),
 * data-title, data-greeting, data-avatar (image URL); data-mode="page" with data-target="#id"
 * renders the chat inside that element instead of as a floating button.
 *
 * Plain JavaScript, no dependencies. Everything lives in a Shadow DOM; nothing from an answer
 * ever reaches innerHTML: answers are parsed into DOM nodes by a small Markdown renderer.
 * Errors of the widget stay inside it and are reported to the console once.
 */
(function () {
  "use strict";

  var script = document.currentScript;
  var reported = false;

  function report(error) {
    if (reported) return;
    reported = true;
    try { console.error("[Parley widget]", error); } catch (ignored) { /* no console */ }
  }

  function guard(fn) {
    return function () {
      try { return fn.apply(this, arguments); } catch (error) { report(error); }
    };
  }

  var STYLESHEET = "__PARLEY_STYLESHEET__";

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

  var ALLOWED_TAGS = { b: "strong", strong: "strong", i: "em", em: "em", u: "u", s: "s", sup: "sup", sub: "sub", br: "br" };
  var SAFE_SCHEMES = { "http:": 1, "https:": 1, "mailto:": 1, "tel:": 1 };
  var SVG = "http://www.w3.org/2000/svg";
  var ICONS = {
    chat: "M4 4h16a2 2 0 0 1 2 2v10a2 2 0 0 1-2 2H9l-5 4v-4a2 2 0 0 1-2-2V6a2 2 0 0 1 2-2z",
    close: "M6 6l12 12M18 6L6 18",
    send: "M3 11l18-8-8 18-2-8-8-2z"
  };
  var uid = 0;

  // ---------------------------------------------------------------------------------------
  // Small helpers

  function el(tag, attributes, children) {
    var node = document.createElement(tag);
    if (attributes) {
      for (var name in attributes) {
        if (!Object.prototype.hasOwnProperty.call(attributes, name) || attributes[name] == null) continue;
        if (name === "text") node.textContent = attributes[name];
        else node.setAttribute(name, attributes[name]);
      }
    }
    (children || []).forEach(function (child) { if (child) node.appendChild(child); });
    return node;
  }

  function icon(name) {
    var svg = document.createElementNS(SVG, "svg");
    svg.setAttribute("viewBox", "0 0 24 24");
    svg.setAttribute("aria-hidden", "true");
    svg.setAttribute("focusable", "false");
    var path = document.createElementNS(SVG, "path");
    path.setAttribute("d", ICONS[name]);
    svg.appendChild(path);
    return svg;
  }

  function format(template, values) {
    return template.replace(/\{(\w+)\}/g, function (match, key) { return values[key] != null ? values[key] : match; });
  }

  function nextId(prefix) { uid += 1; return "pw-" + prefix + "-" + uid; }

  /** An absolute http(s), mailto or tel URL, normalised; anything else (javascript:, data:, relative) is null. */
  function safeUrl(raw) {
    if (typeof raw !== "string") return null;
    var cleaned = raw.replace(/[\u0000-\u0020\u007f-\u009f]/g, "");
    try {
      var url = new URL(cleaned);
      return SAFE_SCHEMES[url.protocol] ? url.href : null;
    } catch (error) {
      return null;
    }
  }

  function storage() {
    var memory = {};
    function usable() {
      try { return window.localStorage; } catch (error) { return null; }
    }
    return {
      get: function (key) {
        var local = usable();
        try { if (local) return local.getItem(key); } catch (error) { /* private mode */ }
        return Object.prototype.hasOwnProperty.call(memory, key) ? memory[key] : null;
      },
      set: function (key, value) {
        memory[key] = value;
        var local = usable();
        try { if (local) local.setItem(key, value); } catch (error) { /* quota or private mode */ }
      },
      remove: function (key) {
        delete memory[key];
        var local = usable();
        try { if (local) local.removeItem(key); } catch (error) { /* private mode */ }
      }
    };
  }

  function randomId() {
    var bytes = new Uint8Array(16);
    (window.crypto || window.msCrypto).getRandomValues(bytes);
    return Array.prototype.map.call(bytes, function (b) { return (b < 16 ? "0" : "") + b.toString(16); }).join("");
  }

  /** Relative luminance and contrast (WCAG 2.1) to choose readable text on the accent colour. */
  function luminance(hex) {
    var value = hex.replace("#", "");
    if (value.length === 3) value = value.replace(/(.)/g, "$1$1");
    var channels = [0, 2, 4].map(function (i) {
      var c = parseInt(value.substr(i, 2), 16) / 255;
      return c <= 0.03928 ? c / 12.92 : Math.pow((c + 0.055) / 1.055, 2.4);
    });
    return 0.2126 * channels[0] + 0.7152 * channels[1] + 0.0722 * channels[2];
  }

  function contrast(a, b) {
    var la = luminance(a), lb = luminance(b);
    return (Math.max(la, lb) + 0.05) / (Math.min(la, lb) + 0.05);
  }

  function isColor(value) { return typeof value === "string" && /^#([0-9a-f]{3}|[0-9a-f]{6})$/i.test(value); }

  // ---------------------------------------------------------------------------------------
  // Safe Markdown: text in, DOM nodes out. Supports paragraphs, headings, lists, block quotes,
  // fenced code (with a copy button), tables, links, emphasis, inline code and citation
  // markers [n]. With allowHTML, a handful of attribute-less tags (b, i, em, strong, u, s,
  // sup, sub, br) become formatting; every other tag stays visible text.

  function Markdown(options) {
    this.allowHTML = !!options.allowHTML;
    this.citations = options.citations || {};
    this.strings = options.strings;
    this.onCitation = options.onCitation;
    this.noLinks = !!options.noLinks;
  }

  var FENCE = /^\s{0,3}(```|~~~)\s*([\w+-]*)\s*$/;
  var LIST_ITEM = /^\s{0,3}([-*+]|\d{1,9}[.)])\s+(.*)$/;
  var HEADING = /^\s{0,3}(#{1,6})\s+(.*?)\s*#*\s*$/;
  var RULE = /^\s{0,3}([-*_])(\s*\1){2,}\s*$/;
  var TABLE_DIVIDER = /^\s*\|?\s*:?-{2,}:?\s*(\|\s*:?-{2,}:?\s*)*\|?\s*$/;

  Markdown.prototype.render = function (text) {
    var fragment = document.createDocumentFragment();
    this.blocks(String(text).replace(/\r\n?/g, "\n").split("\n"), fragment);
    return fragment;
  };

  Markdown.prototype.startsBlock = function (line, next) {
    return FENCE.test(line) || HEADING.test(line) || LIST_ITEM.test(line) || /^\s{0,3}>/.test(line) || RULE.test(line)
      || (line.indexOf("|") !== -1 && next != null && TABLE_DIVIDER.test(next));
  };

  Markdown.prototype.blocks = function (lines, parent) {
    var i = 0;
    while (i < lines.length) {
      var line = lines[i];
      var match;
      if (!line.trim()) { i += 1; continue; }
      if ((match = FENCE.exec(line))) {
        var code = [];
        i += 1;
        while (i < lines.length && !(lines[i].trim().indexOf(match[1]) === 0 && !lines[i].trim().slice(3).trim())) {
          code.push(lines[i]);
          i += 1;
        }
        i += 1;
        parent.appendChild(this.codeBlock(code.join("\n"), match[2]));
      } else if ((match = HEADING.exec(line))) {
        var heading = el("h" + Math.min(6, match[1].length + 2));
        this.inline(match[2], heading);
        parent.appendChild(heading);
        i += 1;
      } else if (RULE.test(line)) {
        parent.appendChild(el("hr"));
        i += 1;
      } else if (line.indexOf("|") !== -1 && i + 1 < lines.length && TABLE_DIVIDER.test(lines[i + 1])) {
        var rows = [line];
        i += 2;
        while (i < lines.length && lines[i].trim() && lines[i].indexOf("|") !== -1) { rows.push(lines[i]); i += 1; }
        parent.appendChild(this.table(rows));
      } else if (/^\s{0,3}>/.test(line)) {
        var quoted = [];
        while (i < lines.length && /^\s{0,3}>/.test(lines[i])) { quoted.push(lines[i].replace(/^\s{0,3}>\s?/, "")); i += 1; }
        var quote = el("blockquote");
        this.blocks(quoted, quote);
        parent.appendChild(quote);
      } else if ((match = LIST_ITEM.exec(line))) {
        var ordered = /\d/.test(match[1]);
        var list = el(ordered ? "ol" : "ul");
        if (ordered && parseInt(match[1], 10) !== 1) list.setAttribute("start", String(parseInt(match[1], 10)));
        while (i < lines.length && (match = LIST_ITEM.exec(lines[i])) && /\d/.test(match[1]) === ordered) {
          var item = [match[2]];
          i += 1;
          while (i < lines.length && lines[i].trim() && /^\s+/.test(lines[i]) && !LIST_ITEM.test(lines[i])) {
            item.push(lines[i].trim());
            i += 1;
          }
          var li = el("li");
          this.inline(item.join("\n"), li);
          list.appendChild(li);
          if (i < lines.length && !lines[i].trim() && i + 1 < lines.length && LIST_ITEM.test(lines[i + 1])) i += 1;
        }
        parent.appendChild(list);
      } else {
        var paragraph = [line];
        i += 1;
        while (i < lines.length && lines[i].trim() && !this.startsBlock(lines[i], lines[i + 1])) { paragraph.push(lines[i]); i += 1; }
        var p = el("p");
        this.inline(paragraph.join("\n"), p);
        parent.appendChild(p);
      }
    }
  };

  Markdown.prototype.codeBlock = function (code, language) {
    var strings = this.strings;
    var copy = el("button", { type: "button", "class": "copy", "aria-label": strings.copyCode, text: strings.copy });
    copy.addEventListener("click", guard(function () {
      copyText(code, copy.getRootNode()).then(function () {
        copy.textContent = strings.copied;
        setTimeout(function () { copy.textContent = strings.copy; }, 1500);
      }, function () { /* clipboard refused: nothing to do */ });
    }));
    var codeElement = el("code", { text: code });
    if (language) codeElement.setAttribute("data-language", language);
    return el("div", { "class": "code" }, [copy, el("pre", { tabindex: "0" }, [codeElement])]);
  };

  function splitRow(row) {
    var trimmed = row.trim().replace(/^\|/, "").replace(/\|$/, "");
    var cells = [], cell = "";
    for (var i = 0; i < trimmed.length; i += 1) {
      if (trimmed[i] === "\\" && trimmed[i + 1] === "|") { cell += "|"; i += 1; }
      else if (trimmed[i] === "|") { cells.push(cell.trim()); cell = ""; }
      else cell += trimmed[i];
    }
    cells.push(cell.trim());
    return cells;
  }

  Markdown.prototype.table = function (rows) {
    var self = this;
    var head = el("thead"), body = el("tbody");
    var header = splitRow(rows[0]);
    var tr = el("tr");
    header.forEach(function (cell) { var th = el("th", { scope: "col" }); self.inline(cell, th); tr.appendChild(th); });
    head.appendChild(tr);
    rows.slice(1).forEach(function (row) {
      var cells = splitRow(row), line = el("tr");
      for (var c = 0; c < header.length; c += 1) { var td = el("td"); self.inline(cells[c] || "", td); line.appendChild(td); }
      body.appendChild(line);
    });
    return el("div", { "class": "table", tabindex: "0" }, [el("table", null, [head, body])]);
  };

  /** Inline Markdown into `parent`, keeping a stack of open formatting elements. */
  Markdown.prototype.inline = function (text, parent) {
    var stack = [{ node: parent, marker: null }];
    var buffer = "";
    var i = 0;
    var self = this;

    function top() { return stack[stack.length - 1].node; }
    function flush() { if (buffer) { top().appendChild(document.createTextNode(buffer)); buffer = ""; } }
    function open(tag, marker) { flush(); var node = el(tag); top().appendChild(node); stack.push({ node: node, marker: marker }); }
    function isOpen(marker) { for (var s = stack.length - 1; s > 0; s -= 1) if (stack[s].marker === marker) return true; return false; }
    function close(marker) { flush(); while (stack.length > 1) { var entry = stack.pop(); if (entry.marker === marker) break; } }

    while (i < text.length) {
      var rest = text.slice(i);
      var ch = text[i];
      var match;
      if (ch === "\\" && i + 1 < text.length && /[\\`*_{}\[\]()#+\-.!|<>~]/.test(text[i + 1])) {
        buffer += text[i + 1];
        i += 2;
      } else if (ch === "\n") {
        flush();
        top().appendChild(el("br"));
        i += 1;
      } else if (ch === "`" && (match = /^(`+)([\s\S]*?[^`])\1(?!`)/.exec(rest))) {
        flush();
        top().appendChild(el("code", { text: match[2].replace(/^ (.*) $/, "$1") }));
        i += match[0].length;
      } else if (ch === "<" && this.allowHTML && (match = /^<(\/?)([a-z]+)\s*(\/?)>/i.exec(rest)) && ALLOWED_TAGS[match[2].toLowerCase()]) {
        var tag = ALLOWED_TAGS[match[2].toLowerCase()];
        if (tag === "br") { flush(); top().appendChild(el("br")); }
        else if (match[1]) { if (isOpen("<" + tag)) close("<" + tag); }
        else if (!match[3]) open(tag, "<" + tag);
        i += match[0].length;
      } else if (ch === "*" || ch === "_") {
        var marker = text[i + 1] === ch ? ch + ch : ch;
        if (isOpen(marker) && canClose(text, i, marker)) close(marker);
        else if (canOpen(text, i, marker) && findCloser(text, marker, i + marker.length) !== -1) open(marker.length === 2 ? "strong" : "em", marker);
        else buffer += marker;
        i += marker.length;
      } else if (ch === "~" && text[i + 1] === "~") {
        if (isOpen("~~")) close("~~"); else if (text.indexOf("~~", i + 2) > i + 2) open("s", "~~"); else buffer += "~~";
        i += 2;
      } else if (ch === "[" && !this.noLinks && (match = /^\[(\d{1,3})\]/.exec(rest)) && this.citations[match[1]]) {
        flush();
        top().appendChild(this.citationMarker(this.citations[match[1]]));
        i += match[0].length;
      } else if (ch === "[" && !this.noLinks && (match = /^\[([^\]\n]{1,500})\]\(\s*<?([^\s()<>]{1,2048})>?(?:\s+"[^"\n]*")?\s*\)/.exec(rest))) {
        flush();
        var href = safeUrl(match[2]);
        if (href) {
          var link = el("a", { href: href, target: "_blank", rel: "noopener noreferrer nofollow" });
          stack.push({ node: link, marker: "link" });
          self.inlineText(match[1], link);
          stack.pop();
          top().appendChild(link);
        } else {
          top().appendChild(document.createTextNode(match[1]));
        }
        i += match[0].length;
      } else if ((ch === "h" || ch === "H") && !this.noLinks && !/[A-Za-z0-9]/.test(text[i - 1] || "") && (match = /^https?:\/\/[^\s<>"'`]+/i.exec(rest))) {
        var address = match[0].replace(/[.,;:!?)\]]+$/, "");
        var safe = safeUrl(address);
        if (safe) {
          flush();
          top().appendChild(el("a", { href: safe, target: "_blank", rel: "noopener noreferrer nofollow", text: address }));
        } else {
          buffer += address;
        }
        i += address.length;
      } else {
        buffer += ch;
        i += 1;
      }
    }
    flush();
  };

  // Emphasis delimiters follow CommonMark's flanking rules, except that no emphasis starts or
  // ends inside a word (CommonMark allows it for `*`), so snake_case, __dunder__ names, 2*3*4
  // and lone asterisks stay text.
  function isSpace(c) { return !c || /\s/.test(c); }
  function isPunct(c) { return !!c && /[!-\/:-@\[-`{-~\u2000-\u206f]/.test(c); }
  function isWordChar(c) { return !!c && /[A-Za-z0-9]/.test(c); }

  function canOpen(text, i, marker) {
    var before = text[i - 1], after = text[i + marker.length];
    if (isSpace(after) || (isPunct(after) && !isSpace(before) && !isPunct(before))) return false;
    return !isWordChar(before);
  }

  function canClose(text, i, marker) {
    var before = text[i - 1], after = text[i + marker.length];
    if (isSpace(before) || (isPunct(before) && !isSpace(after) && !isPunct(after))) return false;
    return !isWordChar(after);
  }

  function findCloser(text, marker, from) {
    for (var j = text.indexOf(marker, from); j !== -1; j = text.indexOf(marker, j + 1)) {
      var single = marker.length === 1 && (text[j + 1] === marker || text[j - 1] === marker);
      if (!single && canClose(text, j, marker)) return j;
    }
    return -1;
  }

  /** Link text: emphasis and code, but no nested links. */
  Markdown.prototype.inlineText = function (text, parent) {
    new Markdown({ allowHTML: this.allowHTML, strings: this.strings, noLinks: true }).inline(text, parent);
  };

  Markdown.prototype.citationMarker = function (citation) {
    var onCitation = this.onCitation;
    var button = el("button", {
      type: "button", "class": "ref", text: String(citation.number),
      "aria-label": this.strings.sources + " " + citation.number + ": " + (citation.title || "")
    });
    button.addEventListener("click", guard(function () { if (onCitation) onCitation(citation.number); }));
    return el("sup", null, [button]);
  };

  function copyText(text, root) {
    if (navigator.clipboard && window.isSecureContext) return navigator.clipboard.writeText(text);
    return new Promise(function (resolve, reject) {
      var area = el("textarea", { "class": "offscreen", "aria-hidden": "true" });
      area.value = text;
      (root && root.appendChild ? root : document.body).appendChild(area);
      area.select();
      var ok = false;
      try { ok = document.execCommand("copy"); } catch (error) { ok = false; }
      area.remove();
      if (ok) resolve(); else reject(new Error("copy refused"));
    });
  }

  // ---------------------------------------------------------------------------------------
  // The server: JSON calls and the SSE stream read with fetch (so the tenant header travels).

  function ApiError(status, code, message) {
    this.status = status;
    this.code = code || (status ? "http_" + status : "network");
    this.message = message || "";
  }

  function Api(base, tenant, agent) {
    this.base = base;
    this.tenant = tenant;
    this.agent = agent;
  }

  Api.prototype.headers = function (extra) {
    var headers = { Accept: "application/json" };
    if (this.tenant) headers["X-Parley-Tenant"] = this.tenant;
    for (var name in extra || {}) if (extra[name]) headers[name] = extra[name];
    return headers;
  };

  Api.prototype.call = function (method, path, body, extra) {
    var headers = this.headers(extra);
    if (body !== undefined) headers["Content-Type"] = "application/json";
    return fetch(this.base + path, {
      method: method, headers: headers, credentials: "omit", mode: "cors", cache: "no-store",
      body: body === undefined ? undefined : JSON.stringify(body)
    }).then(function (response) {
      return response.text().then(function (text) {
        var data = null;
        try { data = text ? JSON.parse(text) : null; } catch (error) { data = null; }
        if (!response.ok) {
          var detail = data && data.error ? data.error : {};
          throw new ApiError(response.status, detail.code, detail.message);
        }
        return data;
      });
    }, function () { throw new ApiError(0, "network"); });
  };

  Api.prototype.agentPath = function (rest) { return "/a/" + encodeURIComponent(this.agent) + rest; };

  /** Reads `text/event-stream` frames from a fetch body and hands each event to `onEvent`. */
  Api.prototype.stream = function (streamId, sessionKey, onEvent, signal) {
    var path = this.agentPath("/events/stream?stream_id=" + encodeURIComponent(streamId));
    return fetch(this.base + path, {
      headers: this.headers({ Accept: "text/event-stream", "X-Parley-Session": sessionKey }),
      credentials: "omit", mode: "cors", cache: "no-store", signal: signal
    }).then(function (response) {
      if (!response.ok || !response.body) {
        return response.json().catch(function () { return null; }).then(function (data) {
          var detail = data && data.error ? data.error : {};
          throw new ApiError(response.status, detail.code, detail.message);
        });
      }
      var reader = response.body.getReader();
      var decoder = new TextDecoder();
      var buffer = "";
      var finished = false;
      function dispatch(frame) {
        var event = "message", data = [];
        frame.split("\n").forEach(function (line) {
          if (line.indexOf("event:") === 0) event = line.slice(6).trim();
          else if (line.indexOf("data:") === 0) data.push(line.slice(5).replace(/^ /, ""));
        });
        if (!data.length) return;
        var payload;
        try { payload = JSON.parse(data.join("\n")); } catch (error) { return; }
        if (event === "done" || event === "error") finished = true;
        onEvent(event, payload);
      }
      function pump() {
        return reader.read().then(function (chunk) {
          if (chunk.done) {
            if (buffer.trim()) dispatch(buffer);
            if (!finished) throw new ApiError(0, "interrupted");
            return;
          }
          buffer += decoder.decode(chunk.value, { stream: true }).replace(/\r\n?/g, "\n");
          var boundary;
          while ((boundary = buffer.indexOf("\n\n")) !== -1) {
            dispatch(buffer.slice(0, boundary));
            buffer = buffer.slice(boundary + 2);
          }
          return finished ? reader.cancel().catch(function () {}) : pump();
        });
      }
      return pump().then(null, function (error) {
        throw error instanceof ApiError ? error : new ApiError(0, "interrupted");
      });
    }, function (error) {
      throw error instanceof ApiError ? error : new ApiError(0, "interrupted");
    });
  };

  // ---------------------------------------------------------------------------------------
  // The widget

  function Widget(options) {
    this.options = options;
    this.strings = STRINGS[options.lang];
    this.api = new Api(options.base, options.tenant, options.agent);
    this.store = storage();
    this.keyPrefix = "parley:" + (options.tenant || "default") + ":";
    this.config = null;
    this.open = false;
    this.busy = false;
    this.lastSend = 0;
    this.historyShown = false;
    this.consented = false;
  }

  Widget.prototype.mount = function () {
    var options = this.options, t = this.strings, self = this;
    var host = document.createElement("parley-chat");
    host.setAttribute("style", "all:initial!important;display:block!important;position:static!important;" +
      "width:auto!important;height:auto!important;transform:none!important;filter:none!important;" +
      "contain:none!important;visibility:visible!important;opacity:1!important");
    this.host = host;
    var shadow = host.attachShadow({ mode: "open" });
    this.shadow = shadow;
    var style = document.createElement("style");
    style.textContent = STYLESHEET;
    shadow.appendChild(style);

    var page = options.mode === "page";
    var look = this.look();
    this.root = el("div", { "class": "pw " + (page ? "page" : "float"), lang: options.lang });

    this.paneId = nextId("pane");
    var titleId = nextId("title");
    this.titleText = el("h2", { id: titleId, "class": "title", text: look.title });
    this.avatar = el("span", { "class": "avatar", "aria-hidden": "true" });
    this.clearButton = el("button", { type: "button", "class": "text-button", "aria-label": t.clearLabel, text: t.clear });
    var headerChildren = [this.avatar, this.titleText, this.clearButton];
    if (!page) {
      this.closeButton = el("button", { type: "button", "class": "icon-button", "aria-label": t.close }, [icon("close")]);
      headerChildren.push(this.closeButton);
    }
    var header = el("header", { "class": "header" }, headerChildren);

    this.log = el("div", { "class": "log", role: "log", "aria-live": "polite", "aria-label": t.conversation, tabindex: "-1" });
    this.status = el("div", { "class": "offscreen", role: "status", "aria-live": "polite" });
    this.notice = el("div", { "class": "notice", role: "alert", hidden: "" });
    this.consentPanel = el("div", { "class": "consent", hidden: "" });

    this.input = el("textarea", { "class": "input", rows: "1", "aria-label": t.message, placeholder: t.placeholder });
    this.sendButton = el("button", { type: "submit", "class": "send", "aria-label": t.send }, [icon("send")]);
    this.hintId = nextId("hint");
    this.hint = el("p", { "class": "hint", id: this.hintId });
    this.input.setAttribute("aria-describedby", this.hintId);
    this.form = el("form", { "class": "composer" }, [el("div", { "class": "row" }, [this.input, this.sendButton]), this.hint]);

    this.pane = el("div", page
      ? { "class": "pane", id: this.paneId, role: "region", "aria-labelledby": titleId }
      : { "class": "pane", id: this.paneId, role: "dialog", "aria-modal": "true", "aria-labelledby": titleId, hidden: "" },
      [header, this.notice, this.consentPanel, this.log, this.form, this.status]);

    if (!page) {
      this.launcher = el("button", {
        type: "button", "class": "launcher", "aria-label": t.open, "aria-haspopup": "dialog",
        "aria-expanded": "false", "aria-controls": this.paneId
      }, [icon("chat")]);
      this.root.appendChild(this.launcher);
      this.launcher.addEventListener("click", guard(function () { self.toggle(); }));
    }
    this.root.appendChild(this.pane);
    shadow.appendChild(this.root);

    this.refreshLook();
    this.form.addEventListener("submit", guard(function (event) { event.preventDefault(); self.submit(); }));
    this.input.addEventListener("keydown", guard(function (event) { self.onInputKey(event); }));
    this.input.addEventListener("input", guard(function () { self.autosize(); }));
    this.clearButton.addEventListener("click", guard(function () { self.clear(); }));
    if (this.closeButton) this.closeButton.addEventListener("click", guard(function () { self.close(); }));
    this.pane.addEventListener("keydown", guard(function (event) { self.onPaneKey(event); }));

    var target = page && options.target ? document.querySelector(options.target) : null;
    (target || document.body).appendChild(host);
    if (page) this.show();
  };

  /** The page's data-attributes first, then the tenant's settings, then the defaults. */
  Widget.prototype.look = function () {
    var options = this.options, look = (this.config && this.config.appearance) || {};
    return {
      title: options.title || look.title || this.strings.title,
      greeting: options.greeting || look.greeting || this.strings.greeting,
      color: options.color || (isColor(look.color) ? look.color : null),
      position: options.position || (look.position === "left" ? "left" : "right"),
      avatar: options.avatar || look.avatar
    };
  };

  Widget.prototype.refreshLook = function () {
    var look = this.look();
    this.applyTheme(look.color);
    this.root.classList.remove("pos-left", "pos-right");
    this.root.classList.add("pos-" + look.position);
    this.titleText.textContent = look.title;
    this.updateAvatar(look.avatar, look.title);
    if (this.config && this.config.max_message_chars) this.input.setAttribute("maxlength", String(this.config.max_message_chars));
    this.updateHint();
  };

  Widget.prototype.applyTheme = function (color) {
    if (!isColor(color)) return;
    this.root.style.setProperty("--pw-accent", color);
    this.root.style.setProperty("--pw-on-accent", contrast(color, "#ffffff") >= 4.5 ? "#ffffff" : "#111111");
  };

  Widget.prototype.updateAvatar = function (url, title) {
    while (this.avatar.firstChild) this.avatar.removeChild(this.avatar.firstChild);
    var safe = safeUrl(url);
    if (safe && /^https?:/.test(safe)) {
      this.avatar.appendChild(el("img", { src: safe, alt: "", referrerpolicy: "no-referrer" }));
    } else {
      this.avatar.textContent = (title || "?").trim().charAt(0).toUpperCase();
    }
  };

  /** The tenant's public widget settings; before mounting they may also pick the language. */
  Widget.prototype.loadConfig = function () {
    var self = this;
    return this.api.call("GET", this.api.agentPath("/config")).then(function (config) {
      self.config = config;
      var language = config.appearance && config.appearance.language;
      if (!self.root && !self.options.langFromPage && STRINGS[language]) {
        self.options.lang = language;
        self.strings = STRINGS[language];
      }
      if (self.root) self.refreshLook();
      return config;
    }, function (error) {
      report(new Error("could not load the chat's settings (" + error.code + "): " +
        (error.message || "is this page's origin in the tenant's allowed origins?")));
      throw error;
    });
  };

  Widget.prototype.inputKeys = function () {
    var input = (this.config && this.config.input) || {};
    return {
      enterInsertsNewline: input.enter_inserts_newline !== false,
      debounceMs: typeof input.debounce_ms === "number" ? input.debounce_ms : 250
    };
  };

  Widget.prototype.updateHint = function () {
    var mac = /Mac|iPhone|iPad/.test(navigator.platform || navigator.userAgent || "");
    this.hint.textContent = this.inputKeys().enterInsertsNewline
      ? format(this.strings.hintMod, { key: mac ? "⌘" : "Ctrl" }) : this.strings.hintEnter;
  };

  Widget.prototype.onInputKey = function (event) {
    if (event.key !== "Enter" || event.isComposing) return;
    var modified = event.ctrlKey || event.metaKey;
    var sends = this.inputKeys().enterInsertsNewline ? modified : !event.shiftKey;
    if (sends) { event.preventDefault(); this.submit(); }
  };

  Widget.prototype.autosize = function () {
    this.input.style.height = "auto";
    this.input.style.height = Math.min(this.input.scrollHeight + 2, 160) + "px";
    this.input.style.overflowY = this.input.scrollHeight + 2 > 160 ? "auto" : "hidden";
  };

  // --- Opening, closing, focus ---------------------------------------------------------------

  Widget.prototype.toggle = function () { if (this.open) this.close(); else this.show(); };

  Widget.prototype.show = function () {
    var self = this;
    this.open = true;
    this.pane.hidden = false;
    this.root.classList.add("open");
    if (this.launcher) this.launcher.setAttribute("aria-expanded", "true");
    (this.config ? Promise.resolve(this.config) : this.loadConfig()).then(function () {
      self.setComposerEnabled(true);
      return self.prepare();
    }).then(null, function () {
      self.showNotice(self.strings.unavailable);
      self.setComposerEnabled(false);
    });
    if (this.options.mode !== "page") this.input.focus();
  };

  Widget.prototype.close = function () {
    if (this.options.mode === "page") return;
    this.open = false;
    this.pane.hidden = true;
    this.root.classList.remove("open");
    if (this.launcher) {
      this.launcher.setAttribute("aria-expanded", "false");
      this.launcher.focus();
    }
  };

  Widget.prototype.focusables = function () {
    var nodes = this.pane.querySelectorAll("button:not([disabled]), a[href], textarea:not([disabled]), [tabindex]:not([tabindex='-1'])");
    return Array.prototype.filter.call(nodes, function (node) {
      return !node.closest("[hidden]") && node.getClientRects().length > 0;
    });
  };

  Widget.prototype.onPaneKey = function (event) {
    if (this.options.mode === "page") return;
    if (event.key === "Escape") { event.preventDefault(); this.close(); return; }
    if (event.key !== "Tab") return;
    var items = this.focusables();
    if (!items.length) return;
    var active = this.shadow.activeElement;
    var index = items.indexOf(active);
    if (event.shiftKey && index <= 0) { event.preventDefault(); items[items.length - 1].focus(); }
    else if (!event.shiftKey && (index === -1 || index === items.length - 1)) { event.preventDefault(); items[0].focus(); }
  };

  Widget.prototype.showNotice = function (text) {
    this.notice.textContent = text;
    this.notice.hidden = !text;
  };

  Widget.prototype.setComposerEnabled = function (enabled) {
    this.input.disabled = !enabled;
    this.sendButton.disabled = !enabled;
  };

  // --- Consent, history -----------------------------------------------------------------------

  Widget.prototype.visitor = function () {
    var key = this.keyPrefix + "visitor";
    var id = this.store.get(key);
    if (!id || !/^[0-9a-f]{32}$/.test(id)) { id = randomId(); this.store.set(key, id); }
    return id;
  };

  Widget.prototype.sessionKeyName = function () { return this.keyPrefix + this.options.agent + ":session"; };

  /** After the config: the consent notice when needed, then the stored conversation. */
  Widget.prototype.prepare = function () {
    var self = this;
    this.showNotice("");
    var consent = this.config.consent || {};
    if (!consent.required || this.consented) return this.restore();
    return this.api.call("GET", "/api/consent/check", undefined, { "X-Parley-Visitor": this.visitor() }).then(function (status) {
      if (status && status.consented) { self.consented = true; return self.restore(); }
      self.askConsent(status ? status.terms_version : consent.terms_version);
    });
  };

  Widget.prototype.askConsent = function (version) {
    var t = this.strings, self = this;
    var panel = this.consentPanel;
    while (panel.firstChild) panel.removeChild(panel.firstChild);
    var headingId = nextId("consent");
    var accept = el("button", { type: "button", "class": "primary", text: t.accept });
    var decline = el("button", { type: "button", "class": "secondary", text: t.decline });
    panel.setAttribute("role", "region");
    panel.setAttribute("aria-labelledby", headingId);
    panel.appendChild(el("h3", { id: headingId, text: t.consentTitle }));
    panel.appendChild(el("p", { text: format(t.consentText, { version: version }) }));
    panel.appendChild(el("div", { "class": "actions" }, [accept, decline]));
    panel.hidden = false;
    this.log.hidden = true;
    this.form.hidden = true;
    function answer(accepted) {
      accept.disabled = decline.disabled = true;
      self.api.call("POST", "/api/consent", { accepted: accepted, terms_version: version }, { "X-Parley-Visitor": self.visitor() })
        .then(function (status) {
          panel.hidden = true;
          self.log.hidden = false;
          self.form.hidden = false;
          if (accepted && status && status.consented) {
            self.consented = true;
            self.restore();
            self.input.focus();
          } else {
            self.close();
          }
        }, function (error) {
          accept.disabled = decline.disabled = false;
          self.showNotice(error.message || t.failed);
        });
    }
    accept.addEventListener("click", guard(function () { answer(true); }));
    decline.addEventListener("click", guard(function () { answer(false); }));
    accept.focus();
  };

  Widget.prototype.restore = function () {
    var self = this;
    if (this.historyShown) return Promise.resolve();
    this.historyShown = true;
    var key = this.store.get(this.sessionKeyName());
    if (!key) { this.greet(); return Promise.resolve(); }
    return this.api.call("GET", this.api.agentPath("/history"), undefined, { "X-Parley-Session": key }).then(function (history) {
      var messages = (history && history.messages) || [];
      if (!messages.length) self.greet();
      messages.forEach(function (message) {
        if (message.role === "human") self.addUserMessage(message.content);
        else if (message.role === "assistant") self.addAssistantMessage(message.citations).finish(message.content);
      });
      self.scrollToEnd();
    }, function (error) {
      if (error.status === 404) self.store.remove(self.sessionKeyName());
      self.greet();
    });
  };

  Widget.prototype.greet = function () {
    this.addAssistantMessage([]).finish(this.look().greeting);
  };

  Widget.prototype.clear = function () {
    while (this.log.firstChild) this.log.removeChild(this.log.firstChild);
    this.showNotice("");
    this.input.focus();
  };

  Widget.prototype.scrollToEnd = function () { this.log.scrollTop = this.log.scrollHeight; };

  // --- Messages -------------------------------------------------------------------------------

  Widget.prototype.addUserMessage = function (text) {
    var bubble = el("div", { "class": "msg user" }, [
      el("span", { "class": "offscreen", text: this.strings.you + ": " }),
      el("div", { "class": "body", text: text })
    ]);
    this.log.appendChild(bubble);
    this.scrollToEnd();
    return bubble;
  };

  /** An assistant bubble that fills as tokens arrive; returns its controller. */
  Widget.prototype.addAssistantMessage = function (citations) {
    var self = this, t = this.strings;
    var bubble = el("div", { "class": "msg bot" });
    var body = el("div", { "class": "body" });
    var typing = el("div", { "class": "typing", "aria-hidden": "true" }, [el("span"), el("span"), el("span")]);
    var sourcesBox = el("div", { "class": "sources", hidden: "" });
    bubble.appendChild(el("span", { "class": "offscreen", text: t.assistant + ": " }));
    bubble.appendChild(body);
    bubble.appendChild(sourcesBox);
    this.log.appendChild(bubble);
    var byNumber = {};
    var text = "";
    var scheduled = false;
    var sourceItems = {};

    function markdown() {
      return new Markdown({
        allowHTML: self.config ? self.config.allow_basic_html : false, citations: byNumber, strings: t,
        onCitation: function (number) { if (sourceItems[number]) sourceItems[number].focus(); }
      });
    }

    function render(streaming) {
      scheduled = false;
      while (body.firstChild) body.removeChild(body.firstChild);
      body.appendChild(markdown().render(text));
      if (streaming) {
        var last = body.lastElementChild && !/^(DIV|UL|OL|BLOCKQUOTE|HR)$/.test(body.lastElementChild.tagName) ? body.lastElementChild : body;
        last.appendChild(el("span", { "class": "cursor", "aria-hidden": "true" }));
      }
      self.scrollToEnd();
    }

    function setCitations(list) {
      byNumber = {};
      sourceItems = {};
      while (sourcesBox.firstChild) sourcesBox.removeChild(sourcesBox.firstChild);
      if (!list || !list.length) { sourcesBox.hidden = true; return; }
      var ol = el("ol");
      list.forEach(function (citation) {
        if (!citation || typeof citation.number !== "number") return;
        byNumber[citation.number] = citation;
        var snippetId = nextId("snippet");
        var label = "[" + citation.number + "] " + (citation.title || "");
        var href = safeUrl(citation.url);
        var source = href
          ? el("a", { "class": "source", href: href, target: "_blank", rel: "noopener noreferrer", "aria-describedby": snippetId, text: label })
          : el("button", { type: "button", "class": "source", "aria-describedby": snippetId, text: label });
        sourceItems[citation.number] = source;
        var snippet = el("span", { "class": "snippet", role: "tooltip", id: snippetId, text: citation.snippet || "" });
        ol.appendChild(el("li", null, [source, snippet]));
      });
      sourcesBox.appendChild(el("span", { "class": "label", text: t.sources }));
      sourcesBox.appendChild(ol);
      sourcesBox.hidden = false;
    }

    setCitations(citations);
    return {
      element: bubble,
      typing: function () { body.appendChild(typing); self.scrollToEnd(); },
      citations: setCitations,
      append: function (piece) {
        text += piece;
        if (!scheduled) {
          scheduled = true;
          (window.requestAnimationFrame || setTimeout)(function () { if (scheduled) render(true); });
        }
      },
      finish: function (finalText) {
        if (typeof finalText === "string") text = finalText;
        render(false);
      },
      text: function () { return text; },
      fail: function (message, actionLabel, action) {
        render(false);
        var retry = el("button", { type: "button", "class": "secondary", text: actionLabel });
        var box = el("div", { "class": "failure", role: "alert" }, [el("span", { text: message }), retry]);
        retry.addEventListener("click", guard(function () { box.remove(); action(); }));
        bubble.appendChild(box);
        self.scrollToEnd();
        return retry;
      }
    };
  };

  // --- Sending --------------------------------------------------------------------------------

  Widget.prototype.submit = function () {
    var text = this.input.value.trim();
    var now = Date.now();
    if (!text || this.busy || !this.config) return;
    if (now - this.lastSend < this.inputKeys().debounceMs) return;
    this.lastSend = now;
    this.input.value = "";
    this.autosize();
    this.send(text, this.addUserMessage(text));
  };

  Widget.prototype.setBusy = function (busy) {
    this.busy = busy;
    this.sendButton.disabled = busy;
    this.log.setAttribute("aria-busy", busy ? "true" : "false");
    if (busy) this.status.textContent = this.strings.typing;
  };

  Widget.prototype.send = function (text, userBubble) {
    var self = this, t = this.strings;
    var sessionKey = this.store.get(this.sessionKeyName());
    var answer = this.addAssistantMessage([]);
    answer.typing();
    this.setBusy(true);
    this.showNotice("");

    this.api.call("POST", this.api.agentPath("/chat"), { message: text, session_key: sessionKey || undefined },
      { "X-Parley-Visitor": this.visitor() })
      .then(function (started) {
        self.store.set(self.sessionKeyName(), started.session_key);
        return self.api.stream(started.stream_id, started.session_key, function (event, data) {
          if (event === "citations") answer.citations(data.citations);
          else if (event === "token" && typeof data.text === "string") answer.append(data.text);
          else if (event === "error") throw new ApiError(0, "interrupted", data.message);
        }).then(function () {
          answer.finish();
        }, function (error) {
          throw error.code === "network" ? new ApiError(0, "interrupted") : error;
        });
      })
      .then(function () {
        self.setBusy(false);
        self.status.textContent = t.answered;
      }, function (error) {
        self.setBusy(false);
        self.status.textContent = "";
        if (error.code === "interrupted") {
          answer.fail(error.message || t.lost, t.retry, function () { answer.element.remove(); self.send(text, userBubble); });
          return;
        }
        answer.element.remove();
        if (error.code === "unknown_session" && sessionKey) {
          self.store.remove(self.sessionKeyName());
          self.send(text, userBubble);
        } else if (error.code === "consent_required") {
          self.consented = false;
          userBubble.remove();
          self.input.value = text;
          self.prepare();
        } else if (error.status >= 400 && error.status < 500 && error.message) {
          self.markNotSent(userBubble, text, error.message);
        } else {
          self.markNotSent(userBubble, text, t.notSent);
        }
      });
  };

  Widget.prototype.markNotSent = function (userBubble, text, message) {
    var self = this;
    var resend = el("button", { type: "button", "class": "secondary", text: this.strings.resend });
    var box = el("div", { "class": "failure", role: "alert" }, [el("span", { text: message }), resend]);
    userBubble.classList.add("failed");
    userBubble.appendChild(box);
    resend.addEventListener("click", guard(function () {
      box.remove();
      userBubble.classList.remove("failed");
      if (self.busy) return;
      self.lastSend = Date.now();
      self.send(text, userBubble);
    }));
    this.scrollToEnd();
  };

  // ---------------------------------------------------------------------------------------
  // Start

  function pickLanguage(explicit) {
    var candidates = [explicit, document.documentElement.getAttribute("lang")];
    for (var i = 0; i < candidates.length; i += 1) {
      var code = (candidates[i] || "").toLowerCase().split(/[-_]/)[0];
      if (STRINGS[code]) return code;
    }
    return "en";
  }

  function start() {
    if (!script || !script.src) throw new Error("widget.js must be loaded by a <script src> tag");
    if (script.getAttribute("data-parley-mounted")) return;
    script.setAttribute("data-parley-mounted", "true");
    var data = script.dataset;
    var agent = data.agent || "sales";
    if (!/^[a-z0-9-]{1,64}$/.test(agent)) throw new Error("data-agent must be an agent code like \"sales\"");
    var explicitLang = data.lang || document.documentElement.getAttribute("lang");
    var position = data.position === "left" || data.position === "right" ? data.position : null;
    var widget = new Widget({
      base: new URL(script.src, location.href).origin,
      tenant: data.tenant || "",
      agent: agent,
      mode: data.mode === "page" ? "page" : "float",
      target: data.target,
      lang: pickLanguage(data.lang),
      langFromPage: !!(explicitLang && STRINGS[explicitLang.toLowerCase().split(/[-_]/)[0]]),
      color: isColor(data.color) ? data.color : null,
      position: position,
      title: data.title,
      greeting: data.greeting,
      avatar: data.avatar
    });
    widget.loadConfig().then(null, function () { /* reported; the pane says so when opened */ })
      .then(guard(function () { widget.mount(); }));
  }

  try {
    if (document.readyState === "loading") document.addEventListener("DOMContentLoaded", guard(start));
    else start();
  } catch (error) {
    report(error);
  }
})();
