"""Agreement between the two encodings of the record, and how far the forecasts move between them.

    python experiments/encoding_agreement.py                   # 4,000 replicates a preset and encoding
    python experiments/encoding_agreement.py --replicates 1000

The first encoding is the presets themselves (scenarios/<name>/, extracted by
sim.inputs.scenario.coding.extract_coding); the second is scenarios/codings/second_coder.csv, made
by a coder who saw only the sources and docs/coding_rules.md. Agreement is Krippendorff's alpha per
kind of code (ordinal alpha on the ordinal levels, nominal alpha on nominal and binary codes,
interval alpha on log1p of the trigger's deaths). Each preset is then run twice under the same
posterior and seed, once as encoded and once with every coded input set to the second coder's
value, and the forecasts are set side by side.

Writes results/validation/agreement.json and disagreements.csv (read by experiments/validate.py
into docs/validation.md).
"""

from __future__ import annotations

import argparse
import csv
import json
import math
import shutil
import sys
import tempfile
import time
from collections import defaultdict
from pathlib import Path

import numpy as np
import yaml

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from sim.inputs.compose import compose_config  # noqa: E402
from sim.inputs.scenario import load_scenario  # noqa: E402
from sim.inputs.scenario.coding import extract_coding, input_family, read_coding  # noqa: E402
from sim.inputs.scenario.keys import CODING_LEVELS  # noqa: E402
from sim.runs.ensemble import run_ensemble  # noqa: E402
from sim.stats.agreement import krippendorff_alpha  # noqa: E402
from sim.inputs.errors import run_script  # noqa: E402

SECOND = ROOT / "scenarios" / "codings" / "second_coder.csv"
OUT = ROOT / "results" / "validation"
ALPHA_LEVEL = {"ordinal": "ordinal", "nominal": "nominal", "binary": "nominal", "interval": "interval"}


def comparable(family: str, code: object) -> object:
    """A code as agreement compares it: log1p of a count for the interval family, else as coded."""
    if CODING_LEVELS[family][0] == "interval":
        return math.log1p(float(code))
    return code


def parse_code(family: str, text: str) -> object:
    kind, levels = CODING_LEVELS[family]
    if kind == "interval":
        return float(text)
    if levels and isinstance(next(iter(levels)), bool):
        return text == "true"
    if levels and isinstance(next(iter(levels)), int):
        return int(float(text))
    return text


def variant_folder(preset: str, changes: dict[str, tuple[object, str, str]], root: Path) -> Path:
    """A copy of the preset's folder with each coded input set to the second coder's value
    (``{input: (value, known, source)}``)."""
    src = load_scenario(preset).path
    dst = root / preset
    shutil.copytree(src, dst)
    meta_path = dst / "scenario.yaml"
    meta = yaml.safe_load(meta_path.read_text())
    actors = list(csv.DictReader((dst / "actors.csv").open(newline="", encoding="utf-8")))
    edges = list(csv.DictReader((dst / "edges.csv").open(newline="", encoding="utf-8")))
    for name, (value, known, source) in changes.items():
        entry = {"value": value, "known": known, "source": f"second coder: {source}"}
        head, _, tail = name.partition(".")
        if head == "trigger":
            meta["trigger"][tail] = entry
        elif head == "conditions":
            meta["conditions"][tail] = entry
        elif name == "nuclear":
            meta["nuclear"] = entry
        elif head in ("affinity", "leverage_security"):
            a, b = tail.split("-")
            for row in edges:
                if (row["from"], row["to"], row["attribute"]) == (a, b, head):
                    row.update(value=_text(value), known=known, source=entry["source"])
        else:
            for row in actors:
                if (row["actor"], row["key"]) == (head, tail):
                    row.update(value=_text(value), known=known, source=entry["source"])
    meta_path.write_text(yaml.safe_dump(meta, sort_keys=False, allow_unicode=True))
    for fname, rows in (("actors.csv", actors), ("edges.csv", edges)):
        with (dst / fname).open("w", newline="", encoding="utf-8") as fh:
            writer = csv.DictWriter(fh, fieldnames=list(rows[0]), lineterminator="\n")
            writer.writeheader()
            writer.writerows(rows)
    return dst


def _text(v: object) -> str:
    if isinstance(v, bool):
        return "1" if v else "0"
    return f"{v:g}" if isinstance(v, float) else str(v)


