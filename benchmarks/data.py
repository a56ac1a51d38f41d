"""Seeded datasets for the benchmarks, generated once and cached under benchmarks/data/.

A dataset is `benchmarks/data/<label>/<fmt>/` (the generator's five files and truth.json). It is
reused while its key (episodes, seed, cut-off, generator version) is unchanged; truth.json is
written last, so a folder without it is an interrupted run and is generated again.
"""

from __future__ import annotations

import json
import shutil
from pathlib import Path

from sample_data import generator

ROOT = Path(__file__).resolve().parent
DATA = ROOT / "data"
SEED = generator.DEFAULT_SEED
AS_OF = generator.DEFAULT_AS_OF
_SUFFIX = {"k": 1_000, "m": 1_000_000}


def parse_size(label: str) -> int:
    """'10k' -> 10_000, '1m' -> 1_000_000, '2500' -> 2_500."""
    text = label.strip().lower()
    if text[-1:] in _SUFFIX:
        return round(float(text[:-1]) * _SUFFIX[text[-1]])  # 1.4m: no float truncation
    return int(text)


def label_of(episodes: int) -> str:
    """1_000_000 -> '1m', 1_400_000 -> '1.4m' (not '1400k'), 300_000 -> '300k'."""
    if episodes >= 1_000_000 and episodes % 100_000 == 0:
        return f"{episodes / 1_000_000:g}m"
    if episodes % 1_000 == 0:
        return f"{episodes // 1_000}k"
    return str(episodes)


def folder(label: str, root: Path = DATA) -> Path:
    return Path(root) / label


def key(episodes: int, fmt: str) -> dict:
    return {
        "episodes": episodes,
        "seed": SEED,
        "as_of": AS_OF.isoformat(),
        "generator": generator.GENERATOR_VERSION,
        "format": fmt,
    }


def dataset(
    episodes: int, fmt: str, *, root: Path = DATA, progress: bool = False
) -> tuple[Path, bool]:
    """The folder of a generated dataset (generated now unless cached) and whether it was."""
    out = folder(label_of(episodes), root) / fmt
    stamp = out / "benchmark-key.json"
    wanted = key(episodes, fmt)
    done = (out / "truth.json").exists() and stamp.exists()
    if done and json.loads(stamp.read_text()) == wanted:
        return out, True
    shutil.rmtree(out, ignore_errors=True)
    generator.generate(out, episodes=episodes, seed=SEED, as_of=AS_OF, fmt=fmt, progress=progress)
    stamp.write_text(json.dumps(wanted) + "\n")
    return out, False


def rows(path: Path) -> dict[str, int]:
    """Rows per input table, from the generator's truth.json."""
    return json.loads((path / "truth.json").read_text())["rows"]


def files(path: Path) -> dict[str, Path]:
    truth = json.loads((path / "truth.json").read_text())
    return {name: path / file for name, file in truth["files"].items()}


if __name__ == "__main__":  # python -m benchmarks.data 10k csv
    import sys

    where, cached = dataset(parse_size(sys.argv[1]), sys.argv[2], progress=True)
    print(where, "cached" if cached else "generated")
