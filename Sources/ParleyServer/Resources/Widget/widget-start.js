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
