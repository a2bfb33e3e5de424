"""kennis: the Streamlit interface for staff (``streamlit run app.py``).

Every page calls the one core, :class:`kennis.service.Kennis`, and only formats what it
returns; logic that is not display lives in the package (``kennis.compare``,
``kennis.views``). The core loads once per process (``st.cache_resource``) and its heavy
parts (model, indexes, graph) load lazily, so the first page is quick.

Deep links: ``?page=zoeken&q=…``, ``?page=vraag&q=…``, ``?page=actoren&actor=HOvJ``,
``?page=documenten&doc=BWBR0036811&ref=4.2&version=2015-07-09``.
"""

from __future__ import annotations

import html
import json
import threading
from collections import defaultdict
from contextlib import contextmanager
from dataclasses import replace
from typing import Any, Iterator
from urllib.parse import urlencode

import streamlit as st

from kennis.config import Settings
from kennis.errors import KennisError, NotBuiltError, NotFoundError

st.set_page_config(page_title="Kennisbank bewaken en beveiligen", page_icon="🛡️", layout="wide")

PAGES = ("Zoeken", "Vraag het", "Actoren", "Documenten", "SPARQL")
SLUGS = {"Zoeken": "zoeken", "Vraag het": "vraag", "Actoren": "actoren", "Documenten": "documenten", "SPARQL": "sparql"}
PAGE_BY_SLUG = {v: k for k, v in SLUGS.items()}
ss = st.session_state

_CSS = """
<style>
mark.k-hit { background: #fff1a8; padding: 0 .1em; border-radius: 2px; }
del.k-del { background: #fde2e1; color: #8a1c17; text-decoration: line-through; }
ins.k-ins { background: #dcf5dc; color: #1d5e20; text-decoration: none; }
div.k-text { line-height: 1.55; white-space: pre-wrap; }
blockquote.k-quote { border-left: 3px solid #9bb7d4; margin: .3em 0; padding: .1em .8em; color: #333; }
</style>
"""


# --- loading -------------------------------------------------------------------------------


@st.cache_resource(show_spinner=False)
def _load_kennis(key: str, _settings: Settings) -> Any:
    """One ``Kennis`` per settings per process; warms its heavy parts in the background."""
    from kennis.service import Kennis

    k = Kennis(_settings)
    if k.is_built:
        threading.Thread(target=_warm_up, args=(k,), name="kennis-warm-up", daemon=True).start()
    return k


def _warm_up(k: Any) -> None:
    # load the corpus, indexes and model before the first question, not during it
    try:
        _ = k.corpus
        warm = getattr(k, "warm_up", None)
        if not callable(warm) and hasattr(type(k), "searcher"):
            warm = getattr(k.searcher, "warm_up", None)
        if callable(warm):
            warm()
    except Exception:  # noqa: BLE001 - a failed warm-up shows up (with its message) on first use
        pass


def kennis() -> Any:
    settings = Settings.from_env()
    return _load_kennis(repr(settings), settings)


@st.cache_data(show_spinner=False, max_entries=32)
def _comparison(key: str, left: tuple[str, str], right: tuple[str, str], ref: str | None) -> Any:
    from kennis.compare import compare_versions

    return compare_versions(kennis().corpus, left, right, ref)


@st.cache_data(show_spinner=False, max_entries=64)
def _citations(key: str, doc: str, ref: str | None) -> Any:
    from kennis.compare import cited_from

    return cited_from(kennis().corpus, doc, ref)


def _key() -> str:
    return repr(Settings.from_env())


# --- navigation and deep links ---------------------------------------------------------------


def _init_from_url() -> None:
    """On the first run of a session, take page and inputs from the query parameters."""
    if ss.get("_init"):
        return
    ss["_init"] = True
    qp = st.query_params
    page = PAGE_BY_SLUG.get(str(qp.get("page", "")).lower())
    if page:
        ss["page"] = page
    if qp.get("q"):
        ss["question" if page == "Vraag het" else "search_q"] = qp["q"]
    for name in ("actor", "doc", "ref", "version"):
        if qp.get(name):
            ss[name] = qp[name]
    if page == "Documenten" and qp.get("ref"):
        ss["doc_view"] = "Lezen"


