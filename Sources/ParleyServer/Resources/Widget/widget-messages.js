
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
      /** Marks the answer as not sure, when the tenant asked for it. */
      unsure: function () {
        if (!self.config || !self.config.unsure_marker || bubble.querySelector(".unsure")) return;
        bubble.appendChild(el("p", { "class": "unsure", text: t.unsure }));
      },
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
    var offerForm = false;
    answer.typing();
    this.setBusy(true);
    this.showNotice("");

    this.api.call("POST", this.api.agentPath("/chat"), { message: text, session_key: sessionKey || undefined },
      { "X-Parley-Visitor": this.visitor() })
      .then(function (started) {
        self.store.set(self.sessionKeyName(), started.session_key);
        self.followLive();
        if (!started.stream_id) {
          // A person holds the conversation: their reply comes on the live channel.
          answer.element.remove();
          if (started.person) self.setPerson(started.person.name);
          return;
        }
        return self.api.stream(started.stream_id, started.session_key, function (event, data) {
          if (event === "citations") answer.citations(data.citations);
          else if (event === "token" && typeof data.text === "string") answer.append(data.text);
          else if (event === "error") throw new ApiError(0, "interrupted", data.message);
          else if (event === "done") {
            if (data.lead_form === true) offerForm = true;
            if (data.unsure === true) answer.unsure();
          }
        }).then(function () {
          answer.finish();
          if (offerForm) self.offerLeadForm();
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
        if (error.code === "held_by_person") {
          // A person took the conversation over as this message was sent: it reached them, and
          // the live channel shows them joining and their reply.
          return;
        } else if (error.code === "unknown_session" && sessionKey) {
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
