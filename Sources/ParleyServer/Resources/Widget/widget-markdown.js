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
