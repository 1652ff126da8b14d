"""The report of a run (or of a comparison): ``report.md`` and a self-contained ``report.html``.

One document, written twice: Markdown (figures linked from ``figures/``) and HTML (figures
embedded, so a student can open, mail or move that one file). It holds the summary table with
95% intervals, the calibration checks, what was observed in a historical scenario, the figures
with captions, notes on figures that could not be drawn, the config and the provenance from
``metadata.json``.
"""

from __future__ import annotations

import base64
import html
import json
from pathlib import Path
from typing import Any, Mapping, Sequence

import yaml

from sim.runs.reader import RunData
from sim.stats.targets import calibration_checks
from sim.views.figures.outcomes import differences
from sim.views.style import FigureRecord
from sim.vocab.outcomes import (
    DAY_MEDIANS,
    HEADLINE,
    PROBABILITIES,
    UNBOUNDED,
    filled,
    outcome,
)

# A document is a list of blocks: ("h", level, text) | ("p", text) | ("table", header, rows)
# | ("figure", record) | ("code", lang, text) | ("list", items).
Block = tuple


def _fmt(key: str, value: Any) -> str:
    """A value of an outcome as the report shows it (the catalogue's format for its unit)."""
    return outcome(key).format(value)


def _label(key: str) -> str:
    return outcome(key).label


def _row(key: str, entry: Mapping[str, Any] | None, label: str | None = None, cred: bool = False) -> list[str]:
    label = label or _label(key)
    if not entry:
        return [label, "—", "", *([""] if cred else []), "0"]
    ci = "" if entry.get("estimate") is None else outcome(key).format_interval(entry.get("ci_low"), entry.get("ci_high"))
    more = [outcome(key).format_credible(entry) or "—"] if cred else []
    return [label, _fmt(key, entry.get("estimate")), ci, *more, f"{int(entry.get('n', 0)):,}"]


def has_credible(summary: Mapping[str, Any]) -> bool:
    """Whether a summary has intervals over parameter draws (a run with ``run.parameters=posterior``)."""
    return any(isinstance(e, Mapping) and e.get("cred_low") is not None for e in summary.values())


def _draws(summary: Mapping[str, Any]) -> int:
    return max((int(e.get("draws") or 0) for e in summary.values() if isinstance(e, Mapping)), default=0)


def summary_blocks(run: RunData) -> list[Block]:
    """The summary tables of one run: headline outcomes, ceasefire brokers, third parties."""
    s = run.summary
    cred = has_credible(s)
    ci = "95% MC" if cred else "95% CI"
    head = ["outcome", "estimate", ci, *(["90% over parameters"] if cred else []), "n"]
    blocks: list[Block] = [("h", 2, "Outcomes (95% Monte Carlo intervals; 90% over parameters)" if cred
                            else "Outcomes (95% intervals)")]
    blocks.append(("table", head, [_row(o.key, s[o.key], o.label, cred) for o in HEADLINE if o.key in s]))
    if cred:
        blocks.append(("p", f"95% MC: the Monte Carlo interval (chance across replicates). 90% over parameters: "
                            f"the spread of the outcome over {_draws(s)} draws of the parameters' posterior "
                            f"(the ABC fit), with the Monte Carlo noise of each draw's estimate taken out "
                            f"(ODD §8.2)."))
    brokers = filled("share_brokered_{broker}", s)
    if brokers:
        n = s[f"share_brokered_{brokers[0]}"]["n"]
        blocks += [("h", 3, f"Who brokered the ceasefire (among {n:,} ceasefires)"),
                   ("table", ["channel", "share", ci, *(["90% over parameters"] if cred else []), "n"],
                    [_row(f"share_brokered_{b}", s[f"share_brokered_{b}"], b, cred) for b in brokers])]
    tps = run.third_parties
    bels = run.belligerents
    if tps:
        rows = []
        for tp in tps:
            e = s.get(f"p_engaged_{tp}")
            row = [tp, _fmt(f"p_engaged_{tp}", e["estimate"]) if e else "—"]
            for b in bels:
                a = s.get(f"mean_affinity_change_{tp}_{b}")
                row.append("—" if not a or a["estimate"] is None else
                           f"{a['estimate']:+.3f} [{a['ci_low']:+.3f}, {a['ci_high']:+.3f}]")
            rows.append(row)
        blocks += [("h", 3, "Third parties"),
                   ("table", ["third party", "P(engaged)", *[f"affinity change with {b}" for b in bels]], rows)]
    return blocks