def _apply_pending() -> None:
    """Navigation asked for after widgets were drawn (a click in the network view)."""
    pending = ss.pop("_nav", None)
    if pending:
        for name, value in pending.items():
            ss[name] = value


def _sync_url(page: str) -> None:
    params: dict[str, str] = {"page": SLUGS[page]}
    if page == "Zoeken" and ss.get("search_q"):
        params["q"] = ss["search_q"]
    elif page == "Vraag het" and ss.get("question"):
        params["q"] = ss["question"]
    elif page == "Actoren" and ss.get("actor"):
        params["actor"] = ss["actor"]
    elif page == "Documenten":
        for name in ("doc", "version", "ref"):
            if ss.get(name):
                params[name] = ss[name]
    if dict(st.query_params) != params:
        st.query_params.from_dict(params)


def link(page: str, **params: str | None) -> str:
    """A shareable relative link to a page with its inputs."""
    return "?" + urlencode({"page": SLUGS[page], **{k: v for k, v in params.items() if v}})


def goto(page: str, **state: Any) -> None:
    """Button callback: switch page and preset its inputs (runs before the next script run)."""
    ss["page"] = page
    for name, value in state.items():
        ss[name] = value
    if page == "Documenten":
        ss["doc_view"] = "Lezen"


def open_section_button(doc: str, ref: str, version: str | None, key: str, label: str | None = None) -> None:
    from kennis.views import cite_ref

    st.button(
        label or f"Lees {cite_ref(ref)} in context",
        key=key,
        on_click=goto,
        args=("Documenten",),
        kwargs={"doc": doc, "ref": ref, "version": version},
        type="tertiary",
        icon=":material/menu_book:",
    )


def open_actor_button(iri: str, label: str, key: str) -> None:
    st.button(label, key=key, on_click=goto, args=("Actoren",), kwargs={"actor": iri},
              type="tertiary", icon=":material/person:")


# --- shared display ------------------------------------------------------------------------------


@contextmanager
def guarded() -> Iterator[None]:
    """Turn kennis errors into readable Dutch messages instead of a traceback."""
    try:
        yield
    except NotBuiltError as exc:
        build_help(exc)
    except KennisError as exc:
        st.error(exc.message + (f"  \nTip: {exc.hint}" if exc.hint else ""), icon=":material/error:")


def build_help(exc: Exception | None = None) -> None:
    settings = Settings.from_env()
    st.warning(
        "**De kennisbank is nog niet gebouwd.** "
        f"Er is gezocht in `{settings.kb_dir}`.\n\n"
        "Bouw haar eenmalig vanuit de map van kennis:\n\n"
        "- `./setup.sh` installeert alles en bouwt de kennisbank, of\n"
        "- `kennis build` als kennis al geïnstalleerd is (duurt enkele minuten).\n\n"
        "Een andere map gebruiken? Zet `KENNIS_DATA_DIR` (en `KENNIS_CORPUS_DIR` voor het corpus). "
        "Herlaad daarna deze pagina.",
        icon=":material/construction:",
    )
    if exc is not None and not isinstance(exc, NotBuiltError):
        st.caption(str(exc))


def require(k: Any, *methods: str, built: bool = True) -> bool:
    """True when the knowledge base is built and the core offers ``methods``; else explain."""
    if built and not k.is_built:
        build_help()
        return False
    missing = [m for m in methods if not callable(getattr(k, m, None))]
    if missing:
        st.info(
            "Dit onderdeel is in deze versie van kennis nog niet beschikbaar "
            f"(ontbreekt: `{'`, `'.join(missing)}`).",
            icon=":material/hourglass_empty:",
        )
        return False
    return True


def esc(text: str) -> str:
    return html.escape(text or "", quote=False)


def highlighted(text: str, query: str) -> str:
    """HTML of ``text`` with the query terms marked (the searcher's ``**…**`` marks win)."""
    from kennis.compare import mark_terms

    if text.count("**") >= 2:
        parts = text.split("**")
        return "".join(f'<mark class="k-hit">{esc(t)}</mark>' if i % 2 else esc(t) for i, t in enumerate(parts))
    return "".join(f'<mark class="k-hit">{esc(t)}</mark>' if hit else esc(t) for t, hit in mark_terms(text, query))


