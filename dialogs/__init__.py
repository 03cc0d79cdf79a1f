"""botbuilder-dialogs waterfalls and prompts, and the handlers of each command; they call store
services and send cards."""
