"""Canonical keys of the three statistical tables (see ``shared/table_keys.md``) and the label
patterns that find each row in a flattened table, whatever the layout.

Patterns are written against NFKC-normalised text (ASCII parentheses and digits) and tolerate
whitespace/line breaks between any two characters of a label (PDF text breaks labels anywhere).
"""
from __future__ import annotations

import re
from dataclasses import dataclass

S3_COLUMNS: tuple[str, ...] = (
    "natural_person",
    "commercial",
    "research",
    "social_welfare",
    "legal_service",
    "other_org",
    "total",
)

S4_ROWS: tuple[str, ...] = ("review", "litigation_direct", "litigation_after_review")
S4_COLUMNS: tuple[str, ...] = ("upheld", "corrected", "other", "pending", "total")

#: s3 rows that are results of handling (summed into ``total_handled``), per template.
S3_RESULT_ROWS_COMMON: tuple[str, ...] = (
    "granted",
    "partially_granted",
    "denied_state_secret",
    "denied_prohibited_by_law",
    "denied_security_stability",
    "denied_third_party",
    "denied_internal_affairs",
    "denied_process_info",
    "denied_enforcement_file",
    "denied_administrative_query",
    "unable_not_held",
    "unable_needs_creation",
    "unable_unclear",
    "not_processed_complaint",
    "not_processed_repeated",
    "not_processed_publication",
    "not_processed_excessive",
    "not_processed_reconfirm",
)
S3_OTHER_2019: tuple[str, ...] = ("other_handling",)
S3_OTHER_2021: tuple[str, ...] = ("other_no_correction", "other_fee_unpaid", "other_misc")


def s3_result_rows(template: str) -> tuple[str, ...]:
    return S3_RESULT_ROWS_COMMON + (S3_OTHER_2021 if template == "2021" else S3_OTHER_2019)


def s3_template_of_rows(rows) -> str:
    """The template of an s3 table from the rows it has: 2021 has the three （六） rows."""
    return "2021" if set(rows) & set(S3_OTHER_2021) else "2019"


def s3_rows(template: str) -> tuple[str, ...]:
    return ("new_requests", "carried_over") + s3_result_rows(template) + ("total_handled", "carried_forward")


S2_ROWS: dict[str, tuple[tuple[str, tuple[str, ...]], ...]] = {
    "2021": (
        ("regulations", ("issued", "repealed", "in_force")),
        ("normative_documents", ("issued", "repealed", "in_force")),
        ("licensing", ("decisions",)),
        ("penalty", ("decisions",)),
        ("coercion", ("decisions",)),
        ("fees", ("amount_wan",)),
    ),
    "2019": (
        ("regulations", ("made", "published", "total_public")),
        ("normative_documents", ("made", "published", "total_public")),
        ("licensing", ("previous", "change", "decisions")),
        ("other_services", ("previous", "change", "decisions")),
        ("penalty", ("previous", "change", "decisions")),
        ("coercion", ("previous", "change", "decisions")),
        ("fees", ("previous", "change")),
        ("procurement", ("projects", "amount")),
    ),
}

# ---------------------------------------------------------------- printed labels
# The labels as the template prints them (国办公开办函〔2019〕60号 / 〔2021〕30号), by canonical key.
# The generator draws its tables from these, the reuse template lexicon contains them.

