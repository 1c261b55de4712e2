"""A real-looking hierarchy of the agencies that publish annual reports.

Provinces, cities and counties are real names (so region inference can find them);
townships, streets and development zones are plausible inventions attached to a real
county or city. Every agency knows its ``agency_type`` (政府办, 部门, 乡镇/街道, 开发区),
its ``level`` (province, city, county, township) and its region.

>>> from gxnlp.synth.agencies import build_hierarchy
>>> agencies = build_hierarchy(seed=1)
>>> any(a.name == "淄博市张店区财政局" or a.name == "张店区财政局" for a in agencies)
True
"""
from __future__ import annotations

import functools
import random
from dataclasses import dataclass

from ..genre.agencies import DEPARTMENT, GOV_OFFICE, TOWNSHIP, ZONE
from ..model import DEFAULT_SEED

#: province -> city -> counties (real names).
GEOGRAPHY: dict[str, dict[str, list[str]]] = {
    "山东省": {
        "淄博市": ["张店区", "淄川区", "博山区", "临淄区", "周村区", "桓台县", "高青县", "沂源县"],
        "威海市": ["环翠区", "文登区", "荣成市", "乳山市"],
        "济宁市": ["任城区", "兖州区", "曲阜市", "邹城市", "微山县", "鱼台县", "金乡县", "嘉祥县"],
        "烟台市": ["芝罘区", "福山区", "牟平区", "莱山区", "龙口市", "莱阳市", "莱州市", "招远市", "栖霞市", "海阳市"],
    },
    "四川省": {
        "攀枝花市": ["东区", "西区", "仁和区", "米易县", "盐边县"],
        "绵阳市": ["涪城区", "游仙区", "安州区", "三台县", "盐亭县", "梓潼县", "平武县", "江油市"],
        "南充市": ["顺庆区", "高坪区", "嘉陵区", "南部县", "营山县", "蓬安县", "仪陇县", "西充县", "阆中市"],
    },
    "甘肃省": {
        "武威市": ["凉州区", "民勤县", "古浪县", "天祝藏族自治县"],
        "天水市": ["秦州区", "麦积区", "清水县", "秦安县", "甘谷县", "武山县"],
    },
    "江苏省": {
        "淮安市": ["淮安区", "淮阴区", "清江浦区", "洪泽区", "涟水县", "盱眙县", "金湖县"],
        "常州市": ["天宁区", "钟楼区", "新北区", "武进区", "金坛区", "溧阳市"],
        "徐州市": ["云龙区", "贾汪区", "泉山区", "铜山区", "丰县", "沛县", "睢宁县", "新沂市", "邳州市"],
    },
    "福建省": {
        "泉州市": ["鲤城区", "丰泽区", "洛江区", "泉港区", "惠安县", "安溪县", "永春县", "德化县", "石狮市", "晋江市", "南安市"],
        "宁德市": ["蕉城区", "霞浦县", "古田县", "屏南县", "寿宁县", "周宁县", "福安市", "福鼎市"],
    },
    "湖南省": {
        "株洲市": ["荷塘区", "芦淞区", "石峰区", "天元区", "攸县", "茶陵县", "醴陵市"],
        "岳阳市": ["岳阳楼区", "云溪区", "君山区", "岳阳县", "华容县", "湘阴县", "平江县", "汨罗市", "临湘市"],
        "常德市": ["武陵区", "鼎城区", "安乡县", "汉寿县", "澧县", "临澧县", "桃源县", "石门县", "津市市"],
    },
    "浙江省": {
        "湖州市": ["吴兴区", "南浔区", "德清县", "长兴县", "安吉县"],
        "衢州市": ["柯城区", "衢江区", "常山县", "开化县", "龙游县", "江山市"],
        "金华市": ["婺城区", "金东区", "武义县", "浦江县", "磐安县", "兰溪市", "义乌市", "东阳市", "永康市"],
    },
}

#: Departments of city and county governments: (name, policy field used in narrative).
LOCAL_DEPARTMENTS: list[tuple[str, str]] = [
    ("财政局", "财政预决算"), ("教育局", "教育"), ("民政局", "社会救助"), ("司法局", "公共法律服务"),
    ("人力资源和社会保障局", "就业创业"), ("自然资源局", "自然资源"), ("住房和城乡建设局", "保障性住房"),
    ("交通运输局", "交通运输"), ("水利局", "水利工程"), ("农业农村局", "乡村振兴"), ("商务局", "商务"),
    ("卫生健康局", "医疗卫生"), ("审计局", "审计结果"), ("统计局", "统计数据"), ("市场监督管理局", "市场监管"),
    ("应急管理局", "安全生产"), ("医疗保障局", "医疗保障"), ("退役军人事务局", "退役军人服务"),
    ("文化和旅游局", "文化旅游"), ("发展和改革局", "重大建设项目"), ("城市管理综合执法局", "城市管理"),
    ("行政审批服务局", "政务服务"), ("林业局", "林业生态"), ("科学技术局", "科技项目"), ("工业和信息化局", "工业经济"),
    ("生态环境局", "生态环境"), ("公安局", "公安交管"), ("信访局", "信访"),
]

