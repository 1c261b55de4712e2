"""A small generator of report narratives with planted copies, for tests and benchmarks.

Every sentence carries an *origin* id: a fresh sentence gets a new one, a copied sentence
keeps its source's. Two reports form a true reuse pair when they share at least
``min_shared`` origins. Template text (headings, the mandated opening formula) and
stock phrases (from a pool every report draws on) are added to every report and never
make a pair. This is not :mod:`gxnlp synth` (the project's full corpus generator): it
only produces :class:`~gxnlp.reuse.ReuseDoc` narratives, fast enough for 20k reports.

>>> docs, truth = planted_corpus(n_agencies=20, years=(2020, 2021), seed=3)
>>> len(docs), all(a < b for a, b, _ in truth)
(40, True)
"""
from __future__ import annotations

import random
from collections import defaultdict
from dataclasses import dataclass

from ..reuse.detector import ReuseDoc
from ..model import DEFAULT_SEED

SUBJ = ["我局", "我办", "本单位", "我委", "中心", "全局上下", "各科室", "办公室", "领导小组", "工作专班", "窗口单位", "各乡镇",
        "各街道", "下属单位", "执法大队", "服务中心", "信息科", "法规科", "综合科", "党组"]
ADV = ["全面", "持续", "进一步", "扎实", "认真", "积极", "深入", "稳步", "着力", "切实", "不断", "统筹", "集中", "及时", "广泛",
       "主动", "重点", "系统", "有序", "全力"]
VERB = ["梳理", "更新", "完善", "发布", "整合", "核查", "推送", "编制", "修订", "清理", "调整", "汇总", "上线", "改版", "审核",
        "巡查", "公示", "归档", "解读", "宣传"]
OBJ = ["权责清单", "办事指南", "财政预决算", "重大项目信息", "政策文件", "行政处罚结果", "惠民补贴名单", "招投标公告",
       "建议提案办理结果", "应急管理信息", "环境监测数据", "教育招生政策", "医疗卫生信息", "就业创业政策", "征地拆迁信息",
       "食品安全抽检结果", "安全生产信息", "养老服务信息", "住房保障信息", "农业补贴信息", "交通出行信息", "市场监管信息",
       "社会救助信息", "公共文化信息", "科技项目信息"]
CHAN = ["政府门户网站", "政务新媒体", "公开栏", "微信公众号", "政务服务大厅", "电子显示屏", "新闻发布会", "政务微博",
        "便民服务站", "村务公开栏", "信息公开专栏", "短视频平台", "广播电视", "社区网格群", "档案查阅点"]
TAIL = ["群众满意度明显提升", "办理时限平均缩短", "信息查阅更加便捷", "回应关切更加及时", "公开质量稳步提高",
        "社会反响良好", "有效减少重复咨询", "公开内容更加规范", "解读质量有所提升", "服务效能持续增强",
        "企业获得感增强", "群众知晓率提高", "公开时效明显改善", "工作机制更加健全", "基层公开更加规范"]
UNIT = ["条", "篇", "件", "次", "期", "个"]
PROB = ["公开内容深度不够", "信息更新不够及时", "政策解读形式单一", "工作人员多为兼职", "新媒体平台建设滞后",
        "互动回应不够充分", "基层公开标准不一", "宣传力度有待加强", "依申请办理流程不够规范", "统筹协调机制不够健全"]

STOCK = [
    "坚持以公开为常态、不公开为例外",
    "严格落实谁公开、谁审查、谁负责的要求",
    "切实保障人民群众的知情权、参与权、表达权和监督权",
    "坚持先审查、后公开和一事一审原则",
    "让权力在阳光下运行",
    "不断提高政府工作透明度",
    "认真贯彻落实党中央、国务院关于全面推进政务公开工作的决策部署",
    "进一步提升政务公开标准化规范化水平",
    "以公开促落实、以公开促规范、以公开促服务",
    "推动政务公开工作再上新台阶",
    "着力打造透明高效的服务型政府",
    "全面提升政府信息公开工作质量和实效",
    "持续深化决策、执行、管理、服务、结果公开",
    "严格按照法定时限和程序办理依申请公开",
    "依法依规做好政府信息公开保密审查工作",
    "推进基层政务公开标准化规范化建设",
    "加强政策解读和回应关切",
    "不断增强政务公开的针对性和实效性",
    "强化政务公开工作考核评议",
    "推动政府信息公开工作高质量发展",
]


