"""Entry point: `streamlit run app.py`."""

from logreg.ui.page import main

if __name__ == "__main__":
    main()