def _calibration_blocks(run: RunData) -> list[Block]:
    nuclear = run.scenario is None or run.scenario.nuclear
    if run.cfg.get("run", {}).get("horizon", "crisis") != "crisis" or not nuclear:
        return []  # the targets are those of post-1998 crises between two nuclear powers
    try:
        checks = calibration_checks(run.summary)
    except (KeyError, TypeError, ValueError):
        return []
    return [("h", 3, "Calibration targets (post-1998 crises with both sides nuclear)"),
            ("table", ["target", "met", "this run"], [[t, "yes" if ok else "**no**", d] for t, ok, d in checks])]


def _observed_blocks(run: RunData) -> list[Block]:
    """What happened in a historical scenario, beside what this run simulated."""
    sc = run.scenario
    if sc is None or not sc.observed:
        return []
    s = run.summary
    try:  # the loader keeps observed values, not their sources: read those from the file
        raw = yaml.safe_load((Path(sc.path) / "scenario.yaml").read_text(encoding="utf-8")).get("observed") or {}
    except Exception:  # noqa: BLE001 - sources are a nicety; the table stands without them
        raw = {}
    rows = []
    for key, value in sc.observed.items():
        sim = ""
        if key == "path":
            value = "daily path (drawn on the highest-rung figure)"
        elif key == "highest_rung":
            try:
                k = int(value)
                last = run.daily.iloc[-1]
                eq = float(last[f"share_highest_rung{k}"])
                ge = float(sum(last[f"share_highest_rung{j}"] for j in range(k, 6)))
                sim = f"share of replicates reaching exactly rung {k}: {eq:.3f}; rung {k} or higher: {ge:.3f}"
            except (KeyError, TypeError, ValueError):
                sim = ""
        else:
            sim_key = {"days_to_ceasefire": "median_days_to_ceasefire",
                       "duration_days": "median_duration_days"}.get(key)
            if key == "broker":
                sim_key = f"share_brokered_{value}"
            e = s.get(sim_key) if sim_key else None
            if e and e.get("estimate") is not None:
                sim = (f"{_label(sim_key)}: {_fmt(sim_key, e['estimate'])} "
                       f"{outcome(sim_key).format_interval(e['ci_low'], e['ci_high'])}")
        src = raw.get(key, {}).get("source", "") if isinstance(raw.get(key), dict) else ""
        rows.append([key, str(value), sim, str(src)])
    return [("h", 3, f"What happened ({sc.title})"),
            ("table", ["observed", "value", "simulated (this run)", "source"], rows)]


def _provenance_blocks(meta: Mapping[str, Any] | None) -> list[Block]:
    if not meta:
        return [("h", 2, "Provenance"), ("p", "No metadata.json was given for this run.")]
    git = meta.get("git") or {}
    commit = git.get("commit") or "unknown"
    rows = [
        ["package", f"diplosim {(meta.get('versions') or {}).get('diplosim', '?')}"],
        ["git commit", f"{commit}" + (" (with uncommitted changes)" if git.get("dirty") else "")],
        ["seed", str(meta.get("seed"))],
        ["config hash (SHA-256)", str(meta.get("config_hash"))],
        ["scenario / policy / horizon", f"{meta.get('scenario')} / {meta.get('policy')} / {meta.get('horizon')}"],
        ["replicates (planned / finished)", f"{meta.get('replicates_planned'):,} / {meta.get('replicates_finished'):,}"
         if isinstance(meta.get("replicates_planned"), int) else str(meta.get("replicates_planned"))],
        ["days", str(meta.get("days"))],
        ["executor / workers / block size", f"{meta.get('executor')} / {meta.get('workers')} / {meta.get('block_size')}"],
        ["started / finished (UTC)", f"{meta.get('started')} / {meta.get('finished')}"],
        ["command", " ".join(map(str, meta.get("command") or []))],
    ]
    t = meta.get("timings") or {}
    if t:
        rows.append(["timings", ", ".join(f"{k} {v:,.2f}" if isinstance(v, (int, float)) else f"{k} {v}"
                                          for k, v in t.items())])
    plat = meta.get("platform") or {}
    if plat:
        rows.append(["platform", ", ".join(f"{k} {v}" for k, v in plat.items())])
    vers = meta.get("versions") or {}
    rows.append(["versions", ", ".join(f"{k} {v}" for k, v in vers.items() if v)])
    return [("h", 2, "Provenance"), ("table", ["", ""], rows)]


