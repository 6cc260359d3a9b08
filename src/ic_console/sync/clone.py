"""The bare clone in `<data root>/sync/repo.git` and the git plumbing a round is made of.

Each function is one git step on a `Git` runner (init and configure the clone, store a blob,
write a tree through a private index, commit, push, fetch, list the peers' branches, read
blobs back), with no memory of its own: what a round remembers between calls (our branch's
head and tree, the sizes last committed) is the `Syncer`'s (`sync.engine`). No work tree is
ever checked out.
"""

from __future__ import annotations

import contextlib
import hashlib
import os
import re
import time
from dataclasses import dataclass
from pathlib import Path

from ic_console.store.paths import make_private_dir
from ic_console.sync.git import Git, SyncError
from ic_console.sync.layout import BRANCH_PREFIX, branch_of

REPO_DIR = "repo.git"
REMOTE = "team"
#: A git lock file older than this was left by a killed round and is removed.
STALE_LOCK_SECONDS = 60.0
REMOTE_REFS = f"refs/remotes/{REMOTE}/{BRANCH_PREFIX}"
_BRANCH = re.compile(r"^[0-9a-f]{12}$")

#: What a git host says when it refuses a push for want of write access.
_REFUSED = re.compile(
    r"denied|permission|forbidden|\b403\b|read[- ]only|not allowed|unauthori[sz]ed|protected",
    re.IGNORECASE,
)


def check_remote(url: str) -> str:
    """A remote as git takes it; refuses what could be read as an option or hides a line."""
    url = url.strip()
    if not url:
        raise SyncError(
            "give the remote's URL, such as git@git.example.com:sre/incidents.git", usage=True
        )
    if url.startswith("-") or any(ord(ch) < 32 or ord(ch) == 127 for ch in url):
        raise SyncError(
            f"{url!r} is not a git remote URL: give one such as "
            "git@git.example.com:sre/incidents.git or /path/to/incidents.git",
            usage=True,
        )
    return url


#: The credentials part of a URL with a scheme (`https://TOKEN@host/...`,
#: `https://user:password@host/...`): what a screen shared on the bridge call must not show.
_CREDENTIALS = re.compile(r"^([A-Za-z][A-Za-z0-9+.-]*://)([^/@]+)@")


def shown_url(url: str) -> str:
    """`url` as it may be shown on a screen: an http(s) URL's user and token (a token is often
    given as the user) become `***`; ssh's user name (`git@`, `ssh://git@`) is no secret and
    stays, and so does a path."""
    match = _CREDENTIALS.match(url)
    if match is None:
        return url
    scheme, userinfo = match.groups()
    if scheme.lower().startswith(("http", "ftp")):
        hidden = "***"
    elif ":" in userinfo:
        hidden = userinfo.split(":", 1)[0] + ":***"
    else:
        return url
    return f"{scheme}{hidden}@{url[match.end() :]}"


def shown_without_credentials(text: str, url: str) -> str:
    """`text` (git's words, a message of ours) with `url` in it shown as `shown_url`."""
    shown = shown_url(url)
    return text if shown == url else text.replace(url, shown)


def refused_push(error: SyncError) -> bool:
    """The remote answered a push with a refusal of access (read-only access), as opposed to
    not answering (offline), which the round reports as a failure."""
    return error.answered and _REFUSED.search(str(error)) is not None


def blob_id(data: bytes) -> str:
    """The id git gives a blob of `data` (so unchanged parts need no git call)."""
    return hashlib.sha1(b"blob %d\0" % len(data) + data, usedforsecurity=False).hexdigest()


def has_clone(git: Git) -> bool:
    """The clone was made (a round ran here once)."""
    return (git.git_dir / "HEAD").is_file()


