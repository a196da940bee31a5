#!/usr/bin/env bash
# End-to-end test of the Django container contract (issues 6 and 9).
#
# Proves that the example Django project (examples/django-app) lives with what
# DjangoFargateEnvironment gives its containers: the variables and SSM secrets
# of the synthesized task definitions, the static files bucket behind
# CloudFront's /static/*, ALB health checks with a bare IP as Host, HTTPS
# detection through CloudFront-Forwarded-Proto, the release step's commands
# (migrate, collectstatic) as the template lists them; and the background work: the
# Celery worker started with its task definition's exact command and
# variables, a task queued by a web request through a TLS-only Valkey/Redis
# broker and written to PostgreSQL, Django's cache on that server, the
# scheduled clearsessions command, uploads to the private media bucket read
# back by presigned URL. Real PostgreSQL and Valkey/Redis (Debian packages),
# real Django under gunicorn, real Celery, moto as S3 + SSM; all on 127.0.0.1.
#
# Valkey/Redis runs with TLS only (port 0, tls-port), a throwaway CA and
# server certificate made here with openssl for this run, and in cluster mode
# with all slots on its one node: like ElastiCache Serverless, it refuses a
# command whose keys hash to different slots (CROSSSLOT). In the cache's URLs
# only host and port are swapped for the local server's; the processes trust
# the throwaway CA through SSL_CERT_FILE (OpenSSL's default verify path, which
# redis-py's TLS context loads), where in AWS the image's CA bundle trusts
# ElastiCache's certificate.
#
# Usage (from anywhere, after `npm ci`):  bash test/e2e/run.sh
# Installs what it needs itself (one apt-get call for whatever is missing of
# postgresql, valkey-server or else redis-server, openssl, python3-venv; pip:
# the app's requirements.txt and test/e2e/requirements.txt into a throwaway
# venv). Runs as root (apt, and PostgreSQL runs as the `postgres` user) or as
# a user who already has python3-venv, PostgreSQL's server binaries, a TLS
# build of valkey-server or redis-server, and openssl.
set -euo pipefail

ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)
E2E_DIR="$ROOT/test/e2e"
APP_DIR="$ROOT/examples/django-app"
TEMPLATE="$ROOT/examples/app/cdk.out/DjangoExample.template.json"

# Bounds on every wait, in seconds.
APT_TIMEOUT=600
PIP_TIMEOUT=600
SYNTH_TIMEOUT=300
SERVER_START_TIMEOUT=60
DJANGO_COMMAND_TIMEOUT=180
CHECKS_TIMEOUT=180
STOP_TIMEOUT=20
TLS_TIMEOUT=30

export PYTHONDONTWRITEBYTECODE=1            # no __pycache__ in the repository
export DEBIAN_FRONTEND=noninteractive
export PIP_DISABLE_PIP_VERSION_CHECK=1 PIP_NO_INPUT=1
# Local traffic never goes through a proxy the machine may have configured.
export NO_PROXY="127.0.0.1,localhost${NO_PROXY:+,$NO_PROXY}"
export no_proxy="$NO_PROXY"

# The script's own stdout/stderr, for messages printed while a step's output
# is redirected to its log (the EXIT trap may run inside such a redirection).
exec 3>&1 4>&2

now_ms() { date +%s%3N; }
fmt_ms() { printf '%d.%03ds' $(($1 / 1000)) $(($1 % 1000)); }
RUN_T0=$(now_ms)

WORK=$(mktemp -d -t django-e2e.XXXXXXXX)   # venv, logs, outputs
PGROOT=""                                   # PostgreSQL's data (owned by postgres)
RESULTS="$WORK/results.tsv"
LOGS="$WORK/logs"
VENV="$WORK/venv"
OUT="$WORK/out"
mkdir -p "$LOGS" "$OUT" "$WORK/home"
: >"$RESULTS"
export E2E_RESULTS="$RESULTS"