def _config_blocks(cfg: Mapping[str, Any]) -> list[Block]:
    return [("h", 2, "Configuration"),
            ("p", "The composed config of the run (also in config.yaml); any key can be set on the command line, "
                  "e.g. `diplosim policy=hotline_off run.seed=7`."),
            ("code", "yaml", yaml.safe_dump(dict(cfg), sort_keys=False, allow_unicode=True))]


def _figure_blocks(records: Sequence[FigureRecord], notes: Sequence[str]) -> list[Block]:
    blocks: list[Block] = [("h", 2, "Figures")]
    for rec in records:
        blocks += [("h", 3, rec.title), ("figure", rec)]
    if notes:
        blocks += [("h", 3, "Notes"), ("list", list(notes))]
    return blocks


def run_document(run: RunData, records: Sequence[FigureRecord], notes: Sequence[str],
                 metadata: Mapping[str, Any] | None) -> tuple[str, list[Block]]:
    """The blocks of a run's report."""
    meta = metadata or {}
    git = meta.get("git") or {}
    commit = (git.get("commit") or "")[:10]
    when = meta.get("finished")
    intro = (f"{run.replicates:,} replicates × {run.days} days ({run.cfg.get('run', {}).get('horizon', 'crisis')} "
             f"horizon) of scenario **{run.scenario_name}** under policy **{run.policy}**, seed {run.seed}.")
    policy_text = run.cfg.get("policy", {}).get("description")
    if policy_text:
        intro += f" Policy: {policy_text}."
    if when or commit:
        intro += f" Run finished {when or '?'} with diplosim {(meta.get('versions') or {}).get('diplosim', '?')}"
        intro += f" at commit {commit}" + (" (uncommitted changes)" if git.get("dirty") else "") + "." if commit else "."
    blocks: list[Block] = [
        ("p", intro),
        ("p", "Each replicate is one possible course of the crisis from the trigger day. Proportions carry Wilson "
              "intervals, medians distribution-free order-statistic intervals (none below 6 values: "
              f"\"{UNBOUNDED}\"), means normal intervals."),
        *summary_blocks(run), *_calibration_blocks(run), *_observed_blocks(run),
        *_figure_blocks(records, notes), *_config_blocks(run.cfg), *_provenance_blocks(meta),
    ]
    return f"diplosim run: {run.title}", blocks


FILES = {
    "summary.json": "every outcome with its 95% Monte Carlo interval (and, over a posterior, its 90% interval "
                    "over parameter draws)",
    "outcomes.parquet": "one row per replicate",
    "daily.parquet": "one row per day (shares at each rung, ceasefires in force, third-party actions)",
    "metadata.json": "provenance",
    "config.yaml": "the composed config",
    "figures": "each figure as PNG and SVG",
    "report.md": "this report (Markdown)",
    "report.html": "this report in one self-contained page",
}


def _files_blocks(out_dir: Path) -> list[Block]:
    results_dir = (out_dir / "summary.json").exists()  # else figures drawn elsewhere from a run
    items = [f"`{name}{'/' if name == 'figures' else ''}`: {what}" for name, what in FILES.items()
             if name.startswith("report.") or (name == "figures" and (out_dir / name).exists())
             or (name != "figures" and results_dir)]
    return [("h", 2, "Files"), ("list", items)]


