"""Active labelling round trip: gxnlp label -> fill the sheet -> gxnlp train -> statements/build --model."""
from __future__ import annotations

import json
import pickle

import pandas as pd
import pytest
from sklearn.base import clone
from typer.testing import CliRunner

from gxnlp.cli import app
from gxnlp.text.classify import OTHER, WeakLabelClassifier
from gxnlp.text.labelling import dedupe, uncertainty

# A category the shipped taxonomy does not have: personal data exposed by disclosure.
TRAIN_SUBJECTS = ["部分公开文件", "个别单位发布的公示信息", "依申请公开答复材料", "行政处罚决定书", "补贴发放名单",
                  "招聘公示", "低保公示名单", "网站上的历史文件"]
TRAIN_DEFECTS = ["未对个人身份证号码进行遮盖处理", "泄露了群众的家庭住址和联系电话", "个人隐私信息去标识化处理不到位",
                 "包含未经脱敏的个人信息", "存在公民个人信息泄露风险"]
HELDOUT = ["政务新媒体转载的通报中出现未遮盖的身份证号码", "不动产登记公告披露了权利人的个人隐私",
           "村务公开栏张贴的名单含有个人信息且未作脱敏", "医保报销公示泄露了患者的个人信息",
           "征收补偿公告列出了被征收人的身份证号码和住址", "个别单位公开的会议纪要包含职工个人隐私"]
ORDINARY = ["政策解读形式单一，图解较少", "工作人员多为兼职，业务能力不强", "网站栏目更新不及时",
            "依申请公开答复不够规范", "公众知晓度不高，宣传不够", "制度建设有待完善"]
MEASURES = ["加强业务培训，提升队伍素质", "丰富政策解读形式", "加强网站栏目维护，及时更新信息"]


def _report(name: str, problems: list[str]) -> str:
    lines = "".join(f"{'一二三四五六七八九十'[i]}是{p}。" for i, p in enumerate(problems))
    meas = "".join(f"{'一二三四五六七八九十'[i]}是{m}。" for i, m in enumerate(MEASURES))
    return (f"{name}2023年政府信息公开工作年度报告\n一、总体情况\n2023年，{name}认真贯彻落实《条例》。\n"
            f"五、存在的主要问题及改进情况\n（一）存在的主要问题\n{lines}\n（二）改进情况\n{meas}\n"
            f"六、其他需要报告的事项\n无。\n")


@pytest.fixture(scope="module")
def corpus(tmp_path_factory):
    root = tmp_path_factory.mktemp("labelling")
    train_dir, held_dir = root / "train", root / "heldout"
    train_dir.mkdir()
    held_dir.mkdir()
    privacy = [f"{s}{d}" for s in TRAIN_SUBJECTS for d in TRAIN_DEFECTS][:30]
    for i in range(10):  # 3 privacy + 3 ordinary problems per report
        probs = privacy[3 * i:3 * i + 3] + [f"{ORDINARY[(i + k) % 6]}" for k in range(3)]
        (train_dir / f"r{i:02d}.txt").write_text(_report(f"某县第{i}局", probs), encoding="utf-8")
    for i in range(2):
        probs = HELDOUT[3 * i:3 * i + 3] + [ORDINARY[i]]
        (held_dir / f"h{i}.txt").write_text(_report(f"某市第{i}办", probs), encoding="utf-8")
    return root, set(privacy)


