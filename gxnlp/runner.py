"""One pass per document: a file is read and structured once, then the stages a command asks for
run on that one :class:`~gxnlp.model.Report`.

>>> from gxnlp.runner import run
>>> for rec in run(["corpora/demo"], ["parse", "audit"]):  # doctest: +SKIP
...     rec["stages"]["parse"]["agency"], len(rec["stages"]["audit"]["findings"])

The runner owns what every command used to repeat: error handling (a bad file is a record,
never a traceback), the shared intermediate results of one pass (the extracted cells feed
``tables``, ``audit`` and ``dataset``; the split statements feed ``statements``, ``topics`` and
``predict``), the per-document bounds of :mod:`gxnlp.limits`, and where the work runs
(:func:`gxnlp.pipeline.process_map`: this process, a supervised pool, or Dask).

A record is ``{"source", "report_id", "stages": {name: value}, "stage_errors": {name: error}}``
or, when the file could not be read or structured, ``{"source", "error"}`` where ``error`` is
``"<code>: <message>"`` (see :data:`ERROR_CODES`).
"""
from __future__ import annotations

import os
from collections.abc import Callable, Iterable, Iterator, Sequence
from functools import cached_property, partial
from typing import Any

from .limits import DEFAULT_LIMITS, Limits
from .model import error_record
from .pipeline import FileProblem, process_map

#: Error codes a file can get, and what they mean (the README lists them).
ERROR_CODES: dict[str, str] = {
    "not_found": "no such file, or a broken symbolic link",
    "unreadable": "the file cannot be read (permission denied, damaged PDF/docx, no decodable text)",
    "empty": "the file is empty",
    "binary": "binary content, not a text report",
    "unsupported": "a file type gxnlp does not read (.doc, .zip, ...)",
    "no_text_layer": "a scanned PDF without a text layer (OCR needed)",
    "no_chinese_text": "no Chinese text found",
    "not_a_report": "readable, but shows no sign of being an annual report (skipped, not failed)",
    "too_large": "over a size limit: file size (--max-mb), inflated .docx size or member count, HTML nesting "
                 "depth or element count, PDF pages",
    "timeout": "the document took longer than --timeout seconds",
    "memory_limit": "the worker processing the document grew past --max-memory MB",
    "worker_died": "the worker process died on the document (killed from outside or crashed)",
    "symlink_loop": "a symbolic link loop in the corpus folder (not followed)",
}
#: Failures that say nothing about the document's content: a rebuild retries them.
TRANSIENT_CODES = frozenset({"worker_died", "timeout", "memory_limit"})


def error_code(record: dict[str, Any]) -> str | None:
    """The code of an error record (``None`` for a record without error)."""
    err = record.get("error")
    return None if err is None else str(err).split(":", 1)[0]


class Pass:
    """What one document's stages share: the report, its cells and its statements, each computed once."""

    def __init__(self, source: str, report: Any, options: dict[str, Any]):
        self.source = source
        self.report = report
        self.options = options

    @cached_property
    def cell_records(self):
        """(cells as plain records, warnings, template, source) of :func:`gxnlp.tables.core.extract_records`."""
        from .tables.core import extract_records

        return extract_records(self.report)

    @cached_property
    def tables(self):
        """(cells frame, warnings): :attr:`cell_records` as a frame, built only for the stages that want one."""
        from .tables.core import cells_frame

        return cells_frame(*self.cell_records)

    @cached_property
    def split_statements(self) -> list[Any]:
        """The problems section split into problem and measure statements."""
        from .text.statements import iter_statements

        return list(iter_statements(self.report))

    @cached_property
    def statements(self) -> list[Any]:
        """The statements, classified (seed-term classifier; ``options`` taxonomy and threshold)."""
        sts = self.split_statements
        _classifier(self.options.get("taxonomy"), self.options.get("threshold"), self.options.get("model")).classify(sts)
        return sts


_CLASSIFIERS: dict[tuple, Any] = {}


def _classifier(taxonomy: str | None, threshold: float | None, model: str | None = None) -> Any:
    """One classifier per worker and setting: the seed-term model (building it loads the taxonomy),
    or a model directory written by ``gxnlp train``."""
    from .text.classify import StatementClassifier

    key = (taxonomy, threshold, model)
    if key not in _CLASSIFIERS:
        params = None if threshold is None else {"threshold": threshold}
        if model is not None:
            clf = StatementClassifier.load(model)
            for est in clf.estimators_.values():
                if params:
                    est.set_params(**params)
            _CLASSIFIERS[key] = clf
        else:
            _CLASSIFIERS[key] = StatementClassifier("seed", taxonomy=taxonomy, params=params)
    return _CLASSIFIERS[key]