def prepare_clone(git: Git, remote: str) -> None:
    """The bare clone, with the remote as configured; stale locks of a killed round gone."""
    repo = git.git_dir
    if not has_clone(git):
        make_private_dir(repo)
        git.run(["init", "--quiet", "--bare"], what="git init")
    remove_stale_locks(repo)
    fetch = f"+refs/heads/{BRANCH_PREFIX}*:{REMOTE_REFS}*"
    found = git.run(
        ["config", "--get-regexp", rf"^remote\.{REMOTE}\.(url|fetch)$"], check=False
    ).stdout.decode("utf-8", errors="replace")
    wanted = {f"remote.{REMOTE}.url {remote}", f"remote.{REMOTE}.fetch {fetch}"}
    if set(found.splitlines()) != wanted:
        # The URL is written last: a round killed part-way through left a URL and no fetch
        # line, and every round after it failed ("couldn't find remote ref HEAD") while the
        # URL alone was checked. Each line is checked now, and written again when one differs.
        git.run(["config", "--replace-all", f"remote.{REMOTE}.fetch", fetch], what="git config")
        # Never a detached `git gc` that outlives the round: packed below, in the round.
        git.run(["config", "gc.auto", "0"], what="git config")
        git.run(["config", f"remote.{REMOTE}.url", remote], what="git config")
    # Pack loose objects when there are many (a long incident's parts and peers' fetches).
    git.run(
        ["-c", "gc.auto=2000", "-c", "gc.autoDetach=false", "gc", "--auto", "--quiet"],
        what="git gc",
        timeout=max(git.timeout, 120.0),
    )


def remove_stale_locks(repo: Path) -> None:
    now = time.time()
    for directory, dirs, files in os.walk(repo):
        if Path(directory) == repo:
            dirs[:] = [name for name in dirs if name == "refs"]  # not the objects
        for name in files:
            if not (name.endswith(".lock") or name.startswith("ic-index-")):
                continue
            path = Path(directory) / name
            with contextlib.suppress(OSError):
                if now - path.lstat().st_mtime > STALE_LOCK_SECONDS:
                    path.unlink()


def read_ref(git: Git, ref: str) -> str | None:
    result = git.run(["rev-parse", "--verify", "--quiet", ref], check=False)
    text = result.stdout.decode().strip()
    return text or None


def is_ancestor(git: Git, older: str, newer: str) -> bool:
    """Whether commit `older` is `newer` or one of its ancestors (both in the clone)."""
    base = git.run(["merge-base", older, newer], check=False).stdout.decode().strip()
    return base == older


#: The mode of a plain file in a git tree: the only kind a replica's file may be.
PLAIN_FILE = "100644"


@dataclass(frozen=True)
class TreeEntry:
    path: str
    #: Git's mode: "100644" for a plain file; "120000" a symbolic link, "100755" executable.
    mode: str
    ident: str
    size: int


def tree_entries(git: Git, commit: str) -> list[TreeEntry]:
    """Every blob under incidents/ in `commit`, whatever its mode (a peer's branch may hold a
    symbolic link or an executable, which the round refuses by name)."""
    out = git.run(["ls-tree", "-r", "-l", "-z", commit, "--", "incidents"]).stdout
    entries: list[TreeEntry] = []
    for entry in out.split(b"\0"):
        meta, _tab, path = entry.partition(b"\t")
        fields = meta.split()
        if len(fields) == 4 and fields[1] == b"blob":
            entries.append(
                TreeEntry(
                    path.decode("utf-8", errors="replace"),
                    fields[0].decode(),
                    fields[2].decode(),
                    int(fields[3]),
                )
            )
    return entries


def ls_tree(git: Git, commit: str) -> dict[str, tuple[str, int]]:
    """Path -> (blob id, size) of every plain file under incidents/ in `commit`."""
    return {
        entry.path: (entry.ident, entry.size)
        for entry in tree_entries(git, commit)
        if entry.mode == PLAIN_FILE
    }


# -- sending -------------------------------------------------------------------------------


def store_blob(git: Git, data: bytes, ident: str) -> None:
    written = git.run(
        ["hash-object", "-w", "--stdin"], input=data, what="git hash-object"
    ).stdout.decode()
    if written.strip() != ident:  # pragma: no cover - git and hashlib disagree
        raise SyncError(f"git stored a part as {written.strip()}, expected {ident}")


def write_tree(git: Git, parent: str | None, changed: dict[str, tuple[str, int]]) -> str:
    """The tree of `parent` with the `changed` paths replaced, written through a private index."""
    index = git.git_dir / f"ic-index-{os.getpid()}"
    env = {"GIT_INDEX_FILE": str(index)}
    try:
        if parent is not None:
            git.run(["read-tree", parent], env=env, what="git read-tree")
        else:
            git.run(["read-tree", "--empty"], env=env, what="git read-tree")
        lines = "".join(
            f"100644 {ident}\t{path}\n" for path, (ident, _size) in sorted(changed.items())
        )
        git.run(
            ["update-index", "--add", "--index-info"],
            input=lines.encode(),
            env=env,
            what="git update-index",
        )
        return git.run(["write-tree"], env=env, what="git write-tree").stdout.decode().strip()
    finally:
        with contextlib.suppress(OSError):
            index.unlink()


