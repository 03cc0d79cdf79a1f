"""Errors whose message is meant for the person who caused them. Here, at the bottom of the house,
because every folder raises them: a refused document, a refused update, a mistyped command."""


class UserFacingError(Exception):
    """Its message is shown to the user as it is: plain words, no internals."""


class ImportRefused(UserFacingError):
    """A document that cannot be imported; nothing was written. The message says where and why."""
