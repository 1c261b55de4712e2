"""A panel corpus: agencies reporting year after year, with the truth the panel must recover.

``gxnlp synth --panel OUT`` (or :func:`generate_panel`) writes series of 2019–2024 reports (the
2019/2021 templates) of ``n_agencies`` agencies with:

- **name changes**: from some year on an agency prints its name with the city prefixed
  (洪泽区… → 淮安市洪泽区…), a 县 turned 区, a department's reorganised or short name (:data:`RENAMES`),
  or its general office's name for the government's report;
- **missing years**: a year inside the series without a report;
- **duplicate versions**: one year published twice (another layout);
- **promises**: every measure of a report is a promise for the next year; the next report's
  总体情况 reports a kept promise in its own words (a phrase bank of work done, held apart from the
  measure bank, plus the promise's object), a promise not kept is not mentioned;
- **carry-over**: 二、上年结转 equals last year's 四、结转下年度继续办理, except planted breaks.

Truth (``OUT/truth/``, besides the usual files): ``panel_documents.jsonl`` (file, report_id, agency_id —
the true identity —, printed name, year, version), ``panel_promises.jsonl`` (file, next_file, year,
position, text, category, kept), ``panel_continuity.jsonl`` (file, previous_file, year, column,
previous_carried_forward, carried_over, break).

The default demo corpus (``gxnlp synth --n 300 --seed 0``) is not affected.
"""
from __future__ import annotations

import json
import random
from pathlib import Path
from typing import Any

from .agencies import Agency, build_hierarchy
from .writer import Built, Slot, _dumps, build_report

YEARS = tuple(range(2019, 2025))
#: How a report says last year's promise was done, by measure category (never the measure bank's wording).
DONE: dict[str, list[str]] = {
    "training_staff": ["全年组织{obj}专题培训{n}次，参训{m}人次", "举办业务培训班{n}期，{obj}工作人员全部轮训一遍"],
    "institutions": ["修订印发{obj}相关制度{n}项，工作流程进一步明晰", "出台{obj}工作规程，{n}项制度全部落地"],
    "platform": ["完成{obj}改版升级，新增栏目{n}个", "{obj}全年运行平稳，访问量达{m}人次"],
    "expand_scope": ["围绕{obj}新增公开事项{n}项，公开内容更加全面", "全年公开{obj}相关信息{m}条"],
    "timeliness": ["{obj}平均公开时限缩短至{n}个工作日", "建立{obj}定期巡查台账，全年巡查{n}次"],
    "interpretation": ["围绕{obj}发布图解、视频等解读{n}篇", "邀请部门负责人解读{obj}{n}次"],
    "interaction": ["围绕{obj}开展线上访谈和意见征集{n}期，回复留言{m}条", "{obj}互动栏目全年办结留言{m}件"],
    "supervision": ["开展{obj}专项检查{n}次，通报问题{m}个", "将{obj}纳入年度考核，开展督查{n}轮"],
    "publicity": ["开展{obj}宣传活动{n}场，发放资料{m}份", "利用宣传栏和新媒体推送{obj}宣传信息{m}条"],
    "coordination": ["召开{obj}联席会议{n}次，统筹解决问题{m}个", "建立{obj}协调机制，指导下属单位{n}家"],
    "request_handling": ["规范{obj}办理流程，按时答复率达到100%", "编制{obj}答复文书模板{n}套"],
}
_OPENERS = ["按照年度工作安排，", "针对上年度报告提出的改进措施，", "对照上年整改计划，", ""]


def _object(text: str) -> str:
    """The object of a promised measure: its first clause without the leading verb (what was promised)."""
    first = text.split("，")[0]
    for verb in ("进一步加强", "进一步完善", "持续加强", "加强", "完善", "强化", "加大", "优化", "健全", "建立健全", "用好",
                 "扩大", "丰富", "规范", "提高", "提升", "推进", "加快", "定期组织开展", "组织开展", "开展", "及时更新",
                 "建立", "整合", "梳理", "落实", "修订", "围绕", "采取", "选优配强", "组织"):
        if first.startswith(verb) and len(first) > len(verb) + 1:
            return first[len(verb):]
    return first[:12]


