"""The committee's web page of a review and the public tracker: Jinja2 templates and their stylesheet,
drawn from the store's read models. No Teams and no web server here: bot/pages.py serves them."""
