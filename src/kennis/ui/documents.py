"""Documenten: table of contents and reading, editions side by side, where a provision is cited."""

from __future__ import annotations

from collections import defaultdict
from dataclasses import replace

import streamlit as st

from kennis.corpus.compare import Citation, Comparison, Segment
from kennis.corpus import ref_within
from kennis.errors import NotFoundError
from kennis.format import cite_ref
from kennis.service import Kennis
from kennis.ui.common import (core, doc_label, esc, guarded, link, open_section_button, section_label,
                              settings_key, show_notices, ss)


@st.cache_data(show_spinner=False, max_entries=32)
def _comparison(key: str, left: tuple[str, str], right: tuple[str, str]) -> Comparison:
    return core().compare(left, right)


@st.cache_data(show_spinner=False, max_entries=64)
def _citations(key: str, doc: str, ref: str | None) -> list[Citation]:
    return core().cited_from(doc, ref)


def render() -> None:
    k = core()
    st.header("Documenten")
    with guarded():
        docs = [d for d in k.documents() if d.has_text]
        ids_ = [d.id for d in docs]
        if ss.get("doc") not in ids_:
            ss["doc"] = next((d.id for d in reversed(docs) if d.kind == "circulaire"), ids_[0])
        c1, c2 = st.columns([3, 1])
        with c1:
            doc_id = st.selectbox("Document", ids_, key="doc", format_func=lambda d: f"{doc_label(k, d)} ({d})")
        info = k.manifest.document(doc_id)
        versions = [v.version for v in info.versions]
        if ss.get("version") not in versions:
            ss["version"] = versions[-1]
        with c2:
            version = st.selectbox("Versie", versions, key="version")
        meta = [x for x in (info.kind, info.issuer, info.identifier) if x]
        if info.valid_from or info.valid_to:
            meta.append(f"geldig {info.valid_from or '…'} t/m {info.valid_to or '…'}")
        st.caption(" · ".join(meta) + (f" · [bron]({info.url})" if info.url else ""))
        show_notices(k.notices_for(doc_id))
        view = st.radio("Weergave", ["Lezen", "Vergelijken", "Geciteerd door"], key="doc_view", horizontal=True,
                        label_visibility="collapsed")
        if view == "Lezen":
            read_section(k, doc_id, version)
        elif view == "Vergelijken":
            compare_editions(k, doc_id, version)
        else:
            citations_view(k, doc_id, None)