def segments_html(segments: Any) -> str:
    out = []
    for s in segments:
        if s.op == "delete":
            out.append(f'<del class="k-del">{esc(s.text)}</del>')
        elif s.op == "insert":
            out.append(f'<ins class="k-ins">{esc(s.text)}</ins>')
        else:
            out.append(esc(s.text))
    return '<div class="k-text">' + "".join(out) + "</div>"


def doc_label(k: Any, doc: str) -> str:
    try:
        return k.manifest.document(doc).label
    except KennisError:
        return doc


def date_filter(key: str) -> Any:
    from datetime import date

    # the default range (ten years back) would hide the 2004 and 2008 editions
    return st.date_input("Geldend op", value=None, key=key, format="DD-MM-YYYY",
                         min_value=date(1990, 1, 1), max_value=date(date.today().year + 10, 12, 31),
                         help="Leeg: de meest recente teksten in het corpus.")


def show_notices(notices: Any) -> None:
    notices = list(notices or ())
    if len(notices) == 1:
        st.info(notices[0], icon=":material/info:")
    elif notices:
        st.info("\n".join(f"- {n}" for n in notices), icon=":material/info:")


# --- Zoeken ----------------------------------------------------------------------------------------


def page_search(k: Any) -> None:
    from kennis.views import cite_ref

    st.header("Zoeken")
    st.caption("Zoek in de circulaires, wetten en brieven over bewaken en beveiligen. "
               "Resultaten zijn paragrafen met hun vindplaats.")
    if not require(k, "search"):
        return
    query = st.text_input("Zoekvraag", key="search_q", placeholder="bijv. gezag persoonsbeveiliging decentraal domein")
    docs = [d for d in k.documents() if d.has_text]
    kinds = sorted({d.kind for d in docs})
    c1, c2, c3 = st.columns(3)
    with c1:
        day = date_filter("search_date")
    with c2:
        doc = st.selectbox("Document", [None] + [d.id for d in docs], key="search_doc",
                           format_func=lambda d: "Alle documenten" if d is None else f"{doc_label(k, d)} ({d})")
    with c3:
        kind = st.selectbox("Soort", [None] + kinds, key="search_kind",
                            format_func=lambda x: "Alle soorten" if x is None else x)
    if not query or not query.strip():
        return
    with guarded():
        with st.spinner("Zoeken…"):
            result = k.search(query, k=k.settings.k, date=day, doc=doc, kind=kind)
        show_notices(result.notices)
        if not result.hits:
            st.warning("Geen resultaten. Probeer andere woorden of haal een filter weg.")
            return
        st.caption(f"{len(result.hits)} resultaten")
        for i, hit in enumerate(result.hits, 1):
            with st.container(border=True):
                st.markdown(
                    f"**{i}. {esc(hit.doc_title or doc_label(k, hit.doc))}** · {cite_ref(hit.ref)} · versie {hit.version}"
                )
                if hit.title:
                    st.caption(hit.title)
                st.markdown(f'<div class="k-text">{highlighted(hit.snippet or hit.text, query)}</div>',
                            unsafe_allow_html=True)
                a, b = st.columns([1, 3], vertical_alignment="center")
                with a:
                    open_section_button(hit.doc, hit.ref, hit.version, key=f"hit-{i}")
                with b:
                    st.caption(f"[Deellink]({link('Documenten', doc=hit.doc, ref=hit.ref, version=hit.version)})")


# --- Vraag het -------------------------------------------------------------------------------------


