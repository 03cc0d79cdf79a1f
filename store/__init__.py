"""The domain and its persistence: models, queries, importers and exporters. No botbuilder here."""
