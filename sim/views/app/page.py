"""The classroom app's page: the Solara components, :func:`Page` and the ``diplosim-app`` command.

The page only lays out and wires up: the settings and state come from
:mod:`sim.views.app.levers`, the pictures from :mod:`sim.views.app.drawings`.
"""

from __future__ import annotations

import argparse
import asyncio
import copy
import html
import logging
import os
import secrets
import socket
import sys
import warnings
from typing import Any, Callable

import solara
import solara.lab

from sim.inputs.errors import DiplosimError, one_line
from sim.views.app.drawings import (
    gauge_html,
    log_html,
    network_svg,
    odds_html,
    state_html,
    timeline_svg,
)
from sim.views.app.levers import (
    CBM_LABELS,
    IWT_LABELS,
    ODDS_REPLICATES,
    TP_ROLES,
    Classroom,
    choice_for,
    default_choice,
    odds,
    policy_options,
    policy_state,
    scenario_options,
)
from sim.views.story import Story

log = logging.getLogger("diplosim.app")

#: The module Solara serves (it holds :func:`Page`), by name even when this file runs as ``__main__``.
PAGE_MODULE = "sim.views.app.page"

#: Where ``diplosim-app`` serves: this computer only.
DEFAULT_PORT = 8765

HOST = "127.0.0.1"

#: Play's speeds: seconds between days.
SPEEDS = {"slow (1 day a second)": 1.0, "normal (3 days a second)": 0.33, "fast (10 days a second)": 0.1}


def Heading(text: str) -> None:
    """A section title (plain HTML: Solara's Markdown would fetch KaTeX from a CDN)."""
    solara.HTML(tag="div", unsafe_innerHTML=html.escape(text), style="font-size:17px;font-weight:600;margin:10px 0 4px")


def Line(markup: str, style: str = "") -> None:
    """A line of trusted HTML (every value in it is escaped by the caller)."""
    solara.HTML(tag="div", unsafe_innerHTML=markup, style=style)


def _guard(error: solara.Reactive, fn: Callable[[], Any]) -> bool:
    """Run a button's work; a bad setting or any failure becomes one line on the page."""
    try:
        fn()
    except DiplosimError as exc:
        error.set(one_line(exc))
        return False
    except Exception as exc:  # never a traceback in the page; the server log keeps it
        log.exception("classroom app: unexpected error")
        error.set(f"Something went wrong: {one_line(exc)}")
        return False
    error.set("")
    return True


