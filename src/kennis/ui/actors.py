"""Actoren: who does what, with hierarchy, mandates, competences by domain and their sources."""

from __future__ import annotations

from collections import Counter, defaultdict

import streamlit as st

from kennis.corpus.compare import Segment, diff_words
from kennis.errors import KennisError
from kennis.format import actor_display, cite_ref, competence_text, local_name
from kennis.models import ActorCard, ActorChanges, Competence
from kennis.service import Kennis
from kennis.ui.common import (core, date_filter, doc_label, esc, guarded, open_actor_button,
                              open_section_button, require_built, settings_key, show_notices, source_link, ss)
from kennis.views import Network, actor_neighbourhood


def render() -> None:
    k = core()
    pending = ss.pop("_nav", None)  # a click in the network view, asked for after widgets were drawn
    if pending:
        ss.update(pending)
    st.header("Actoren")
    st.caption("Wie doet wat in het stelsel bewaken en beveiligen: organisaties, functionarissen en overleggen, "
               "met hun bevoegdheden en de bronnen daarvan.")
    if not require_built(k):
        return
    left, right = st.columns([1, 2.4], gap="large")
    with guarded():
        with left:
            q = st.text_input("Zoek een actor", key="actor_q", placeholder="naam of afkorting, bv. HOvJ")
            actors = k.actors(q or None)
            iris = [a.iri for a in actors]
            labels = {a.iri: actor_display(a) for a in actors}
            current = ss.get("actor")
            if current and current not in iris:
                # a deep link or click may name the actor by label or abbreviation
                try:
                    card = k.actor(current)
                    ss["actor"] = current = card.iri
                    labels.setdefault(card.iri, actor_display(card))
                    if card.iri not in iris:
                        iris.insert(0, card.iri)
                except KennisError:
                    st.warning(f"Geen actor gevonden voor “{current}”.")
                    ss.pop("actor", None)
            if not iris:
                st.info("Geen actoren gevonden.")
                return
            st.radio(f"{len(actors)} actoren", iris, key="actor", format_func=lambda i: labels.get(i, i))
        with right:
            day = date_filter("actor_date")
            with st.spinner("Actor laden…"):
                card = k.actor(ss.get("actor") or iris[0], date=day)
            show_card(k, card)


def show_card(k: Kennis, card: ActorCard) -> None:
    st.subheader(actor_display(card))
    meta = []
    if card.label_en:
        meta.append(f"Engels: *{esc(card.label_en)}*")
    if card.types:
        meta.append("Soort: " + ", ".join(esc(local_name(t)) for t in card.types))
    if meta:
        st.caption(" · ".join(meta))
    if card.definition:
        st.markdown(card.definition)
    show_notices(card.notices)

    relations = [("Valt onder", card.parents), ("Omvat", card.children), ("Handelt namens", card.acts_on_behalf_of)]
    if any(refs for _, refs in relations):
        for col, (title, refs) in zip(st.columns(3), relations):
            with col:
                st.markdown(f"**{title}**")
                if not refs:
                    st.caption("—")
                for j, ref in enumerate(refs):
                    open_actor_button(ref.iri, actor_display(ref), key=f"rel-{title}-{j}")

    st.markdown("#### Netwerk")
    network_view(actor_neighbourhood(card), card.iri)

    st.markdown(f"#### Bevoegdheden ({len(card.competences)})")
    if not card.competences:
        st.caption("Geen bevoegdheden vastgelegd.")
    groups: dict[str, list[Competence]] = defaultdict(list)
    for comp in card.competences:
        groups[comp.domain or "Overig"].append(comp)
    for domain in sorted(groups, key=lambda d: (d == "Overig", d.lower())):
        st.markdown(f"**{esc(domain)}**")
        for j, comp in enumerate(groups[domain]):
            with st.container(border=True):
                st.markdown(esc(competence_text(comp)))
                details = []
                if comp.condition:
                    details.append(f"Voorwaarde: {esc(comp.condition)}")
                if comp.legal_basis:
                    details.append("Grondslag: " + "; ".join(esc(b) for b in comp.legal_basis))
                if comp.on_behalf_of:
                    details.append(f"Namens: {esc(local_name(comp.on_behalf_of))}")
                if comp.editions:
                    details.append("Edities: " + ", ".join(esc(e) for e in comp.editions))
                if details:
                    st.caption(" · ".join(details))
                for s_i, src in enumerate(comp.sources):
                    st.markdown(
                        f'<blockquote class="k-quote">“{esc(src.quote)}”<br><small>{esc(doc_label(k, src.doc))}, '
                        f"{cite_ref(src.ref)} (versie {src.version}){source_link(src.url, markdown=False)}</small></blockquote>",
                        unsafe_allow_html=True,
                    )
                    open_section_button(src.doc, src.ref, src.version, key=f"comp-{domain}-{j}-{s_i}")
    changes_view(k, card)


