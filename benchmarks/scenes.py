"""Scenes: what each dashboard page sends to the browser, saved once, for the same-content floor of bench_pages.

:func:`capture` runs the app in Streamlit's AppTest (no browser) and saves, for every page, the element tree of
the sidebar and the main area twice: with no filter, and with Format = "webinar" (the benchmark's interaction).
:func:`replay` draws a saved tree again from a bare Streamlit script (benchmarks/floor_app.py) with no data
work: Plotly charts through ``st.plotly_chart`` with the page's own figure JSON, key and config; widgets through
their ``st.*`` call with the same key, label, options and default; layout blocks (columns, containers,
expanders, popovers, tabs) as the same blocks; every other element (text, metrics, tables) as the very element
the app sent; the page's own style rules again through ``st.html``, and containers with their keys (the
classes those rules select). Whatever cannot be replayed is listed in the scene's ``skipped`` and printed by
the benchmark.

A page with page-local controls (:data:`LOCAL`) also has, per control, the page drawn with that control changed
(state ``"local:<key>"``) and the value the floor's widget holds before the change (``"local": {key: value}``).

A scene file is JSON: ``{"page", "path", "title", "states": {"all": {"sidebar": [...], "main": [...],
"styles": [...]},
"webinar": {...}, "local:<key>": {...}}, "local": {...}, "skipped": [...], "script_ms": {...}}``.
"""

from __future__ import annotations

import base64
import contextlib
import datetime as dt
import importlib
import json
import os
import statistics
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[1]
PAGES = (
    # (name, page file, URL path)
    ("overview", "pages/overview.py", "/"),
    ("timeline", "pages/timeline.py", "/timeline"),
    ("breakdowns", "pages/breakdowns.py", "/breakdowns"),
    ("network", "pages/network.py", "/network"),
    ("gaps", "pages/gaps.py", "/gaps"),
    ("captures", "pages/captures.py", "/captures"),
    ("changes", "pages/changes.py", "/changes"),
    ("data", "pages/data.py", "/data"),
    ("report", "pages/report.py", "/report"),
)
FILTER_KEY, FILTER_VALUE = "f_formats", "webinar"
LOCAL = (
    # (page, widget key, value): the page-local controls (widgets inside an st.fragment) and the value each is
    # changed to; the page's scene also holds the page drawn with that one change ("local:<key>").
    ("breakdowns", "bd_measure", "Events"),
    ("timeline", "timeline_lanes", "theme"),
    ("network", "net_people", True),
    ("data", "data_table", "leads"),
    ("gaps", "gaps_more", True),
)
_ID_PREFIX = "$$ID-"

Node = dict[str, Any]


# ------------------------------------------------------------------------------------------ capture


def _key(widget_id: str) -> str | None:
    """The user key inside a Streamlit element id (``$$ID-<hash>-<key>``), None for an automatic id."""
    if not widget_id.startswith(_ID_PREFIX):
        return None
    parts = widget_id.split("-", 2)
    return parts[2] if len(parts) == 3 and parts[2] != "None" else None


def _raw(node: Any) -> Node:
    """An element as the proto the app sent, to be enqueued again unchanged."""
    from streamlit.proto.Element_pb2 import Element

    proto = node.proto
    fields = [
        f
        for f in Element.DESCRIPTOR.oneofs_by_name["type"].fields
        if f.message_type is not None and f.message_type.full_name == proto.DESCRIPTOR.full_name
    ]
    if not fields:
        raise ValueError(f"no Element field for {proto.DESCRIPTOR.full_name}")
    field = next((f for f in fields if f.name == node.type), fields[0])
    return {
        "kind": "raw",
        "delta_type": field.name,
        "module": proto.DESCRIPTOR.file.name,
        "message": proto.DESCRIPTOR.name,
        "bytes": base64.b64encode(proto.SerializeToString()).decode("ascii"),
    }


