"""Disclosure screening benchmark: `python -m bench.screening`.

Screens the labelled evaluation set (safeguarding/screening/evaluation/) with the default
phrase list plus the detector, and prints recall, benign flag rate and every miss and false
flag, for the development set, the held-out set and both. Exits 1 when the whole set misses a
target (recall ≥ 95 %, benign flag rate ≤ 10 %). `--markdown` prints the same as Markdown (for
bench/results/screening.md).
"""

from __future__ import annotations

import sys

from safeguarding.screening.evaluation import (
    BENIGN_FLAG_RATE_TARGET,
    RECALL_TARGET,
    Scores,
    evaluate,
)


def _report(scores: Scores, markdown: bool) -> list[str]:
    head = "### " if markdown else "== "
    bullet = "- " if markdown else "  "
    lines = [
        f"{head}{scores.name}: {scores.disclosures} disclosures, {scores.benign} benign answers",
        "",
        f"{bullet}recall: {scores.recall:.1%} ({scores.disclosures - len(scores.misses)}"
        f"/{scores.disclosures}; target ≥ {RECALL_TARGET:.0%})",
        f"{bullet}benign flag rate: {scores.benign_flag_rate:.1%} ({len(scores.false_flags)}"
        f"/{scores.benign}; target ≤ {BENIGN_FLAG_RATE_TARGET:.0%})",
        "",
    ]
    if scores.name == "all":
        return lines
    lines.append(
        f"{bullet}misses ({len(scores.misses)}):" if scores.misses else f"{bullet}misses: none"
    )
    lines += [f"    - [{band}] {text}" for band, text in scores.misses]
    lines.append(
        f"{bullet}false flags ({len(scores.false_flags)}):"
        if scores.false_flags
        else f"{bullet}false flags: none"
    )
    lines += [f"    - [{band}] {text} — {why}" for band, text, why in scores.false_flags]
    lines.append("")
    return lines


def main(argv: list[str]) -> int:
    markdown = "--markdown" in argv
    results = evaluate()
    lines: list[str] = []
    for name in ("held-out", "development", "all"):
        lines += _report(results[name], markdown)
    print("\n".join(lines))
    return 0 if results["all"].meets_targets else 1


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
