from gxnlp.model import SECTION_KEYS, IngestError, Report, error_record


def test_report_to_dict_has_contract_keys():
    r = Report(source="a.txt", report_id="x", title="t", agency="a", year=2021, published=None,
               region={"province": None, "city": None, "county": None}, template="2021",
               sections={"overview": "o"}, encoding="utf-8")
    d = r.to_dict()
    assert list(d["sections"]) == list(SECTION_KEYS)
    assert d["sections"]["problems"] is None and d["sections"]["overview"] == "o"
    assert set(d) == {"source", "report_id", "title", "agency", "year", "published", "region",
                      "template", "sections", "encoding", "warnings"}


def test_error_record_names_code():
    rec = error_record("b.pdf", IngestError("no_text_layer", "no text layer (scanned); OCR needed"))
    assert rec == {"source": "b.pdf", "error": "no_text_layer: no text layer (scanned); OCR needed"}