def _widget(node: Any) -> Node | None:
    """A widget as the arguments of the ``st.*`` call that draws it again (None when not supported)."""
    p, t = node.proto, node.type
    base: Node = {
        "kind": "widget",
        "type": t,
        "key": _key(p.id),
        "label": getattr(p, "label", ""),
        "help": getattr(p, "help", "") or None,
        "disabled": bool(getattr(p, "disabled", False)),
    }
    if t == "selectbox":
        return {**base, "options": list(p.options), "index": p.default if p.HasField("default") else None}
    if t == "multiselect":
        return {**base, "options": list(p.options), "default": list(p.default), "placeholder": p.placeholder}
    if t == "date_input":
        return {**base, "default": list(p.default), "min": p.min, "max": p.max, "is_range": p.is_range}
    if t in ("toggle", "checkbox"):
        return {**base, "default": p.default}
    if t == "button":
        return {**base, "button_type": p.type or "secondary", "icon": p.icon or None}
    if t == "download_button":
        return {**base, "button_type": p.type or "secondary", "icon": p.icon or None}
    if t == "file_uploader":
        return {**base, "types": list(p.type), "multiple": p.multiple_files}
    if t == "button_group":
        return {
            **base,
            "options": [o.content for o in p.options],
            "default": list(p.default),
            "multi": p.click_mode == 1,
            "style": p.style,
        }
    if t == "radio":
        return {**base, "options": list(p.options), "index": p.default, "horizontal": p.horizontal}
    if t == "text_input":
        return {**base, "default": p.default if p.HasField("default") else ""}
    return None


_GAPS = {1: "small", 2: "medium", 3: "large"}


def _block(node: Any, skipped: list[str]) -> Node:
    """A layout block and its children (AppTest gives columns, expanders and tabs their own proto types)."""
    p, t = node.proto, node.type
    children = _tree(node, skipped)
    if t == "column":
        return {"kind": "column", "weight": p.weight or 1.0, "children": children}
    if t == "expander":
        return {
            "kind": "expander",
            "label": p.label,
            "expanded": p.expanded,
            "icon": p.icon or None,
            "children": children,
        }
    if t == "tab":
        return {"kind": "tab", "label": p.label, "children": children}
    kind = p.WhichOneof("type") if hasattr(p, "WhichOneof") else None
    if kind == "flex_container":
        fc = p.flex_container
        return {
            "kind": "container",
            "key": _key(p.id),
            "horizontal": fc.direction == 2,
            "gap": _GAPS.get(fc.gap_config.gap_size),
            "children": children,
        }
    if kind == "horizontal":
        return {"kind": "container", "horizontal": True, "gap": None, "children": children}
    if kind == "popover":
        return {"kind": "popover", "label": p.popover.label, "icon": p.popover.icon or None, "children": children}
    if kind == "tab_container":
        return {"kind": "tabs", "labels": [c["label"] for c in children], "children": children}
    if kind not in (None, "vertical", "transparent"):
        skipped.append(f"block {kind} (drawn as a container)")
    return {"kind": "container", "horizontal": False, "gap": None, "children": children}


def _chart(node: Any) -> Node:
    p = node.proto
    modes = [str(m).lower() for m in p.selection_mode]
    return {
        "kind": "chart",
        "key": _key(p.id),
        "spec": p.spec,
        "config": p.config,
        "theme": p.theme or None,
        "selection": [
            m for m in ("points", "box", "lasso") if any(s.endswith(m) or s == str(i) for i, s in enumerate(modes))
        ],
    }


def _tree(node: Any, skipped: list[str]) -> list[Node]:
    """The children of an AppTest node as scene nodes."""
    from streamlit.testing.v1.element_tree import Block

    out: list[Node] = []
    for child in node.children.values():
        if isinstance(child, Block):
            out.append(_block(child, skipped))
        elif child.type == "plotly_chart":
            out.append(_chart(child))
        elif getattr(child.proto, "id", ""):
            widget = _widget(child)
            if widget is None:
                skipped.append(child.type)
            else:
                out.append(widget)
        else:
            try:
                out.append(_raw(child))
            except (ValueError, AttributeError):
                skipped.append(child.type)
    return out


def _state(at: Any, skipped: list[str]) -> Node:
    """The sidebar, the main area and the page's style rules (``st.html`` of ``<style>`` only, which Streamlit
    sends to its event container), as scene nodes."""
    events = at._tree.children.get(2)
    styles = [c.proto.body for c in events.children.values() if c.type == "html"] if events is not None else []
    return {"sidebar": _tree(at.sidebar, skipped), "main": _tree(at.main, skipped), "styles": styles}


def _timed(run: Any) -> float:
    start = time.perf_counter()
    run()
    return (time.perf_counter() - start) * 1000


