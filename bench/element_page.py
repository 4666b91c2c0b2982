"""A page for bench/first_paint.py's ``elements`` part: a title, then the elements named in
the ``?el=`` query (widgets, code, dataframe, plotly), and a text "OUTPUT-HERE" drawn as
st.code when ``code`` is named, else as markdown: which element types hold up the first
output of a new tab. The app's frame can be added too: ``wide`` (a wide page config),
``sidebar`` (a sidebar with a picker, an uploader, a toggle and a popover), ``nav`` (the
page run through ``st.navigation`` beside a second page)."""

import pandas as pd
import plotly.graph_objects as go
import streamlit as st

el = st.query_params.get("el", "markdown")
if "wide" in el:
    st.set_page_config(layout="wide", initial_sidebar_state="auto")


def body() -> None:
    st.title("Elements")
    if "widgets" in el:
        st.selectbox("pick", ["a", "b"])
        st.slider("s", 0, 3)
        st.number_input("n")
        st.text_input("t")
        st.metric("m", 1)
    if "code" in el:
        st.code("OUTPUT-HERE", language=None)
    else:
        st.markdown("OUTPUT-HERE")
    if "dataframe" in el:
        st.dataframe(pd.DataFrame({"a": [1, 2]}))
    if "plotly" in el:
        st.plotly_chart(go.Figure(go.Heatmap(z=[[1, 2], [3, 4]])))


if "sidebar" in el:
    with st.sidebar:
        st.selectbox("model", ["a", "b"])
        st.file_uploader("upload")
        st.toggle("toggle")
        with st.popover("Copy link"):
            st.code("http://x", language=None)
if "nav" in el:
    st.navigation([st.Page(body, title="Body", default=True),
                   st.Page(lambda: None, title="Other", url_path="other")]).run()
else:
    body()
