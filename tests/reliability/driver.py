"""Runs ``gxnlp`` in a child process the way a user does, optionally with a misbehaving stage, and
reports the peak memory of the process tree.

    python driver.py [--kill-on NAME] [--hang-on NAME] [--hog-on NAME] -- parse corpus ...

``--kill-on``: the worker processing a file whose name contains NAME kills itself (SIGKILL), as
the kernel's OOM killer would; ``--hang-on``: it never returns; ``--hog-on``: it allocates memory
until stopped. Workers are forked from this process, so they run the patched stage. The last
line on stderr is ``peak_rss_mb=<max resident MB of this process and its workers>``.
"""
from __future__ import annotations

import argparse
import os
import resource
import signal
import sys
import time


def _patch(kill_on: str | None, hang_on: str | None, hog_on: str | None) -> None:
    from gxnlp import runner

    def misbehave(source: str) -> None:
        name = os.path.basename(source)
        if kill_on and kill_on in name:
            os.kill(os.getpid(), signal.SIGKILL)
        if hang_on and hang_on in name:
            time.sleep(3600)
        if hog_on and hog_on in name:
            hoard = []
            for _ in range(400):  # up to 20 GB, 50 MB at a time, touched so it is resident
                hoard.append(bytearray(b"x" * (50 * 2**20)))
                time.sleep(0.01)

    for name, stage in list(runner.STAGES.items()):
        def patched(p, _stage=stage):
            misbehave(p.source)
            return _stage(p)
        runner.STAGES[name] = patched


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--kill-on")
    parser.add_argument("--hang-on")
    parser.add_argument("--hog-on")
    args, rest = parser.parse_known_args()
    if rest and rest[0] == "--":
        rest = rest[1:]
    _patch(args.kill_on, args.hang_on, args.hog_on)
    from gxnlp.cli import app

    import click

    try:
        result = app(rest, standalone_mode=False)
        code = result if isinstance(result, int) else 0
    except click.exceptions.Exit as exc:
        code = exc.exit_code
    except click.ClickException as exc:
        exc.show()
        code = exc.exit_code
    own = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    children = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss / 1024
    print(f"peak_rss_mb={max(own, children):.0f}", file=sys.stderr)
    sys.exit(code)


if __name__ == "__main__":
    main()
