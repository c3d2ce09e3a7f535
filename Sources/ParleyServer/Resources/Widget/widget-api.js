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

  /** Reads `text/event-stream` frames from a fetch body and hands each event to `onEvent`. */
  Api.prototype.stream = function (streamId, sessionKey, onEvent, signal) {
    var path = this.agentPath("/events/stream?stream_id=" + encodeURIComponent(streamId));
    return this.fetch(path, {
      headers: this.headers({ Accept: "text/event-stream", "X-Parley-Session": sessionKey }), signal: signal
    }).then(function (response) {
      if (!response.ok || !response.body) {
        return response.json().catch(function () { return null; }).then(function (data) {
          throw ApiError.fromBody(response.status, data);
        });
      }
      var reader = response.body.getReader();
      var decoder = new TextDecoder();
      var buffer = "";
      var finished = false;
      function dispatch(frame) {
        var event = "message", data = [];
        frame.split("\n").forEach(function (line) {
          if (line.indexOf("event:") === 0) event = line.slice(6).trim();
          else if (line.indexOf("data:") === 0) data.push(line.slice(5).replace(/^ /, ""));
        });
        if (!data.length) return;
        var payload;
        try { payload = JSON.parse(data.join("\n")); } catch (error) { return; }
        if (event === "done" || event === "error") finished = true;
        onEvent(event, payload);
      }
      function pump() {
        return reader.read().then(function (chunk) {
          if (chunk.done) {
            if (buffer.trim()) dispatch(buffer);
            if (!finished) throw new ApiError(0, "interrupted");
            return;
          }
          buffer += decoder.decode(chunk.value, { stream: true }).replace(/\r\n?/g, "\n");
          var boundary;
          while ((boundary = buffer.indexOf("\n\n")) !== -1) {
            dispatch(buffer.slice(0, boundary));
            buffer = buffer.slice(boundary + 2);
          }
          return finished ? reader.cancel().catch(function () {}) : pump();
        });
      }
      return pump().then(null, function (error) {
        throw error instanceof ApiError ? error : new ApiError(0, "interrupted");
      });
    }, function (error) {
      throw error instanceof ApiError ? error : new ApiError(0, "interrupted");
    });
  };
