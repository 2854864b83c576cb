#!/usr/bin/env bash
# The peer comparison (`make bench`): wagtail-lms 0.11.1 and Streamwise alternated ROUNDS times
# under the same load, then bench/results/peer-comparison.md written from every figure.
#
#   PEER_BENCH=../shared/bench ROUNDS=2 DURATION=15 WARMUP=3 CONCURRENCY=10 bench/peer/compare.sh
set -euo pipefail
HERE="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
PROJECT="$(cd "$HERE/../.." && pwd)"
PEER_BENCH="${PEER_BENCH:-$PROJECT/../shared/bench}"
ROUNDS="${ROUNDS:-2}"
export DURATION="${DURATION:-15}" WARMUP="${WARMUP:-3}" CONCURRENCY="${CONCURRENCY:-10}"
export PEERBENCH_DIR="${PEERBENCH_DIR:-${TMPDIR:-/tmp}/peerbench}"
OUT="${OUT:-$PEERBENCH_DIR/compare-$(date +%Y%m%d-%H%M%S)}"
REPORT="${REPORT:-$PROJECT/bench/results/peer-comparison.md}"
PEER_SCENARIOS="${PEER_SCENARIOS:-floor richtext_get lesson_get xapi_post}"
[[ -x "$PEER_BENCH/bench_wagtail_lms.sh" ]] || {
  echo "The peer harness is not at $PEER_BENCH (set PEER_BENCH=path/to/shared/bench)." >&2; exit 1; }
mkdir -p "$OUT"
load() { printf '%s %s\n' "$1" "$(cut -d' ' -f1-3 /proc/loadavg)" >>"$OUT/loadavg.txt"; }
for round in $(seq 1 "$ROUNDS"); do
  load "round $round: peer start"
  SCENARIOS="$PEER_SCENARIOS" RESULT="$OUT/peer-$round.json" \
    "$PEER_BENCH/bench_wagtail_lms.sh" >"$OUT/peer-$round.stdout" 2>"$OUT/peer-$round.log"
  load "round $round: streamwise start"
  PROJECT="$PROJECT" RUN_DIR="$OUT/sw-$round" \
    "$HERE/bench_streamwise.sh" >"$OUT/sw-$round.stdout" 2>"$OUT/sw-$round.log"
  load "round $round: end"
done
"$PROJECT/.venv/bin/python" "$HERE/report.py" "$OUT" --rounds "$ROUNDS" >"$REPORT"
echo "Raw results in $OUT; report in $REPORT" >&2