def done_sentence(rng: random.Random, category: str, promise: str) -> str:
    bank = DONE.get(category) or DONE["expand_scope"]
    body = rng.choice(bank).format(obj=_object(promise), n=rng.randint(2, 12), m=rng.randint(20, 900))
    return f"{rng.choice(_OPENERS)}{body}。"


#: Departments renamed in a reorganisation or printed under a short form (some too different for string
#: similarity: those need the alias table).
RENAMES = {"卫生健康局": "卫生和计划生育局", "文化和旅游局": "文化广电和旅游局", "发展和改革局": "发展改革局",
           "住房和城乡建设局": "住房城乡建设局", "市场监督管理局": "市场监管局", "人力资源和社会保障局": "人社局"}


def _renamed(rng: random.Random, a: Agency) -> str | None:
    """Another name the same body prints (None when no plausible variant exists)."""
    options = []
    for old, new in RENAMES.items():
        if a.agency_type == "部门" and a.name.endswith(old):
            options.append(a.name[: -len(old)] + new)
    if a.city and a.county and not a.name.startswith(a.city) and a.name.startswith(a.county):
        options.append(a.city + a.name)
    if a.county and a.county.endswith("县") and a.name.startswith(a.county) and len(a.county) >= 3:
        options.append(a.county[:-1] + "区" + a.name[len(a.county):])
    if a.name.endswith("人民政府") and a.agency_type == "政府办":
        options.append(a.name + "办公室")
    return rng.choice(options) if options else None


def plan_panel(n_agencies: int, seed: int) -> list[list[dict[str, Any]]]:
    """Per agency, its years with the printed name and whether a version is duplicated."""
    rng = random.Random(f"panel-plan:{seed}")
    pool = [a for a in build_hierarchy(seed) if a.level in ("county", "city") and a.agency_type in ("政府办", "部门")
            and not a.name.endswith("办公室")]
    agencies = rng.sample(pool, min(n_agencies, len(pool)))
    out = []
    for a in agencies:
        start = rng.choice(YEARS[:3])
        years = [y for y in YEARS if y >= start]
        if len(years) > 3 and rng.random() < 0.3:
            years.remove(rng.choice(years[1:-1]))  # a missing year
        new_name = _renamed(rng, a) if rng.random() < 0.6 else None
        change_at = rng.choice(years[1:]) if new_name else None
        series = []
        for y in years:
            name = new_name if change_at and y >= change_at else a.name
            series.append({"agency": a, "year": y, "name": name, "duplicate": rng.random() < 0.05})
        out.append(series)
    return out