def comparison_document(runs: Sequence[RunData], baseline: int, records: Sequence[FigureRecord],
                        notes: Sequence[str]) -> tuple[str, list[Block]]:
    """The blocks of a comparison report: outcomes side by side and differences from the baseline."""
    keys = [o.key for o in (*PROBABILITIES, *DAY_MEDIANS)]
    header = ["outcome", *[r.label for r in runs]]
    rows = []
    for key in keys:
        row = [_label(key)]
        for r in runs:
            e = r.summary.get(key)
            cred = outcome(key).format_credible(e)
            row.append("—" if not e or e.get("estimate") is None else
                       f"{_fmt(key, e['estimate'])} {outcome(key).format_interval(e['ci_low'], e['ci_high'])}"
                       + (f"; 90% over parameters {cred}" if cred else ""))
        rows.append(row)
    runs_rows = [[r.label, r.scenario_name, r.policy, f"{r.replicates:,}", str(r.days), str(r.seed),
                  str(r.path) if r.path else "(in memory)"] for r in runs]
    diff = differences(list(runs), baseline)
    cred = bool(diff["cred_low"].notna().any()) if len(diff) else False
    drows = []
    for _, d in diff.iterrows():
        ratio = f"{1 / d['width_ratio']:.1f}×" if d["paired"] and d["width_ratio"] > 0 else ""
        more = []
        if cred:
            more = ["—" if d["cred_low"] != d["cred_low"] else f"[{100 * d['cred_low']:+.2f}, {100 * d['cred_high']:+.2f}]",
                    "—" if d["sign_agreement"] != d["sign_agreement"] else f"{d['sign_agreement']:.0%}"]
        drows.append([d["label"], _label(d["outcome"]), f"{100 * d['difference']:+.2f}",
                      f"[{100 * d['ci_low']:+.2f}, {100 * d['ci_high']:+.2f}]", "paired" if d["paired"] else "unpaired",
                      ratio, *more])
    base = runs[baseline].label
    blocks: list[Block] = [
        ("p", f"{len(runs)} runs compared; the baseline is **{base}**."),
        ("table", ["label", "scenario", "policy", "replicates", "days", "seed", "results"], runs_rows),
        ("h", 2, "Outcomes (estimate [95% Monte Carlo CI]; 90% over parameter draws)" if any(
            has_credible(r.summary) for r in runs) else "Outcomes (estimate [95% CI])"),
        ("table", header, rows),
        ("h", 2, f"Differences from {base} (percentage points)"),
        ("p", "Paired: the same seed, replicates, block size and design, so replicate i of each run met the same "
              "random draws; the interval is Tango's score interval from the per-replicate differences (the same "
              "as `sim.compare` and `contrasts.csv`). Unpaired: Newcombe's interval from the two summaries. The last "
              "column is how many times narrower the paired interval is than the unpaired one of two independent "
              "runs."
              + (" 90% over parameters: the spread of the paired difference over the posterior's draws, Monte Carlo "
                 "noise taken out; same sign: the share of draws whose difference has the sign of the overall one."
                 if cred else "")),
        ("table", ["policy", "outcome", "difference", "95% MC" if cred else "95% CI", "interval", "narrower by",
                   *(["90% over parameters", "same sign"] if cred else [])], drows),
        *_figure_blocks(records, notes),
    ]
    return f"diplosim comparison: {', '.join(r.label for r in runs)}", blocks


# ----------------------------------------------------------------------------- rendering
def _md_cell(text: str) -> str:
    return str(text).replace("|", "\\|").replace("\n", " ")


def to_markdown(title: str, blocks: Sequence[Block]) -> str:
    out = [f"# {title}", ""]
    for b in blocks:
        kind = b[0]
        if kind == "h":
            out += [f"{'#' * b[1]} {b[2]}", ""]
        elif kind == "p":
            out += [b[1], ""]
        elif kind == "table":
            header, rows = b[1], b[2]
            out.append("| " + " | ".join(_md_cell(h) for h in header) + " |")
            out.append("|" + "|".join("---" for _ in header) + "|")
            out += ["| " + " | ".join(_md_cell(c) for c in row) + " |" for row in rows]
            out.append("")
        elif kind == "figure":
            rec: FigureRecord = b[1]
            png = rec.files.get("png")
            if png is not None:
                out.append(f"![{rec.title}](figures/{png.name})")
                out.append("")
            links = ", ".join(f"[{fmt.upper()}](figures/{p.name})" for fmt, p in rec.files.items())
            out += [f"{rec.caption}" + (f" ({links})" if links else ""), ""]
        elif kind == "code":
            out += [f"```{b[1]}", b[2].rstrip("\n"), "```", ""]
        elif kind == "list":
            out += [f"- {item}" for item in b[1]] + [""]
    return "\n".join(out).rstrip("\n") + "\n"


