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
 *
 * The server serves this file and the widget-*.js parts after it, in the order of
 * WidgetAssets.scriptParts, as one script inside one function scope with the stylesheet inlined.
 */

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
