"""CLI subcommands, one module each; every module defines ``register(app: typer.Typer)``."""