S3_LABELS: dict[str, str] = {
    "new_requests": "一、本年新收政府信息公开申请数量",
    "carried_over": "二、上年结转政府信息公开申请数量",
    "granted": "（一）予以公开",
    "partially_granted": "（二）部分公开（区分处理的，只计这一情形，不计其他情形）",
    "denied_state_secret": "1.属于国家秘密",
    "denied_prohibited_by_law": "2.其他法律行政法规禁止公开",
    "denied_security_stability": "3.危及“三安全一稳定”",
    "denied_third_party": "4.保护第三方合法权益",
    "denied_internal_affairs": "5.属于三类内部事务信息",
    "denied_process_info": "6.属于四类过程性信息",
    "denied_enforcement_file": "7.属于行政执法案卷",
    "denied_administrative_query": "8.属于行政查询事项",
    "unable_not_held": "1.本机关不掌握相关政府信息",
    "unable_needs_creation": "2.没有现成信息需要另行制作",
    "unable_unclear": "3.补正后申请内容仍不明确",
    "not_processed_complaint": "1.信访举报投诉类申请",
    "not_processed_repeated": "2.重复申请",
    "not_processed_publication": "3.要求提供公开出版物",
    "not_processed_excessive": "4.无正当理由大量反复申请",
    "not_processed_reconfirm": "5.要求行政机关确认或重新出具已获取信息",
    "other_handling": "（六）其他处理",
    "other_no_correction": "1.申请人无正当理由逾期不补正、行政机关不再处理其政府信息公开申请",
    "other_fee_unpaid": "2.申请人逾期未按收费通知要求缴纳费用、行政机关不再处理其政府信息公开申请",
    "other_misc": "3.其他",
    "total_handled": "（七）总计",
    "carried_forward": "四、结转下年度继续办理",
}
#: Group labels spanning several s3 rows; the 2021 （六）其他处理 group spans :data:`S3_OTHER_2021`.
S3_RESULTS_LABEL = "三、本年度办理结果"
S3_GROUPS: tuple[tuple[str, tuple[str, ...]], ...] = (
    ("（三）不予公开", tuple(r for r in S3_RESULT_ROWS_COMMON if r.startswith("denied_"))),
    ("（四）无法提供", tuple(r for r in S3_RESULT_ROWS_COMMON if r.startswith("unable_"))),
    ("（五）不予处理", tuple(r for r in S3_RESULT_ROWS_COMMON if r.startswith("not_processed_"))),
)
S3_GROUP_2021_OTHER = ("（六）其他处理", S3_OTHER_2021)
S3_NOTE = "（本列数据的勾稽关系为：第一项加第二项之和，等于第三项加第四项之和）"
S3_APPLICANTS_LABEL = "申请人情况"
S3_ORGANISATIONS_LABEL = "法人或其他组织"
S3_COLUMN_LABELS: dict[str, str] = dict(zip(
    S3_COLUMNS, ("自然人", "商业企业", "科研机构", "社会公益组织", "法律服务机构", "其他", "总计")))

S4_COLUMN_LABELS: dict[str, str] = dict(zip(S4_COLUMNS, ("结果维持", "结果纠正", "其他结果", "尚未审结", "总计")))
S4_REVIEW_LABEL = "行政复议"
S4_LITIGATION_LABEL = "行政诉讼"
S4_ROW_LABELS: dict[str, str] = {"review": "行政复议", "litigation_direct": "未经复议直接起诉",
                                 "litigation_after_review": "复议后起诉"}

S2_LABELS: dict[str, str] = {
    "regulations": "规章", "normative_documents": "行政规范性文件", "licensing": "行政许可",
    "other_services": "其他对外管理服务事项", "penalty": "行政处罚", "coercion": "行政强制",
    "fees": "行政事业性收费", "procurement": "政府集中采购",
}
#: The 2019 template prints 规范性文件 where 2021 prints 行政规范性文件.
S2_LABELS_2019: dict[str, str] = {**S2_LABELS, "normative_documents": "规范性文件"}
S2_CONTENT_LABEL = "信息内容"
#: s2 as printed: (item heading, column labels, rows under it), per template.
S2_ITEMS: dict[str, tuple[tuple[str, tuple[str, ...], tuple[str, ...]], ...]] = {
    "2021": (("第二十条第（一）项", ("本年制发件数", "本年废止件数", "现行有效件数"), ("regulations", "normative_documents")),
             ("第二十条第（五）项", ("本年处理决定数量",), ("licensing",)),
             ("第二十条第（六）项", ("本年处理决定数量",), ("penalty", "coercion")),
             ("第二十条第（八）项", ("本年收费金额（单位：万元）",), ("fees",))),
    "2019": (("第二十条第（一）项", ("本年新制作数量", "本年新公开数量", "对外公开总数量"), ("regulations", "normative_documents")),
             ("第二十条第（五）项", ("上一年项目数量", "本年增/减", "处理决定数量"), ("licensing", "other_services")),
             ("第二十条第（六）项", ("上一年项目数量", "本年增/减", "处理决定数量"), ("penalty", "coercion")),
             ("第二十条第（八）项", ("上一年项目数量", "本年增/减"), ("fees",)),
             ("第二十条第（九）项", ("采购项目数量", "采购总金额"), ("procurement",))),
}


def s3_group_labels() -> tuple[str, ...]:
    """The labels of s3 that span several rows or columns, without their numbering (本年度办理结果, 不予公开 …)."""
    labels = (S3_RESULTS_LABEL, *(g for g, _ in S3_GROUPS), S3_GROUP_2021_OTHER[0], S3_ORGANISATIONS_LABEL)
    return tuple(re.sub(r"^(?:[一二三四五六七八九十]+、|（[一二三四五六七八九十]+）)", "", label) for label in labels)