@solara.component
def Controls(choice: solara.Reactive, classroom: Classroom, error: solara.Reactive, teacher: bool):
    """The sidebar: scenario, policy preset, seed and days, the levers, the third parties.

    Args:
        choice: The page's settings (changed here, applied on Reset).
        classroom: The tab's state (teacher mode's second policy applies at once).
        error: Where a bad setting's one line goes.
        teacher: Show teacher mode's choice of a second policy.
    """
    c = choice.value
    lv = c["levers"]
    names = c["third_party_names"]

    def reload(scenario: str | None = None, policy: str | None = None):
        def work():
            new = choice_for(scenario or c["scenario"], policy or c["policy"], seed=c["seed"])
            new["compare"] = c["compare"] if c["compare"] in policy_options() else new["compare"]
            choice.set(new)
        _guard(error, work)

    def set_lever(path: tuple[str, ...], value: Any):
        new = copy.deepcopy(c)
        node = new["levers"]
        for key in path[:-1]:
            node = node[key]
        node[path[-1]] = value
        choice.set(new)

    def set_field(key: str, value: Any):
        choice.set({**c, key: value})

    with solara.Card("Scenario and seed", margin=0, classes=["mb-2"]):
        solara.Select("Scenario", values=scenario_options(), value=c["scenario"], on_value=lambda v: reload(scenario=v))
        solara.Select("Policy preset", values=policy_options(), value=c["policy"], on_value=lambda v: reload(policy=v))
        with solara.Row(gap="8px"):
            solara.InputText("Seed", value=c["seed"], on_value=lambda v: set_field("seed", v), style="max-width:140px")
            solara.InputText("Days", value=c["days"], on_value=lambda v: set_field("days", v), style="max-width:70px")
        solara.Button("New seed", text=True, icon_name="mdi-dice-5",
                      on_click=lambda: set_field("seed", str(secrets.randbelow(2**31))))
    with solara.Card("Policy levers", margin=0, classes=["mb-2"]):
        solara.Checkbox(label="DGMO hotline", value=lv["hotline"], on_value=lambda v: set_lever(("hotline",), v))
        solara.SliderFloat("Hotline works on this share of days", value=lv["hotline_reliability"], min=0.0, max=1.0,
                           step=0.05, on_value=lambda v: set_lever(("hotline_reliability",), float(v)))
        Line("<b>Confidence-building measures</b>", style="margin-top:8px")
        for key, label in CBM_LABELS.items():
            solara.Checkbox(label=label, value=lv["cbm"][key], on_value=lambda v, key=key: set_lever(("cbm", key), v))
        if "neutral_site_talks" in lv:
            solara.Checkbox(label="Neutral-site talks framework", value=lv["neutral_site_talks"],
                            on_value=lambda v: set_lever(("neutral_site_talks",), v))
        solara.SliderFloat("Trade ties (× today's)", value=lv["trade_ties"], min=0.0, max=3.0, step=0.25,
                           on_value=lambda v: set_lever(("trade_ties",), float(v)))
        by_label = {label: key for key, label in IWT_LABELS.items()}
        solara.Select("Indus Waters Treaty", values=list(by_label),
                      value=IWT_LABELS.get(lv["indus_waters_treaty"], lv["indus_waters_treaty"]),
                      on_value=lambda v: set_lever(("indus_waters_treaty",), by_label[v]))
    with solara.Card("Third parties", margin=0, classes=["mb-2"]):
        tps = list(names)
        Line(html.escape(", ".join(f"{a} {names.get(a, '')}".strip() for a in tps) or "none"),
             style="font-size:12px;color:#607d8b")
        for role, label in TP_ROLES.items():
            if role in lv["third_parties"]:
                solara.SelectMultiple(label, values=[a for a in tps if a in lv["third_parties"][role]], all_values=tps,
                                      on_value=lambda v, role=role: set_lever(("third_parties", role), list(v)),
                                      dense=True)
    if teacher:
        with solara.Card("Teacher mode: compare with", margin=0, classes=["mb-2"]):
            def set_compare(v):
                set_field("compare", v)
                _guard(error, lambda: classroom.set_compare(v))
            solara.Select("Second policy (same seed)", values=policy_options(), value=c["compare"],
                          on_value=set_compare)


@solara.component
def StoryView(story: Story, title: str, day: int, show_loc: bool, compact: bool = False):
    """One story's gauge, state, timeline and log under a title (teacher mode's two columns).

    Args:
        story: The story to show.
        title: Its heading.
        day: The day shown (a dependency, so the view re-renders each day).
        show_loc: Show LoC firing incidents in the log.
        compact: Smaller, for two side by side.
    """
    Heading(title)
    solara.HTML(unsafe_innerHTML=gauge_html(story, compact=compact))
    solara.HTML(unsafe_innerHTML=state_html(story))
    solara.HTML(unsafe_innerHTML=timeline_svg(story, height=200 if compact else 230))
    Line("<b>Events</b> (newest day first)", style="margin-top:6px")
    solara.HTML(unsafe_innerHTML=log_html(story, show_loc, height=220 if compact else 300))


