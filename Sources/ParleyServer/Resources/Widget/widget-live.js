  // ---------------------------------------------------------------------------------------
  // The live channel: a person of the business joining the conversation. Once a conversation
  // exists the widget follows `session/events`; on a lost connection it reconnects after the
  // last event it saw, so no message is lost or shown twice.

  Widget.prototype.followLive = function () {
    var self = this;
    var key = this.store.get(this.sessionKeyName());
    if (!key || this.following === key) return;
    this.following = key;
    if (this.liveAbort) this.liveAbort.abort();
    var abort = typeof AbortController === "function" ? new AbortController() : null;
    this.liveAbort = abort;
    var failures = 0;
    function connect() {
      if (self.following !== key) return;
      var opened = Date.now();
      self.api.follow(key, self.lastEventId || 0, guard(function (event, data, id) {
        if (id && /^[0-9]+$/.test(id)) self.lastEventId = Number(id);
        self.onLiveEvent(event, data || {});
      }), abort ? abort.signal : undefined).then(function () { return null; }, function (error) { return error; }).then(function (error) {
        if (self.following !== key) return;
        if (error && error.status >= 400 && error.status < 500 && error.status !== 429) { self.following = null; return; }
        failures = Date.now() - opened > 30000 ? 1 : failures + 1;
        setTimeout(guard(connect), Math.min(15000, 500 * Math.pow(2, Math.min(failures, 5))));
      });
    }
    connect();
  };

  Widget.prototype.stopLive = function () {
    this.following = null;
    if (this.liveAbort) this.liveAbort.abort();
    this.liveAbort = null;
  };

  Widget.prototype.onLiveEvent = function (event, data) {
    var t = this.strings, person = data.operator && data.operator.name;
    if (event === "escalated" && data.staffed === false) {
      // Nobody is working now: leave details instead of waiting.
      this.setWaiting(true, null, t.away);
      this.offerLeadForm();
    } else if (event === "escalated") {
      this.setWaiting(true, data.expected_wait_seconds);
    } else if (event === "operator_joined") {
      this.setWaiting(false);
      this.setPerson(person);
      this.addSystemLine(format(t.personJoined, { name: person || t.colleague }));
    } else if (event === "operator_message" && typeof data.text === "string") {
      this.setPersonTyping(null);
      this.addPersonMessage(person, data.text);
    } else if (event === "typing" && data.who === "operator") {
      this.setPersonTyping(person || t.colleague);
    } else if (event === "operator_left") {
      this.setWaiting(false);
      this.setPersonTyping(null);
      this.setPerson(null);
      this.addSystemLine(data.outcome === "closed" ? t.personClosed : format(t.personLeft, { name: person || t.colleague }));
    }
  };

  /** Who holds the conversation (nil: the assistant); the header says so. */
  Widget.prototype.setPerson = function (name) {
    this.person = name || null;
    this.titleText.textContent = this.person ? format(this.strings.withPerson, { name: this.person }) : this.look().title;
    this.updateAvatar(this.person ? null : this.look().avatar, this.person || this.look().title);
  };

  Widget.prototype.setWaiting = function (waiting, seconds, text) {
    if (!this.waitingLine) {
      this.waitingLine = el("div", { "class": "waiting", role: "status", hidden: "" });
      this.pane.insertBefore(this.waitingLine, this.log);
    }
    var minutes = typeof seconds === "number" && seconds > 0 ? Math.max(1, Math.round(seconds / 60)) : null;
    this.waitingLine.textContent = text || (minutes ? format(this.strings.waitingAbout, { minutes: minutes }) : this.strings.waiting);
    this.waitingLine.hidden = !waiting;
  };

  Widget.prototype.setPersonTyping = function (name) {
    var self = this;
    clearTimeout(this.personTypingTimer);
    if (this.personTyping) { this.personTyping.remove(); this.personTyping = null; }
    if (!name) return;
    this.personTyping = el("div", { "class": "person-typing", "aria-hidden": "true", text: format(this.strings.personTyping, { name: name }) });
    this.log.appendChild(this.personTyping);
    this.scrollToEnd();
    this.personTypingTimer = setTimeout(guard(function () { self.setPersonTyping(null); }), 4000);
  };

  Widget.prototype.addPersonMessage = function (name, text) {
    var label = name || this.strings.colleague;
    var bubble = el("div", { "class": "msg person" }, [
      el("span", { "class": "author", text: label }),
      el("span", { "class": "offscreen", text: ": " }),
      el("div", { "class": "body", text: text })
    ]);
    this.log.appendChild(bubble);
    this.scrollToEnd();
    return bubble;
  };

  Widget.prototype.addSystemLine = function (text) {
    this.log.appendChild(el("p", { "class": "system-line", text: text }));
    this.scrollToEnd();
  };

  /** While a person holds the conversation, tells them the visitor is typing (at most every 2 s). */
  Widget.prototype.noteTyping = function () {
    var key = this.store.get(this.sessionKeyName());
    if (!this.person || !key || Date.now() - (this.lastTypingSent || 0) < 2000) return;
    this.lastTypingSent = Date.now();
    this.api.call("POST", this.api.agentPath("/session/typing"), undefined, { "X-Parley-Session": key }).then(null, function () {});
  };
