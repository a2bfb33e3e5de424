"""SPARQL: read-only queries on the knowledge graph, through the same executor as the endpoint."""

from __future__ import annotations

import json

import streamlit as st

from kennis.models import Table
from kennis.ui.common import core, guarded, require_built, ss
from kennis.views import sparql_examples


def render() -> None:
    k = core()
    st.header("SPARQL")
    st.caption("Bevraag de kennisgraaf direct. Alleen lezen; grote resultaten worden afgekapt.")
    if not require_built(k):
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
        ss.pop("sparql_result", None)
        with guarded():
            with st.spinner("Query uitvoeren…"):
                ss["sparql_result"] = (query, k.sparql(query))
    stored = ss.get("sparql_result")
    if not stored or stored[0] != query:
        return
    show_table(stored[1])


def show_table(table: Table) -> None:
    if table.boolean is not None:
        if table.boolean:
            st.success("Ja (true)")
        else:
            st.warning("Nee (false)")
        return
    import pandas as pd

    cols = list(table.columns)
    rows = [["" if v is None else v for v in r] for r in table.rows]
    st.caption(f"{len(rows)} rijen")
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
