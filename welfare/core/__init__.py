"""Flask-free helpers: identity numbers, ROC dates, money in words."""