#: characters for names of places and projects (the specific content real narratives carry)
NAMECHARS = ("安宝北昌成春大德东丰福港国海禾和河红宏华淮惠吉佳江金锦京景静康兰乐联林龙隆茂美民明南宁鹏平浦"
             "齐启庆瑞山尚胜盛石顺泰滕天通桐万旺文西溪霞祥新信兴秀旭阳业怡义永友裕元源远云泽章长正志中舟竹")
PLACE = ["路", "社区", "村", "街", "园区", "片区", "小区", "港区", "水库", "广场"]
PROJ = [a + b for a in ["改造", "提升", "整治", "建设", "示范", "安置", "服务", "综合", "配套", "更新", "修缮", "美化"]
        for b in ["工程", "项目", "行动", "点", "站", "中心", "计划", "试点", "专班", "片"]]


@dataclass
class _Sent:
    text: str
    origin: int


class _Gen:
    def __init__(self, rng: random.Random):
        self.rng = rng
        self.next_origin = 0

    def name(self) -> str:
        r = self.rng
        return "".join(r.choice(NAMECHARS) for _ in range(2)) + r.choice(PLACE) + r.choice(PROJ)

    def fresh(self, agency: str, problem: bool = False) -> _Sent:
        r = self.rng
        if problem:
            text = (f"{r.choice(['一是', '二是', '三是', '同时', '此外', '另外'])}{r.choice(SUBJ)}{r.choice(PROB)}，"
                    f"{self.name()}{r.choice(OBJ)}的{r.choice(VERB)}工作{r.choice(['仍有差距', '存在短板', '有待加强', '还需完善'])}，"
                    f"下一步将{r.choice(ADV)}{r.choice(VERB)}{self.name()}{r.choice(OBJ)}并通过{r.choice(CHAN)}{r.choice(VERB)}。")
        else:
            text = (f"{r.choice(SUBJ)}{r.choice(ADV)}{r.choice(VERB)}{self.name()}{r.choice(OBJ)}和{r.choice(OBJ)}，"
                    f"通过{r.choice(CHAN)}{r.choice(VERB)}{self.name()}{r.choice(OBJ)}{r.randint(3, 3000)}{r.choice(UNIT)}，"
                    f"{r.choice(TAIL)}。")
        self.next_origin += 1
        return _Sent(text, self.next_origin)

    def copy(self, s: _Sent, new_agency: str) -> _Sent:
        """A copy with the numbers changed and sometimes one word swapped."""
        r = self.rng
        out = []
        for ch in s.text:
            out.append(str(r.randint(0, 9)) if ch.isdigit() else ch)
        text = "".join(out)
        if r.random() < 0.3:
            a, b = r.sample(ADV, 2)
            text = text.replace(a, b, 1)
        return _Sent(text, s.origin)


def _render(agency: str, year: int, overview: list[_Sent], problems: list[_Sent], stock: list[str]) -> str:
    ov = "".join(s.text for s in overview)
    pr = "".join(s.text for s in problems)
    return (
        f"本报告根据《中华人民共和国政府信息公开条例》和国办公开办函〔2021〕30号等文件要求编制。"
        f"本报告所列数据统计期限为{year}年1月1日至{year}年12月31日。\n"
        f"一、总体情况\n{year}年，{agency}{stock[0]}，{stock[1]}。{ov}\n"
        f"五、存在的主要问题及改进情况\n{pr}{stock[2]}。\n"
    )