def page_ask(k: Any) -> None:
    from kennis.views import EXAMPLE_QUESTIONS, actor_display, cite_ref, explanation_network

    st.header("Vraag het")
    st.caption("Stel een vraag zoals u die aan een collega zou stellen. Het antwoord noemt de bevoegde "
               "actor en de paragraaf waarop het steunt.")
    if not require(k, "ask"):
        return
    cols = st.columns(len(EXAMPLE_QUESTIONS))
    for i, (col, q) in enumerate(zip(cols, EXAMPLE_QUESTIONS)):
        with col:
            st.button(q, key=f"example-{i}", on_click=lambda q=q: ss.__setitem__("question", q),
                      width="stretch")
    question = st.text_input("Uw vraag", key="question", placeholder="bijv. Wie beslist over beveiliging van een bedreigde burgemeester?")
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
                    card = None
                    if callable(getattr(k, "actor", None)):
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
                    st.markdown(f"**{esc(doc_label(k, src.doc))}, {cite_ref(src.ref)}** · versie {src.version}")
                    if src.title:
                        st.caption(src.title)
                    if src.quote:
                        st.markdown(f'<blockquote class="k-quote">“{esc(src.quote)}”</blockquote>', unsafe_allow_html=True)
                    open_section_button(src.doc, src.ref, src.version, key=f"src-{i}")

        if answer.explanation:
            st.subheader("Onderbouwing")
            st.caption("Het pad door de kennisgraaf: actor → uitspraak → passage.")
            net = explanation_network(answer)
            st.graphviz_chart(net.to_dot(lambda n: link("Actoren", actor=n.target) if n.target else None))
            with st.expander("Als tekst"):
                for step in answer.explanation:
                    st.markdown(f"- {esc(step.subject_label or step.subject)} → *{esc(step.predicate.rsplit('#', 1)[-1].rsplit('/', 1)[-1])}* → {esc(step.object_label or step.object)}")


# --- Actoren ------------------------------------------------------------------------------------------


def page_actors(k: Any) -> None:
    from kennis.views import actor_display

    st.header("Actoren")
    st.caption("Wie doet wat in het stelsel bewaken en beveiligen: organisaties, functionarissen en overleggen, "
               "met hun bevoegdheden en de bronnen daarvan.")
    if not require(k, "actors", "actor"):
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
            st.radio(f"{len(actors)} actoren", iris, key="actor", format_func=lambda i: labels.get(i, i),
                     label_visibility="visible")
        with right:
            day = date_filter("actor_date")
            with st.spinner("Actor laden…"):
                card = k.actor(ss.get("actor") or iris[0], date=day)
            actor_card(k, card)


def actor_card(k: Any, card: Any) -> None:
    from kennis.views import actor_display, actor_neighbourhood, cite_ref

    st.subheader(actor_display(card))
    meta = []
    if card.label_en:
        meta.append(f"Engels: *{esc(card.label_en)}*")
    if card.types:
        meta.append("Soort: " + ", ".join(esc(t.rsplit('#', 1)[-1].rsplit('/', 1)[-1]) for t in card.types))
    if meta:
        st.caption(" · ".join(meta))
    if card.definition:
        st.markdown(card.definition)
    show_notices(card.notices)

    relations = [("Valt onder", card.parents), ("Omvat", card.children), ("Handelt namens", card.acts_on_behalf_of)]
    if any(refs for _, refs in relations):
        cols = st.columns(3)
        for col, (title, refs) in zip(cols, relations):
            with col:
                st.markdown(f"**{title}**")
                if not refs:
                    st.caption("—")
                for j, ref in enumerate(refs):
                    open_actor_button(ref.iri, actor_display(ref), key=f"rel-{title}-{j}")

    st.markdown("#### Netwerk")
    net = actor_neighbourhood(card)
    network_view(net, card.iri)

    st.markdown(f"#### Bevoegdheden ({len(card.competences)})")
    if not card.competences:
        st.caption("Geen bevoegdheden vastgelegd.")
    groups: dict[str, list[Any]] = defaultdict(list)
    for comp in card.competences:
        groups[comp.domain or "Overig"].append(comp)
    for domain in sorted(groups, key=lambda d: (d == "Overig", d.lower())):
        st.markdown(f"**{esc(domain)}**")
        for j, comp in enumerate(groups[domain]):
            with st.container(border=True):
                text = comp.label or " ".join(x for x in (comp.modality, comp.action, comp.object) if x)
                st.markdown(esc(text[:1].upper() + text[1:]))
                details = []
                if comp.condition:
                    details.append(f"Voorwaarde: {esc(comp.condition)}")
                if comp.legal_basis:
                    details.append("Grondslag: " + "; ".join(esc(b) for b in comp.legal_basis))
                if comp.on_behalf_of:
                    details.append(f"Namens: {esc(comp.on_behalf_of.rsplit('/', 1)[-1])}")
                if comp.editions:
                    details.append("Edities: " + ", ".join(esc(e) for e in comp.editions))
                if details:
                    st.caption(" · ".join(details))
                for s_i, src in enumerate(comp.sources):
                    st.markdown(
                        f'<blockquote class="k-quote">“{esc(src.quote)}”<br><small>{esc(doc_label(k, src.doc))}, '
                        f"{cite_ref(src.ref)} (versie {src.version})</small></blockquote>",
                        unsafe_allow_html=True,
                    )
                    open_section_button(src.doc, src.ref, src.version, key=f"comp-{domain}-{j}-{s_i}")