def printed_labels() -> tuple[str, ...]:
    """Every label the two tabular templates print in their tables (headings, groups, rows, columns)."""
    out: list[str] = [S2_CONTENT_LABEL, *S2_LABELS.values(), *S2_LABELS_2019.values()]
    for items in S2_ITEMS.values():
        for item, heads, _rows in items:
            out += [item, *heads]
    out += [S3_NOTE, S3_APPLICANTS_LABEL, S3_ORGANISATIONS_LABEL, S3_RESULTS_LABEL, *S3_COLUMN_LABELS.values(),
            *S3_LABELS.values(), *(g for g, _ in S3_GROUPS), S3_GROUP_2021_OTHER[0]]
    out += [S4_REVIEW_LABEL, S4_LITIGATION_LABEL, *S4_ROW_LABELS.values(), *S4_COLUMN_LABELS.values()]
    return tuple(dict.fromkeys(out))


#: Columns whose values are always floats (amounts).
FLOAT_COLUMNS: frozenset[tuple[str, str]] = frozenset({("fees", "amount_wan")})


def kw(word: str) -> str:
    """A regex for ``word`` allowing whitespace between any two characters."""
    return r"\s*".join(re.escape(ch) for ch in word)


_ENUM = r"(?:\d\s*[.、]\s*)?"


def _alt(*words: str, enum: str = _ENUM) -> re.Pattern[str]:
    return re.compile(enum + "(?:" + "|".join(kw(w) for w in words) + ")")


@dataclass(frozen=True)
class RowSpec:
    key: str
    pattern: re.Pattern[str]


S3_PATTERNS: dict[str, re.Pattern[str]] = {
    "new_requests": re.compile(r"(?:一\s*[、.]?\s*)?" + "(?:" + kw("本年新收") + "|" + kw("本年度新收") + ")"),
    "carried_over": re.compile(r"(?:二\s*[、.]?\s*)?" + kw("上年结转")),
    "granted": re.compile(r"(?:\(\s*一\s*\)\s*)?" + kw("予以公开")),
    "partially_granted": re.compile(r"(?:\(\s*二\s*\)?\s*)?" + kw("部分公开")),
    "denied_state_secret": _alt("属于国家秘密", "国家秘密"),
    "denied_prohibited_by_law": _alt("其他法律行政法规", "法律行政法规禁止"),
    "denied_security_stability": _alt("危及", "三安全一稳定"),
    "denied_third_party": _alt("保护第三方", "第三方合法权益"),
    "denied_internal_affairs": _alt("属于三类内部", "三类内部事务"),
    "denied_process_info": _alt("属于四类过程", "四类过程性"),
    "denied_enforcement_file": _alt("属于行政执法案卷", "行政执法案卷"),
    "denied_administrative_query": _alt("属于行政查询", "行政查询事项"),
    "unable_not_held": _alt("本机关不掌握", "不掌握相关"),
    "unable_needs_creation": _alt("没有现成", "需要另行制作"),
    "unable_unclear": _alt("补正后申请", "仍不明确"),
    "not_processed_complaint": _alt("信访举报"),
    "not_processed_repeated": _alt("重复申请"),
    "not_processed_publication": _alt("要求提供公开出版物", "公开出版物"),
    "not_processed_excessive": _alt("无正当理由大量", "大量反复申请"),
    "not_processed_reconfirm": _alt("要求行政机关确认", "重新出具"),
    "other_handling": re.compile(r"\(\s*六\s*\)\s*" + kw("其他处理")),
    "other_no_correction": _alt("申请人无正当理由逾期", "逾期不补正"),
    "other_fee_unpaid": _alt("申请人逾期未按", "逾期未按收费"),
    "other_misc": re.compile(r"3\s*[.、]\s*" + kw("其他") + r"(?!\s*法\s*律)"),
    "total_handled": re.compile(r"(?:\(\s*七\s*\)\s*)?" + kw("总计")),
    "carried_forward": re.compile(r"(?:四\s*[、.]?\s*)?" + kw("结转下年度")),
}

S2_PATTERNS: dict[str, re.Pattern[str]] = {
    "regulations": re.compile(kw("规章")),
    "normative_documents": re.compile(r"(?:" + kw("行政") + r")?" + kw("规范性文件")),
    "licensing": re.compile(kw("行政许可")),
    "other_services": re.compile(kw("其他对外管理服务")),
    "penalty": re.compile(kw("行政处罚")),
    "coercion": re.compile(kw("行政强制")),
    "fees": re.compile(kw("行政事业性收费")),
    "procurement": re.compile(kw("政府集中采购")),
}

#: Where each table starts / ends in running text.
RE_S2_START = re.compile(kw("第二十条") + "|" + kw("信息内容"))
RE_S2_HEADING = re.compile(kw("主动公开政府信息情况"))
RE_S3_HEADING = re.compile(kw("收到和处理政府信息公开申请"))
RE_S4_HEADING = re.compile(
    r"(?:四\s*[、.]\s*)?" + kw("政府信息公开行政") + r"(?:\s*法)?" + kw("复议") + "|" + kw("行政复议")
)
RE_AFTER_S4 = re.compile(
    r"(?:[五六]\s*[、.]\s*)?(?:" + kw("存在的主要问题") + "|" + kw("政府信息公开工作存在") + "|" + kw("其他需要报告") + ")"
)

