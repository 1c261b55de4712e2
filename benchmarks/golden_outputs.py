"""Golden outputs: run every corpus command of a checkout on the demo corpus and ../shared, and compare two runs.

A restructuring must leave every output identical (or each difference must be a named bug fix). Record the
outputs of the checkout before the change, then of the checkout after, and compare:

    python benchmarks/golden_outputs.py record /path/to/checkout-before /tmp/gold/before
    python benchmarks/golden_outputs.py record .                         /tmp/gold/after
    python benchmarks/golden_outputs.py compare /tmp/gold/before /tmp/gold/after

``record`` runs ``parse``, ``tables``, ``validate``, ``statements`` and ``reuse`` (JSON lines) on
``corpora/demo`` and on ``../shared/seeds ../shared/corpora`` from inside the checkout (so ``source`` fields
are the same relative paths), and ``build`` of both into one DuckDB file. ``compare`` reports, per output,
identical or the number of differing lines, and per DuckDB table identical or not (paths, mtimes and build
bookkeeping columns ignored: they name the checkout).
"""
from __future__ import annotations

import argparse
import os
import subprocess
import sys
from pathlib import Path

COMMANDS = ("parse", "tables", "validate", "statements", "reuse")
CORPORA = {"demo": ["corpora/demo"], "shared": ["../shared/seeds", "../shared/corpora"]}
IGNORED_COLUMNS = {"path", "mtime", "source", "built_at", "created", "stages_version", "version"}


def record(checkout: Path, out: Path) -> None:
    out.mkdir(parents=True, exist_ok=True)
    env = dict(os.environ, PYTHONPATH=str(checkout.resolve()))
    for command in COMMANDS:
        for name, paths in CORPORA.items():
            with open(out / f"{command}.{name}.jsonl", "wb") as fh:
                rc = subprocess.run([sys.executable, "-m", "gxnlp.cli", command, *paths, "--format", "jsonl"],
                                    cwd=checkout, env=env, stdout=fh, stderr=subprocess.DEVNULL).returncode
            print(f"{command} {name}: exit {rc}")
    db = out / "build.duckdb"
    db.unlink(missing_ok=True)
    rc = subprocess.run([sys.executable, "-m", "gxnlp.cli", "build", *CORPORA["demo"], *CORPORA["shared"],
                         "--db", str(db.resolve())], cwd=checkout, env=env,
                        stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL).returncode
    print(f"build: exit {rc}")


def _table_frames(db: Path) -> dict:
    import duckdb

    con = duckdb.connect(str(db), read_only=True)
    try:
        names = [r[0] for r in con.execute("SELECT table_name FROM information_schema.tables").fetchall()]
        return {n: con.execute(f'SELECT * FROM "{n}"').df() for n in names}
    finally:
        con.close()


def compare(before: Path, after: Path) -> int:
    differences = 0
    for command in COMMANDS:
        for name in CORPORA:
            a = (before / f"{command}.{name}.jsonl").read_bytes().splitlines()
            b = (after / f"{command}.{name}.jsonl").read_bytes().splitlines()
            changed = len(set(a) ^ set(b))
            differences += bool(changed or a != b)
            verdict = "identical" if a == b else f"DIFFERENT ({len(a)} -> {len(b)} lines, {changed} not in both)"
            print(f"{command:<10} {name:<6} {verdict}")
    fa, fb = _table_frames(before / "build.duckdb"), _table_frames(after / "build.duckdb")
    for table in sorted(set(fa) | set(fb)):
        if table not in fa or table not in fb:
            print(f"build.{table}: only {'after' if table in fb else 'before'}")
            differences += 1
            continue
        cols = [c for c in fa[table].columns if c not in IGNORED_COLUMNS and c in fb[table].columns]
        sa = fa[table][cols].astype(str).sort_values(cols).reset_index(drop=True)
        sb = fb[table][cols].astype(str).sort_values(cols).reset_index(drop=True)
        same = sa.equals(sb) and set(fa[table].columns) == set(fb[table].columns)
        differences += not same
        print(f"build.{table:<16} {'identical' if same else 'DIFFERENT'} ({len(sa)} -> {len(sb)} rows)")
    return 1 if differences else 0


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    sub = parser.add_subparsers(dest="action", required=True)
    rec = sub.add_parser("record")
    rec.add_argument("checkout", type=Path)
    rec.add_argument("out", type=Path)
    cmp_ = sub.add_parser("compare")
    cmp_.add_argument("before", type=Path)
    cmp_.add_argument("after", type=Path)
    args = parser.parse_args()
    if args.action == "record":
        record(args.checkout, args.out)
        return 0
    return compare(args.before, args.after)


if __name__ == "__main__":
    raise SystemExit(main())