def network_view(net: Any, center: str) -> None:
    """Interactive network (vis.js via streamlit-agraph) when installed, else a Graphviz drawing."""
    if len(net.nodes) <= 1:
        st.caption("Geen relaties vastgelegd.")
        return
    try:
        from streamlit_agraph import Config, Edge, Node, agraph
    except ImportError:
        agraph = None
    if agraph is not None:
        colours = {"actor": "#4a7ab5", "domain": "#6aa84f", "object": "#e69138", "other": "#999999"}
        nodes = [
            Node(id=n.id, label=n.label, title=n.label, size=28 if n.id == center else 16,
                 color="#c0392b" if n.id == center else colours.get(n.kind, "#999999"),
                 shape="dot" if n.kind == "actor" else "box" if n.kind == "object" else "ellipse",
                 font={"size": 13})
            for n in net.nodes
        ]
        edges = [Edge(source=e.source, target=e.target, label=e.label, color="#aaaaaa", font={"size": 10, "align": "middle"})
                 for e in net.edges]
        clicked = agraph(nodes=nodes, edges=edges,
                         config=Config(width=660, height=420, directed=True, physics=True, hierarchical=False))
        st.caption("Klik op een actor in het netwerk om naar die actor te gaan.")
        node = net.node(clicked) if isinstance(clicked, str) else None
        if node is not None and node.target and node.target != center and ss.get("_last_click") != clicked:
            ss["_last_click"] = clicked
            ss["_nav"] = {"actor": node.target}
            st.rerun()
    else:
        st.graphviz_chart(net.to_dot(lambda n: link("Actoren", actor=n.target) if n.target else None))
    others = [n for n in net.nodes if n.target and n.target != center]
    if others:
        with st.expander(f"Verder naar ({len(others)})"):
            for j, n in enumerate(others):
                open_actor_button(n.target, n.label, key=f"net-{j}")


# --- Documenten ---------------------------------------------------------------------------------------


def page_documents(k: Any) -> None:
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


def _section_label(s: Any) -> str:
    from kennis.views import cite_ref

    head = s.heading or (s.path[-1] if s.path else "")
    if not s.ref:
        return head or "gehele tekst"
    if s.number and head.startswith(s.number):
        return head
    if head.lower().startswith(s.ref.lower()):
        return head  # "Aanhef", "Artikel 16": the heading already says it
    return f"{cite_ref(s.ref)} {head}".strip()


