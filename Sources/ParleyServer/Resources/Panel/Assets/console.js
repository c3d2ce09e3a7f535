// Parley operator console: the inbox and one conversation, kept current by the tenant's live
// events (server-sent, /console/api/events). Everything a visitor wrote reaches the page as
// text (textContent), never as markup. Messages are shown from the events and the transcript
// alike, once each (by message id).
(() => {
  const root = document.getElementById("console");
  if (!root) return;
  const api = `/admin/t/${encodeURIComponent(root.dataset.slug)}/console/api`;
  const csrf = root.dataset.csrf;
  const canAct = root.dataset.canAct === "true";
  const $ = (id) => document.getElementById(id);
  const REASONS = {
    low_confidence: "Unsure answer", visitor_request: "Visitor asked for a person",
    agent_decision: "The assistant handed it over", operator_takeover: "Taken over by an operator"
  };
  let state = null;
  let selected = null;
  let shown = new Set();
  let typingTimer = null;
  let lastTypingSent = 0;

  const time = (iso) => { const date = new Date(iso); return isNaN(date) ? "" : date.toLocaleTimeString(); };
  const node = (tag, className, text) => {
    const element = document.createElement(tag);
    if (className) element.className = className;
    if (text !== undefined) element.textContent = text;
    return element;
  };

  async function call(method, path, fields) {
    const init = { method, headers: { Accept: "application/json" } };
    if (fields) {
      init.body = new URLSearchParams({ _csrf: csrf, ...fields });
      init.headers["Content-Type"] = "application/x-www-form-urlencoded";
    }
    const response = await fetch(api + path, init);
    const data = await response.json().catch(() => null);
    if (!response.ok) throw new Error((data && data.error && data.error.message) || `The server answered ${response.status}.`);
    return data;
  }

  function problem(message) {
    $("console-problem").textContent = message || "";
    $("console-problem").hidden = !message;
  }

  // --- The inbox -------------------------------------------------------------------------------

  async function refreshState() {
    try {
      state = await call("GET", "/state");
    } catch (error) {
      $("console-connection").textContent = error.message;
      return;
    }
    renderList($("console-waiting"), state.escalations, "Nobody is waiting.", (item) => [
      REASONS[item.reason] || item.reason,
      item.held_by ? `with ${item.held_by.name}` : item.assignee ? `assigned to ${item.assignee.name}, waiting since ${time(item.since)}` : `waiting since ${time(item.since)}`
    ]);
    renderList($("console-live"), state.live, "No conversation in the last 30 minutes.", (item) => [
      item.opening || "(no message)", `${item.agent} · ${item.messages} messages · ${time(item.last_activity)}`
    ]);
    const assign = $("console-assign");
    while (assign.options.length > 1) assign.remove(1);
    for (const person of state.operators) assign.add(new Option(person.name, person.id));
    if (selected) renderHead();
  }

  function renderList(list, items, empty, describe) {
    list.replaceChildren();
    if (!items.length) { list.append(node("li", "muted", empty)); return; }
    for (const item of items) {
      const [title, meta] = describe(item);
      const button = node("button");
      button.type = "button";
      button.dataset.session = item.session;
      button.append(node("span", "", title), node("span", "meta", meta));
      if (item.session === selected) button.setAttribute("aria-current", "true");
      button.addEventListener("click", () => open(item.session));
      const entry = node("li");
      entry.append(button);
      list.append(entry);
    }
  }

  // --- One conversation ------------------------------------------------------------------------

  let transcript = null;

  async function open(session) {
    selected = session;
    shown = new Set();
    $("console-transcript").replaceChildren();
    $("console-conversation").hidden = false;
    problem("");
    for (const button of root.querySelectorAll(".console-list button")) {
      button.toggleAttribute("aria-current", button.dataset.session === session);
    }
    await reloadTranscript();
  }

  async function reloadTranscript() {
    if (!selected) return;
    const session = selected;
    try {
      transcript = await call("GET", `/sessions/${encodeURIComponent(session)}`);
    } catch (error) {
      problem(error.message);
      return;
    }
    if (session !== selected) return;
    for (const line of transcript.messages) addLine(line.id, line.role, line.text, line.author);
    renderHead();
  }

  function holder() {
    return transcript && transcript.escalation && transcript.escalation.held_by;
  }

  function renderHead() {
    const escalation = transcript && transcript.escalation;
    const held = holder();
    const mine = held && state && held.id === state.me.id;
    $("console-title").textContent = `Conversation ${selected.slice(0, 8)}`;
    $("console-state").textContent = held ? (mine ? "You are answering this visitor." : `${held.name} is answering this visitor.`)
      : escalation ? `Waiting for a person: ${REASONS[escalation.reason] || escalation.reason}.` : "The assistant is answering.";
    $("console-actions").hidden = !canAct;
    $("console-take").hidden = !!held;
    $("console-hand-back").hidden = !mine;
    $("console-close").hidden = !escalation;
    $("console-assign").disabled = !escalation || !!held;
    $("console-send").disabled = !mine;
    $("console-composer").hidden = !canAct;
  }

  function addLine(id, role, text, author) {
    if (id && shown.has(id)) return;
    if (id) shown.add(id);
    const who = role === "human" ? "Visitor" : role === "assistant" ? "Assistant"
      : role === "note" ? `Internal note · ${author || "operator"}` : `${author || "Operator"}`;
    const line = node("li", role);
    line.append(node("span", "who", who), document.createTextNode(text));
    $("console-transcript").append(line);
    line.scrollIntoView({ block: "nearest" });
  }

  function addEventLine(text) {
    $("console-transcript").append(node("li", "event", text));
  }

  function showTyping(text) {
    clearTimeout(typingTimer);
    $("console-typing").textContent = text;
    $("console-typing").hidden = false;
    typingTimer = setTimeout(() => { $("console-typing").hidden = true; }, 4000);
  }

  // --- Live events -----------------------------------------------------------------------------

  function onEvent(kind, data) {
    const session = data.session;
    const here = session === selected;
    if (here) {
      if (kind === "visitor_message") { $("console-typing").hidden = true; addLine(data.message_id, "human", data.text); }
      else if (kind === "operator_message") addLine(data.message_id, "operator", data.text, data.operator && data.operator.name);
      else if (kind === "note") addLine(data.message_id, "note", data.text, data.operator && data.operator.name);
      else if (kind === "typing" && data.who === "visitor") showTyping("The visitor is typing…");
      else if (kind === "typing" && data.who === "operator" && state && data.operator.id !== state.me.id) showTyping(`${data.operator.name} is typing…`);
      else if (kind === "operator_joined") addEventLine(`${data.operator.name} took the conversation over.`);
      else if (kind === "operator_left") addEventLine(data.outcome === "closed" ? "The conversation was closed." : "Handed back to the assistant.");
    }
    if (["escalated", "assigned", "operator_joined", "operator_left", "visitor_message"].includes(kind)) {
      refreshState();
      if (here && kind !== "visitor_message") reloadTranscript();
    }
  }

  function connect() {
    const source = new EventSource(`${api}/events`);
    const kinds = ["escalated", "assigned", "operator_joined", "operator_message", "visitor_message", "note", "operator_left", "typing"];
    for (const kind of kinds) {
      source.addEventListener(kind, (event) => {
        let data = null;
        try { data = JSON.parse(event.data); } catch (error) { return; }
        onEvent(kind, data);
      });
    }
    // (Re)connected: whatever happened meanwhile is read again.
    source.addEventListener("open", () => {
      $("console-connection").textContent = "Live.";
      refreshState();
      reloadTranscript();
    });
    source.addEventListener("error", () => { $("console-connection").textContent = "Reconnecting…"; });
  }

  // --- Actions ---------------------------------------------------------------------------------

  async function act(path, fields) {
    if (!selected) return;
    problem("");
    try {
      await call("POST", `/sessions/${encodeURIComponent(selected)}/${path}`, fields || {});
      return true;
    } catch (error) {
      problem(error.message);
      return false;
    }
  }

  $("console-take").addEventListener("click", async () => { if (await act("take")) { await reloadTranscript(); refreshState(); } });
  $("console-hand-back").addEventListener("click", async () => { if (await act("hand-back")) { await reloadTranscript(); refreshState(); } });
  $("console-close").addEventListener("click", async () => { if (await act("close")) { await reloadTranscript(); refreshState(); } });
  $("console-assign").addEventListener("change", async (event) => {
    if (event.target.value && await act("assign", { operator_id: event.target.value })) refreshState();
    event.target.value = "";
  });
  $("console-composer").addEventListener("submit", async (event) => {
    event.preventDefault();
    const text = $("console-text").value;
    if (text.trim() && await act("reply", { text })) $("console-text").value = "";
  });
  $("console-note").addEventListener("click", async () => {
    const text = $("console-text").value;
    if (text.trim() && await act("note", { text })) $("console-text").value = "";
  });
  $("console-text").addEventListener("input", () => {
    const held = holder();
    if (!held || !state || held.id !== state.me.id || Date.now() - lastTypingSent < 2000) return;
    lastTypingSent = Date.now();
    call("POST", `/sessions/${encodeURIComponent(selected)}/typing`, {}).catch(() => {});
  });

  refreshState();
  setInterval(refreshState, 15000);
  connect();
})();
