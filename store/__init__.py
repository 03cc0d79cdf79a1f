"""The record: models, migrations, queries, updates, deliveries, and the glue that turns a plan into
rows and back. It uses documents/ for the plan format's types; no botbuilder or aiohttp here."""