# --------------------------------------------------------------------------- stages

def parse_stage(p: Pass) -> dict[str, Any]:
    """``gxnlp parse``'s record."""
    return p.report.to_dict()


def tables_stage(p: Pass) -> dict[str, Any]:
    """``gxnlp tables``: the cells of sections 2–4 as dicts, with the extraction warnings."""
    from .tables.core import cell_dicts

    df, warnings = p.tables
    return {"source": p.source, "report_id": p.report.report_id, "template": df.attrs["template"],
            "cells": cell_dicts(df, p.source), "warnings": warnings}


def audit_stage(p: Pass) -> dict[str, Any]:
    """``gxnlp validate``: the findings of the extracted cells and the report rules (narrative: the
    whole text), and the ``series`` entry the corpus-level continuity rule needs."""
    from .tables.audit import report_findings
    from .tables.continuity import series_entry

    records, warnings, _, _ = p.cell_records
    report = p.report
    report.source = p.source
    findings = report_findings(report, records)
    cells = {(r["table"], r["row"], r["column"]): r["value"] for r in records}
    series = series_entry(report.report_id, p.source, report.agency, report.region, report.year, cells)
    return {"source": p.source, "report_id": report.report_id, "findings": [f.to_dict() for f in findings],
            "warnings": warnings, "series": series}


def statements_stage(p: Pass) -> dict[str, Any]:
    """``gxnlp statements``: classified problem and measure statements."""
    report = p.report
    warnings = []
    if not (report.sections or {}).get("problems"):
        warnings.append("no problems section found")
    elif not p.statements:
        warnings.append("problems section has no statements")
    return {"source": report.source, "report_id": report.report_id, "warnings": warnings,
            "statements": [{"source": s.source, "report_id": s.report_id, "kind": s.kind, "position": s.position,
                            "text": s.text, "category": s.category, "categories": s.categories, "score": s.score}
                           for s in p.statements]}


def predict_stage(p: Pass) -> list[dict[str, Any]]:
    """Statements as full dicts (offsets included), for scoring against a generated corpus's truth."""
    return [s.to_dict() for s in p.statements]


def reuse_stage(p: Pass):
    """A :class:`~gxnlp.reuse.ReuseDoc` of the narrative (the whole text when no narrative section was found)."""
    from .reuse.detector import ReuseDoc

    report = p.report
    doc = ReuseDoc.from_report(report)
    warnings = []
    if not doc.text and report.document is not None:
        doc.text = report.document.text
        warnings.append("no overview/problems section found: the whole text is compared")
    doc.meta.update({"title": report.title, "warnings": warnings + list(report.warnings)})
    return doc


def narrative_stage(p: Pass) -> dict[str, Any]:
    """The narrative sections' texts (new-word discovery)."""
    from .model import NARRATIVE_SECTIONS

    return {"source": p.source, "texts": [p.report.sections[s] for s in NARRATIVE_SECTIONS if p.report.sections.get(s)]}


def topics_stage(p: Pass) -> dict[str, Any]:
    """The topics inputs of one report: metadata, statements and table cells (tables are optional)."""
    from .topics.inputs import normalise_kind, report_meta

    statements = []
    for i, s in enumerate(p.split_statements):
        kind, text = normalise_kind(s.kind), (s.text or "").strip()
        if kind is not None and text:
            statements.append({"report_id": s.report_id or p.report.report_id, "kind": kind,
                               "position": int(s.position) if s.position is not None else i, "text": text})
    rec: dict[str, Any] = {"source": p.source, "report": report_meta(p.report), "statements": statements}
    try:
        df = p.tables[0]
        rec["cells"] = df[["report_id", "table", "row", "column", "value"]].to_dict("records") if len(df) else []
    except Exception as exc:  # noqa: BLE001 - tables are optional for topics: keep the statements
        rec["cells"], rec["warning"] = [], f"tables: {type(exc).__name__}: {exc}"
    return rec


def dataset_stage(p: Pass) -> dict[str, list[dict[str, Any]]]:
    """Rows per dataset table (``reports``, ``cells``, ``findings``, ``statements``) of one report."""
    from .dataset.build import report_rows

    return report_rows(p)


#: Per-document stages: name -> function(Pass) -> a picklable value.
STAGES: dict[str, Callable[[Pass], Any]] = {
    "parse": parse_stage,
    "tables": tables_stage,
    "audit": audit_stage,
    "statements": statements_stage,
    "predict": predict_stage,
    "reuse": reuse_stage,
    "narrative": narrative_stage,
    "topics": topics_stage,
    "dataset": dataset_stage,
}


# --------------------------------------------------------------------------- one document