@contextlib.contextmanager
def like_a_server() -> Iterator[None]:
    """Make AppTest's runs repeat what a server's reruns do, and no more.

    For every run AppTest makes a new script cache, so it compiles app.py and the page again, and it resets
    Streamlit's flag for a ``pages/`` folder, so every run first builds a page for each file in that folder
    (Streamlit's older multipage mode) before running app.py. A server compiles each script once and drops
    that mode for good once ``st.navigation`` has run. Inside this block one script cache serves every run
    and the flag stays off, as in a served session after its first run.
    """
    from unittest import mock

    from streamlit.runtime.pages_manager import PagesManager
    from streamlit.runtime.scriptrunner.script_cache import ScriptCache
    from streamlit.testing.v1 import app_test, local_script_runner

    shared = ScriptCache()

    class _Pages(PagesManager):
        def __init__(self, *args: Any, **kwargs: Any) -> None:
            super().__init__(*args, **kwargs)
            PagesManager.uses_pages_directory = False

    with (mock.patch.object(app_test, "ScriptCache", lambda: shared),
          mock.patch.object(local_script_runner, "ScriptCache", lambda: shared),
          mock.patch.object(app_test, "PagesManager", _Pages)):
        yield


def capture(out_dir: Path, rounds: int = 3) -> dict[str, Node]:
    """Save every page's scene into ``out_dir`` (as ``<page>.json``) and return them.

    Also times the app's script in AppTest (no browser, warm cache, run :func:`like_a_server`): ``script_ms``
    is the median of ``rounds`` runs of the page with no filter ("first") and of the run after the Format
    change ("rerun").
    """
    import logging

    from streamlit.testing.v1 import AppTest

    # AppTest runs the script outside a server: Streamlit warns about the missing run context on every call.
    logging.getLogger("streamlit.runtime.scriptrunner_utils.script_run_context").setLevel(logging.ERROR)
    out_dir.mkdir(parents=True, exist_ok=True)
    scenes: dict[str, Node] = {}
    for name, file, path in PAGES:
        skipped: list[str] = []
        at = AppTest.from_file(str(ROOT / "app.py"), default_timeout=300).run()
        at.switch_page(file).run()
        if at.exception:
            raise RuntimeError(f"{name}: the page shows an exception: {at.exception[0].value}")
        state_all = _state(at, skipped)
        title = at.title[0].value if len(at.title) else name
        states = {"all": state_all}
        local = {}
        for page, key, value in LOCAL:
            if page == name:
                widget = at.toggle(key=key) if isinstance(value, bool) else at.button_group(key=key)
                before = widget.value
                widget.set_value(value).run()
                states[f"local:{key}"] = _state(at, skipped)
                local[key] = _drawn_value(state_all["main"], key)
                (at.toggle(key=key) if isinstance(value, bool) else at.button_group(key=key)).set_value(before).run()
        at.multiselect(key=FILTER_KEY).set_value([FILTER_VALUE]).run()
        states["webinar"] = _state(at, skipped)
        first, rerun = [], []
        with like_a_server():
            for _ in range(rounds):
                at.multiselect(key=FILTER_KEY).set_value([])
                first.append(_timed(at.switch_page(file).run))
                rerun.append(_timed(at.multiselect(key=FILTER_KEY).set_value([FILTER_VALUE]).run))
        scene = {
            "page": name,
            "path": path,
            "title": title,
            "states": states,
            "local": local,
            "skipped": sorted(set(skipped)),
            "script_ms": {"first": statistics.median(first), "rerun": statistics.median(rerun)},
        }
        (out_dir / f"{name}.json").write_text(json.dumps(scene), encoding="utf-8")
        scenes[name] = scene
    return scenes


def _drawn_value(nodes: list[Node], key: str) -> object:
    """The value the floor's replayed widget ``key`` starts with as drawn in ``nodes`` (an option's label)."""
    for n in nodes:
        if n["kind"] == "widget" and n["key"] == key:
            if n["type"] == "button_group":
                return n["options"][n["default"][0]] if n["default"] else None
            return n["default"]
        found = _drawn_value(n.get("children", []), key)
        if found is not None:
            return found
    return None


def count_charts(nodes: list[Node]) -> int:
    """Plotly charts in a saved tree."""
    return sum(1 if n["kind"] == "chart" else count_charts(n.get("children", [])) for n in nodes)


def has_text(nodes: list[Node], text: str) -> bool:
    """True when a raw element of the tree holds ``text`` (e.g. the filter caption; Markdown escapes ignored)."""
    for n in nodes:
        if n["kind"] == "raw" and text.encode() in base64.b64decode(n["bytes"]).replace(b"\\", b""):
            return True
        if has_text(n.get("children", []), text):
            return True
    return False


# ------------------------------------------------------------------------------------------ replay