@solara.component
def Page():
    """The classroom page: one per browser tab, with its own :class:`Classroom`."""
    initial = solara.use_memo(default_choice, [])
    choice = solara.use_reactive(initial)
    # One Classroom per browser tab (per Solara kernel): never shared between students.
    classroom = solara.use_memo(lambda: Classroom(initial), [])
    tick = solara.use_reactive(0)
    error = solara.use_reactive("")
    playing = solara.use_reactive(False)
    speed = solara.use_reactive(list(SPEEDS)[1])
    teacher = solara.use_reactive(False)
    show_loc = solara.use_reactive(False)
    odds_request = solara.use_reactive(0)

    def bump():
        tick.set(tick.value + 1)

    def do_step():
        _guard(error, classroom.step)
        bump()

    def do_reset():
        playing.set(False)
        ok = _guard(error, lambda: classroom.apply(choice.value, teacher=teacher.value))
        if ok:
            odds_request.set(0)
        bump()

    def do_run_to_end():
        playing.set(False)
        _guard(error, classroom.run_to_end)
        bump()

    def set_teacher(on: bool):
        teacher.set(on)
        _guard(error, lambda: classroom.set_compare(classroom.applied.get("compare") if on else None))
        bump()

    async def play_loop():
        while playing.value:
            if not _guard(error, classroom.step) or not classroom.running:
                playing.set(False)
            tick.set(tick.value + 1)
            await asyncio.sleep(SPEEDS.get(speed.value, 0.33))

    solara.lab.use_task(play_loop, dependencies=[playing.value])

    def compute_odds():
        if odds_request.value == 0:
            return None
        changed = f" + {', '.join(classroom.changes)}" if classroom.changes else ""
        out = [(f"A: {classroom.applied['policy']}{changed}", odds(classroom.cfg))]
        if classroom.compare_cfg is not None:
            out.append((f"B: {classroom.applied['compare']}", odds(classroom.compare_cfg)))
        return out

    odds_task = solara.lab.use_task(compute_odds, dependencies=[odds_request.value], raise_error=False)

    tick.value  # read, so that each bump re-renders the page (Solara re-renders readers only)
    story = classroom.story
    day = story.day
    sc = story.model.inputs.scenario
    solara.Title("diplosim classroom")
    with solara.AppBar():
        solara.AppBarTitle("diplosim classroom: an India–Pakistan crisis, day by day")
        solara.Switch(label="Teacher mode", value=teacher.value, on_value=set_teacher, classes=["mt-5"])
    with solara.Sidebar():
        Controls(choice, classroom, error, teacher.value)

    with solara.Column(style="padding:8px 16px"):
        with solara.Row(gap="8px", style="align-items:center;flex-wrap:wrap"):
            solara.Button("Step", color="primary", on_click=do_step, disabled=playing.value or not classroom.running)
            solara.Button("Pause" if playing.value else "Play", color="primary",
                          on_click=lambda: playing.set(not playing.value), disabled=not classroom.running)
            solara.Button("Reset", color="secondary", on_click=do_reset)
            solara.Button("Run to end", outlined=True, on_click=do_run_to_end,
                          disabled=playing.value or not classroom.running)
            solara.Select("Speed", values=list(SPEEDS), value=speed, dense=True, style="max-width:220px")
            solara.Text(f"Day {day} of {story.model.days}", classes=["day-counter"],
                        style="font-size:18px;font-weight:700;margin-left:12px")
        if error.value:
            solara.Error(error.value, dense=True, classes=["app-error"])
        applied = classroom.applied
        pending = {k: choice.value[k] for k in ("scenario", "policy", "seed", "days", "levers")}
        if pending != {k: applied.get(k) for k in pending}:
            solara.Info("Settings changed: press Reset to start the crisis again with them.", dense=True)
        changed = f" + {', '.join(classroom.changes)}" if classroom.changes else ""
        Line(f"<b>{html.escape(sc.title)}</b> · policy <b class='applied-policy'>"
             f"{html.escape(applied['policy'] + changed)}</b> · seed {html.escape(str(applied['seed']))}",
             style="margin-top:4px")
        Line("In force: " + html.escape(" · ".join(policy_state(story.model.inputs))),
             style="font-size:12px;color:#455a64")
        if teacher.value and classroom.compare is not None:
            with solara.Columns([1, 1]):
                StoryView(story, f"A: {applied['policy']}{changed}", day, show_loc.value, compact=True)
                StoryView(classroom.compare, f"B: {applied.get('compare')} (same seed)", day, show_loc.value,
                          compact=True)
        else:
            with solara.Columns([5, 6]):
                with solara.Column(gap="4px"):
                    Heading("Escalation ladder")
                    solara.HTML(unsafe_innerHTML=gauge_html(story))
                    solara.HTML(unsafe_innerHTML=state_html(story))
                    Heading("Timeline")
                    solara.HTML(unsafe_innerHTML=timeline_svg(story))
                with solara.Column(gap="4px"):
                    Heading("Alliance network")
                    solara.HTML(unsafe_innerHTML=network_svg(story))
            Heading("Event log (newest day first)")
            solara.HTML(unsafe_innerHTML=log_html(story, show_loc.value))
        solara.Checkbox(label="Show LoC firing incidents in the log", value=show_loc)
        if teacher.value:
            with solara.Card(f"The odds: {ODDS_REPLICATES:,} replicates of these settings", margin=0):
                solara.Button(f"Run {ODDS_REPLICATES:,} replicates", color="primary",
                              on_click=lambda: odds_request.set(odds_request.value + 1),
                              disabled=odds_task.pending)
                if odds_task.pending:
                    solara.Text(f"Running {ODDS_REPLICATES:,} replicates …")
                    solara.ProgressLinear(True)
                elif odds_task.error:
                    exc = odds_task.exception
                    msg = one_line(exc) if isinstance(exc, DiplosimError) else f"Something went wrong: {one_line(exc)}"
                    solara.Error(msg, dense=True, classes=["app-error"])
                elif odds_task.finished and odds_task.value:
                    solara.HTML(unsafe_innerHTML=odds_html(odds_task.value))