def analyse(path: str | os.PathLike, stages: Sequence[str] = ("parse",), options: dict[str, Any] | None = None,
            limits: Limits = DEFAULT_LIMITS) -> dict[str, Any]:
    """Read and structure ``path`` once and run ``stages`` on it. Never raises on a bad document."""
    from .structure.parse import parse_path

    if isinstance(path, FileProblem):
        return path.record()
    source = str(path)
    try:
        report = parse_path(path, limits=limits, require_report=(options or {}).get("require_report", True))
    except MemoryError:
        return {"source": source, "error": "memory_limit: ran out of memory reading the document"}
    except Exception as exc:  # noqa: BLE001 - one bad file must not stop a corpus
        return error_record(source, exc)
    p = Pass(source, report, options or {})
    out: dict[str, Any] = {"source": source, "report_id": report.report_id, "stages": {}, "stage_errors": {}}
    for name in stages:
        try:
            out["stages"][name] = STAGES[name](p)
        except MemoryError:
            out["stage_errors"][name] = "memory_limit: ran out of memory"
        except Exception as exc:  # noqa: BLE001 - a stage failing on one report fails that stage only
            out["stage_errors"][name] = error_record(source, exc)["error"]
    return out


def stage_value(record: dict[str, Any], stage: str) -> Any:
    """A command's view of a runner record: the stage's value, or ``{"source", "error"}``."""
    if "error" in record:
        return {"source": record["source"], "error": record["error"]}
    if stage in record["stage_errors"]:
        return {"source": record["source"], "error": record["stage_errors"][stage]}
    return record["stages"][stage]


def stage_record(path: str | os.PathLike, stage: str, options: dict[str, Any] | None = None,
                 limits: Limits = DEFAULT_LIMITS) -> Any:
    """One stage of one file, or its error record (picklable; the per-file functions of the API)."""
    return stage_value(analyse(path, (stage,), options, limits), stage)


# --------------------------------------------------------------------------- a corpus

#: A small report a worker reads before its first document, so imports, dictionaries and the
#: classifier are loaded outside the first document's time limit.
_SAMPLE = ("某县2021年政府信息公开工作年度报告\n一、总体情况\n本年度共收到政府信息公开申请3件。\n"
           "五、存在的主要问题及改进情况\n一是政策解读形式单一；二是工作人员多为兼职。2022年，我局将加强培训。\n")


def _warm_up(stages: tuple[str, ...], options: dict[str, Any]) -> None:
    import tempfile
    from pathlib import Path

    with tempfile.TemporaryDirectory() as folder:
        sample = Path(folder) / "sample.txt"
        sample.write_text(_SAMPLE, encoding="utf-8")
        analyse(sample, stages, {**options, "require_report": False})


def _fail(item: Any, code: str, message: str) -> dict[str, Any]:
    return {"source": str(item), "error": f"{code}: {message}"}


def run(
    files: Iterable[str | os.PathLike],
    stages: Sequence[str] = ("parse",),
    *,
    options: dict[str, Any] | None = None,
    limits: Limits = DEFAULT_LIMITS,
    workers: int | None = None,
    scheduler: str = "processes",
    window: int = 256,
    isolate: bool = True,
) -> Iterator[dict[str, Any]]:
    """Run ``stages`` over ``files`` (one pass each), yielding records in input order.

    ``scheduler="processes"`` isolates every document in a supervised worker (at least one, even
    for a handful of files, unless ``isolate`` is false): a document that kills its worker, runs past ``limits.timeout`` or
    grows past ``limits.max_memory_mb`` becomes a ``worker_died`` / ``timeout`` /
    ``memory_limit`` record. ``"sync"`` runs here without isolation; ``"dask"`` on the current
    dask.distributed client (a killed Dask worker gives ``worker_died``).
    """
    unknown = [s for s in stages if s not in STAGES]
    if unknown:
        raise ValueError(f"unknown stage(s) {unknown}: choose from {sorted(STAGES)}")
    options = dict(options or {})
    func = partial(analyse, stages=tuple(stages), options=options, limits=limits)
    yield from process_map(func, files, workers=workers, scheduler=scheduler, window=window,
                           timeout=limits.timeout, max_memory_mb=limits.max_memory_mb, fail=_fail, isolate=isolate,
                           warm_up=partial(_warm_up, tuple(stages), options))


def small_corpus_workers(n_files: int, workers: int | None) -> int | None:
    """One worker for a handful of files (a pool costs more than it saves), else what was asked."""
    return 1 if workers is None and n_files < 8 else workers


__all__ = ["ERROR_CODES", "TRANSIENT_CODES", "STAGES", "Pass", "analyse", "run", "stage_value", "stage_record",
           "error_code", "small_corpus_workers"]
