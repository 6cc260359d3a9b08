"""The console: a Textual app over the incident core. Nothing outside `ic_console.tui` and the
CLI's console verbs imports this package, so scripted verbs never load Textual."""