PROVINCE_DEPARTMENTS: list[tuple[str, str]] = [
    ("教育厅", "教育"), ("财政厅", "财政预决算"), ("民政厅", "社会救助"), ("司法厅", "公共法律服务"),
    ("人力资源和社会保障厅", "就业创业"), ("自然资源厅", "自然资源"), ("生态环境厅", "生态环境"),
    ("住房和城乡建设厅", "保障性住房"), ("交通运输厅", "交通运输"), ("水利厅", "水利工程"), ("农业农村厅", "乡村振兴"),
    ("商务厅", "商务"), ("卫生健康委员会", "医疗卫生"), ("审计厅", "审计结果"), ("应急管理厅", "安全生产"),
    ("市场监督管理局", "市场监管"), ("统计局", "统计数据"), ("医疗保障局", "医疗保障"),
]

GOV_FIELDS = ["重大建设项目", "财政预决算", "公共资源配置", "社会公益事业", "重大决策", "政府工作报告", "营商环境"]
_TOWN_A = "东西南北新大小中上下金石马柳杨白青龙凤双三清沙高长永平安福兴仁和丰宝"
_TOWN_B = "桥河湾山岭口店庄集坪坝营寨塘港湖溪沟园林门堡关场铺滩"
_STREETS = ["城关", "城东", "城南", "城西", "城北", "人民路", "中山路", "和平", "新华", "解放", "建设", "文化",
            "东城", "西城", "北关", "南关", "府前", "滨河", "湖滨", "站前", "公园", "体育场", "车站", "科苑"]


@dataclass(frozen=True)
class Agency:
    """One reporting body.

    ``name`` is the name printed in titles; ``short`` how the report names itself in
    the narrative (区财政局, 开发区管委会); ``self_ref`` the first person (我局, 我镇);
    ``unit`` what its internal units are called (股室, 科室, 处室, 站所); ``field`` the
    policy field its narrative talks about.
    """

    key: str
    name: str
    short: str
    self_ref: str
    agency_type: str
    level: str
    province: str
    city: str | None
    county: str | None
    unit: str
    field: str
    parent_gov: str
    #: key of the county/city whose departments can copy one model report.
    group: str | None = None

    @property
    def region(self) -> dict[str, str | None]:
        return {"province": self.province, "city": self.city, "county": self.county}


def _strip_suffix(place: str) -> str:
    """张店区 -> 张店, 攸县 -> 攸县 (too short to strip), 天祝藏族自治县 -> 天祝."""
    if place.endswith("藏族自治县"):
        return place[: -len("藏族自治县")]
    if len(place) > 2 and place[-1] in "市区县省":
        return place[:-1]
    return place


def _county_kind(county: str) -> str:
    return county[-1] if county[-1] in "区县市" else "县"


def build_hierarchy(seed: int = DEFAULT_SEED, min_agencies: int = 0) -> list[Agency]:
    """All agencies of the synthetic world, in a stable order (depends only on ``seed`` and ``min_agencies``).

    The provinces of :data:`GEOGRAPHY` come first and are the whole world unless ``min_agencies``
    asks for more; then further provinces of the national gazetteer (:func:`extra_geography`) are
    added whole, in administrative-code order and from their own random stream, until there are
    at least ``min_agencies`` or the gazetteer is used up (the agencies of the first part are the same
    whatever ``min_agencies`` is).
    """
    rng = random.Random(f"hierarchy:{seed}")
    out: list[Agency] = []
    for province, cities in GEOGRAPHY.items():
        _add_province(out, rng, province, cities)
    if len(out) >= min_agencies:
        return out
    extra_rng = random.Random(f"hierarchy-extra:{seed}")
    for province, cities in extra_geography().items():
        _add_province(out, extra_rng, province, cities)
        if len(out) >= min_agencies:
            return out
    return out  # the whole gazetteer: fewer than asked for


