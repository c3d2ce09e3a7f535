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
    this.input.addEventListener("input", guard(function () { self.autosize(); self.noteTyping(); }));
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
        else if (message.role === "assistant") {
          var answer = self.addAssistantMessage(message.citations);
          answer.finish(message.content);
          if (message.unsure) answer.unsure();
        }
        else if (message.role === "operator") self.addPersonMessage(message.author, message.content);
      });
      self.lastEventId = history && typeof history.last_event_id === "number" ? history.last_event_id : 0;
      self.setPerson(history && history.person ? history.person.name : null);
      self.setWaiting(!!(history && history.waiting));
      self.scrollToEnd();
      self.followLive();
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
    this.personTyping = null;
    this.leadCard = null;
    this.showNotice("");
    this.input.focus();
  };

  Widget.prototype.scrollToEnd = function () { this.log.scrollTop = this.log.scrollHeight; };

  // --- Messages -------------------------------------------------------------------------------
