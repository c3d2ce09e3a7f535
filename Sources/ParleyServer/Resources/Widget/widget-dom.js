  // Constants and small helpers: DOM building, safe URLs, storage, ids, WCAG contrast.
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
