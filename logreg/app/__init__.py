"""The page's logic without Streamlit: its settings and share link, the plan of its budget, the cache, the
runs and the family of every learning rate, the payloads the browser draws, the downloads. `logreg.ui`
puts these on screen; nothing here imports streamlit or draws."""
