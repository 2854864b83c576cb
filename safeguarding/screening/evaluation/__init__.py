"""The labelled evaluation set for disclosure screening, and how the detector scores on it.

Four files, each a mapping of age band → list of texts:

- `heldout_disclosures.yaml`, `heldout_benign.yaml`: written before the detector and never
  used to tune it;
- `disclosures.yaml`, `benign.yaml`: the development set the detector was tuned on.

`evaluate()` screens every text with the default phrases plus the detector, exactly as a
school that kept the default phrase list would, and returns recall, benign flag rate, and every
miss and false flag. `python -m bench.screening` prints it.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

import yaml

HERE = Path(__file__).parent
SLICES = {
    "development": ("disclosures.yaml", "benign.yaml"),
    "held-out": ("heldout_disclosures.yaml", "heldout_benign.yaml"),
}
RECALL_TARGET = 0.95
BENIGN_FLAG_RATE_TARGET = 0.10


def load(filename: str) -> list[tuple[str, str]]:
    """(age band, text) pairs from one file."""
    data = yaml.safe_load((HERE / filename).read_text(encoding="utf-8"))
    return [(str(band), str(text)) for band, texts in data.items() for text in texts]


@dataclass
class Scores:
    name: str
    disclosures: int = 0
    benign: int = 0
    misses: list[tuple[str, str]] = field(default_factory=list)
    false_flags: list[tuple[str, str, str]] = field(default_factory=list)

    @property
    def recall(self) -> float:
        return 1 - len(self.misses) / self.disclosures if self.disclosures else 1.0

    @property
    def benign_flag_rate(self) -> float:
        return len(self.false_flags) / self.benign if self.benign else 0.0

    @property
    def meets_targets(self) -> bool:
        return self.recall >= RECALL_TARGET and self.benign_flag_rate <= BENIGN_FLAG_RATE_TARGET

    def __add__(self, other: Scores) -> Scores:
        return Scores(
            name="all",
            disclosures=self.disclosures + other.disclosures,
            benign=self.benign + other.benign,
            misses=self.misses + other.misses,
            false_flags=self.false_flags + other.false_flags,
        )


def evaluate_slice(name: str) -> Scores:
    from .. import DEFAULT_SCREENING_PHRASES, screen

    disclosures_file, benign_file = SLICES[name]
    scores = Scores(name=name)
    for band, text in load(disclosures_file):
        scores.disclosures += 1
        if not screen(text=text, phrases=DEFAULT_SCREENING_PHRASES).flagged:
            scores.misses.append((band, text))
    for band, text in load(benign_file):
        scores.benign += 1
        result = screen(text=text, phrases=DEFAULT_SCREENING_PHRASES)
        if result.flagged:
            scores.false_flags.append((band, text, result.explanation))
    return scores


def evaluate() -> dict[str, Scores]:
    """Scores for each slice and for the whole set."""
    slices = {name: evaluate_slice(name) for name in SLICES}
    slices["all"] = slices["development"] + slices["held-out"]
    return slices
