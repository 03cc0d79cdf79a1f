"""The committee's paper: the plan format, the Word document read and written, its text export read,
Markdown written, and the grades and dates in the committee's own words. Bytes in, a `PlanDocument`
out, and back. Nothing here knows a database or Teams: no SQLAlchemy, no botbuilder, no aiohttp.
"""