def test_label_train_predict_new_category(corpus, tmp_path):
    root, privacy = corpus
    runner = CliRunner()
    sheet = tmp_path / "to_label.xlsx"
    res = runner.invoke(app, ["label", str(root / "train"), "--out", str(sheet), "--n", "0", "-j", "1"])
    assert res.exit_code == 0, res.output
    frame = pd.read_excel(sheet, sheet_name="statements", dtype=str)
    assert list(frame["id"].astype(int)) == list(range(1, len(frame) + 1))
    assert frame["text"].is_unique  # de-duplicated: the ordinary problems repeat across reports
    unc = frame["uncertainty"].astype(float).tolist()
    assert unc == sorted(unc, reverse=True)
    texts = frame["text"].str.rstrip("。").tolist()
    assert privacy <= set(texts)
    # a user labels the 30 privacy statements with a new category and leaves the rest empty
    frame["label"] = ["privacy" if t in privacy else None for t in texts]
    assert frame["label"].notna().sum() == 30
    frame.to_excel(sheet, sheet_name="statements", index=False)
    model = tmp_path / "model"
    res = runner.invoke(app, ["train", str(sheet), "--out", str(model)])
    assert res.exit_code == 0, res.output
    assert "privacy" in json.loads((model / "model.json").read_text(encoding="utf-8"))["classes"]["problem"]
    res = runner.invoke(app, ["statements", str(root / "heldout"), "--model", str(model), "-j", "1"])
    assert res.exit_code == 0, res.output
    recs = [json.loads(x) for x in res.stdout.splitlines() if x.startswith("{")]
    held = [r for r in recs if r["kind"] == "problem" and r["text"].rstrip("。") in HELDOUT]
    assert len(held) == len(HELDOUT)
    hits = sum(r["category"] == "privacy" for r in held)
    assert hits >= len(HELDOUT) - 1, [(r["text"], r["category"]) for r in held]
    others = [r for r in recs if r["kind"] == "problem" and r["text"].rstrip("。") in ORDINARY]
    assert others and not any(r["category"] == "privacy" for r in others)
    # build --model stores the same categories
    from gxnlp.dataset.build import build, load

    build([root / "heldout"], tmp_path / "c.duckdb", model=model, workers=1, corpus_stages=False)
    stored = load(tmp_path / "c.duckdb").statements
    by_text = dict(zip(stored["text"].str.rstrip("。"), stored["category"]))
    assert [by_text[t] for t in HELDOUT] == [r["category"] for r in sorted(held, key=lambda r: HELDOUT.index(r["text"].rstrip("。")))]


def test_train_rejects_a_sheet_without_labels(tmp_path):
    sheet = tmp_path / "x.xlsx"
    pd.DataFrame({"kind": ["problem"], "text": ["网站更新不及时"], "label": [None]}).to_excel(
        sheet, sheet_name="statements", index=False)
    res = CliRunner().invoke(app, ["train", str(sheet), "--out", str(tmp_path / "m")])
    assert res.exit_code == 2 and "no row has a label" in " ".join(res.output.split())
    res = CliRunner().invoke(app, ["train", str(tmp_path / "missing.xlsx"), "--out", str(tmp_path / "m")])
    assert res.exit_code == 2
    res = CliRunner().invoke(app, ["statements", str(sheet), "--model", str(tmp_path)])
    assert res.exit_code == 2 and "gxnlp train" in " ".join(res.output.split())


def test_weak_label_classifier_is_an_estimator():
    X = ["政策解读形式单一", "政策解读不够深入", "解读材料较少", "网站栏目更新不及时", "信息发布不及时", "栏目长期未更新",
         "工作人员多为兼职", "人员流动性大", "专职人员不足"]
    y = ["interpretation"] * 3 + ["timeliness"] * 3 + ["staffing_capacity"] * 3
    clf = WeakLabelClassifier(kind="problem", cv=2, threshold=0.2).fit(X, y)
    p = clf.predict_proba(["政策解读形式较为单一"])
    assert p.shape == (1, len(clf.classes_)) and ((p >= 0) & (p <= 1)).all()
    assert clf.predict(["政策解读形式较为单一"]).tolist() == ["interpretation"]
    assert clf.predict_sets(["天气晴朗"]) == [(OTHER,)] or clf.predict(["天气晴朗"]).tolist() != ["interpretation"]
    again = clone(clf)
    assert again.get_params() == clf.get_params() and not hasattr(again, "classes_")
    restored = pickle.loads(pickle.dumps(clf))
    assert (restored.predict_proba(X) == clf.predict_proba(X)).all()


def test_uncertainty_and_dedupe():
    u = uncertainty([[0.9, 0.05], [0.5, 0.45], [0.1, 0.1]])
    assert u[1] > u[0] and u[1] > u[2]  # a confident "other" (row 3) is not uncertain

    class S:
        def __init__(self, kind, text):
            self.kind, self.text = kind, text

    assert len(dedupe([S("problem", "网站更新不及时。"), S("problem", "网站更新不及时"), S("measure", "网站更新不及时")])) == 2
