"""The classroom app's pictures: hand-drawn SVG and HTML, each a pure function of a Story or a summary.

The alliance network (:func:`network_svg`), the timeline of both rungs (:func:`timeline_svg`), the
escalation-ladder gauges (:func:`gauge_html`), a line of state variables (:func:`state_html`), the
event log (:func:`log_html`) and the odds table (:func:`odds_html`). Each returns a string of
markup with every value escaped; none reads or changes anything but its arguments.
"""

from __future__ import annotations

import html
import math
from typing import Any

import numpy as np

from sim.views.layout import X_EXTENT, Y_EXTENT, network_layout
from sim.views.story import Story
from sim.vocab.ladder import (
    ACT_BACK,
    ACT_FACILITATE,
    ACT_MEDIATE,
    ACT_NONE,
    ACT_PRESS_0,
    ACT_PRESS_1,
    ACT_RESTRAINT,
    RUNG_COLOURS,
    RUNG_INK,
    RUNG_SHORT,
    RUNGS,
)
from sim.vocab.outcomes import HEADLINE, Outcome
from sim.vocab.palette import (
    ACTION_COLOURS,
    AFFINITY_STOPS,
    BELLIGERENT_COLOURS,
    THIRD_PARTY_COLOUR,
    affinity_colour,
)

#: What a third party does today, in a few words under its node (``{first}``, ``{second}``,
#: ``{ally}`` are belligerents' names).
ACTION_SHORT = {ACT_NONE: "", ACT_RESTRAINT: "calls for restraint", ACT_PRESS_0: "presses {first}",
                ACT_PRESS_1: "presses {second}", ACT_FACILITATE: "carries messages", ACT_MEDIATE: "offers mediation",
                ACT_BACK: "backs {ally}"}

#: Room around the network's layout box, in pixels: third parties' names and actions stand
#: above the top row and below the bottom row.
NET_MARGIN_X, NET_MARGIN_TOP, NET_MARGIN_BOTTOM = 70, 58, 52

#: Units the odds table shows as percentages.
PERCENT_UNITS = ("probability", "share")


def _action_colour(act: int) -> str:
    return ACTION_COLOURS[act] if 0 <= act < len(ACTION_COLOURS) else ACTION_COLOURS[ACT_NONE]


def _t(x: float, y: float, text: str, size: float = 11, anchor: str = "middle", weight: str = "normal",
       fill: str = "#263238", cls: str = "") -> str:
    c = f' class="{cls}"' if cls else ""
    return (f'<text x="{x:.1f}" y="{y:.1f}" font-size="{size}" text-anchor="{anchor}" font-weight="{weight}" '
            f'fill="{fill}"{c}>{html.escape(text)}</text>')


