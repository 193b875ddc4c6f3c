#!/usr/bin/env bash
# Tests the running service against its own OpenAPI document with schemathesis: every operation
# gets generated requests, valid and invalid, with and without the bearer token of a user this
# script registers, and every check schemathesis has judges the answers. Fails on any server
# error or any answer the document does not describe.
#
# Usage: scripts/schemathesis.sh [extra schemathesis options]
# Needs the debug binary (cargo build) and schemathesis (.ci/run installs it).
# SCHEMATHESIS_MAX_EXAMPLES (default 30) bounds the generated cases per operation and phase.
set -euo pipefail
cd "$(dirname "$0")/.."

binary=target/debug/innolift
[ -x "$binary" ] || { echo "no $binary; run cargo build first" >&2; exit 1; }
command -v schemathesis >/dev/null || { echo "schemathesis is not installed" >&2; exit 1; }

work=$(mktemp -d)
free_port() {
  python3 -c 'import socket; s = socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])'
}
port=$(free_port)
smtp_port=$(free_port)
base="http://127.0.0.1:$port"

pids=()
cleanup() {
  for pid in "${pids[@]}"; do kill "$pid" 2>/dev/null || true; done
  wait 2>/dev/null || true
  rm -rf "$work"
}
trap cleanup EXIT

# Mail goes to a local sink that accepts and drops it, so the outbox works as it would in
# production and nothing leaves the machine.
python3 -m aiosmtpd -n -l "127.0.0.1:$smtp_port" -c aiosmtpd.handlers.Sink &
pids+=($!)

# A fresh SQLite database and index in a temporary directory. Confirmation by email is off and
# self-declared buyers are trusted, so that the registered buyer may do what a buyer does and
# the run reaches past the first refusal.
INNOLIFT_DATA_DIR="$work/data" \
INNOLIFT_BIND="127.0.0.1:$port" \
INNOLIFT_PUBLIC_URL="$base" \
INNOLIFT_SMTP_HOST=127.0.0.1 \
INNOLIFT_SMTP_PORT="$smtp_port" \
INNOLIFT_CONFIRM_EMAIL=false \
INNOLIFT_TRUST_SELF_DECLARED_BUYERS=true \
INNOLIFT_LOG=warn \
  "$binary" serve >"$work/server.log" 2>&1 &
pids+=($!)

for _ in $(seq 1 120); do
  curl -fsS "$base/readyz" >/dev/null 2>&1 && break
  sleep 0.5
done
curl -fsS "$base/readyz" >/dev/null || { echo "the server did not become ready" >&2; cat "$work/server.log" >&2; exit 1; }

# POSTs JSON to the API, as the registered buyer once there is one, and prints the answer.
post() {
  curl -fsS -X POST "$base$1" -H 'Content-Type: application/json' ${token:+-H "Authorization: Bearer $token"} -d "$2"
}
# The field at the dotted path `$2` of the JSON `$1`.
field() {
  python3 -c 'import json, sys
value = json.loads(sys.argv[1])
for key in sys.argv[2].split("."): value = value[key]
print(value)' "$1" "$2"
}

# A buyer (the role that reaches most operations), registered through the API. 974760673 is a
# real organisation number with a valid check digit.
token=
registered=$(post /api/v1/auth/register '{"email": "schemathesis@kommune.example.no",
  "password": "schemathesis-passord", "name": "Schemathesis", "organisation": {"orgnr": "974760673",
  "name": "Schemathesis kommune", "kind": "buyer", "sector": "municipality", "county": "46"}}')
token=$(field "$registered" token)
organisation=$(field "$registered" organisation.id)

# Objects of the buyer's own for the operations on one object, so that they reach past 404: a
# joint process in the market-dialogue phase on a need, and a dialogue event in it. Needs get no
# fixed id: schemathesis creates its own from NeedCreate's example and follows them, and a fixed
# id would stand in for the one it created, which it would then find deleted.
need=$(field "$(post /api/v1/needs '{"title": "Utslippsfri ferje", "description": "Vi trenger en ferje uten utslipp.",
  "themes": ["mobility_transport"], "counties": ["46"]}')" id)
