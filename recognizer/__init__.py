"""The web app: the drawing page, the prediction API and their plumbing."""
