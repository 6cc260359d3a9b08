"""The live incident: what a face keeps while an incident is open (no Textual here)."""
