"""Vraag het: a question answered with the competent actor, its sources and the path."""

from __future__ import annotations

import streamlit as st

from kennis.errors import KennisError
from kennis.format import actor_display, cite_ref, local_name
from kennis.models import ActorCard
from kennis.ui.common import (core, date_filter, doc_label, esc, guarded, link, open_actor_button,
                              open_section_button, require_built, show_notices, source_link, ss)
from kennis.views import EXAMPLE_QUESTIONS, explanation_network


def render() -> None:
    k = core()
    st.header("Vraag het")
    st.caption("Stel een vraag zoals u die aan een collega zou stellen. Het antwoord noemt de bevoegde "
               "actor en de paragraaf waarop het steunt.")
    if not require_built(k):
        return
    cols = st.columns(len(EXAMPLE_QUESTIONS))
    for i, (col, q) in enumerate(zip(cols, EXAMPLE_QUESTIONS)):
        with col:
            st.button(q, key=f"example-{i}", on_click=ss.__setitem__, args=("question", q), width="stretch")
    question = st.text_input("Uw vraag", key="question",
                             placeholder="bijv. Wie beslist over beveiliging van een bedreigde burgemeester?")
    day = date_filter("ask_date")
    if not question or not question.strip():
        return
    with guarded():
        with st.spinner("Antwoord zoeken…"):
            answer = k.ask(question, date=day)
        if answer.answered:
            st.success(answer.answer, icon=":material/check_circle:")
        else:
            st.warning(answer.answer, icon=":material/help:")
        show_notices(answer.notices)

        if answer.actors:
            st.subheader("Bevoegde actor" if len(answer.actors) == 1 else "Genoemde actoren")
            acols = st.columns(min(3, len(answer.actors)))
            for i, actor in enumerate(answer.actors):
                with acols[i % len(acols)], st.container(border=True):
                    card: ActorCard | None
                    try:
                        card = k.actor(actor.iri, date=day)
                    except KennisError:
                        card = None
                    st.markdown(f"**{esc(actor_display(card or actor))}**")
                    if card is not None and card.definition:
                        st.caption(card.definition)
                    open_actor_button(actor.iri, "Open actorpagina", key=f"ans-actor-{i}")

        if answer.sources:
            st.subheader("Bronnen")
            for i, src in enumerate(answer.sources):
                with st.container(border=True):
                    st.markdown(f"**{esc(doc_label(k, src.doc))}, {cite_ref(src.ref)}** · versie {src.version}"
                                f"{source_link(src.url)}")
                    if src.title:
                        st.caption(src.title)
                    if src.quote:
                        st.markdown(f'<blockquote class="k-quote">“{esc(src.quote)}”</blockquote>',
                                    unsafe_allow_html=True)
                    open_section_button(src.doc, src.ref, src.version, key=f"src-{i}")

        if answer.path:
            st.subheader("Route door het stelsel")
            st.caption("Domein → gezag → besluit over maatregelen → uitvoering, elke stap met haar bron.")
            for j, step in enumerate(answer.path):
                who = f"**{esc(step.actor.label)}**: " if step.actor else ""
                st.markdown(f"{j + 1}. *{esc(step.step)}* — {who}{esc(step.label)}")
                if step.source is not None:
                    st.markdown(f'<blockquote class="k-quote">“{esc(step.source.quote)}” '
                                f'({esc(doc_label(k, step.source.doc))}, {esc(cite_ref(step.source.ref))})'
                                f'{source_link(step.source.url, markdown=False)}</blockquote>',
                                unsafe_allow_html=True)

        if answer.explanation:
            st.subheader("Onderbouwing")
            st.caption("Het pad door de kennisgraaf: actor → uitspraak → passage.")
            net = explanation_network(answer)
            st.graphviz_chart(net.to_dot(lambda n: link("actoren", actor=n.target) if n.target else None))
            with st.expander("Als tekst"):
                for edge in answer.explanation:
                    st.markdown(f"- {esc(edge.subject_label or edge.subject)} → *{esc(local_name(edge.predicate))}*"
                                f" → {esc(edge.object_label or edge.object)}")