# ====================================================================== the command
def main(argv: list[str] | None = None) -> int:
    """``diplosim-app [--port N]``: serve the classroom app on 127.0.0.1 and print its address."""
    parser = argparse.ArgumentParser(
        prog="diplosim-app",
        description="Serve the diplosim classroom app on this computer (127.0.0.1); no internet needed.")
    parser.add_argument("--port", type=int, default=DEFAULT_PORT,
                        help=f"port to serve on (default {DEFAULT_PORT}; 0 picks a free one)")
    args = parser.parse_args(argv)
    if not 0 <= args.port <= 65535:
        parser.error(f"--port {args.port}: must be a port number from 0 to 65535")
    sock = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
    sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    try:
        sock.bind((HOST, args.port))
    except OSError as exc:
        sock.close()
        print(f"diplosim-app: error: cannot serve on {HOST}:{args.port} ({exc.strerror or exc}); "
              f"try another port, e.g. --port {args.port + 1 if args.port else DEFAULT_PORT + 1}", file=sys.stderr)
        return 2
    sock.listen(128)  # from now on a browser's connection waits for the server instead of being refused
    port = sock.getsockname()[1]
    # Solara reads these at request time: this module is the app, no usage telemetry leaves the
    # laptop, and the front end comes from the locally installed solara-assets (no CDN).
    os.environ["SOLARA_APP"] = PAGE_MODULE
    os.environ["SOLARA_TELEMETRY_MIXPANEL_ENABLE"] = "False"
    os.environ["SERVER_NAME"], os.environ["SERVER_PORT"] = HOST, str(port)
    import solara.server.settings as solara_settings
    import uvicorn

    solara_settings.telemetry.mixpanel_enable = False
    solara_settings.main.mode = "production"
    solara_settings.theme.show_banner = False  # the "runs on Solara" badge covers the page's corner
    # Plain http on 127.0.0.1, never inside an iframe: Solara's advice on cross-site cookies does not apply.
    warnings.filterwarnings("ignore", message="Cookies with samesite=none require https", category=UserWarning)
    config = uvicorn.Config("solara.server.starlette:app", host=HOST, port=port, log_level="warning")
    server = uvicorn.Server(config)
    print(f"diplosim classroom app: http://{HOST}:{port}/  (press Ctrl-C to stop)", flush=True)
    try:
        server.run(sockets=[sock])
    except KeyboardInterrupt:
        pass
    return 0