process=$(field "$(post /api/v1/processes "{\"title\": \"Ferjeløftet\", \"description\": \"Felles anskaffelse av ferjer.\",
  \"need_ids\": [\"$need\"], \"procedure\": \"innovation_partnership\"}")" id)
post "/api/v1/processes/$process/phase" '{"to": "market_dialogue"}' >/dev/null
dialogue=$(field "$(post "/api/v1/processes/$process/dialogues" '{"kind": "one_to_one_meetings", "title": "Leverandørdag",
  "agenda": "Møter med leverandører.", "starts_at": "2031-03-03T09:00", "ends_at": "2031-03-03T15:00",
  "place": "Bergen", "response_deadline": "2031-02-20T12:00"}')" id)

# 413 (a body over the size limit) and 431 (a request head over the HTTP server's limit, as a
# query at its longest can make it) refuse a request as surely as 400 does; schemathesis's list
# of refusals lacks them.
#
# One operation stays out of the stateful sequences: there the link from POST /needs fills
# needs/{id}/participants/{organisation_id} with the new need's owner, which is rightly not one
# of its participants (404), and ensure_resource_availability reads that as the created need
# missing. Every other phase tests it with every check.
cat >"$work/schemathesis.toml" <<TOML
[checks.negative_data_rejection]
expected-statuses = ["400", "401", "403", "404", "405", "406", "409", "413", "415", "422", "428", "429", "431", "5xx"]

[[operations]]
include-path = "/api/v1/needs/{id}/participants/{organisation_id}"
phases.stateful.enabled = false

[[operations]]
include-path-regex = '^/api/v1/organisations/\{id\}'
parameters = { "path.id" = "$organisation" }

[[operations]]
include-path-regex = '^/api/v1/processes/\{id\}'
parameters = { "path.id" = "$process" }

[[operations]]
include-path-regex = '^/api/v1/dialogues/\{id\}'
parameters = { "path.id" = "$dialogue" }
TOML

started=$(date +%s)
status=0
# positive_data_acceptance is left out: it wants every request the schema allows accepted, and
# the service rightly refuses some with 400 for rules no JSON Schema can state: a rule across
# fields (page or cursor; exactly one of supplier_ids, from_matches and from_proposals; a size
# only for suppliers; ends_at after starts_at), a check digit (orgnr's MOD11), an id in a body
# or a link token that names nothing, a text of only spaces or with control characters, and an
# integer written as 1.0 (JSON Schema's integer, not serde's). Every other check runs.
# From the temporary directory, where schemathesis keeps its cache of failures. One worker:
# with two, CPython 3.11 before 3.11.8 can fail hypothesis's parsing of its own source with
# "SystemError: AST constructor recursion depth mismatch" (python/cpython#106905).
(cd "$work" && schemathesis --config-file "$work/schemathesis.toml" run "$base/api/v1/openapi.json" \
  --url "$base" \
  --checks all \
  --exclude-checks positive_data_acceptance \
  --max-examples "${SCHEMATHESIS_MAX_EXAMPLES:-30}" \
  --workers 1 \
  --header "Authorization: Bearer $token" \
  --seed 1 \
  "$@") 2>&1 | tee "$work/run.log" || status=$?
elapsed=$(( $(date +%s) - started ))

# schemathesis's summary says "Test cases: N generated, …".
cases=$(sed -n 's/^ *\([0-9][0-9]*\) generated.*/\1/p' "$work/run.log" | tail -n 1)
if [ "$status" -eq 0 ]; then
  echo "schemathesis: passed, ${cases:-?} cases in ${elapsed}s"
else
  echo "schemathesis: FAILED (exit $status), ${cases:-?} cases in ${elapsed}s" >&2
  echo "--- server log (last 40 lines)" >&2
  tail -n 40 "$work/server.log" >&2
fi
exit "$status"