#: Row labels as the templates print them (2019 and 2021 wording), per canonical row key: what
#: a row label is compared with (:mod:`gxnlp.tables.labels`). The first is written back when a
#: grid row is rendered for the text reader, so it must match the row's pattern above.
ROW_LABELS: dict[str, tuple[str, ...]] = {
    key: tuple(dict.fromkeys(x for x in (S2_LABELS.get(key), S2_LABELS_2019.get(key), S3_LABELS.get(key)) if x))
    for key in (*S2_LABELS, *S3_LABELS)
}
#: a cell that cuts the long label short
ROW_LABELS["partially_granted"] += ("（二）部分公开",)


def table_row_order(template: str) -> tuple[tuple[str, str], ...]:
    """(table, row) of the labelled rows in the order the template prints them (s2 then s3)."""
    return tuple(("s2", key) for key, _cols in S2_ROWS[template]) + tuple(("s3", key) for key in s3_rows(template))

#: The pre-2019 statistics annex (see ``table_keys_pre2019.md``): row key -> printed labels,
#: the longest first (a longer label wins where one contains another).
PRE2019_TABLE = "pre2019"
PRE2019_COLUMNS: tuple[str, ...] = ("year", "cumulative")
PRE2019_ROWS: dict[str, tuple[str, ...]] = {
    "proactive_total": ("主动公开政府信息数", "主动公开信息数", "主动公开文件数"),
    "proactive_website": ("政府网站公开数", "网站公开数", "网站公开"),
    "proactive_gazette": ("政府公报公开数", "政府公报公开"),
    "requests_total": ("受理政府信息依申请公开总数", "受理依申请公开信息总数", "受理政府信息公开申请数", "依申请公开信息总数",
                       "依申请公开申请数"),
    "requests_in_person": ("当面申请数",),
    "requests_letter_fax": ("信函、传真申请数", "信函传真申请数"),
    "requests_fax": ("传真申请数",),
    "requests_email": ("电子邮件申请数",),
    "requests_online": ("网上申请数",),
    "requests_letter": ("信函申请数",),
    "requests_other_form": ("其它形式申请数", "其他形式申请数"),
    "replies_total": ("对申请的答复总数", "对申请的答复数"),
    "replies_partial": ("同意部分公开答复数",),
    "replies_granted": ("同意公开答复数",),
    "replies_denied": ("否决公开答复数", "不予公开答复数"),
    "replies_other": ("其他类型答复数",),
    "fee_waiver_yuan": ("政府信息公开收费减免金额", "收费减免金额"),
    "fees_yuan": ("依申请公开收费金额", "政府信息公开收费金额"),
    "complaints": ("接受行政诉讼、举报数", "行政申诉、举报数", "行政申诉数"),
    "review": ("行政复议数",),
    "litigation": ("行政诉讼数",),
}
#: The two value columns as their headers print them (a year printed as ``2015年度`` reads as 本年度).
PRE2019_COLUMN_LABELS: dict[str, tuple[str, ...]] = {"year": ("本年度", "本年数", "本年"),
                                                      "cumulative": ("历年累计", "累计数", "累计")}
#: The other columns of the annex (the label and the unit): never a value column.
PRE2019_OTHER_HEADERS: tuple[str, ...] = ("指标名称", "统计指标", "计量单位", "单位", "序号")
#: total row -> its part rows (per column: total = sum of the parts printed).
PRE2019_SUMS: dict[str, tuple[str, ...]] = {
    "proactive_total": ("proactive_website", "proactive_gazette"),
    "requests_total": ("requests_in_person", "requests_fax", "requests_email", "requests_online", "requests_letter",
                       "requests_letter_fax", "requests_other_form"),
    "replies_total": ("replies_granted", "replies_partial", "replies_denied", "replies_other"),
}
#: Where the annex starts: its title followed by the column header.
RE_PRE2019_STATS = re.compile(kw("统计表") + r"[^。]{0,30}?" + kw("指标名称"))

#: A 2019+ cell and the pre-2019 annex cell that counts the same thing this year: how 2008-2018
#: reports join the same panel (``Dataset.wide``).
PRE2019_PANEL: dict[tuple[str, str, str], tuple[str, str, str]] = {
    ("s3", "new_requests", "total"): ("pre2019", "requests_total", "year"),
    ("s3", "granted", "total"): ("pre2019", "replies_granted", "year"),
    ("s3", "partially_granted", "total"): ("pre2019", "replies_partial", "year"),
    ("s4", "review", "total"): ("pre2019", "review", "year"),
}