def commit_tree(
    git: Git,
    branch_ref: str,
    tree_id: str,
    parent: str | None,
    *,
    message: str,
    author: str,
    email: str,
    merged: str | None = None,
) -> str:
    """Commit `tree_id` on `branch_ref` after `parent` (moved only if it is still there) as
    `author`; the new commit's id. `merged`: a second parent (what the remote's branch had),
    so the branch goes on from it."""
    args = ["commit-tree", tree_id, "-m", message]
    if parent is not None:
        args[2:2] = ["-p", parent]
    env = {
        "GIT_AUTHOR_NAME": author,
        "GIT_AUTHOR_EMAIL": email,
        "GIT_COMMITTER_NAME": author,
        "GIT_COMMITTER_EMAIL": email,
    }
    if merged is not None:
        args[2:2] = ["-p", merged]
    commit = git.run(args, env=env, what="git commit-tree").stdout.decode().strip()
    update = ["update-ref", branch_ref, commit]
    if parent is not None:
        update.append(parent)
    git.run(update, what="git update-ref")
    return commit


#: A push of more new parts than this is `bulk` (`push`).
FEW_PARTS = 3


def push(git: Git, origin: str, *, bulk: bool = False) -> None:
    """Push `origin`'s branch, and only it, never forced.

    A `bulk` push (many new parts: a long incident's first send, or a laptop back after long
    offline) is packed without looking for deltas. A log's parts hold different lines: git's
    search for deltas between them (each part against ten others, a megabyte each) saved a
    sixth of the pack and cost 14 times the CPU, the first send of a 100,000-event incident
    3-4 s. A round that adds a few lines changes one part, whose delta against the part as last
    sent keeps what goes over the wire to a few hundred bytes: those keep the search."""
    branch = branch_of(origin)
    options = ["-c", "pack.window=0"] if bulk else []
    git.run(
        [*options, "push", REMOTE, f"refs/heads/{branch}:refs/heads/{branch}"],
        what="git push",
    )


# -- receiving -----------------------------------------------------------------------------


def fetch(git: Git) -> None:
    # Not --quiet: its progress is what tells a slow link from a remote that hangs (`sync.git`).
    git.run(["fetch", "--prune", REMOTE], what="git fetch")


def remote_refs(git: Git) -> dict[str, tuple[str, float, str]]:
    """origin -> (commit, commit time, author) of every replica branch fetched."""
    out = git.text(
        [
            "for-each-ref",
            "--format=%(objectname) %(committerdate:unix) %(refname) %(authorname)",
            REMOTE_REFS,
        ]
    )
    refs: dict[str, tuple[str, float, str]] = {}
    for line in out.splitlines():
        parts = line.split(" ", 3)
        if len(parts) < 3:
            continue
        origin = parts[2].removeprefix(REMOTE_REFS)
        if _BRANCH.match(origin):
            refs[origin] = (parts[0], float(parts[1] or 0), parts[3] if len(parts) > 3 else "")
    return refs


def cat_blobs(git: Git, idents: list[str]) -> bytes:
    """The blobs `idents`, one after the other, read in one `git cat-file --batch`."""
    return b"".join(read_blobs(git, idents))


def read_blobs(git: Git, idents: list[str]) -> list[bytes]:
    """The blobs `idents`, each on its own, read in one `git cat-file --batch` (a round that
    takes in many files reads them in a few calls, not one process per file)."""
    out = git.run(["cat-file", "--batch"], input="".join(f"{i}\n" for i in idents).encode()).stdout
    chunks: list[bytes] = []
    at = 0
    for ident in idents:
        end = out.index(b"\n", at)
        header = out[at:end].split()
        if len(header) != 3 or header[1] != b"blob":
            raise SyncError(f"git cat-file could not read object {ident} of the clone")
        size = int(header[2])
        chunks.append(out[end + 1 : end + 1 + size])
        at = end + 1 + size + 1
    return chunks
