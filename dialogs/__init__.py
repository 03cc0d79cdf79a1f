"""botbuilder-dialogs waterfalls and prompts; they call store services and send cards."""

from __future__ import annotations

from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from botbuilder.dialogs import Dialog

    from store.db import Database


def build_dialogs(db: Database, *, max_text_length: int) -> list[Dialog]:
    """Every dialog, for the bot's DialogSet. Ids are the class names."""
    # Imported here so `dialogs.context` stays light for the modules that only need the Caller.
    from dialogs.update_dialog import UpdateDialog
    from dialogs.update_form import UpdateForm

    form = UpdateForm(db, max_text_length=max_text_length)
    return [UpdateDialog(db, max_text_length=max_text_length, form=form)]