def generate_panel(out_dir: str | Path, n_agencies: int = 40, seed: int = 0, p_kept: float = 0.6,
                   p_break: float = 0.2) -> dict[str, Any]:
    """Write the panel corpus and its truth under ``out_dir``; returns a summary."""
    from .writer import LAYOUT_WEIGHTS, TRUTH_FILES

    out = Path(out_dir)
    truth = out / "truth"
    truth.mkdir(parents=True, exist_ok=True)
    rng = random.Random(f"panel:{seed}")
    layouts = [k for k in LAYOUT_WEIGHTS if k not in ("pdf", "docx")]
    fh = {name: open(truth / name, "w", encoding="utf-8", newline="") for name in
          ("panel_documents.jsonl", "panel_promises.jsonl", "panel_continuity.jsonl") + TRUTH_FILES}
    counts = {"agencies": 0, "reports": 0, "promises": 0, "kept": 0, "breaks": 0, "renamed": 0, "missing_years": 0}
    index = 0
    try:
        fh["cells.csv"].write("file,report_id,table,row,column,value\n")
        for series in plan_panel(n_agencies, seed):
            counts["agencies"] += 1
            counts["renamed"] += len({s["name"] for s in series}) > 1
            counts["missing_years"] += (series[-1]["year"] - series[0]["year"] + 1) - len(series)
            prev: Built | None = None
            promises: list[dict] = []
            for s in series:
                a, y = s["agency"], s["year"]
                consecutive = prev is not None and y - prev.slot.year == 1
                carried = None
                done: list[str] = []
                cont_rows = []
                if consecutive:
                    fwd = {r: int(v or 0) for t, row, r, v in [(c[0], c[1], c[2], c[3]) for c in prev.cells]
                           if t == "s3" and row == "carried_forward" and r != "total"}
                    carried = dict(fwd)
                    broken = rng.random() < p_break
                    if broken:
                        col = rng.choice(sorted(carried))
                        carried[col] = carried[col] + rng.randint(1, 4)
                    for p in promises:
                        if p["kept"]:
                            done.append(done_sentence(rng, p["category"], p["text"]))
                    cont_rows = [(col, fwd[col], carried[col]) for col in sorted(fwd)]
                layout = rng.choice(layouts)
                # a second version of one year is the same report in another format (same index: same content)
                versions = [layout] + ([("pipe_rows" if layout == "html" else "html")] if s["duplicate"] else [])
                built = None
                for v, lay in enumerate(versions):
                    slot = Slot(index, a, y, lay, "utf-8", display_name=s["name"] if s["name"] != a.name else None,
                                carried_over=carried, done=done or None)
                    b = build_report(slot, seed, None)
                    _write(out, b, fh)
                    fh["panel_documents.jsonl"].write(_dumps({"file": b.rel, "report_id": b.doc["report_id"],
                                                              "agency_id": a.key, "agency": b.doc["agency"], "year": y,
                                                              "version": v}) + "\n")
                    counts["reports"] += 1
                    if built is None:
                        built = b
                index += 1
                if consecutive:
                    for p in promises:
                        fh["panel_promises.jsonl"].write(_dumps({**p, "next_file": built.rel}) + "\n")
                    for col, f, c in cont_rows:
                        fh["panel_continuity.jsonl"].write(_dumps({
                            "file": built.rel, "previous_file": prev.rel, "year": y, "column": col,
                            "previous_carried_forward": f, "carried_over": c, "break": f != c}) + "\n")
                    counts["breaks"] += any(f != c for _, f, c in cont_rows)
                promises = []
                for st in built.statements:
                    if st["kind"] != "measure":
                        continue
                    kept = rng.random() < p_kept
                    promises.append({"file": built.rel, "year": y, "position": st["position"], "text": st["text"],
                                     "category": st["category"], "kept": kept})
                prev = built  # the last year's promises (or those before a gap) have no next report
    finally:
        for f in fh.values():
            f.close()
    rows = [json.loads(x) for x in (truth / "panel_promises.jsonl").read_text(encoding="utf-8").splitlines()]
    counts["promises"], counts["kept"] = len(rows), sum(r["kept"] for r in rows)
    return counts


def _write(out: Path, b: Built, fh: dict) -> None:
    path = out / b.rel
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_bytes(b.data)
    rid = b.doc["report_id"]
    fh["documents.jsonl"].write(_dumps(b.doc) + "\n")
    for t, r, c, v in b.cells:
        fh["cells.csv"].write(f"{b.rel},{rid},{t},{r},{c},{v}\n")
    for e in b.errors:
        fh["errors.jsonl"].write(_dumps({"file": b.rel, "report_id": rid, **e}) + "\n")
    for s in b.statements:
        fh["statements.jsonl"].write(_dumps({"file": b.rel, "report_id": rid, "kind": s["kind"], "position": s["position"],
                                             "text": s["text"], "category": s["category"]}) + "\n")