def read_section(k: Any, doc: str, version: str) -> None:

    sections = k.toc(doc, version=version)
    refs = [s.ref for s in sections]
    by_ref = {s.ref: s for s in sections}
    if not refs:
        refs, by_ref = [""], {}
    if ss.get("ref") not in refs:
        # a ref from a link may name a member ("artikel 16 lid 1") of a unit in the toc
        from kennis.corpus import ref_within

        wanted = ss.get("ref") or ""
        ss["ref"] = next((r for r in refs if wanted and ref_within(wanted, r) and r), refs[0])
    toc_col, text_col = st.columns([1, 2.4], gap="large")
    with toc_col:
        ref = st.selectbox("Paragraaf", refs, key="ref",
                           format_func=lambda r: _section_label(by_ref[r]) if r in by_ref else (r or "gehele tekst"))
        with st.expander("Inhoudsopgave", expanded=True):
            lines = []
            for s in sections:
                label = esc(_section_label(s))
                style = "font-weight:600;" if s.ref == ref else ""
                lines.append(
                    f'<div style="margin-left:{(s.level - 1) * 0.9}em;{style}">'
                    f'<a href="{link("Documenten", doc=doc, version=version, ref=s.ref)}" target="_self">{label}</a></div>'
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
            st.subheader(_section_label(by_ref[ref]) if ref in by_ref else ref)
            st.caption("Deze kop heeft geen eigen tekst. Onderdelen:")
            for j, child in enumerate(s for s in sections if s.parent_ref == ref):
                open_section_button(doc, child.ref, version, key=f"child-{j}", label=_section_label(child))
            return
        first = passages[0]
        st.subheader(_section_label(by_ref[ref]) if ref in by_ref else (ref or doc_label(k, doc)))
        st.caption(f"{doc_label(k, doc)} · versie {first.version} · {esc(first.title)}")
        shown_ref = ref
        for p in passages:
            if p.ref != shown_ref and p.ref in by_ref:
                # a sub-section of its own gets its heading; members ("lid 2") are numbered in the text
                st.markdown(f"**{esc(_section_label(by_ref[p.ref]))}**")
                shown_ref = p.ref
            st.markdown(f'<div class="k-text">{esc(p.text)}</div>', unsafe_allow_html=True)
            for note in p.footnotes:
                st.caption(f"[{note.label}] {note.text}")
        refs_out = {(r.target_doc, r.target_ref): r for p in passages for r in p.references if r.target_doc}
        if refs_out:
            st.markdown("**Verwijst naar**")
            for j, ((tdoc, tref), r) in enumerate(refs_out.items()):
                target = k.manifest.document(tdoc)
                label = f"{target.label}, {tref}" if tref else target.label
                if target.has_text:
                    open_section_button(tdoc, tref or "", None, key=f"out-{j}", label=label)
                else:
                    st.caption(label)
        st.markdown(f"[Deellink naar deze paragraaf]({link('Documenten', doc=doc, version=version, ref=ref)})")
        st.divider()
        citations_view(k, doc, ref or None, compact=True)


def compare_editions(k: Any, doc: str, version: str) -> None:
    from kennis.compare import editions_with_text
    from kennis.views import cite_ref

    editions = editions_with_text(k.corpus, doc)
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
        cmp = _comparison(_key(), (ldoc, lver), (rdoc, rver), None)
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
                           format_func=lambda r: _section_label(by_ref[r]))
        from kennis.corpus import ref_within

        cmp = replace(cmp, sections=tuple(p for p in cmp.sections if p.left and ref_within(p.left.ref, ref)))
    only_changed = st.checkbox("Alleen verschillen tonen", key="cmp_only_changed", value=scope == "Hele tekst")
    counts = cmp.counts()
    m = st.columns(4)
    for col, (name, title) in zip(m, [("gelijk", "Gelijk"), ("gewijzigd", "Gewijzigd"), ("nieuw", "Nieuw"), ("vervallen", "Vervallen")]):
        col.metric(title, counts[name])
    st.caption("Paragrafen zijn gekoppeld op kop en inhoud, ook als de nummering verschilt. "
               '<del class="k-del">doorgestreept</del> = vervallen, <ins class="k-ins">groen</ins> = nieuw.',
               unsafe_allow_html=True)
    for i, s in enumerate(cmp.sections):
        if only_changed and s.status == "gelijk":
            continue
        lt = _section_label(s.left) if s.left else "—"
        rt = _section_label(s.right) if s.right else "—"
        pct = f", {round(s.similarity * 100)} % gelijk" if s.status == "gewijzigd" else ""
        with st.expander(f"{lt}  →  {rt}  ({s.status}{pct})", expanded=scope == "Eén paragraaf"):
            a, b = st.columns(2)
            with a:
                st.markdown(f"**{esc(lt)}**", help=label(left))
                st.markdown(segments_html(s.left_segments) if s.left_segments else "*(geen tekst)*", unsafe_allow_html=True)
            with b:
                st.markdown(f"**{esc(rt)}**", help=label(right))
                st.markdown(segments_html(s.right_segments) if s.right_segments else "*(geen tekst)*", unsafe_allow_html=True)
            if s.right is not None:
                open_section_button(rdoc, s.right.ref, rver, key=f"cmp-open-{i}",
                                    label=f"Lees {cite_ref(s.right.ref)} in de nieuwere tekst")


def citations_view(k: Any, doc: str, ref: str | None, compact: bool = False) -> None:
    from kennis.views import cite_ref

    citations = _citations(_key(), doc, ref)
    what = f"{cite_ref(ref)} van {doc_label(k, doc)}" if ref else doc_label(k, doc)
    st.markdown(f"**Geciteerd door** ({len(citations)})" if compact else f"#### Waar wordt {esc(what)} geciteerd?")
    if not citations:
        st.caption(f"Geen verwijzingen naar {what} gevonden in het corpus.")
        return
    limit = 15 if compact else 200
    groups: dict[str, list[Any]] = defaultdict(list)
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


