"""botbuilder-dialogs waterfalls and prompts; they call store services and send cards."""
