  // ---------------------------------------------------------------------------------------
  // The server: JSON calls and the SSE stream read with fetch (so the tenant header travels).

  function ApiError(status, code, message) {
    this.status = status;
    this.code = code || (status ? "http_" + status : "network");
    this.message = message || "";
  }

  /** The error a failed response names in its `{"error": {"code", "message"}}` body, if any. */
  ApiError.fromBody = function (status, data) {
    var detail = data && data.error ? data.error : {};
    return new ApiError(status, detail.code, detail.message);
  };

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

  /** Every request: cross-origin, no cookies, never from the HTTP cache. */
  Api.prototype.fetch = function (path, init) {
    init.credentials = "omit";
    init.mode = "cors";
    init.cache = "no-store";
    return fetch(this.base + path, init);
  };

  Api.prototype.call = function (method, path, body, extra) {
    var headers = this.headers(extra);
    if (body !== undefined) headers["Content-Type"] = "application/json";
    return this.fetch(path, {
      method: method, headers: headers, body: body === undefined ? undefined : JSON.stringify(body)
    }).then(function (response) {
      return response.text().then(function (text) {
        var data = null;
        try { data = text ? JSON.parse(text) : null; } catch (error) { data = null; }
        if (!response.ok) throw ApiError.fromBody(response.status, data);
        return data;
      });
    }, function () { throw new ApiError(0, "network"); });
  };

  Api.prototype.agentPath = function (rest) { return "/a/" + encodeURIComponent(this.agent) + rest; };

  /** The failed response's `{"error"}` body as an ApiError. */
  function failedResponse(response) {
    return response.json().catch(function () { return null; }).then(function (data) {
      throw ApiError.fromBody(response.status, data);
    });
  }

  /**
   * Reads `text/event-stream` frames from a fetch response and hands each event to
   * `onEvent(event, payload, id)`. Resolves when the body ends; `stopAt(event)` may end it early.
   */
  function readEvents(response, onEvent, stopAt) {
    var reader = response.body.getReader();
    var decoder = new TextDecoder();
    var buffer = "";
    var stopped = false;
    function dispatch(frame) {
      var event = "message", data = [], id = null;
      frame.split("\n").forEach(function (line) {
        if (line.indexOf("event:") === 0) event = line.slice(6).trim();
        else if (line.indexOf("data:") === 0) data.push(line.slice(5).replace(/^ /, ""));
        else if (line.indexOf("id:") === 0) id = line.slice(3).trim();
      });
      if (!data.length) return;
      var payload;
      try { payload = JSON.parse(data.join("\n")); } catch (error) { return; }
      if (stopAt && stopAt(event)) stopped = true;
      onEvent(event, payload, id);
    }
    function pump() {
      return reader.read().then(function (chunk) {
        if (chunk.done) {
          if (buffer.trim()) dispatch(buffer);
          return stopped;
        }
        buffer += decoder.decode(chunk.value, { stream: true }).replace(/\r\n?/g, "\n");
        var boundary;
        while ((boundary = buffer.indexOf("\n\n")) !== -1) {
          dispatch(buffer.slice(0, boundary));
          buffer = buffer.slice(boundary + 2);
        }
        return stopped ? reader.cancel().catch(function () {}).then(function () { return true; }) : pump();
      });
    }
    return pump();
  }

  /** One answer's stream: `citations`, `token`s, then `done` or `error`. */
  Api.prototype.stream = function (streamId, sessionKey, onEvent, signal) {
    var path = this.agentPath("/events/stream?stream_id=" + encodeURIComponent(streamId));
    return this.fetch(path, {
      headers: this.headers({ Accept: "text/event-stream", "X-Parley-Session": sessionKey }), signal: signal
    }).then(function (response) {
      if (!response.ok || !response.body) return failedResponse(response);
      return readEvents(response, onEvent, function (event) { return event === "done" || event === "error"; }).then(function (finished) {
        if (!finished) throw new ApiError(0, "interrupted");
      }, function (error) {
        throw error instanceof ApiError ? error : new ApiError(0, "interrupted");
      });
    }, function (error) {
      throw error instanceof ApiError ? error : new ApiError(0, "interrupted");
    });
  };

  /** The conversation's live channel after event `after`; resolves when the server ends it. */
  Api.prototype.follow = function (sessionKey, after, onEvent, signal) {
    var path = this.agentPath("/session/events?after=" + encodeURIComponent(String(after || 0)));
    return this.fetch(path, {
      headers: this.headers({ Accept: "text/event-stream", "X-Parley-Session": sessionKey }), signal: signal
    }).then(function (response) {
      if (!response.ok || !response.body) return failedResponse(response);
      return readEvents(response, onEvent);
    });
  };