def run_forecast(overrides: list[str], replicates: int, seed: int) -> dict[str, float]:
    cfg = compose_config([*overrides, f"run.replicates={replicates}", f"run.seed={seed}", "run.days=180",
                          "run.progress=false", "run.figures=false"])
    o = run_ensemble(cfg, progress=False).outcomes
    return {"p_strikes": float(o["strikes"].mean()), "p_war": float(o["war"].mean()),
            "median": float(np.median(o["crisis_days"]))}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--replicates", type=int, default=4000, help="replicates a preset and encoding (default 4000)")
    parser.add_argument("--seed", type=int, default=2026, help="seed of both runs (default 2026)")
    args = parser.parse_args()
    if args.replicates < 100:
        parser.error("--replicates must be >= 100")
    t0 = time.perf_counter()
    first = {(r["preset"], r["input"]): r for r in extract_coding()}
    second = {(c.preset, c.input): c for c in read_coding(SECOND)}
    by_family: dict[str, list[tuple[object, object]]] = defaultdict(list)
    differing: dict[str, list[str]] = defaultdict(list)
    disagreements = []
    only_one = 0
    for key in sorted(set(first) | set(second)):
        preset, name = key
        if key not in first or key not in second:
            only_one += 1
            continue
        family = input_family(load_scenario(preset), name)
        a = parse_code(family, first[key]["code"])
        b = second[key].code
        by_family[family].append((comparable(family, a), comparable(family, b)))
        if a != b:
            differing[preset].append(name)
            disagreements.append({"preset": preset, "input": name, "first": first[key]["code"], "second": b,
                                  "first_source": first[key]["source"], "second_source": second[key].source})
    alphas = []
    for family, pairs in sorted(by_family.items()):
        level = ALPHA_LEVEL[CODING_LEVELS[family][0]]
        agree = float(np.mean([a == b for a, b in pairs]))
        alpha = krippendorff_alpha(pairs, level)
        alphas.append({"family": family, "level": level, "units": len(pairs), "exact_agreement": agree,
                       "alpha": None if math.isnan(alpha) else alpha})
        print(f"{family:38s} {level:9s} units {len(pairs):4d}  agreement {agree:.2f}  alpha "
              f"{'—' if math.isnan(alpha) else f'{alpha:.3f}'}")
    units = sum(len(p) for p in by_family.values())
    exact = sum(a == b for p in by_family.values() for a, b in p) / units
    print(f"{units} units coded by both ({only_one} by one coder only); exact agreement {exact:.2f}")
    forecasts = []
    presets = sorted({p for p, _ in first}, key=lambda n: str(load_scenario(n).trigger["date"]))
    with tempfile.TemporaryDirectory() as tmp:
        for preset in presets:
            changes = {name: (second[(preset, name)].value, second[(preset, name)].known, second[(preset, name)].source)
                       for name in differing.get(preset, [])}
            a = run_forecast([f"scenario={preset}"], args.replicates, args.seed)
            if changes:
                folder = variant_folder(preset, changes, Path(tmp))
                b = run_forecast([f"scenario.dir={folder}", f"scenario.name={preset}"], args.replicates, args.seed)
            else:
                b = a
            forecasts.append({"crisis": preset, "p_strikes_first": a["p_strikes"], "p_strikes_second": b["p_strikes"],
                              "p_war_first": a["p_war"], "p_war_second": b["p_war"], "median_first": a["median"],
                              "median_second": b["median"], "differing": len(changes)})
            print(f"{preset:20s} P(strikes) {a['p_strikes']:.3f} / {b['p_strikes']:.3f}   P(war) {a['p_war']:.3f} / "
                  f"{b['p_war']:.3f}   median {a['median']:.0f} / {b['median']:.0f} days   ({len(changes)} codes differ)",
                  flush=True)
    moves = np.array([abs(f["p_strikes_second"] - f["p_strikes_first"]) for f in forecasts])
    OUT.mkdir(parents=True, exist_ok=True)
    result = {"alpha": alphas, "units": units, "units_one_coder_only": only_one, "exact_agreement": exact,
              "forecasts": forecasts, "mean_abs_move_p_strikes": float(moves.mean()),
              "max_abs_move_p_strikes": float(moves.max()), "replicates": args.replicates, "seed": args.seed,
              "seconds": round(time.perf_counter() - t0, 1)}
    (OUT / "agreement.json").write_text(json.dumps(result, indent=2) + "\n")
    with (OUT / "disagreements.csv").open("w", newline="", encoding="utf-8") as fh:
        writer = csv.DictWriter(fh, fieldnames=list(disagreements[0]) if disagreements else ["preset"],
                                lineterminator="\n")
        writer.writeheader()
        writer.writerows(disagreements)
    print(f"P(strikes) moves by {moves.mean():.3f} on average between the encodings (largest {moves.max():.3f}); "
          f"wrote {OUT.relative_to(ROOT)}/agreement.json and disagreements.csv ({time.perf_counter() - t0:.0f} s)")


if __name__ == "__main__":
    run_script(main, "encoding_agreement.py")