def network_view(net: Network, center: str) -> None:
    """Interactive network (vis.js via streamlit-agraph), a click opening that actor."""
    if len(net.nodes) <= 1:
        st.caption("Geen relaties vastgelegd.")
        return
    from streamlit_agraph import Config, Edge, Node, agraph

    colours = {"actor": "#4a7ab5", "domain": "#6aa84f", "object": "#e69138", "other": "#999999"}
    nodes = [
        Node(id=n.id, label=n.label, title=n.label, size=28 if n.id == center else 16,
             color="#c0392b" if n.id == center else colours.get(n.kind, "#999999"),
             shape="dot" if n.kind == "actor" else "box" if n.kind == "object" else "ellipse",
             font={"size": 13})
        for n in net.nodes
    ]
    edges = [Edge(source=e.source, target=e.target, label=e.label, color="#aaaaaa",
                  font={"size": 10, "align": "middle"}) for e in net.edges]
    clicked = agraph(nodes=nodes, edges=edges,
                     config=Config(width=660, height=420, directed=True, physics=True, hierarchical=False))
    st.caption("Klik op een actor in het netwerk om naar die actor te gaan.")
    node = net.node(clicked) if isinstance(clicked, str) else None
    if node is not None and node.target and node.target != center and ss.get("_last_click") != clicked:
        ss["_last_click"] = clicked
        ss["_nav"] = {"actor": node.target}
        st.rerun()
    others = [n for n in net.nodes if n.target and n.target != center]
    if others:
        with st.expander(f"Verder naar ({len(others)})"):
            for j, n in enumerate(others):
                open_actor_button(n.target, n.label, key=f"net-{j}")


# --- what changed between two editions (kennis.curate.changes) ---------------------------------

_CHANGE_TITLES = {"nieuw": "Nieuw", "vervallen": "Vervallen", "gewijzigd": "Anders geformuleerd of verplaatst",
                  "gelijk": "Ongewijzigd"}


@st.cache_data(show_spinner=False, max_entries=32)
def _changes(key: str, actor: str, before: str, after: str) -> ActorChanges:
    return core().actor_changes(actor, before, after)


def changes_view(k: Kennis, card: ActorCard) -> None:
    """The actor's competences that appear, disappear or change wording between two editions."""
    docs = Counter(s.doc for c in card.competences for s in c.sources if k.manifest.document(s.doc).work)
    if not docs or not st.toggle("Wat veranderde tussen edities?", key="actor_changes"):
        return
    keys = [f"{d}/{v}" for d, v in k.editions(docs.most_common(1)[0][0])]
    if len(keys) < 2:
        st.caption("Van deze regeling zit maar één editie in het corpus.")
        return

    def label(key: str) -> str:
        d, _, v = key.partition("/")
        return f"{doc_label(k, d)} (versie {v})"

    for name, default in (("chg_from", keys[-2]), ("chg_to", keys[-1])):
        if ss.get(name) not in keys:
            ss[name] = default
    c1, c2 = st.columns(2)
    before = c1.selectbox("Oudere editie", keys, key="chg_from", format_func=label)
    after = c2.selectbox("Nieuwere editie", keys, key="chg_to", format_func=label)
    if before == after:
        st.info("Kies twee verschillende edities.")
        return
    with st.spinner("Edities vergelijken…"):
        changes = _changes(settings_key(), card.iri, before, after)
    counts = changes.counts()
    st.caption(" · ".join(f"{_CHANGE_TITLES[s]}: {n}" for s, n in counts.items()))
    shown = [c for c in changes.changes if c.status != "gelijk"]
    if not shown:
        st.caption("Geen verschillen in de vastgelegde bevoegdheden.")
    for ch in shown:
        with st.container(border=True):
            st.markdown(f"**{_CHANGE_TITLES[ch.status]}** — {esc(ch.label)}")
            if ch.before is not None and ch.after is not None:
                old, new, _ = diff_words(ch.before.quote, ch.after.quote)
                quotes = [(ch.before, _marked(old)), (ch.after, _marked(new))]
            else:
                quotes = [(src, esc(src.quote)) for src in (ch.before, ch.after) if src is not None]
            for src, html_quote in quotes:
                st.markdown(f'<blockquote class="k-quote">“{html_quote}”<br><small>{esc(doc_label(k, src.doc))}, '
                            f"{cite_ref(src.ref)} (versie {src.version}){source_link(src.url, markdown=False)}"
                            "</small></blockquote>",
                            unsafe_allow_html=True)
            if ch.aligned:
                st.caption("Eén kant gevonden door de teksten te vergelijken, niet vastgelegd.")


def _marked(segments: tuple[Segment, ...]) -> str:
    marks = {"delete": '<del class="k-del">{}</del>', "insert": '<ins class="k-ins">{}</ins>', "equal": "{}"}
    return "".join(marks[s.op].format(esc(s.text)) for s in segments)
