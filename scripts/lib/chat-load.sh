# Shared by scripts/compare-chat and scripts/profile-chat-statements (sourced, not run): the one
# Parley configuration the chat speed figures are measured with, and the helpers both need, so
# that a profile always measures the server the comparison measured. Needs $PY (the peer's
# venv python) set by the caller.

# A free TCP port on the loopback.
free_port() { "$PY" -c 'import socket; s = socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])'; }

# Waits up to 30 s for /health on the port.
wait_healthy() {
  for _ in $(seq 300); do curl -sf "http://127.0.0.1:$1/health" >/dev/null && return 0; sleep 0.1; done
  echo "server on port $1 did not become healthy" >&2; return 1
}

# Sets as_pg to the command prefix that runs PostgreSQL's tools, which refuse to run as root:
# as the unprivileged user peerpg (made if missing), who is given the scratch folder $1.
postgres_user() {
  as_pg=()
  if [ "$(id -u)" = 0 ]; then
    id -u peerpg >/dev/null 2>&1 || useradd --system --no-create-home --shell /usr/sbin/nologin peerpg
    chown peerpg "$1"
    as_pg=(runuser -u peerpg --)
  fi
}

# Writes $1/parley.yaml: data and SQLite file under $1, JSON log lines to $1/parley.jsonl at INFO
# and nowhere else, no embeddings, lexical retrieval, the offline answerer without word delay,
# history window 10, no rate or stream limits (the load generator is one address).
write_parley_yaml() {
  cat >"$1/parley.yaml" <<YAML
app:
  data_dir: $1/parley-data
database:
  sqlite_path: $1/parley-data/parley.sqlite
logging:
  stdout: false
  path: $1/parley.jsonl
  level: INFO
embeddings:
  provider: none
retrieval:
  mode: lexical
llm:
  offline_word_delay_ms: 0
chat:
  history_window: 10
limits:
  visitor_per_minute: 0
  visitor_per_day: 0
  ip_per_minute: 0
  ip_per_day: 0
  tenant_per_minute: 0
  tenant_per_day: 0
  streams_per_tenant: 0
  streams_per_ip: 0
YAML
}
