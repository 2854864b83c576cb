"""Write bench/results/peer-comparison.md from one `bench/peer/compare.sh` output folder.

    python bench/peer/report.py OUT_DIR --rounds 2 > bench/results/peer-comparison.md

Every figure of every round is printed; the goals are checked on the ratio within each round,
since absolute numbers drift with whatever else the machine is doing.
"""

import argparse
import json
from pathlib import Path

# (peer scenario, Streamwise scenario, what it is, goal ratio Streamwise/peer in req/s)
PAIRS = [
    ("lesson_get", "lesson_get", "lesson page GET (learner with progress)", 2.0),
    (
        "xapi_post",
        "activity_post",
        "record an answer (peer xAPI POST; ours htmx activity POST)",
        2.0,
    ),
    ("richtext_get", "richtext_get", "plain page (rich text; ours in the pupil layout)", 1.0),
    ("floor", "floor", "floor (trivial view, no database)", None),
]
# Streamwise pages that must stay within 1.2x of the lesson GET (req/s).
NEAR_LESSON = ["longest_get", "h5p_get", "quiz_get"]
QUERY_GOALS = {
    "lesson_get": 8,
    "longest_lesson_step": 8,
    "activity_post_htmx_again": 6,
}


def load_sw(run: Path) -> tuple[dict, dict]:
    scenarios = {}
    for f in sorted((run / "sqlite").glob("*-c*.json")):
        scenarios[f.name.rsplit("-c", 1)[0]] = json.loads(f.read_text())
    target = json.loads((run / "sqlite" / "target.json").read_text())
    return scenarios, {
        k: (v["queries"], v.get("statements", v["queries"])) for k, v in target["counts"].items()
    }


def load_peer(path: Path) -> tuple[dict, dict]:
    db = json.loads(path.read_text())["by_db"]["sqlite"]
    scenarios = {
        name: next(v for k, v in s.items() if k.startswith("c"))
        for name, s in db["scenarios"].items()
    }
    return scenarios, db.get("query_counts", {})


def fmt(x, digits=1):
    return "–" if x is None else f"{x:.{digits}f}"


def figures(r: dict) -> tuple:
    lat = r.get("latency_ms") or {"p50": r.get("p50_ms"), "p95": r.get("p95_ms")}
    return r["rps"], lat["p50"], lat["p95"], r.get("server_cpu_ms_per_response"), r["errors"]


def main():
    p = argparse.ArgumentParser()
    p.add_argument("out")
    p.add_argument("--rounds", type=int, default=2)
    a = p.parse_args()
    out = Path(a.out)
    loads = (out / "loadavg.txt").read_text().strip().splitlines()
    lines = [
        "# Streamwise and wagtail-lms 0.11.1 side by side",
        "",
        "Written by `make bench` (`bench/peer/compare.sh`, then `bench/peer/report.py`): the",
        "shared harness (gunicorn, 2 sync workers, SQLite WAL, DEBUG off, wrk through",
        "`loadgen.py`, 50 logged-in learners, 10 connections), the peer and Streamwise alternated",
        "in each round.",
        "req/s and server CPU per response (ms, the steadiest figure) are compared within a round.",
        "",
        "Load average (1, 5, 15 min) of the shared 2-core machine during the run:",
        "",
        *[f"- {line}" for line in loads],
        "",
    ]
    verdicts = []
    for n in range(1, a.rounds + 1):
        peer, peer_q = load_peer(out / f"peer-{n}.json")
        sw, sw_q = load_sw(out / f"sw-{n}")
        lines += [
            f"## Round {n}",
            "",
            "| scenario | wagtail-lms req/s | p50 / p95 ms | CPU ms | errors | Streamwise req/s "
            "| p50 / p95 ms | CPU ms | errors | req/s ratio | CPU ratio (peer/ours) |",
            "| --- | --- | --- | --- | --- | --- | --- | --- | --- | --- | --- |",
        ]
        for peer_name, sw_name, label, goal in PAIRS:
            if peer_name not in peer or sw_name not in sw:
                continue
            pr, pp50, pp95, pcpu, perr = figures(peer[peer_name])
            sr, sp50, sp95, scpu, serr = figures(sw[sw_name])
            ratio = sr / pr if pr else None
            cpu_ratio = pcpu / scpu if pcpu and scpu else None
            lines.append(
                f"| {label} | {fmt(pr)} | {fmt(pp50)} / {fmt(pp95)} | {fmt(pcpu)} | {perr} "
                f"| {fmt(sr)} | {fmt(sp50)} / {fmt(sp95)} | {fmt(scpu)} | {serr} "
                f"| {fmt(ratio, 2)}× | {fmt(cpu_ratio, 2)}× |"
            )
            if goal is not None:
                verdicts.append(
                    (n, f"{sw_name} ≥ {goal}× peer {peer_name}", ratio >= goal, f"{ratio:.2f}×")
                )
        lines += [
            "",
            "Streamwise pages that should be within 1.2× of the lesson GET:",
            "",
            "| page | req/s | p50 / p95 ms | CPU ms | errors | lesson GET req/s ÷ this |",
            "| --- | --- | --- | --- | --- | --- |",
        ]
        lesson_rps = sw["lesson_get"]["rps"]
        for name in NEAR_LESSON:
            if name not in sw:
                continue
            r, p50, p95, cpu, err = figures(sw[name])
            slow = lesson_rps / r if r else None
            lines.append(
                f"| {name} | {fmt(r)} | {fmt(p50)} / {fmt(p95)} | {fmt(cpu)} | {err} "
                f"| {fmt(slow, 2)}× |"
            )
            verdicts.append(
                (
                    n,
                    f"{name} within 1.2× of lesson_get",
                    slow is not None and slow <= 1.2,
                    f"{slow:.2f}×",
                )
            )
        lines += [
            "",
            "SQL queries per request (in-process, `django.test.Client`):",
            "",
            f"- wagtail-lms: {', '.join(f'{k} {v}' for k, v in peer_q.items())}",
            "- Streamwise: "
            + ", ".join(
                f"{k} {q}" + (f" ({s} without BEGIN and COMMIT)" if s != q else "")
                for k, (q, s) in sw_q.items()
            ),
            "",
        ]
        for name, most in QUERY_GOALS.items():
            if name in sw_q:
                queries, statements = sw_q[name]
                if statements == queries:
                    verdicts.append((n, f"{name} ≤ {most} queries", queries <= most, str(queries)))
                    continue
                verdicts.append(
                    (
                        n,
                        f"{name} ≤ {most} queries, BEGIN and COMMIT not counted "
                        "(PostgreSQL does not log them)",
                        statements <= most,
                        f"{statements} ({queries} with SQLite's BEGIN and COMMIT)",
                    )
                )
    lines += ["## Goals", "", "| round | goal | met | figure |", "| --- | --- | --- | --- |"]
    lines += [
        f"| {n} | {goal} | {'yes' if ok else 'NO'} | {fig} |" for n, goal, ok, fig in verdicts
    ]
    lines += ["", "Reproduce: `make bench` (needs `../shared/bench`, or `PEER_BENCH=path`).", ""]
    print("\n".join(lines))


if __name__ == "__main__":
    main()
