"""Every sentence a user reads, in one place, so the wording stays consistent and easy to review."""
