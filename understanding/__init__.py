"""What a message asks, and about what: "how's the wifi one going?" is Recommendation 4's status.

Framework-free, like documents/: no botbuilder, no aiohttp, no database. Every way in (a chat, a
channel, a meeting's chat, the message extension, `scrutiny-bot ask`) hands it the plan's words
(understanding/plan.py) and gets back an `Understood` (understanding/understand.py).
"""