PG_LOG=""                                   # in PGROOT: the postgres user writes it
GUNICORN_PID="" MOTO_PID="" PG_PID="" POLICY_RC_CREATED="" CACHE_PID="" WORKER_PID=""
CACHE_NAME="valkey/redis" CA_FILE=""
APP_PHASE=""                                # set once Django runs: show server logs on failure
STEP="" STEP_T0=0 STEP_LOG=""

# --- steps, logs and the summary ---------------------------------------------

step() {   # step NAME LOG: start a timed step whose output goes to LOG
  STEP=$1 STEP_LOG=$2 STEP_T0=$(now_ms)
  echo "==> $STEP"
}
step_done() {
  echo "    $STEP: $(fmt_ms $(($(now_ms) - STEP_T0)))"
  STEP="" STEP_LOG=""
}
show_log() {   # show_log FILE [LINES]
  [ -s "$1" ] || return 0
  echo "---- last ${2:-40} lines of $(basename "$1") ----"
  tail -n "${2:-40}" "$1"
  echo "---- end of $(basename "$1") ----"
}
fail() { echo "ERROR: $*" >&2; echo "ERROR: $*" >&4; exit 1; }

pid_alive() {   # running and not a zombie
  local state
  [ -n "$1" ] && kill -0 "$1" 2>/dev/null || return 1
  state=$(sed 's/.*) //' "/proc/$1/stat" 2>/dev/null | cut -d' ' -f1) || return 1
  [ "$state" != Z ]
}
stop_pid() {   # stop_pid PID NAME SIGNAL: signal, wait (bounded), then SIGKILL
  local pid=$1 name=$2 sig=$3 waited=0 t0
  [ -n "$pid" ] || return 0
  t0=$(now_ms)
  if pid_alive "$pid"; then
    kill "-$sig" "$pid" 2>/dev/null || true
    while pid_alive "$pid" && [ $waited -lt $((STOP_TIMEOUT * 10)) ]; do
      sleep 0.1; waited=$((waited + 1))
    done
    if pid_alive "$pid"; then
      echo "    $name (pid $pid) ignored SIG$sig for ${STOP_TIMEOUT}s: SIGKILL, with its child processes"
      # Its own children (gunicorn's and Celery's pool processes), by parent pid.
      kill -KILL "$pid" $(pgrep -P "$pid" 2>/dev/null) 2>/dev/null || true
    fi
    echo "    stopped $name (pid $pid) in $(fmt_ms $(($(now_ms) - t0)))"
  fi
  wait "$pid" 2>/dev/null || true   # reap it if it is our child
}

cleanup() {
  local rc=$? passed failed
  set +e
  trap - EXIT INT TERM
  exec 1>&3 2>&4
  if [ $rc -ne 0 ] && [ -n "$STEP" ]; then
    echo "FAILED step: $STEP (exit $rc)"
    [ -n "$STEP_LOG" ] && show_log "$STEP_LOG"
    printf 'FAIL\tstep: %s\t0\n' "$STEP" >>"$RESULTS"
  elif [ $rc -ne 0 ] && ! grep -q '^FAIL' "$RESULTS"; then
    printf 'FAIL\tunexpected exit %s\t0\n' "$rc" >>"$RESULTS"
  fi
  if [ -n "$APP_PHASE" ] && grep -q '^FAIL' "$RESULTS"; then
    show_log "$LOGS/gunicorn.log"; show_log "$LOGS/worker.log"; show_log "$LOGS/moto.log" 20
    show_log "$LOGS/cache.log" 20; [ -n "$PG_LOG" ] && show_log "$PG_LOG" 20
  fi
  echo "==> cleanup"
  STEP_T0=$(now_ms)
  stop_pid "$GUNICORN_PID" gunicorn TERM     # graceful; idle workers exit at once
  stop_pid "$WORKER_PID" "celery worker" TERM   # warm shutdown: finishes running tasks
  stop_pid "$CACHE_PID" "$CACHE_NAME" TERM
  stop_pid "$MOTO_PID" moto_server TERM
  # A postmaster that started although pg_ctl failed is stopped as well.
  if [ -z "$PG_PID" ] && [ -n "$PGROOT" ] && [ -f "$PGROOT/data/postmaster.pid" ]; then
    PG_PID=$(head -n 1 "$PGROOT/data/postmaster.pid")
  fi
  stop_pid "$PG_PID" postgres INT       # SIGINT: PostgreSQL's fast shutdown
  [ -n "$POLICY_RC_CREATED" ] && rm -f /usr/sbin/policy-rc.d
  passed=$(grep -c '^PASS' "$RESULTS"); failed=$(grep -c '^FAIL' "$RESULTS")
  rm -rf "$WORK"
  [ -n "$PGROOT" ] && rm -rf "$PGROOT"
  echo "    cleanup: $(fmt_ms $(($(now_ms) - STEP_T0)))"
  echo "total time: $(fmt_ms $(($(now_ms) - RUN_T0)))"
  echo "$passed passed, $failed failed"
  if [ "$failed" -ne 0 ] || [ $rc -ne 0 ]; then exit 1; fi
  exit 0
}
trap cleanup EXIT
trap 'exit 130' INT TERM

