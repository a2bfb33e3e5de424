"""The Streamlit interface's pages, one module per page (``render()``), and what they share.

``app.py`` registers them with ``st.navigation``; every page calls the one core and the
shared formatting (:mod:`kennis.format`) only. Importing this package imports Streamlit.
"""
