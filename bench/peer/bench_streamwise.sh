#!/usr/bin/env bash
# Streamwise in the same harness as ../shared/bench/bench_wagtail_lms.sh: same gunicorn (2 sync
# workers), same loadgen (wrk engine), 50 logged-in learners, DEBUG off, SQLite WAL.
# The project's copy of ../shared/bench/bench_streamwise.sh; `make bench` runs it.
#
#   PROJECT=path/to/streamwise/checkout (default: this checkout) bench/peer/bench_streamwise.sh
#
# Scenarios: floor (/bench/trivial/), richtext_get (plain Wagtail page in the pupil layout),
# lesson_get (a lesson step with an activity, pupil with progress), activity_post (the activity
# answer as htmx posts it: form body, X-CSRFToken, HX-Request), longest_get (the longest lesson's
# busiest step), h5p_get (the lesson step with an H5P activity), quiz_get (question 1 of each
# pupil's own quiz attempt).
# Knobs: DURATION=20 WARMUP=3 CONCURRENCY="10" WORKERS=2 SCENARIOS="..." PEERBENCH_DIR
set -euo pipefail
HERE="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
PROJECT="${PROJECT:-$(cd "$HERE/../.." && pwd)}"
SCRATCH="${PEERBENCH_DIR:-${TMPDIR:-/tmp}/peerbench}"
DURATION="${DURATION:-20}"; WARMUP="${WARMUP:-3}"; CONCURRENCY="${CONCURRENCY:-10}"
WORKERS="${WORKERS:-2}"; MAX_REQUESTS="${MAX_REQUESTS:-500000}"
SCENARIOS="${SCENARIOS:-floor richtext_get lesson_get longest_get h5p_get quiz_get activity_post}"
RUN_DIR="${RUN_DIR:-$SCRATCH/sw-runs/$(date +%Y%m%d-%H%M%S)}"
out="$RUN_DIR/sqlite"; var="$RUN_DIR/var"
mkdir -p "$out" "$var"
PY="$PROJECT/.venv/bin/python"
say() { printf '[sw-bench %s] %s\n' "$(date +%H:%M:%S)" "$*" >&2; }
GUNI_PID=""
stop_server() { [[ -n "$GUNI_PID" ]] && kill -TERM "$GUNI_PID" 2>/dev/null && wait "$GUNI_PID" 2>/dev/null; GUNI_PID=""; }
trap stop_server EXIT

export PYTHONPATH="$PROJECT" DJANGO_SETTINGS_MODULE=bench.settings STREAMWISE_VAR_DIR="$var" \
  SECRET_KEY="bench-$(head -c 24 /dev/urandom | base64 | tr -d '/+=')" DEBUG=0 \
  ALLOWED_HOSTS=127.0.0.1 SECURE_SSL_REDIRECT=0 SECURE_COOKIES=0 SECURE_HSTS_SECONDS=0 \
  STREAMWISE_PLAIN_STATIC=1 EMAIL_MODE=console LOG_LEVEL=WARNING

say "building site in $var"
(cd "$PROJECT" && "$PY" "$HERE/sw_build.py" "$out" >"$out/build.log" 2>&1) || { tail -20 "$out/build.log"; exit 1; }
cp "$out/target.json" "$out/querycount.json"
port=$("$PY" -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])')
base="http://127.0.0.1:$port"
(cd "$PROJECT" && exec "$PROJECT/.venv/bin/gunicorn" bench.wsgi:application --workers "$WORKERS" \
   --worker-class sync --bind "127.0.0.1:$port" --error-logfile "$out/gunicorn.log" --log-level warning) &
GUNI_PID=$!
for _ in $(seq 1 100); do curl -sf "$base/bench/trivial/" >/dev/null 2>&1 && break; sleep 0.2; done
t="$out/target.json"
lesson=$(python3 -c "import json;print(json.load(open('$t'))['lesson_path'])")
plain=$(python3 -c "import json;print(json.load(open('$t'))['plain_path'])")
longest=$(python3 -c "import json;print(json.load(open('$t'))['longest_path'])")
h5p=$(python3 -c "import json;print(json.load(open('$t'))['h5p_path'])")
quiz=$(python3 -c "import json;print(json.load(open('$t'))['quiz_path'])")
act=$(python3 -c "import json;print(json.load(open('$t'))['activity_path'])")
printf '%s' "$(python3 -c "import json;print(json.load(open('$t'))['activity_body'])")" >"$out/activity_body.txt"
common=(--base-url "$base" --sessions-in "$out/sessions.json" --engine wrk --duration "$DURATION"
        --warmup "$WARMUP" --max-requests "$MAX_REQUESTS" --server-pid "$GUNI_PID" --quiet)
for s in $SCENARIOS; do
  case "$s" in
    floor)         extra=(--path /bench/trivial/ --expect-text ok) ;;
    richtext_get)  extra=(--path "$plain") ;;
    lesson_get)    extra=(--path "$lesson") ;;
    longest_get)   extra=(--path "$longest") ;;
    h5p_get)       extra=(--path "$h5p") ;;
    quiz_get)      extra=(--path "$quiz" --sessions-in "$out/quiz_sessions.json") ;;
    activity_post) extra=(--method POST --path "$act" --body "@$out/activity_body.txt" --csrf page
                          --csrf-page "$lesson" --header "HX-Request: true"
                          --header "Content-Type: application/x-www-form-urlencoded") ;;
  esac
  for c in $CONCURRENCY; do
    say "$s c=$c"
    python3 "$HERE/loadgen.py" "${common[@]}" "${extra[@]}" --concurrency "$c" \
      --label "sqlite/$s/c$c" --out "$out/$s-c$c.json" >/dev/null || say "FAILED $s c=$c"
  done
done
python3 - "$out" <<'EOF'
import json, sys, glob, os
for f in sorted(glob.glob(os.path.join(sys.argv[1], "*-c*.json"))):
    r = json.load(open(f))
    print(os.path.basename(f), json.dumps({k: r.get(k) for k in ("rps", "requests", "errors", "latency_ms", "server_cpu_ms_per_response") if k in r}))
EOF
