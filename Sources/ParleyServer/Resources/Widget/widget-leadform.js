  // ---------------------------------------------------------------------------------------
  // The lead form: offered when a turn calls for it (`done` with `lead_form: true`), at most once
  // per conversation; its fields come from the tenant's settings (config `lead_form.fields`).

  var LEAD_INPUTS = {
    name: { type: "text", autocomplete: "name", label: "leadName" },
    email: { type: "email", autocomplete: "email", label: "leadEmail" },
    phone: { type: "tel", autocomplete: "tel", label: "leadPhone" },
    company: { type: "text", autocomplete: "organization", label: "leadCompany" },
    note: { type: "textarea", label: "leadNote" }
  };

  Widget.prototype.leadFormKey = function () { return this.sessionKeyName() + ":lead"; };

  /** Shows the form below the answer unless this conversation already had it, or the tenant switched it off. */
  Widget.prototype.offerLeadForm = function () {
    var form = this.config && this.config.lead_form;
    if (!form || !form.enabled || this.leadCard || this.store.get(this.leadFormKey())) return;
    var sessionKey = this.store.get(this.sessionKeyName());
    if (!sessionKey) return;
    var t = this.strings, self = this;
    var headingId = nextId("lead");
    var card = el("form", { "class": "lead", "aria-labelledby": headingId, novalidate: "" });
    var inputs = {};
    card.appendChild(el("h3", { id: headingId, text: t.leadTitle }));
    card.appendChild(el("p", { text: t.leadIntro }));
    (form.fields || []).forEach(function (field) {
      var spec = LEAD_INPUTS[field];
      if (!spec) return;
      var input = spec.type === "textarea"
        ? el("textarea", { name: field, maxlength: "1000" })
        : el("input", { type: spec.type, name: field, autocomplete: spec.autocomplete, maxlength: "200" });
      inputs[field] = input;
      card.appendChild(el("label", null, [document.createTextNode(t[spec.label]), input]));
    });
    var consent = el("input", { type: "checkbox", name: "consent" });
    card.appendChild(el("label", { "class": "check" }, [consent, el("span", { text: t.leadConsent })]));
    var problem = el("p", { "class": "problem", role: "alert", hidden: "" });
    card.appendChild(problem);
    var send = el("button", { type: "submit", "class": "primary", text: t.leadSend });
    var skip = el("button", { type: "button", "class": "secondary", text: t.leadSkip });
    card.appendChild(el("div", { "class": "actions" }, [send, skip]));

    function fail(text) { problem.textContent = text; problem.hidden = false; }
    card.addEventListener("submit", guard(function (event) {
      event.preventDefault();
      var body = { session_key: sessionKey, consent: consent.checked };
      Object.keys(inputs).forEach(function (field) {
        var value = inputs[field].value.trim();
        if (value) body[field] = value;
      });
      if (!body.email && !body.phone) { fail(t.leadNeedContact); return; }
      if (!consent.checked) { fail(t.leadNeedConsent); return; }
      problem.hidden = true;
      send.disabled = skip.disabled = true;
      self.api.call("POST", self.api.agentPath("/lead"), body, { "X-Parley-Visitor": self.visitor() }).then(function () {
        self.store.set(self.leadFormKey(), "sent");
        while (card.firstChild) card.removeChild(card.firstChild);
        card.appendChild(el("p", { "class": "thanks", role: "status", text: t.leadThanks }));
        self.scrollToEnd();
      }, function (error) {
        send.disabled = skip.disabled = false;
        fail(error.message || t.failed);
      });
    }));
    skip.addEventListener("click", guard(function () {
      self.store.set(self.leadFormKey(), "skipped");
      card.remove();
      self.leadCard = null;
      self.input.focus();
    }));
    this.leadCard = card;
    this.log.appendChild(card);
    this.scrollToEnd();
    var first = card.querySelector("input, textarea");
    if (first) first.focus();
  };
