"""The Streamlit app. `settings` is pure Python; `page` and the views draw with Streamlit."""