def _proto(node: Node) -> Any:
    module = importlib.import_module(node["module"].removesuffix(".proto").replace("/", ".") + "_pb2")
    message = getattr(module, node["message"])()
    message.ParseFromString(base64.b64decode(node["bytes"]))
    return message


def _date(text: str) -> dt.date:
    return dt.date.fromisoformat(text)


def _draw_widget(dg: Any, n: Node) -> None:
    t, key, label = n["type"], n["key"], n["label"]
    common = {"key": key, "help": n["help"], "disabled": n["disabled"]}
    if t == "selectbox":
        dg.selectbox(label, n["options"], index=n["index"], **common)
    elif t == "multiselect":
        dg.multiselect(
            label,
            n["options"],
            default=[n["options"][i] for i in n["default"]],
            placeholder=n["placeholder"] or None,
            **common,
        )
    elif t == "date_input":
        value = (
            tuple(_date(d) for d in n["default"])
            if n["is_range"]
            else (_date(n["default"][0]) if n["default"] else None)
        )
        dg.date_input(
            label,
            value=value,
            min_value=_date(n["min"]) if n["min"] else None,
            max_value=_date(n["max"]) if n["max"] else None,
            **common,
        )
    elif t == "toggle":
        dg.toggle(label, value=n["default"], **common)
    elif t == "checkbox":
        dg.checkbox(label, value=n["default"], **common)
    elif t == "button":
        dg.button(label, type=n["button_type"], icon=n["icon"], **common)
    elif t == "download_button":
        dg.download_button(label, data=lambda: b"", type=n["button_type"], icon=n["icon"], **common)
    elif t == "file_uploader":
        dg.file_uploader(label, type=n["types"] or None, accept_multiple_files=n["multiple"], **common)
    elif t == "button_group":
        chooser = dg.pills if n["style"] == 1 else dg.segmented_control
        default = [n["options"][i] for i in n["default"]]
        chooser(
            label,
            n["options"],
            selection_mode="multi" if n["multi"] else "single",
            default=default if n["multi"] else (default[0] if default else None),
            **common,
        )
    elif t == "radio":
        dg.radio(label, n["options"], index=n["index"], horizontal=n["horizontal"], **common)
    elif t == "text_input":
        dg.text_input(label, value=n["default"], **common)


def replay(dg: Any, nodes: list[Node]) -> None:
    """Draw a saved tree into the Streamlit container ``dg`` (``st._main``, ``st.sidebar``, a column…)."""
    for n in nodes:
        kind = n["kind"]
        if kind == "chart":
            kwargs: dict[str, Any] = {
                "key": n["key"],
                "config": json.loads(n["config"]) if n["config"] else None,
                "theme": n["theme"],
            }
            if n["selection"]:
                kwargs |= {"on_select": "rerun", "selection_mode": tuple(n["selection"])}
            dg.plotly_chart(json.loads(n["spec"]), **kwargs)
        elif kind == "widget":
            _draw_widget(dg, n)
        elif kind == "raw":
            dg._enqueue(n["delta_type"], _proto(n))
        elif kind == "container" and n["children"] and all(c["kind"] == "column" for c in n["children"]):
            columns = dg.columns([c["weight"] for c in n["children"]], gap=n["gap"] or "small")
            for column, child in zip(columns, n["children"], strict=True):
                replay(column, child["children"])
        elif kind in ("container", "column"):
            box = dg.container(horizontal=n.get("horizontal", False), gap=n.get("gap") or "small", key=n.get("key"))
            replay(box, n["children"])
        elif kind == "expander":
            replay(dg.expander(n["label"], expanded=n["expanded"], icon=n["icon"]), n["children"])
        elif kind == "popover":
            replay(dg.popover(n["label"], icon=n["icon"]), n["children"])
        elif kind == "tabs":
            for tab, child in zip(dg.tabs(n["labels"]), n["children"], strict=True):
                replay(tab, child["children"])


def load(folder: Path) -> dict[str, Node]:
    """The saved scenes in ``folder``, by page name, in menu order."""
    scenes = {}
    for name, _file, _path in PAGES:
        path = folder / f"{name}.json"
        if path.exists():
            scenes[name] = json.loads(path.read_text(encoding="utf-8"))
    return scenes


SCENES_ENV = "BENCH_SCENES"
"""Environment variable naming the scene folder for benchmarks/floor_app.py."""


def scenes_dir() -> Path:
    return Path(os.environ.get(SCENES_ENV, ROOT / "artifacts" / "bench" / "scenes"))
