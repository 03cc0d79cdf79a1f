"""The benchmark: the real bot against a bare botbuilder echo bot, on loopback. Run `python bench/run.py`."""