def network_svg(story: Story, width: int = 640, height: int = 440) -> str:
    """The alliance network as SVG: India and Pakistan (or the scenario's pair) filled by their
    current rung and ringed in their own colour, third parties filled by today's action, ties
    coloured by their current affinity; nodes where :func:`~sim.views.layout.network_layout`
    puts them.

    Args:
        story: The story, drawn as of its last day.
        width: The picture's width in pixels.
        height: Its height, the legend's 70 pixels included.
    """
    sc = story.model.inputs.scenario
    now = story.history[-1]
    prev = story.history[-2] if len(story.history) > 1 else now
    aff = story.affinity()
    pos = network_layout(sc)
    plot_h = height - 70

    def px(p: tuple[float, float]) -> tuple[float, float]:  # the layout's box, scaled into the margins
        x = NET_MARGIN_X + (p[0] + X_EXTENT) / (2 * X_EXTENT) * (width - 2 * NET_MARGIN_X)
        y = NET_MARGIN_TOP + (Y_EXTENT - p[1]) / (2 * Y_EXTENT) * (plot_h - NET_MARGIN_TOP - NET_MARGIN_BOTTOM)
        return x, y

    out = [f'<svg class="network" viewBox="0 0 {width} {height}" width="100%" '
           f'style="max-width:{width}px" xmlns="http://www.w3.org/2000/svg" font-family="Roboto, sans-serif">']
    bel = set(sc.belligerent_ids)
    seen: set[frozenset[str]] = set()
    for u, v, data in sc.graph(affinity=aff).edges(data=True):
        pair = frozenset((u, v))
        a = float(data.get("affinity", 0.0))
        if pair in seen or a == 0.0:
            continue
        seen.add(pair)
        (x1, y1), (x2, y2) = px(pos[u]), px(pos[v])
        opacity = 0.95 if pair & bel else 0.35
        out.append(f'<line class="tie" x1="{x1:.1f}" y1="{y1:.1f}" x2="{x2:.1f}" y2="{y2:.1f}" stroke="{affinity_colour(a)}" '
                   f'stroke-width="{1 + 5 * abs(a):.1f}" stroke-linecap="round" opacity="{opacity}">'
                   f'<title>{html.escape(f"{u}–{v}: affinity {a:+.2f}")}</title></line>')
    names = story.names
    first, second = (names[b] for b in sc.belligerent_ids)
    for b, actor in enumerate(sc.belligerent_ids):
        x, y = px(pos[actor])
        rung = now.rung[b]
        # Filled by its rung, ringed in its own colour (its line on the timeline).
        out.append(f'<circle class="node" data-actor="{actor}" cx="{x:.1f}" cy="{y:.1f}" r="38" '
                   f'fill="{RUNG_COLOURS[rung]}" '
                   f'stroke="{BELLIGERENT_COLOURS[b]}" stroke-width="4">'
                   f'<title>{html.escape(names[actor])}: rung {rung}</title></circle>')
        ink = RUNG_INK[rung]
        out.append(_t(x, y - 2, names[actor], 13 if len(names[actor]) <= 8 else 11, weight="700", fill=ink))
        out.append(_t(x, y + 15, f"rung {rung}", 11, fill=ink))
    for k, actor in enumerate(sc.third_party_ids):
        x, y = px(pos[actor])
        act = now.tp_action[k]
        ally = names[sc.belligerent_ids[int(np.argmax(prev.aff[k]))]]
        label = ACTION_SHORT.get(act, "").format(first=first, second=second, ally=ally)
        out.append(f'<circle class="node" data-actor="{actor}" cx="{x:.1f}" cy="{y:.1f}" r="20" '
                   f'fill="{_action_colour(act)}" '
                   f'stroke="{THIRD_PARTY_COLOUR}" stroke-width="{2 if act else 1}" '
                   f'stroke-opacity="{1 if act else 0.5}"/>')
        out.append(_t(x, y + 4, actor, 10, weight="700"))
        below = y > plot_h / 2
        ny = y + 33 if below else (y - 40 if label else y - 27)
        out.append(_t(x, ny, names[actor], 10.5, fill="#263238" if act else THIRD_PARTY_COLOUR))
        if label:
            out.append(_t(x, ny + 13, label, 10.5, weight="600"))
    # Legend: rungs, then the affinity scale.
    y0 = plot_h + 14
    out.append(_t(8, y0, f"{first} and {second}: current rung", 10.5, anchor="start", weight="600"))
    for k, short in enumerate(RUNG_SHORT):
        x = 8 + (k % 3) * 150
        y = y0 + 10 + (k // 3) * 18
        out.append(f'<rect x="{x}" y="{y}" width="12" height="12" fill="{RUNG_COLOURS[k]}" stroke="#bdbdbd" '
                   f'stroke-width="0.5"/>')
        out.append(_t(x + 16, y + 10, short, 10, anchor="start"))
    gx = width - 178
    out.append(_t(gx, y0, "ties: affinity, hostile to friendly", 10.5, anchor="start", weight="600"))
    stops = "".join(f'<stop offset="{(a + 1) / 2:.2f}" stop-color="{c}"/>' for a, c in AFFINITY_STOPS)
    out.append(f'<defs><linearGradient id="affgrad">{stops}</linearGradient></defs>'
               f'<rect x="{gx}" y="{y0 + 10}" width="170" height="10" fill="url(#affgrad)"/>')
    for a in (-1, 0, 1):
        out.append(_t(gx + (a + 1) / 2 * 170, y0 + 34, f"{a:+d}" if a else "0", 10))
    out.append("</svg>")
    return "".join(out)


def _ticks(right: int) -> list[int]:
    step = next(s for s in (1, 2, 5, 10, 20, 50, 100, 200, 500, 1000) if right / s <= 12)
    return list(range(0, right + 1, step))


def timeline_svg(story: Story, width: int = 640, height: int = 230) -> str:
    """Both rungs day by day as SVG (a step line each), ceasefire days shaded, attack days marked.

    Args:
        story: The story so far.
        width: The picture's width in pixels.
        height: Its height in pixels.
    """
    tl = story.timeline()
    days = tl["day"]
    horizon = story.model.days
    right = min(horizon, max(20, int(days[-1] * 1.15) + 2))
    left, top, bottom, rpad = 132, 26, 28, 10
    w, h = width - left - rpad, height - top - bottom

    def X(d: float) -> float:
        return left + d / right * w

    def Y(r: float) -> float:
        return top + (5.4 - r) / 5.8 * h

    out = [f'<svg class="timeline" viewBox="0 0 {width} {height}" width="100%" style="max-width:{width}px" '
           f'xmlns="http://www.w3.org/2000/svg" font-family="Roboto, sans-serif">']
    for d, on in zip(days, tl["ceasefire_in_force"]):
        if on:
            out.append(f'<rect x="{X(d):.1f}" y="{top}" width="{max(X(d + 1) - X(d), 0.5):.2f}" height="{h}" '
                       f'fill="#bbdefb"/>')
    for r, short in enumerate(RUNG_SHORT):
        out.append(f'<line x1="{left}" x2="{left + w}" y1="{Y(r):.1f}" y2="{Y(r):.1f}" stroke="#eeeeee"/>')
        out.append(_t(left - 6, Y(r) + 4, short, 10, anchor="end", fill="#455a64"))
    for d in _ticks(right):
        out.append(f'<line x1="{X(d):.1f}" x2="{X(d):.1f}" y1="{top + h}" y2="{top + h + 4}" stroke="#90a4ae"/>')
        out.append(_t(X(d), top + h + 15, str(d), 10, fill="#455a64"))
    out.append(_t(left + w, height - 2, "day", 10, anchor="end", fill="#455a64"))
    out.append(f'<rect x="{left}" y="{top}" width="{w}" height="{h}" fill="none" stroke="#90a4ae"/>')
    for b, actor in enumerate(story.belligerent_ids):
        rungs = tl[actor]
        off = 0.06 if b == 0 else -0.06
        path = [f"M{X(days[0]):.1f},{Y(rungs[0] + off):.1f}"]
        for d, r in zip(days[1:], rungs[1:]):
            path.append(f"H{X(d):.1f}V{Y(r + off):.1f}")
        path.append(f"H{X(days[-1] + 1):.1f}")
        out.append(f'<path d="{"".join(path)}" fill="none" stroke="{BELLIGERENT_COLOURS[b]}" stroke-width="2.5"/>')
    for d, hit in zip(days, tl["attack"]):
        if hit:
            x = X(d + 0.5)
            out.append(f'<path d="M{x - 5:.1f},{top + 2} L{x + 5:.1f},{top + 2} L{x:.1f},{top + 10} Z" '
                       f'fill="#b71c1c"/>')
    x = left
    for colour, label, kind in [*((BELLIGERENT_COLOURS[b], story.name(a, in_sentence=False), "line")
                                  for b, a in enumerate(story.belligerent_ids)),
                                ("#bbdefb", "ceasefire in force", "box"), ("#b71c1c", "militant attack", "tri")]:
        if kind == "line":
            out.append(f'<line x1="{x}" x2="{x + 18}" y1="12" y2="12" stroke="{colour}" stroke-width="3"/>')
        elif kind == "box":
            out.append(f'<rect x="{x}" y="6" width="18" height="12" fill="{colour}"/>')
        else:
            out.append(f'<path d="M{x + 4},7 L{x + 14},7 L{x + 9},16 Z" fill="{colour}"/>')
        out.append(_t(x + 23, 16, label, 10.5, anchor="start"))
        x += 23 + 7 * len(label) + 18
    out.append("</svg>")
    return "".join(out)


def gauge_html(story: Story, compact: bool = False) -> str:
    """The escalation-ladder gauge as HTML: one ladder per belligerent, the current rung lit.

    Args:
        story: The story, shown as of its last day.
        compact: Smaller rows (teacher mode's two columns).
    """
    cols = []
    top = story.model.top_rung
    for g in story.gauge():
        rows = []
        for k in reversed(range(len(RUNGS))):
            here = k == g["rung"]
            style = (f"background:{RUNG_COLOURS[k]};color:{RUNG_INK[k]};font-weight:600" if here
                     else "background:#f5f5f5;color:#9e9e9e" if k > top else "background:#eceff1;color:#455a64")
            note = " ◀" if here else (" · highest so far" if k == g["highest"] and k > g["rung"] else "")
            rows.append(f'<div style="padding:{1 if compact else 3}px 8px;margin:2px 0;border-radius:4px;'
                        f'font-size:{11 if compact else 13}px;{style}">{k} · {html.escape(RUNGS[k])}{note}</div>')
        name = html.escape(g["name"])
        cols.append(f'<div style="flex:1;min-width:150px;padding:0 6px">'
                    f'<div class="gauge-label" style="font-weight:700;font-size:14px;margin-bottom:2px">'
                    f'{name}: rung {g["rung"]} ({html.escape(g["rung_name"])})</div>{"".join(rows)}</div>')
    return f'<div style="display:flex;gap:8px">{"".join(cols)}</div>'


def state_html(story: Story) -> str:
    """A few of each side's state variables, for the curious."""
    now = story.history[-1]
    cells = []
    for b, actor in enumerate(story.belligerent_ids):
        cells.append(f"<b>{html.escape(story.name(actor, in_sentence=False))}</b>: grievance {now.grievance[b]:.1f}, "
                     f"pressure {now.pressure[b]:.2f}, backing {now.backing[b]:.2f}, "
                     f"deaths {now.casualties[b]:,.0f}")
    cf = {"none": "no ceasefire", "agreed": "ceasefire agreed", "holding": "ceasefire holding",
          "broken": "ceasefire broken"}[story.ceasefire_state()]
    return (f'<div style="font-size:12px;color:#455a64">{" · ".join(cells)} · {cf}'
            f'{f" · militant attacks since day 0: {now.attacks}" if now.attacks else ""}</div>')


EVENT_STYLE = {"rung": "font-weight:600", "ceasefire": "color:#1565c0;font-weight:600",
               "ceasefire_broken": "color:#b71c1c;font-weight:600", "attack": "color:#b71c1c;font-weight:600",
               "end": "font-weight:700", "trigger": "font-weight:700", "crisis_over": "color:#2e7d32;font-weight:600",
               "ceasefire_holding": "color:#1565c0", "misperception": "color:#6a1b9a", "loc": "color:#78909c",
               "third_party": "color:#37474f"}


def log_html(story: Story, show_loc: bool, height: int = 300) -> str:
    """The event log as HTML: the newest day first, each day's events in the order they happened.

    Args:
        story: The story so far.
        show_loc: Include the LoC firing incidents.
        height: The log's height in pixels (it scrolls).
    """
    lines = []
    days: dict[int, list] = {}
    for e in story.events:
        days.setdefault(e.day, []).append(e)
    for e in (e for d in sorted(days, reverse=True) for e in days[d]):  # newest day first, each day in order
        if e.kind == "loc" and not show_loc:
            continue
        lines.append(f'<div class="event event-{e.kind}" style="{EVENT_STYLE.get(e.kind, "")};padding:1px 0">'
                     f'{html.escape(e.line)}</div>')
    return (f'<div class="event-log" style="max-height:{height}px;overflow-y:auto;font-size:13px;'
            f'line-height:1.45">{"".join(lines)}</div>')


def _fmt(o: Outcome, entry: dict[str, Any]) -> str:
    """A summary entry as ``estimate [low, high]``: probabilities and shares as percentages, the
    rest with the decimals of the outcome's unit (the catalogue's :mod:`sim.vocab.outcomes`)."""
    est, lo, hi = entry.get("estimate"), entry.get("ci_low"), entry.get("ci_high")
    if est is None or (isinstance(est, float) and math.isnan(est)):
        return "—"
    fmt = (lambda v: f"{v:.1%}") if o.unit in PERCENT_UNITS else (lambda v: f"{v:,.{o.digits}f}")
    cred = o.format_credible(entry, fmt)
    more = f"<br><span style='color:#607d8b'>90% over parameters {cred}</span>" if cred else ""
    return f"{fmt(est)} {o.format_interval(lo, hi, fmt)}{more}"


def odds_html(results: list[tuple[str, dict[str, Any]]]) -> str:
    """The headline outcomes with 95% Monte Carlo intervals (and, for a run over the posterior of the
    parameters, 90% intervals over the parameter draws beneath) as an HTML table, one column per policy.

    Args:
        results: ``(column title, odds)`` pairs, the odds as :func:`sim.views.app.levers.odds`
            returns them.
    """
    head = "".join(f"<th style='text-align:left;padding:2px 8px'>{html.escape(t)}</th>" for t, _ in results)
    rows = []
    for o in HEADLINE:
        key, label = o.key, o.label
        cells = [r["summary"].get(key) for _, r in results]
        if all(c is None for c in cells):
            continue
        tds = "".join(f"<td style='padding:2px 8px;white-space:nowrap'>{_fmt(o, c) if c else '—'}</td>"
                      for c in cells)
        rows.append(f"<tr><td style='padding:2px 8px'>{html.escape(label)}</td>{tds}</tr>")
    n = results[0][1]["replicates"]
    secs = sum(r["seconds"] for _, r in results)
    cred = any(c is not None and c.get("cred_low") is not None for _, r in results for c in r["summary"].values()
               if isinstance(c, dict))
    what = "95% Monte Carlo interval; beneath, 90% over parameter draws" if cred else "95% interval"
    note = (" Replicate r uses posterior draw r mod D, so the story (replicate 0) is posterior draw 0; the "
            "interval over parameters has the Monte Carlo noise of each draw taken out." if cred else "")
    return (f"<table class='odds' style='font-size:13px;border-collapse:collapse'><tr><th style='text-align:left;"
            f"padding:2px 8px'>outcome ({n:,} replicates, {what})</th>{head}</tr>{''.join(rows)}</table>"
            f"<div style='font-size:12px;color:#607d8b'>Replicate 0 of each run is the story stepped on this page "
            f"(same seed).{note} Computed in {secs:.1f} s.</div>")

