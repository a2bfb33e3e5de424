"""kennis: the Streamlit interface for staff (``streamlit run app.py``).

A thin entry: the pages live in :mod:`kennis.ui` (one module per page), registered here
with ``st.navigation``; each calls the one core, :class:`kennis.service.Kennis`, and the
shared formatting of :mod:`kennis.format`. The core loads once per process and its heavy
parts (model, indexes, graph) load lazily, so the first page is quick.

Each page has its own URL path (``/vraag?q=…``). The older deep links keep working:
``?page=zoeken&q=…``, ``?page=vraag&q=…``, ``?page=actoren&actor=HOvJ``,
``?page=documenten&doc=BWBR0036811&ref=4.2&version=2015-07-09``.
"""

from __future__ import annotations

import streamlit as st

from kennis.ui import actors, ask, documents, search, sparql
from kennis.ui.common import CSS, TITLES, core, guarded, ss

st.set_page_config(page_title="Kennisbank bewaken en beveiligen", page_icon="🛡️", layout="wide")

_RENDER = {"zoeken": search.render, "vraag": ask.render, "actoren": actors.render,
           "documenten": documents.render, "sparql": sparql.render}
_ICONS = {"zoeken": ":material/search:", "vraag": ":material/forum:", "actoren": ":material/groups:",
          "documenten": ":material/menu_book:", "sparql": ":material/database:"}
PAGES = {slug: st.Page(_RENDER[slug], title=title, icon=_ICONS[slug], url_path=slug, default=slug == "zoeken")
         for slug, title in TITLES.items()}


def _init_from_url(slug: str) -> None:
    """On the first run of a session, take the page's inputs from the query parameters."""
    ss["_init"] = True
    qp = st.query_params
    if qp.get("q"):
        ss["question" if slug == "vraag" else "search_q"] = qp["q"]
    for name in ("actor", "doc", "ref", "version"):
        if qp.get(name):
            ss[name] = qp[name]
    if slug == "documenten" and qp.get("ref"):
        ss["doc_view"] = "Lezen"


def _sync_url(slug: str) -> None:
    """Keep the address bar a shareable link to what is on the page."""
    names = {"zoeken": ("search_q",), "vraag": ("question",), "actoren": ("actor",),
             "documenten": ("doc", "version", "ref")}.get(slug, ())
    params = {("q" if n in ("search_q", "question") else n): str(ss[n]) for n in names if ss.get(n)}
    if dict(st.query_params) != params:
        st.query_params.from_dict(params)


def main() -> None:
    current = st.navigation(list(PAGES.values()))
    slug = next(s for s, page in PAGES.items() if page is current)
    wanted = ss.pop("_goto", None)  # a button asked for another page
    if not ss.get("_init"):
        page_param = str(st.query_params.get("page", "")).lower()
        if page_param in PAGES and page_param != slug:  # a ?page=… link
            st.switch_page(PAGES[page_param],
                           query_params={k: v for k, v in st.query_params.items() if k != "page"})
        _init_from_url(slug)
    if wanted in PAGES and wanted != slug:
        st.switch_page(PAGES[wanted])
    st.markdown(CSS, unsafe_allow_html=True)
    with st.sidebar:
        st.markdown("### Kennisbank\n**Bewaken en beveiligen**")
        if core().is_built:
            st.caption("Kennisbank gebouwd. Antwoorden verwijzen altijd naar de bron; lees bij twijfel de "
                       "geldende tekst na.")
        else:
            st.caption("De kennisbank is nog niet gebouwd: zie de uitleg op de pagina.")
    with guarded():
        current.run()
    _sync_url(slug)


main()
