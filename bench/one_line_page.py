"""The reference page for bench/first_paint.py: a one-line Streamlit script."""

import streamlit as st

st.write("One line.")