def read_section(k: Kennis, doc: str, version: str) -> None:
    sections = k.toc(doc, version=version)
    refs = [s.ref for s in sections]
    by_ref = {s.ref: s for s in sections}
    if not refs:
        refs, by_ref = [""], {}
    if ss.get("ref") not in refs:
        # a ref from a link may name a member ("artikel 16 lid 1") of a unit in the toc
        wanted = ss.get("ref") or ""
        ss["ref"] = next((r for r in refs if wanted and ref_within(wanted, r) and r), refs[0])
    toc_col, text_col = st.columns([1, 2.4], gap="large")
    with toc_col:
        ref = st.selectbox("Paragraaf", refs, key="ref",
                           format_func=lambda r: section_label(by_ref[r]) if r in by_ref else (r or "gehele tekst"))
        with st.expander("Inhoudsopgave", expanded=True):
            lines = []
            for s in sections:
                style = "font-weight:600;" if s.ref == ref else ""
                lines.append(
                    f'<div style="margin-left:{(s.level - 1) * 0.9}em;{style}">'
                    f'<a href="{link("documenten", doc=doc, version=version, ref=s.ref)}" target="_self">'
                    f"{esc(section_label(s))}</a></div>"
                )
            st.markdown("".join(lines), unsafe_allow_html=True)
    with text_col:
        with st.spinner("Tekst laden…"):
            try:
                passages = k.passages(doc, ref, version=version)
            except NotFoundError:
                passages = []
        if not passages:
            # a heading without text of its own (e.g. "hoofdstuk 1"): offer what lies below it
            st.subheader(section_label(by_ref[ref]) if ref in by_ref else ref)
            st.caption("Deze kop heeft geen eigen tekst. Onderdelen:")
            for j, child in enumerate(s for s in sections if s.parent_ref == ref):
                open_section_button(doc, child.ref, version, key=f"child-{j}", label=section_label(child))
            return
        first = passages[0]
        st.subheader(section_label(by_ref[ref]) if ref in by_ref else (ref or doc_label(k, doc)))
        st.caption(f"{doc_label(k, doc)} · versie {first.version} · {esc(first.title)}")
        shown_ref = ref
        for p in passages:
            if p.ref != shown_ref and p.ref in by_ref:
                # a sub-section of its own gets its heading; members ("lid 2") are numbered in the text
                st.markdown(f"**{esc(section_label(by_ref[p.ref]))}**")
                shown_ref = p.ref
            st.markdown(f'<div class="k-text">{esc(p.text)}</div>', unsafe_allow_html=True)
            for note in p.footnotes:
                st.caption(f"[{note.label}] {note.text}")
        refs_out = {(r.target_doc, r.target_ref): r for p in passages for r in p.references if r.target_doc}
        if refs_out:
            st.markdown("**Verwijst naar**")
            for j, (tdoc, tref) in enumerate(refs_out):
                target = k.manifest.document(tdoc or "")
                label = f"{target.label}, {tref}" if tref else target.label
                if target.has_text:
                    open_section_button(target.id, tref or "", None, key=f"out-{j}", label=label)
                else:
                    st.caption(label)
        st.markdown(f"[Deellink naar deze paragraaf]({link('documenten', doc=doc, version=version, ref=ref)})")
        st.divider()
        citations_view(k, doc, ref or None, compact=True)


def _segments_html(segments: tuple[Segment, ...]) -> str:
    marks = {"delete": '<del class="k-del">{}</del>', "insert": '<ins class="k-ins">{}</ins>', "equal": "{}"}
    return '<div class="k-text">' + "".join(marks[s.op].format(esc(s.text)) for s in segments) + "</div>"