def _add_province(out: list[Agency], rng: random.Random, province: str, cities: dict[str, list[str]]) -> None:
    out.append(Agency(f"{province}|gov", f"{province}人民政府", "省政府", "我省", GOV_OFFICE, "province",
                      province, None, None, "厅局", rng.choice(GOV_FIELDS), "省委、省政府"))
    out.append(Agency(f"{province}|office", f"{province}人民政府办公厅", "省政府办公厅", "我厅", GOV_OFFICE, "province",
                      province, None, None, "处室", rng.choice(GOV_FIELDS), "省委、省政府"))
    for dept, field in rng.sample(PROVINCE_DEPARTMENTS, 14):
        self_ref = "我委" if dept.endswith("委员会") else ("我局" if dept.endswith("局") else "我厅")
        out.append(Agency(f"{province}|{dept}", f"{province}{dept}", f"省{dept}", self_ref, DEPARTMENT, "province",
                          province, None, None, "处室", field, "省委、省政府"))
    for city, counties in cities.items():
        cshort = _strip_suffix(city)
        group_c = f"{province}|{city}"
        out.append(Agency(f"{group_c}|gov", f"{city}人民政府", "市政府", "我市", GOV_OFFICE, "city",
                          province, city, None, "部门", rng.choice(GOV_FIELDS), "市委、市政府"))
        out.append(Agency(f"{group_c}|office", f"{city}人民政府办公室", "市政府办公室", "我办", GOV_OFFICE, "city",
                          province, city, None, "科室", rng.choice(GOV_FIELDS), "市委、市政府"))
        for dept, field in rng.sample(LOCAL_DEPARTMENTS, 20):
            if dept == "发展和改革局":
                dept = "发展和改革委员会"
            self_ref = "我委" if dept.endswith("委员会") else "我局"
            out.append(Agency(f"{group_c}|{dept}", f"{city}{dept}", f"市{dept}", self_ref, DEPARTMENT, "city",
                              province, city, None, "科室", field, "市委、市政府", group_c))
        zone = rng.choice(["经济技术开发区", "高新技术产业开发区"])
        out.append(Agency(f"{group_c}|zone", f"{cshort}{zone}管理委员会", f"{zone[:2]}区管委会", "我委", ZONE,
                          "city", province, city, None, "部门", "招商引资", "市委、市政府"))
        for county in counties:
            kind = _county_kind(county)
            gshort = _strip_suffix(county)
            group = f"{province}|{city}|{county}"
            prefix = city + county if rng.random() < 0.55 else county
            parent = f"{kind}委、{kind}政府"
            out.append(Agency(f"{group}|gov", f"{prefix}人民政府", f"{kind}政府", f"我{kind}", GOV_OFFICE, "county",
                              province, city, county, "部门", rng.choice(GOV_FIELDS), parent))
            out.append(Agency(f"{group}|office", f"{prefix}人民政府办公室", f"{gshort}{kind}政府办公室", "我办", GOV_OFFICE,
                              "county", province, city, county, "股室", rng.choice(GOV_FIELDS), parent))
            for dept, field in rng.sample(LOCAL_DEPARTMENTS, rng.randint(14, 24)):
                if dept == "生态环境局":
                    dept = "生态环境分局"
                out.append(Agency(f"{group}|{dept}", f"{prefix}{dept}", f"{kind}{dept}", "我局", DEPARTMENT, "county",
                                  province, city, county, "股室", field, parent, group))
            if rng.random() < 0.45:
                zname = f"{gshort}经济开发区管理委员会"
                if rng.random() < 0.3:
                    zname = _strip_suffix(province) + zname
                out.append(Agency(f"{group}|zone", zname, "开发区管委会", "我委", ZONE, "county",
                                  province, city, county, "部门", "招商引资", parent))
            used: set[str] = set()
            n_towns = rng.randint(6, 18)
            for i in range(n_towns):
                street = kind in "区市" and rng.random() < 0.5
                for _ in range(50):
                    if street:
                        base = rng.choice(_STREETS)
                        nm = f"{base}街道办事处"
                    else:
                        base = rng.choice(_TOWN_A) + rng.choice(_TOWN_B)
                        nm = base + ("乡" if kind == "县" and rng.random() < 0.3 else "镇")
                    if base not in used:
                        break
                used.add(base)
                if street:
                    out.append(Agency(f"{group}|{nm}", f"{county}{nm}", f"{base}街道", "我街道", TOWNSHIP, "township",
                                      province, city, county, "科室", "基层治理", "区委、区政府" if kind == "区" else parent))
                else:
                    town = nm
                    out.append(Agency(f"{group}|{town}", f"{prefix}{town}人民政府", town, f"我{town[-1]}", TOWNSHIP,
                                      "township", province, city, county, "站所", "基层治理", parent))


@functools.cache
def extra_geography() -> dict[str, dict[str, list[str]]]:
    """Province -> city -> counties of the provinces not in :data:`GEOGRAPHY`, from cpca's gazetteer of
    administrative divisions (the one region inference reads, so every name is one it can find).

    Only provinces (省, 自治区), prefecture-level cities named …市 and counties named …区/县/市 are
    kept (no municipalities, leagues or banners: the templates of the names assume 市 and 区/县/市),
    in administrative-code order.
    """
    import csv
    from importlib import resources

    with resources.files("cpca").joinpath("resources/adcodes.csv").open(encoding="utf-8") as f:
        names = {row["adcode"][:6]: row["name"] for row in csv.DictReader(f)}
    out: dict[str, dict[str, list[str]]] = {}
    for code in sorted(names):
        name = names[code]
        prov, city = names.get(code[:2] + "0000"), names.get(code[:4] + "00")
        if code[2:] == "0000" or code[4:] == "00" or prov is None or city is None:
            continue
        if prov in GEOGRAPHY or not prov.endswith(("省", "自治区")) or not city.endswith("市"):
            continue
        if name.endswith(("区", "县", "市")) and name != "市辖区":
            out.setdefault(prov, {}).setdefault(city, []).append(name)
    return out


__all__ = ["Agency", "GEOGRAPHY", "build_hierarchy", "extra_geography"]
