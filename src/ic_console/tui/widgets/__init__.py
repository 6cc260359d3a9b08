"""The console's panes and small widgets, one per module. Widgets never touch the disk: they
post messages, and the screen or app runs the domain command and pushes the new state down."""
