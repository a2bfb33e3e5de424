"""What every Streamlit page shares: the core, navigation, error display and small widgets.

Pages call the core (:class:`kennis.service.Kennis`) and format with :mod:`kennis.format`;
the markup here is the only HTML they add.
"""

from __future__ import annotations

import html
import threading
from contextlib import contextmanager
from datetime import date
from typing import Any, Iterable, Iterator
from urllib.parse import urlencode

import streamlit as st

from kennis.config import Settings
from kennis.errors import KennisError, NotBuiltError
from kennis.format import cite_ref
from kennis.models import Section
from kennis.service import Kennis

ss = st.session_state

#: Page slug → title, in the order of the navigation; the slug is the page's URL path.
TITLES: dict[str, str] = {"zoeken": "Zoeken", "vraag": "Vraag het", "actoren": "Actoren",
                          "documenten": "Documenten", "sparql": "SPARQL"}

CSS = """
<style>
mark.k-hit { background: #fff1a8; padding: 0 .1em; border-radius: 2px; }
del.k-del { background: #fde2e1; color: #8a1c17; text-decoration: line-through; }
ins.k-ins { background: #dcf5dc; color: #1d5e20; text-decoration: none; }
div.k-text { line-height: 1.55; white-space: pre-wrap; }
blockquote.k-quote { border-left: 3px solid #9bb7d4; margin: .3em 0; padding: .1em .8em; color: #333; }
</style>
"""


# --- the core ------------------------------------------------------------------------------


@st.cache_resource(show_spinner=False)
def _load(key: str, _settings: Settings) -> Kennis:
    """One core per settings per process; its heavy parts warm up in the background."""
    k = Kennis(_settings)
    if k.is_built:
        threading.Thread(target=_warm_up, args=(k,), name="kennis-warm-up", daemon=True).start()
    return k


def _warm_up(k: Kennis) -> None:
    # load the corpus, indexes and model before the first question, not during it
    try:
        _ = k.corpus
        k.warm_up()
    except Exception:  # noqa: BLE001 - a failed warm-up shows up (with its message) on first use
        pass


def core() -> Kennis:
    settings = Settings.from_env()
    return _load(repr(settings), settings)


def settings_key() -> str:
    """A cache key that changes when the settings do (the tests switch data folders)."""
    return repr(Settings.from_env())


# --- navigation and links ------------------------------------------------------------------


def link(slug: str, **params: str | None) -> str:
    """A shareable relative link to a page with its inputs (``?page=…`` works from any page)."""
    return "?" + urlencode({"page": slug, **{k: v for k, v in params.items() if v}})


def goto(slug: str, **state: Any) -> None:
    """Button callback: preset the inputs of page ``slug`` and switch to it on the next run."""
    for name, value in state.items():
        ss[name] = value
    if slug == "documenten":
        ss["doc_view"] = "Lezen"
    ss["_goto"] = slug


def open_section_button(doc: str, ref: str, version: str | None, key: str, label: str | None = None) -> None:
    st.button(label or f"Lees {cite_ref(ref)} in context", key=key, on_click=goto, args=("documenten",),
              kwargs={"doc": doc, "ref": ref, "version": version}, type="tertiary", icon=":material/menu_book:")


def open_actor_button(iri: str, label: str, key: str) -> None:
    st.button(label, key=key, on_click=goto, args=("actoren",), kwargs={"actor": iri},
              type="tertiary", icon=":material/person:")


# --- errors ----------------------------------------------------------------------------------


@contextmanager
def guarded() -> Iterator[None]:
    """Turn kennis errors into readable Dutch messages instead of a traceback."""
    try:
        yield
    except NotBuiltError:
        build_help()
    except KennisError as exc:
        st.error(exc.message + (f"  \nTip: {exc.hint}" if exc.hint else ""), icon=":material/error:")


def build_help() -> None:
    st.warning(
        "**De kennisbank is nog niet gebouwd.** "
        f"Er is gezocht in `{Settings.from_env().kb_dir}`.\n\n"
        "Bouw haar eenmalig vanuit de map van kennis:\n\n"
        "- `./setup.sh` installeert alles en bouwt de kennisbank, of\n"
        "- `kennis build` als kennis al geïnstalleerd is (duurt enkele minuten).\n\n"
        "Een andere map gebruiken? Zet `KENNIS_DATA_DIR` (en `KENNIS_CORPUS_DIR` voor het corpus). "
        "Herlaad daarna deze pagina.",
        icon=":material/construction:",
    )


def require_built(k: Kennis) -> bool:
    """True when the knowledge base is built; otherwise explain how to build it."""
    if not k.is_built:
        build_help()
    return k.is_built


# --- small display helpers -----------------------------------------------------------------


def esc(text: str) -> str:
    return html.escape(text or "", quote=False)


def source_link(url: str, markdown: bool = True) -> str:
    """`` · wetten.overheid.nl ↗``: the deep link shown next to a source ("" when it has none)."""
    if not url:
        return ""
    site = "officielebekendmakingen.nl" if "officielebekendmakingen.nl" in url else "wetten.overheid.nl"
    if markdown:
        return f" · [{site} ↗]({url})"
    return f' · <a href="{html.escape(url)}" target="_blank">{site} ↗</a>'


def highlighted(text: str, query: str) -> str:
    """HTML of ``text`` with the query terms marked (the searcher's ``**…**`` marks win)."""
    from kennis.corpus.compare import mark_terms

    if text.count("**") >= 2:
        parts = text.split("**")
        return "".join(f'<mark class="k-hit">{esc(t)}</mark>' if i % 2 else esc(t) for i, t in enumerate(parts))
    return "".join(f'<mark class="k-hit">{esc(t)}</mark>' if hit else esc(t) for t, hit in mark_terms(text, query))


def doc_label(k: Kennis, doc: str) -> str:
    try:
        return k.manifest.document(doc).label
    except KennisError:
        return doc


def section_label(s: Section) -> str:
    """A table-of-contents line: ``§ 4.2 Taken en bevoegdheden``, without saying the ref twice."""
    head = s.heading or (s.path[-1] if s.path else "")
    if not s.ref:
        return head or "gehele tekst"
    if s.number and head.startswith(s.number):
        return head
    if head.lower().startswith(s.ref.lower()):
        return head  # "Aanhef", "Artikel 16": the heading already says it
    return f"{cite_ref(s.ref)} {head}".strip()


def date_filter(key: str) -> date | None:
    # the default range (ten years back) would hide the 2004 and 2008 editions
    value = st.date_input("Geldend op", value=None, key=key, format="DD-MM-YYYY",
                          min_value=date(1990, 1, 1), max_value=date(date.today().year + 10, 12, 31),
                          help="Leeg: de meest recente teksten in het corpus.")
    return value if isinstance(value, date) else None


def show_notices(notices: Iterable[str]) -> None:
    notices = list(notices)
    if len(notices) == 1:
        st.info(notices[0], icon=":material/info:")
    elif notices:
        st.info("\n".join(f"- {n}" for n in notices), icon=":material/info:")
