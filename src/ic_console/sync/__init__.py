"""Sharing incidents between laptops through a git remote the team already has.

A layer above `store/` and below `live/`: it moves whole, verified replica files (the store's
`accept_peer_file` checks and places them) and knows nothing of screens. The transport is the
`git` command line in a subprocess, with prompts off and a timeout on every call (`sync.git`);
one round commits this laptop's own files on its branch `ic/<origin>`, pushes only that branch,
fetches every `ic/*` branch and hands other origins' files to the store (`sync.engine`).
"""
