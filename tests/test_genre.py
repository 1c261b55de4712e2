"""Each fact of the genre is defined once (gxnlp.genre) and read from there by every stage."""
import unicodedata

import pytest

from gxnlp.genre import boilerplate, table_keys as K, templates as T
from gxnlp.reuse.boilerplate import PhraseLexicon
from gxnlp.reuse.text import normalise


def test_synth_and_tables_read_the_same_label_objects():
    import gxnlp.synth.document as synth_doc
    import gxnlp.tables.text as tables_text
    import tests.tables_gold as gold

    assert synth_doc.S3_LABELS is K.S3_LABELS and synth_doc.S2_ITEMS is K.S2_ITEMS
    assert tables_text.K is K
    assert set(gold.LABELS.values()) == set(K.S2_LABELS) | set(K.S3_LABELS)


def test_every_canonical_row_has_a_printed_label_and_a_pattern():
    for template in T.TABULAR_TEMPLATES:
        for row in K.s3_rows(template):
            assert row in K.S3_LABELS and row in K.S3_PATTERNS
        for row, _columns in K.S2_ROWS[template]:
            assert row in K.S2_LABELS and row in K.S2_PATTERNS
        assert [row for _item, _heads, rows in K.S2_ITEMS[template] for row in rows] == [r for r, _ in K.S2_ROWS[template]]


def test_each_row_pattern_finds_its_printed_label():
    for row, label in K.S3_LABELS.items():
        assert K.S3_PATTERNS[row].search(unicodedata.normalize("NFKC", label)), row
    for row, label in {**K.S2_LABELS, **K.S2_LABELS_2019}.items():
        assert K.S2_PATTERNS[row].search(unicodedata.normalize("NFKC", label)), row


def test_template_lexicon_covers_every_table_label_and_heading():
    from gxnlp.genre.sections import SECTION_TITLES

    lex = PhraseLexicon(boilerplate.template_phrases())
    headings = [f"{n}、{title}" for n, title in zip("一二三四五六", SECTION_TITLES.values())]
    for label in list(K.printed_labels()) + headings:
        if label in boilerplate.EVERYDAY_LABELS:
            continue
        norm = normalise(label)[0]
        assert lex.mask(norm).all(), label


def test_template_markers_are_labels_of_their_template_only():
    def labels(template):
        heads = [h for _item, hs, _rows in K.S2_ITEMS[template] for h in hs]
        printed = K.S2_LABELS if template == "2021" else K.S2_LABELS_2019
        s2 = [printed[r] for r, _columns in K.S2_ROWS[template]]
        s3 = [K.S3_LABELS[r] for r in K.s3_rows(template)]
        return [unicodedata.normalize("NFKC", x) for x in heads + s2 + s3]

    for template, other in (("2021", "2019"), ("2019", "2021")):
        markers = T.S2_MARKERS[template] + (T.S3_MARKERS_2021 if template == "2021" else ())
        for word in markers:
            assert any(word in x for x in labels(template)), word
            assert not any(word in x for x in labels(other)), word


@pytest.mark.parametrize("year,template", [(2008, "pre2019"), (2018, "pre2019"), (2019, "2019"), (2020, "2019"),
                                           (2021, "2021"), (2025, "2021"), (None, None)])
def test_year_to_template_rule(year, template):
    assert T.template_for_year(year) == template


def test_year_rule_is_one_function_used_everywhere():
    import inspect

    import gxnlp.structure.parse as parse
    import gxnlp.synth.writer as writer
    import gxnlp.tables.core as core

    assert writer.template_for_year is T.template_for_year
    assert parse.detect_template is T.detect_template
    assert core.tabular_template is T.tabular_template
    for module in (parse, writer, core):
        assert ">= 2021" not in inspect.getsource(module) and "<= 2020" not in inspect.getsource(module)


def test_detect_template_tables_first_then_year():
    warnings: list[str] = []
    assert T.detect_template("第二十条第（一）项 本年新制作数量", 2022, warnings) == "2019"
    assert warnings and "2019" in warnings[0]
    assert T.detect_template("三、收到和处理政府信息公开申请情况", 2020, []) == "2019"
    assert T.detect_template("概述 主动公开", 2015, []) == "pre2019"
    assert T.detect_template("本 年 制 发\n件 数", None, []) == "2021"  # PDF breaks inside a label


def _string_literals(path):
    """The string constants of a module that are not docstrings (doctests are examples, not facts)."""
    import ast

    tree = ast.parse(path.read_text(encoding="utf-8"))
    docs = {id(n.body[0].value) for n in ast.walk(tree)
            if isinstance(n, (ast.Module, ast.ClassDef, ast.FunctionDef, ast.AsyncFunctionDef)) and n.body
            and isinstance(n.body[0], ast.Expr) and isinstance(n.body[0].value, ast.Constant)}
    return [n.value for n in ast.walk(tree) if isinstance(n, ast.Constant) and isinstance(n.value, str)
            and id(n) not in docs]


def test_no_module_outside_genre_spells_a_table_label():
    from pathlib import Path

    import gxnlp

    root = Path(gxnlp.__file__).parent
    long_labels = [label for label in K.printed_labels() if len(label) >= 8]
    offenders = []
    for path in root.rglob("*.py"):
        if "genre" in path.relative_to(root).parts:
            continue
        for literal in _string_literals(path):
            offenders += [(str(path.relative_to(root)), label) for label in long_labels if label in literal]
    assert not offenders, offenders


def test_dataset_fills_agency_metadata_without_topics():
    import ast
    import importlib
    from pathlib import Path

    build = importlib.import_module("gxnlp.dataset.build")
    tree = ast.parse(Path(build.__file__).read_text(encoding="utf-8"))
    # module-level imports (the topics *stage* imports the topic model when it runs)
    imports = [n.module for n in tree.body if isinstance(n, ast.ImportFrom) and n.module]
    assert imports and not [m for m in imports if m.startswith("topics") or m.startswith("..topics")]
    from gxnlp.structure.agency import agency_type

    assert build.agency_type is agency_type