_CSS = """
body{font-family:system-ui,-apple-system,"Segoe UI",Roboto,sans-serif;max-width:62rem;margin:2rem auto;padding:0 1rem;
color:#111;line-height:1.45}
h1{font-size:1.6rem}h2{border-bottom:1px solid #ccc;padding-bottom:.2rem;margin-top:2rem}
table{border-collapse:collapse;margin:.6rem 0;font-size:.9rem}th,td{border:1px solid #bbb;padding:.25rem .5rem;
text-align:left;vertical-align:top}th{background:#eee}td:nth-child(n+2){font-variant-numeric:tabular-nums}
figure{margin:1rem 0}figure img{max-width:100%;height:auto;border:1px solid #ddd}
figcaption{font-size:.9rem;color:#333}pre{background:#f5f5f5;padding:.6rem;overflow-x:auto;font-size:.8rem}
code{background:#f5f5f5;padding:0 .2rem}
"""


def _inline(text: str) -> str:
    """Escape text and turn Markdown's **bold** and `code` into HTML."""
    import re

    t = html.escape(str(text))
    t = re.sub(r"\*\*(.+?)\*\*", r"<strong>\1</strong>", t)
    return re.sub(r"`(.+?)`", r"<code>\1</code>", t)


def to_html(title: str, blocks: Sequence[Block], base: Path) -> str:
    """A self-contained HTML page: PNG figures embedded as data URIs, SVG linked beside them."""
    out = ["<!DOCTYPE html>", '<html lang="en"><head><meta charset="utf-8">',
           '<meta name="viewport" content="width=device-width, initial-scale=1">',
           f"<title>{html.escape(title)}</title><style>{_CSS}</style></head><body>", f"<h1>{html.escape(title)}</h1>"]
    for b in blocks:
        kind = b[0]
        if kind == "h":
            out.append(f"<h{b[1]}>{_inline(b[2])}</h{b[1]}>")
        elif kind == "p":
            out.append(f"<p>{_inline(b[1])}</p>")
        elif kind == "table":
            header, rows = b[1], b[2]
            head = "" if not any(header) else "<tr>" + "".join(f"<th>{_inline(h)}</th>" for h in header) + "</tr>"
            body = "".join("<tr>" + "".join(f"<td>{_inline(c)}</td>" for c in row) + "</tr>" for row in rows)
            out.append(f"<table>{head}{body}</table>")
        elif kind == "figure":
            rec: FigureRecord = b[1]
            png = rec.files.get("png")
            img = ""
            if png is not None and png.is_file():
                data = base64.b64encode(png.read_bytes()).decode("ascii")
                img = f'<img src="data:image/png;base64,{data}" alt="{html.escape(rec.title)}">'
            links = ", ".join(f'<a href="figures/{html.escape(p.name)}">{fmt.upper()}</a>' for fmt, p in rec.files.items())
            out.append(f"<figure>{img}<figcaption>{_inline(rec.caption)}"
                       + (f" ({links})" if links else "") + "</figcaption></figure>")
        elif kind == "code":
            out.append(f"<pre><code>{html.escape(b[2])}</code></pre>")
        elif kind == "list":
            out.append("<ul>" + "".join(f"<li>{_inline(i)}</li>" for i in b[1]) + "</ul>")
    out.append("</body></html>")
    return "\n".join(out) + "\n"


def _write(out_dir: Path, title: str, blocks: list[Block]) -> dict[str, Path]:
    md, page = out_dir / "report.md", out_dir / "report.html"
    md.write_text(to_markdown(title, blocks), encoding="utf-8")
    page.write_text(to_html(title, blocks, out_dir), encoding="utf-8")
    return {"md": md, "html": page}


def write_run_report(run: RunData, out_dir: Path, records: Sequence[FigureRecord], notes: Sequence[str],
                     metadata: Mapping[str, Any] | None) -> dict[str, Path]:
    """Write ``report.md`` and ``report.html`` of one run into ``out_dir``; returns their paths."""
    if metadata is not None:
        metadata = json.loads(json.dumps(metadata, default=str))
    title, blocks = run_document(run, records, notes, metadata)
    return _write(Path(out_dir), title, blocks + _files_blocks(Path(out_dir)))


def write_comparison_report(runs: Sequence[RunData], baseline: int, out_dir: Path, records: Sequence[FigureRecord],
                            notes: Sequence[str]) -> dict[str, Path]:
    """Write the comparison's ``report.md`` and ``report.html`` into ``out_dir``."""
    title, blocks = comparison_document(runs, baseline, records, notes)
    return _write(Path(out_dir), title, blocks)