def planted_corpus(
    n_agencies: int = 100,
    years: tuple[int, ...] = (2021, 2022, 2023),
    *,
    p_self: float = 0.3,
    cluster_share: float = 0.3,
    cluster_size: tuple[int, int] = (3, 6),
    block: tuple[int, int] = (4, 6),
    min_shared: int = 2,
    seed: int = DEFAULT_SEED,
) -> tuple[list[ReuseDoc], list[tuple[str, str, str]]]:
    """Reports of ``n_agencies`` agencies over ``years`` and the true pairs ``(a_id, b_id, kind)``.

    Each year, an agency reuses a block of its previous report with probability ``p_self``;
    ``cluster_share`` of the agencies are grouped into clusters that copy one model block
    (from the first member's report) in one year.
    """
    rng = random.Random(seed)
    gen = _Gen(rng)
    agencies = [f"{rng.choice(['东', '西', '南', '北', '中', '新', '长', '安'])}{i:05d}区{rng.choice(['教育局', '民政局', '财政局', '卫健委', '住建局', '文旅局', '司法局'])}"
                for i in range(n_agencies)]
    docs: list[ReuseDoc] = []
    body: dict[str, tuple[list[_Sent], list[_Sent]]] = {}
    # clusters: pick agency groups and a year in which they copy a model block
    order = list(range(n_agencies))
    rng.shuffle(order)
    n_clustered = int(cluster_share * n_agencies)
    clusters: list[tuple[list[int], int]] = []
    k = 0
    while k < n_clustered:
        size = rng.randint(*cluster_size)
        clusters.append((order[k : k + size], rng.choice(years)))
        k += size
    copies_in: dict[tuple[int, int], tuple[int, int]] = {}  # (agency, year) -> (model agency, cluster)
    for c, (members, year) in enumerate(clusters):
        for m in members[1:]:
            copies_in[(m, year)] = (members[0], c)
    model_blocks: dict[int, list[_Sent]] = {}
    for year in years:
        for a in sorted(range(n_agencies), key=lambda a: (a not in [cl[0][0] for cl in clusters], a)):
            name = agencies[a]
            ov = [gen.fresh(name) for _ in range(rng.randint(6, 10))]
            pr = [gen.fresh(name, problem=True) for _ in range(rng.randint(3, 5))]
            prev = body.get(f"{a}:{year - 1}")
            if prev and rng.random() < p_self:
                src = prev[0]
                n = min(len(src), rng.randint(*block))
                st = rng.randint(0, len(src) - n)
                at = rng.randint(0, len(ov))
                ov[at:at] = [gen.copy(s, name) for s in src[st : st + n]]
            if (a, year) in copies_in:
                model_a, c = copies_in[(a, year)]
                blk = model_blocks[c]
                at = rng.randint(0, len(pr))
                pr[at:at] = [gen.copy(s, name) for s in blk]
            for c, (members, cy) in enumerate(clusters):
                if members[0] == a and cy == year:
                    n = rng.randint(*block)
                    model_blocks[c] = pr[:0] + [gen.fresh(name, problem=True) for _ in range(n)]
                    pr.extend(model_blocks[c])
            body[f"{a}:{year}"] = (ov, pr)
            stock = rng.sample(STOCK, 3)
            rid = f"r{a:05d}y{year}"
            docs.append(ReuseDoc(rid, _render(name, year, ov, pr, stock), agency=name, year=year,
                                 published=f"{year + 1}-0{rng.randint(1, 3)}-1{rng.randint(0, 9)}",
                                 source=f"planted/{rid}.txt"))
    # truth from shared origins
    by_origin: dict[int, set[int]] = defaultdict(set)
    for idx, d in enumerate(docs):
        a, y = d.report_id[1:6], int(d.report_id[-4:])
        ov, pr = body[f"{int(a)}:{y}"]
        for s in ov + pr:
            by_origin[s.origin].add(idx)
    shared: dict[tuple[int, int], int] = defaultdict(int)
    for members in by_origin.values():
        ms = sorted(members)
        for x in range(len(ms)):
            for y in range(x + 1, len(ms)):
                shared[(ms[x], ms[y])] += 1
    truth = []
    for (x, y), n in sorted(shared.items()):
        if n >= min_shared:
            a, b = docs[x], docs[y]
            kind = "self" if a.agency == b.agency else "cross"
            truth.append((min(a.report_id, b.report_id), max(a.report_id, b.report_id), kind))
    docs.sort(key=lambda d: (d.year, d.report_id))
    return docs, sorted(truth)


def write_corpus(docs: list[ReuseDoc], directory) -> dict[str, str]:
    """Write the narratives as report files (a title line first); returns report_id -> path."""
    from pathlib import Path

    out = {}
    root = Path(directory)
    root.mkdir(parents=True, exist_ok=True)
    for d in docs:
        path = root / f"{d.report_id}.txt"
        path.write_text(f"{d.agency}{d.year}年政府信息公开工作年度报告\n{d.text}", encoding="utf-8")
        out[d.report_id] = str(path)
    return out