# --- 1. tools: python3-venv and PostgreSQL from Debian, the venv from PyPI ---

APT_UPDATED=""
apt_update() {
  [ "$(id -u)" -eq 0 ] || fail "need root to apt-get install $*; or install them first"
  if [ -z "$APT_UPDATED" ]; then
    timeout "$APT_TIMEOUT" apt-get update -q </dev/null
    APT_UPDATED=1
  fi
}
apt_install() {
  apt_update "$@"
  timeout "$APT_TIMEOUT" apt-get install -y -q --no-install-recommends "$@" </dev/null
}
apt_has() {   # apt_has PACKAGE: the package lists offer it
  local candidate
  candidate=$(apt-cache policy "$1" 2>/dev/null | sed -n 's/^ *Candidate: *//p')
  [ -n "$candidate" ] && [ "$candidate" != "(none)" ]
}

find_pg_bin() {   # the newest PostgreSQL server binaries, Debian layout first
  local dir
  for dir in $(printf '%s\n' /usr/lib/postgresql/*/bin | sort -V -r); do
    [ -x "$dir/initdb" ] && [ -x "$dir/pg_ctl" ] && [ -x "$dir/psql" ] && { echo "$dir"; return 0; }
  done
  dir=$(dirname "$(command -v initdb 2>/dev/null || echo /nonexistent/initdb)")
  [ -x "$dir/pg_ctl" ] && [ -x "$dir/psql" ] && { echo "$dir"; return 0; }
  return 1
}

find_cache_server() {   # "NAME SERVER CLI": Valkey if installed, else Redis
  local name
  for name in valkey redis; do
    if command -v "$name-server" >/dev/null && command -v "$name-cli" >/dev/null; then
      echo "$name $(command -v "$name-server") $(command -v "$name-cli")"
      return 0
    fi
  done
  return 1
}

step "install system packages" "$LOGS/apt.log"
{
  # Everything missing, in one apt-get call.
  PACKAGES=()
  command -v python3 >/dev/null || PACKAGES+=(python3 python3-venv)
  find_pg_bin >/dev/null || PACKAGES+=(postgresql)
  command -v openssl >/dev/null || PACKAGES+=(openssl)
  if ! find_cache_server >/dev/null; then
    apt_update valkey-server or redis-server
    # Debian's valkey-server where the release has it (trixie on), else
    # redis-server; both are built with TLS. The -tools package brings the CLI.
    if apt_has valkey-server; then PACKAGES+=(valkey-server valkey-tools); else PACKAGES+=(redis-server redis-tools); fi
  fi
  if [ ${#PACKAGES[@]} -gt 0 ]; then
    # Debian's postinst scripts would start PostgreSQL on 5432 and Valkey or
    # Redis on 6379; keep them from starting anything (invoke-rc.d honours
    # policy-rc.d).
    if [ ! -e /usr/sbin/policy-rc.d ]; then
      printf '#!/bin/sh\nexit 101\n' >/usr/sbin/policy-rc.d && chmod 755 /usr/sbin/policy-rc.d
      POLICY_RC_CREATED=1
    fi
    apt_install "${PACKAGES[@]}"
    if [ -n "$POLICY_RC_CREATED" ]; then rm -f /usr/sbin/policy-rc.d; POLICY_RC_CREATED=""; fi
  fi
  find_pg_bin >/dev/null || fail "no PostgreSQL server binaries after installing postgresql"
  find_cache_server >/dev/null || fail "no valkey-server/redis-server and its CLI after installing ${PACKAGES[*]}"
} >"$STEP_LOG" 2>&1
PG_BIN=$(find_pg_bin)
read -r CACHE_NAME CACHE_SERVER CACHE_CLI <<<"$(find_cache_server)"
echo "    installed now: ${PACKAGES[*]:-nothing}"
echo "    PostgreSQL: $("$PG_BIN/postgres" --version) ($PG_BIN)"
echo "    $CACHE_NAME: $("$CACHE_SERVER" --version | cut -d' ' -f1-3) ($CACHE_SERVER); $(openssl version)"
step_done

step "python venv + pip install" "$LOGS/pip.log"
{
  python3 -c 'import sys; sys.exit(sys.version_info < (3, 10))' \
    || fail "python3 is $(python3 -V 2>&1); Django 5.2 needs 3.10 or newer"
  if ! timeout 120 python3 -m venv "$VENV"; then
    # Debian ships ensurepip separately.
    rm -rf "$VENV"
    apt_install python3-venv
    timeout 120 python3 -m venv "$VENV"
  fi
  timeout "$PIP_TIMEOUT" "$VENV/bin/python" -m pip install -q \
    -r "$APP_DIR/requirements.txt" -r "$E2E_DIR/requirements.txt" </dev/null
} >"$STEP_LOG" 2>&1
echo "    $("$VENV/bin/python" -V); $("$VENV/bin/python" -m pip freeze 2>/dev/null \
  | grep -iE '^(django|gunicorn|psycopg|psycopg-binary|django-storages|boto3|moto)==' | tr '\n' ' ')"
step_done
PY="$VENV/bin/python"

read -r PG_PORT MOTO_PORT APP_PORT CACHE_PORT CACHE_BUS_PORT <<<"$("$PY" "$E2E_DIR/e2elib.py" free-ports 5)"
MOTO_URL="http://127.0.0.1:$MOTO_PORT"
APP_URL="http://127.0.0.1:$APP_PORT"

# Values this run chooses; the secret ones are fresh each time.
gen() { "$PY" -c "import secrets; print(secrets.token_urlsafe($1))"; }
export E2E_DATABASE_HOST=127.0.0.1 E2E_DATABASE_PORT=$PG_PORT E2E_APP_PORT=$APP_PORT
export E2E_DATABASE_NAME=notes E2E_DATABASE_USER=notes_app
E2E_DATABASE_PASSWORD=$(gen 24); E2E_DJANGO_SECRET_KEY=$(gen 50); E2E_EMAIL_HOST_PASSWORD=$(gen 16)
export E2E_DATABASE_PASSWORD E2E_DJANGO_SECRET_KEY E2E_EMAIL_HOST_PASSWORD
E2E_BUCKET="team-task-static-e2e-$("$PY" -c 'import secrets; print(secrets.token_hex(4))')"
export E2E_BUCKET
E2E_MEDIA_BUCKET="team-task-media-e2e-$("$PY" -c 'import secrets; print(secrets.token_hex(4))')"
export E2E_MEDIA_BUCKET E2E_REDIS_PORT=$CACHE_PORT
PG_SUPERUSER_PASSWORD=$(gen 24)

# --- 2. PostgreSQL on 127.0.0.1, throwaway data directory ---------------------

step "start PostgreSQL on 127.0.0.1:$PG_PORT" "$LOGS/initdb.log"
PGROOT=$(mktemp -d -t django-e2e-pg.XXXXXXXX)
if [ "$(id -u)" -eq 0 ]; then
  id postgres >/dev/null 2>&1 || fail "no postgres user to run PostgreSQL as (initdb refuses root)"
  chown postgres: "$PGROOT"
  as_pg() { (cd "$PGROOT" && runuser -u postgres -- "$@"); }
else
  as_pg() { (cd "$PGROOT" && "$@"); }
fi
as_pg sh -c "umask 077 && printf '%s\n' \"\$1\" >\"\$2\"" sh "$PG_SUPERUSER_PASSWORD" "$PGROOT/superuser.pw"
as_pg timeout 120 "$PG_BIN/initdb" -D "$PGROOT/data" -U postgres --pwfile="$PGROOT/superuser.pw" \
  --auth-host=scram-sha-256 --auth-local=peer --encoding=UTF8 --locale=C --no-sync >"$STEP_LOG" 2>&1
as_pg rm -f "$PGROOT/superuser.pw"
PG_LOG="$PGROOT/postgres.log" STEP_LOG="$PGROOT/postgres.log"
# fsync off: a throwaway cluster, speed over durability.
as_pg "$PG_BIN/pg_ctl" -D "$PGROOT/data" -l "$PG_LOG" -w -t "$SERVER_START_TIMEOUT" \
  -o "-c listen_addresses=127.0.0.1 -p $PG_PORT -k $PGROOT -c fsync=off -c synchronous_commit=off -c full_page_writes=off" \
  start >>"$LOGS/initdb.log" 2>&1
PG_PID=$(head -n 1 "$PGROOT/data/postmaster.pid")
PGPASSWORD="$PG_SUPERUSER_PASSWORD" timeout 30 "$PG_BIN/psql" -X -q -v ON_ERROR_STOP=1 \
  -h 127.0.0.1 -p "$PG_PORT" -U postgres -d postgres \
  -v user="$E2E_DATABASE_USER" -v pw="$E2E_DATABASE_PASSWORD" -v db="$E2E_DATABASE_NAME" <<'SQL' >>"$LOGS/initdb.log" 2>&1
CREATE ROLE :"user" LOGIN PASSWORD :'pw';
CREATE DATABASE :"db" OWNER :"user";
SQL
echo "    $("$PG_BIN/postgres" --version | sed 's/.*) //'), pid $PG_PID, database $E2E_DATABASE_NAME owned by $E2E_DATABASE_USER"
step_done

# The processes below see only this environment (nothing from the CI's).
BASE_ENV=(
  PATH="$VENV/bin:/usr/local/bin:/usr/bin:/bin" HOME="$WORK/home" LANG=C.UTF-8
  PYTHONDONTWRITEBYTECODE=1 NO_PROXY="$NO_PROXY" no_proxy="$NO_PROXY"
  AWS_EC2_METADATA_DISABLED=true AWS_ACCESS_KEY_ID=test AWS_SECRET_ACCESS_KEY=test
  AWS_DEFAULT_REGION=us-east-1 AWS_CONFIG_FILE=/dev/null AWS_SHARED_CREDENTIALS_FILE=/dev/null
)

# --- 3. Valkey/Redis: TLS only, a throwaway CA, cluster mode -------------------

TLS="$WORK/tls"
step "make a throwaway CA and a certificate for 127.0.0.1 (openssl)" "$LOGS/tls.log"
mkdir -p "$TLS" && chmod 700 "$TLS"
{
  # A CA and a server certificate for this run only; both expire tomorrow and
  # go with $WORK at the end.
  timeout "$TLS_TIMEOUT" openssl req -x509 -new -newkey ec -pkeyopt ec_paramgen_curve:P-256 -nodes -days 1 \
    -subj "/CN=cdk-django-fargate e2e throwaway CA" -keyout "$TLS/ca.key" -out "$TLS/ca.pem" \
    -addext "basicConstraints=critical,CA:TRUE" -addext "keyUsage=critical,keyCertSign,cRLSign"
  timeout "$TLS_TIMEOUT" openssl req -new -newkey ec -pkeyopt ec_paramgen_curve:P-256 -nodes \
    -subj "/CN=127.0.0.1" -keyout "$TLS/server.key" -out "$TLS/server.csr"
  printf '%s\n' "subjectAltName=IP:127.0.0.1" "basicConstraints=critical,CA:FALSE" \
    "keyUsage=critical,digitalSignature" "extendedKeyUsage=serverAuth" >"$TLS/server.ext"
  timeout "$TLS_TIMEOUT" openssl x509 -req -in "$TLS/server.csr" -CA "$TLS/ca.pem" -CAkey "$TLS/ca.key" \
    -CAcreateserial -days 1 -extfile "$TLS/server.ext" -out "$TLS/server.pem"
  openssl verify -CAfile "$TLS/ca.pem" "$TLS/server.pem"
} >"$STEP_LOG" 2>&1
CA_FILE="$TLS/ca.pem"
step_done

step "start $CACHE_NAME on 127.0.0.1:$CACHE_PORT (TLS only, cluster mode)" "$LOGS/cache.log"
mkdir -p "$WORK/cache"
# --port 0: no plain-text listener at all. No client certificates (ElastiCache
# asks for none). No persistence. cluster-enabled: one node owning all 16384
# slots, so a multi-key command across slots fails as on ElastiCache
# Serverless (its cluster bus on a port of its own, unused with one node).
"$CACHE_SERVER" --bind 127.0.0.1 --port 0 --tls-port "$CACHE_PORT" --cluster-port "$CACHE_BUS_PORT" \
  --tls-cert-file "$TLS/server.pem" --tls-key-file "$TLS/server.key" --tls-ca-cert-file "$CA_FILE" \
  --tls-auth-clients no --protected-mode yes --save "" --appendonly no --dir "$WORK/cache" \
  --cluster-enabled yes --cluster-config-file "$WORK/cache/nodes.conf" --daemonize no \
  >"$STEP_LOG" 2>&1 </dev/null &
CACHE_PID=$!
cache_cli() { timeout 10 "$CACHE_CLI" --tls --cacert "$CA_FILE" -h 127.0.0.1 -p "$CACHE_PORT" "$@" </dev/null; }
wait_cache() {   # wait_cache WHAT COMMAND... : until the output matches WHAT (bounded)
  local want=$1 deadline=$(($(date +%s) + SERVER_START_TIMEOUT)); shift
  until cache_cli "$@" 2>/dev/null | grep -q "$want"; do
    pid_alive "$CACHE_PID" || fail "$CACHE_NAME exited"
    [ "$(date +%s)" -lt "$deadline" ] || fail "$CACHE_NAME did not answer '$want' to '$*' in ${SERVER_START_TIMEOUT}s"
    sleep 0.2
  done
}
wait_cache PONG PING
cache_cli CLUSTER ADDSLOTSRANGE 0 16383 >>"$STEP_LOG" 2>&1
wait_cache cluster_state:ok CLUSTER INFO
echo "    $CACHE_NAME pid $CACHE_PID: rediss://127.0.0.1:$CACHE_PORT, certificate for IP:127.0.0.1 from a throwaway CA"
step_done

# --- 4. moto: S3 and SSM ------------------------------------------------------

step "start moto (S3 + SSM) on 127.0.0.1:$MOTO_PORT" "$LOGS/moto.log"
env -i "${BASE_ENV[@]}" "$VENV/bin/moto_server" -H 127.0.0.1 -p "$MOTO_PORT" >"$STEP_LOG" 2>&1 </dev/null &
MOTO_PID=$!
"$PY" "$E2E_DIR/e2elib.py" wait-http "$MOTO_URL/moto-api/" "$SERVER_START_TIMEOUT" "$MOTO_PID" >>"$STEP_LOG" 2>&1
echo "    moto pid $MOTO_PID"
step_done

# --- 5. synthesize the example app ----------------------------------------------

step "synthesize examples/app (npx projen synth:example)" "$LOGS/synth.log"
SYNTH_T0=$(date +%s)
(cd "$ROOT" && CDK_DISABLE_CLI_TELEMETRY=true CI=true \
  timeout "$SYNTH_TIMEOUT" npx projen synth:example) >"$STEP_LOG" 2>&1 </dev/null
[ -f "$TEMPLATE" ] && [ "$(stat -c %Y "$TEMPLATE")" -ge "$SYNTH_T0" ] \
  || fail "synth did not (re)write $TEMPLATE"
step_done

# --- 6. the containers' environments, as ECS would give them -------------------

step "read the container contract from the template; secrets via SSM (moto)" "$LOGS/contract.log"
set +e
env -i "${BASE_ENV[@]}" E2E_RESULTS="$RESULTS" \
  E2E_DATABASE_HOST="$E2E_DATABASE_HOST" E2E_DATABASE_PORT="$E2E_DATABASE_PORT" E2E_BUCKET="$E2E_BUCKET" \
  E2E_MEDIA_BUCKET="$E2E_MEDIA_BUCKET" E2E_REDIS_PORT="$E2E_REDIS_PORT" \
  E2E_APP_PORT="$E2E_APP_PORT" E2E_DATABASE_NAME="$E2E_DATABASE_NAME" E2E_DATABASE_USER="$E2E_DATABASE_USER" \
  E2E_DATABASE_PASSWORD="$E2E_DATABASE_PASSWORD" E2E_DJANGO_SECRET_KEY="$E2E_DJANGO_SECRET_KEY" \
  E2E_EMAIL_HOST_PASSWORD="$E2E_EMAIL_HOST_PASSWORD" \
  timeout 120 "$PY" "$E2E_DIR/contract.py" --template "$TEMPLATE" --dockerfile "$APP_DIR/Dockerfile" \
  --out "$OUT" --moto-url "$MOTO_URL" 2>&1 </dev/null | tee "$STEP_LOG"
CONTRACT_RC=${PIPESTATUS[0]}
set -e
if [ "$CONTRACT_RC" -ne 0 ]; then
  STEP_LOG=""                                     # its output is above
  grep -q '^FAIL' "$RESULTS" && STEP=""           # counted by its own checks
  exit 1
fi
mapfile -t APP_ENV <"$OUT/app.env"
mapfile -t GUNICORN_CMD <"$OUT/gunicorn.args"
mapfile -t WORKER_ENV <"$OUT/worker.env"
mapfile -t WORKER_CMD <"$OUT/worker.args"
# Besides the contract every process gets the emulator's address and the
# throwaway CA here, and fake AWS credentials from BASE_ENV (the task role's,
# in AWS). Production sets none of them.
TEST_ENV=(AWS_S3_ENDPOINT_URL="$MOTO_URL" SSL_CERT_FILE="$CA_FILE")
printf '%s\n' "${TEST_ENV[@]}" >"$OUT/test.env"
APP_ENV+=("${TEST_ENV[@]}")
WORKER_ENV+=("${TEST_ENV[@]}")
step_done

# --- 7. the release commands, gunicorn, the Celery worker ---------------------------

app_env() { env -i "${BASE_ENV[@]}" "${APP_ENV[@]}" "$@"; }
APP_PHASE=1

# The release step's commands (migrate, collectstatic), in the template's
# order, each with the release task definition's variables, as its one-off
# Fargate tasks run them before the new version starts.
mapfile -t RELEASE_ENV <"$OUT/release.env"
RELEASE_ENV+=("${TEST_ENV[@]}")
RELEASE_N=0
while IFS= read -r release_json; do
  mapfile -t RELEASE_CMD < <("$PY" -c 'import json, sys; print("\n".join(json.loads(sys.argv[1])))' "$release_json")
  RELEASE_N=$((RELEASE_N + 1))
  step "release command $RELEASE_N: ${RELEASE_CMD[*]}" "$LOGS/release-$RELEASE_N.log"
  [ -x "$VENV/bin/${RELEASE_CMD[0]}" ] || fail "the release command ${RELEASE_CMD[*]} is not a program of the app's venv"
  (cd "$APP_DIR" && env -i "${BASE_ENV[@]}" "${RELEASE_ENV[@]}" timeout "$DJANGO_COMMAND_TIMEOUT" \
    "$VENV/bin/${RELEASE_CMD[0]}" "${RELEASE_CMD[@]:1}") >"$STEP_LOG" 2>&1 </dev/null
  echo "    $(tail -n 1 "$STEP_LOG")"
  step_done
done <"$OUT/release.commands"
[ "$RELEASE_N" -gt 0 ] || fail "no release commands in $OUT/release.commands"

step "start gunicorn (the Dockerfile's CMD) on 127.0.0.1:$APP_PORT" "$LOGS/gunicorn.log"
[ "${GUNICORN_CMD[0]}" = gunicorn ] || fail "unexpected command ${GUNICORN_CMD[*]}"
GUNICORN_CMD[0]="$VENV/bin/gunicorn"
(cd "$APP_DIR" && exec env -i "${BASE_ENV[@]}" "${APP_ENV[@]}" "${GUNICORN_CMD[@]}") >"$STEP_LOG" 2>&1 </dev/null &
GUNICORN_PID=$!
"$PY" "$E2E_DIR/e2elib.py" wait-http "$APP_URL/" "$SERVER_START_TIMEOUT" "$GUNICORN_PID" >/dev/null
echo "    gunicorn pid $GUNICORN_PID: ${GUNICORN_CMD[*]:1}"
step_done

step "start the Celery worker (its task definition's command and variables)" "$LOGS/worker.log"
# The image has the program on its PATH; here it is the venv's.
[ -x "$VENV/bin/${WORKER_CMD[0]}" ] || fail "the worker's command ${WORKER_CMD[*]} is not a program of the app's venv"
WORKER_ARGV=("$VENV/bin/${WORKER_CMD[0]}" "${WORKER_CMD[@]:1}")
(cd "$APP_DIR" && exec env -i "${BASE_ENV[@]}" "${WORKER_ENV[@]}" "${WORKER_ARGV[@]}") >"$STEP_LOG" 2>&1 </dev/null &
WORKER_PID=$!
# Celery logs "celery@<host> ready." once it consumes from the broker.
"$PY" "$E2E_DIR/e2elib.py" wait-log "$STEP_LOG" '@\S+ ready\.' "$SERVER_START_TIMEOUT" "$WORKER_PID" >/dev/null
echo "    celery worker pid $WORKER_PID: ${WORKER_CMD[*]}"
step_done

# --- 8. checks ------------------------------------------------------------------------

step "checks against the running app" ""
set +e
env -i "${BASE_ENV[@]}" E2E_RESULTS="$RESULTS" timeout "$CHECKS_TIMEOUT" "$PY" "$E2E_DIR/checks.py" \
  --out "$OUT" --app-url "$APP_URL" --moto-url "$MOTO_URL" --app-dir "$APP_DIR" </dev/null
CHECKS_RC=$?
set -e
if [ "$CHECKS_RC" -ne 0 ] && ! grep -q '^FAIL' "$RESULTS"; then
  printf 'FAIL\tchecks.py exited %s\t0\n' "$CHECKS_RC" >>"$RESULTS"
fi
step_done
# cleanup (the EXIT trap) stops the servers and prints the summary.