# --- SPARQL ------------------------------------------------------------------------------------------------


def tabular(result: Any) -> tuple[list[str], list[list[str]]] | bool:
    """Columns and rows of a query result (``.columns``/``.rows``, or SPARQL JSON), or an ASK boolean."""
    if isinstance(result, bool):
        return result
    if isinstance(result, dict):
        if "boolean" in result:
            return bool(result["boolean"])
        if "head" in result:
            cols = list(result["head"].get("vars", []))
            rows = [[_cell(b.get(c)) for c in cols] for b in result.get("results", {}).get("bindings", [])]
            return cols, rows
        cols, raw = list(result.get("columns", [])), result.get("rows", [])
    else:
        if getattr(result, "boolean", None) is not None and not getattr(result, "columns", None):
            return bool(result.boolean)
        cols, raw = list(getattr(result, "columns", [])), getattr(result, "rows", [])
    cols = [str(c).lstrip("?") for c in cols]
    rows = []
    for r in raw:
        if isinstance(r, dict):
            r = [r.get(c) for c in cols]
        rows.append([_cell(v) for v in r])
    return cols, rows


def _cell(value: Any) -> str:
    if value is None:
        return ""
    if isinstance(value, dict):
        return str(value.get("value", ""))
    inner = getattr(value, "value", None)
    return str(inner) if isinstance(inner, str) else str(value)


def page_sparql(k: Any) -> None:
    from kennis.views import sparql_examples

    st.header("SPARQL")
    st.caption("Bevraag de kennisgraaf direct. Alleen lezen; grote resultaten worden afgekapt.")
    if not require(k, "sparql"):
        return
    examples = sparql_examples()
    names = list(examples)

    def load_example() -> None:
        ss["sparql_query"] = examples[ss["sparql_example"]]

    st.selectbox("Voorbeeldquery", names, key="sparql_example", on_change=load_example)
    if "sparql_query" not in ss:
        ss["sparql_query"] = examples[ss.get("sparql_example", names[0])]
    query = st.text_area("Query", key="sparql_query", height=280)
    if st.button("Uitvoeren", type="primary", icon=":material/play_arrow:"):
        with guarded():
            with st.spinner("Query uitvoeren…"):
                ss["sparql_result"] = (query, tabular(k.sparql(query)))
    stored = ss.get("sparql_result")
    if not stored or stored[0] != query:
        return
    table = stored[1]
    if isinstance(table, bool):
        st.success("Ja (true)") if table else st.warning("Nee (false)")
        return
    cols, rows = table
    st.caption(f"{len(rows)} rijen")
    import pandas as pd

    frame = pd.DataFrame(rows, columns=cols)
    st.dataframe(frame, width="stretch", hide_index=True)
    c1, c2 = st.columns(2)
    with c1:
        st.download_button("Download CSV", frame.to_csv(index=False).encode("utf-8"), file_name="resultaat.csv",
                           mime="text/csv", on_click="ignore", icon=":material/download:")
    with c2:
        payload = json.dumps([dict(zip(cols, r)) for r in rows], ensure_ascii=False, indent=2)
        st.download_button("Download JSON", payload.encode("utf-8"), file_name="resultaat.json",
                           mime="application/json", on_click="ignore", icon=":material/download:")


# --- main ------------------------------------------------------------------------------------------------------


def main() -> None:
    _init_from_url()
    _apply_pending()
    st.markdown(_CSS, unsafe_allow_html=True)
    k = kennis()
    with st.sidebar:
        st.markdown("### Kennisbank\n**Bewaken en beveiligen**")
        page = st.radio("Pagina", PAGES, key="page", label_visibility="collapsed")
        st.divider()
        if k.is_built:
            st.caption("Kennisbank gebouwd. Antwoorden verwijzen altijd naar de bron; lees bij twijfel de "
                       "geldende tekst na.")
        else:
            st.caption("De kennisbank is nog niet gebouwd: zie de uitleg op de pagina.")
    with guarded():
        {"Zoeken": page_search, "Vraag het": page_ask, "Actoren": page_actors,
         "Documenten": page_documents, "SPARQL": page_sparql}[page](k)
    _sync_url(page)


main()
