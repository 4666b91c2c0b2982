"""UI helpers of the Streamlit app: services, charts, widgets, session state."""