def compare_editions(k: Kennis, doc: str, version: str) -> None:
    editions = k.editions(doc)
    if len(editions) < 2:
        st.info("Van dit document zit maar één versie in het corpus; er valt niets te vergelijken.")
        return
    keys = [f"{d}/{v}" for d, v in editions]

    def label(key: str) -> str:
        d, _, v = key.partition("/")
        return f"{doc_label(k, d)} (versie {v})"

    if ss.get("cmp_left") not in keys:
        ss["cmp_left"] = keys[0]
    if ss.get("cmp_right") not in keys:
        ss["cmp_right"] = f"{doc}/{version}" if f"{doc}/{version}" != ss["cmp_left"] else keys[-1]
    c1, c2 = st.columns(2)
    with c1:
        left = st.selectbox("Oudere tekst (links)", keys, key="cmp_left", format_func=label)
    with c2:
        right = st.selectbox("Nieuwere tekst (rechts)", keys, key="cmp_right", format_func=label)
    scope = st.radio("Omvang", ["Eén paragraaf", "Hele tekst"], key="cmp_scope", horizontal=True)
    ldoc, _, lver = left.partition("/")
    rdoc, _, rver = right.partition("/")
    with st.spinner("Teksten vergelijken…"):
        cmp = _comparison(settings_key(), (ldoc, lver), (rdoc, rver))
    if scope == "Eén paragraaf":
        sections = k.toc(ldoc, version=lver)
        refs = [s.ref for s in sections]
        by_ref = {s.ref: s for s in sections}
        if ss.get("cmp_ref") not in refs:
            # start at the counterpart of the section being read (§ 4.2 of 2015 is § 5.3 of 2008)
            reading = ss.get("ref")
            match = next((p.left.ref for p in cmp.sections if p.left and p.right and p.right.ref == reading
                          and right == f"{doc}/{version}"), None)
            ss["cmp_ref"] = match or (reading if reading in refs else refs[0] if refs else "")
        ref = st.selectbox("Paragraaf in de linker tekst", refs, key="cmp_ref",
                           format_func=lambda r: section_label(by_ref[r]))
        cmp = replace(cmp, sections=tuple(p for p in cmp.sections if p.left and ref_within(p.left.ref, ref)))
    only_changed = st.checkbox("Alleen verschillen tonen", key="cmp_only_changed", value=scope == "Hele tekst")
    counts = cmp.counts()
    for col, (name, title) in zip(st.columns(4), [("gelijk", "Gelijk"), ("gewijzigd", "Gewijzigd"),
                                                   ("nieuw", "Nieuw"), ("vervallen", "Vervallen")]):
        col.metric(title, counts[name])
    st.caption("Paragrafen zijn gekoppeld op kop en inhoud, ook als de nummering verschilt. "
               '<del class="k-del">doorgestreept</del> = vervallen, <ins class="k-ins">groen</ins> = nieuw.',
               unsafe_allow_html=True)
    for i, s in enumerate(cmp.sections):
        if only_changed and s.status == "gelijk":
            continue
        lt = section_label(s.left) if s.left else "—"
        rt = section_label(s.right) if s.right else "—"
        pct = f", {round(s.similarity * 100)} % gelijk" if s.status == "gewijzigd" else ""
        with st.expander(f"{lt}  →  {rt}  ({s.status}{pct})", expanded=scope == "Eén paragraaf"):
            a, b = st.columns(2)
            with a:
                st.markdown(f"**{esc(lt)}**", help=label(left))
                st.markdown(_segments_html(s.left_segments) if s.left_segments else "*(geen tekst)*",
                            unsafe_allow_html=True)
            with b:
                st.markdown(f"**{esc(rt)}**", help=label(right))
                st.markdown(_segments_html(s.right_segments) if s.right_segments else "*(geen tekst)*",
                            unsafe_allow_html=True)
            if s.right is not None:
                open_section_button(rdoc, s.right.ref, rver, key=f"cmp-open-{i}",
                                    label=f"Lees {cite_ref(s.right.ref)} in de nieuwere tekst")


def citations_view(k: Kennis, doc: str, ref: str | None, compact: bool = False) -> None:
    citations = _citations(settings_key(), doc, ref)
    what = f"{cite_ref(ref)} van {doc_label(k, doc)}" if ref else doc_label(k, doc)
    st.markdown(f"**Geciteerd door** ({len(citations)})" if compact else f"#### Waar wordt {esc(what)} geciteerd?")
    if not citations:
        st.caption(f"Geen verwijzingen naar {what} gevonden in het corpus.")
        return
    limit = 15 if compact else 200
    groups: dict[str, list[Citation]] = defaultdict(list)
    for c in citations[:limit]:
        groups[c.reference.target_ref or "het document als geheel"].append(c)
    for target in sorted(groups):
        if not ref:
            st.markdown(f"**{esc(target)}**")
        for j, c in enumerate(groups[target]):
            p = c.passage
            cols = st.columns([3, 1])
            with cols[0]:
                excerpt = p.text if len(p.text) < 280 else p.text[:277] + "…"
                st.markdown(
                    f"{esc(doc_label(k, p.doc))}, **{cite_ref(p.ref)}** (versie {p.version}) — "
                    f"“{esc(c.reference.text)}”  \n<small>{esc(excerpt)}</small>",
                    unsafe_allow_html=True,
                )
            with cols[1]:
                open_section_button(p.doc, p.ref, p.version, key=f"cite-{ref}-{target}-{j}", label="Open")
    if len(citations) > limit:
        st.caption(f"… en nog {len(citations) - limit} verwijzingen.")
