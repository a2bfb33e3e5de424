"""Zoeken: passages that govern a query, with their citation and highlights."""

from __future__ import annotations

import streamlit as st

from kennis.format import cite_ref
from kennis.ui.common import (core, date_filter, doc_label, esc, guarded, highlighted, link,
                              open_section_button, require_built, show_notices, source_link)


def render() -> None:
    k = core()
    st.header("Zoeken")
    st.caption("Zoek in de circulaires, wetten en brieven over bewaken en beveiligen. "
               "Resultaten zijn paragrafen met hun vindplaats.")
    if not require_built(k):
        return
    query = st.text_input("Zoekvraag", key="search_q", placeholder="bijv. gezag persoonsbeveiliging decentraal domein")
    docs = [d for d in k.documents() if d.has_text]
    doc_ids: list[str | None] = [None, *(d.id for d in docs)]
    kinds: list[str | None] = [None, *sorted({d.kind for d in docs})]
    c1, c2, c3 = st.columns(3)
    with c1:
        day = date_filter("search_date")
    with c2:
        doc = st.selectbox("Document", doc_ids, key="search_doc",
                           format_func=lambda d: "Alle documenten" if d is None else f"{doc_label(k, d)} ({d})")
    with c3:
        kind = st.selectbox("Soort", kinds, key="search_kind",
                            format_func=lambda x: "Alle soorten" if x is None else x)
    if not query or not query.strip():
        return
    with guarded():
        with st.spinner("Zoeken…"):
            result = k.search(query, date=day, doc=doc, kind=kind)
        show_notices(result.notices)
        if not result.hits:
            st.warning("Geen resultaten. Probeer andere woorden of haal een filter weg.")
            return
        st.caption(f"{len(result.hits)} resultaten")
        for i, hit in enumerate(result.hits, 1):
            with st.container(border=True):
                st.markdown(
                    f"**{i}. {esc(hit.doc_title or doc_label(k, hit.doc))}** · {cite_ref(hit.ref)} · versie {hit.version}"
                    f"{source_link(hit.url)}"
                )
                if hit.title:
                    st.caption(hit.title)
                st.markdown(f'<div class="k-text">{highlighted(hit.snippet or hit.text, query)}</div>',
                            unsafe_allow_html=True)
                a, b = st.columns([1, 3], vertical_alignment="center")
                with a:
                    open_section_button(hit.doc, hit.ref, hit.version, key=f"hit-{i}")
                with b:
                    st.caption(f"[Deellink]({link('documenten', doc=hit.doc, ref=hit.ref, version=hit.version)})")
