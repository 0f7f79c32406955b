"""The demo city 澜川市 (Lanchuan, fictional): org units, departments, catalogue and people.

Pure Python, no database. ``build_city`` is deterministic: the curated tables below are fixed and
everything generated (village names, opening dates, personal names) comes from one
``random.Random(seed)`` consumed in a fixed order, so two calls with the same seed are equal.
"""

from __future__ import annotations

import random
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import date

# ---- the data model ------------------------------------------------------------------------------

Option = tuple[str, str, str]  # (code, zh, en)


@dataclass(frozen=True)
class DemoOrgUnit:
    code: str
    name_zh: str
    name_en: str
    level: int  # 1 city, 2 district/county, 3 street/township, 4 community/village
    parent_code: str | None
    opened: date


@dataclass(frozen=True)
class DemoDepartment:
    code: str
    name_zh: str
    name_en: str


@dataclass(frozen=True)
class DemoCategory:
    code: str
    name_zh: str
    name_en: str
    options: tuple[Option, ...]


@dataclass(frozen=True)
class DemoElement:
    code: str
    name_zh: str
    name_en: str
    definition_zh: str
    value_type: str  # integer, number, percent, text, boolean, date, option_set
    unit_zh: str
    aggregation: str  # sum, average, last, none
    owner_department: str
    aliases: tuple[str, ...]
    categories: tuple[str, ...]
    topic: str
    options: tuple[Option, ...] = ()


@dataclass(frozen=True)
class DemoPerson:
    username: str
    display_name: str
    role: str  # reporter, official, dept_staff, office, auditor, admin
    scope_org_unit: str | None
    department: str | None
    duty: str = ""  # for dept_staff: "author" writes report specifications, "analyst" downloads reports


@dataclass(frozen=True)
class DemoCity:
    org_units: tuple[DemoOrgUnit, ...]
    departments: tuple[DemoDepartment, ...]
    categories: tuple[DemoCategory, ...]
    elements: tuple[DemoElement, ...]
    people: tuple[DemoPerson, ...]

    def sign_in_examples(self) -> list[tuple[str, str, str | None]]:
        """(username, role, scope) of the first account of each kind, plus a reporter of another village."""
        levels = {unit.code: unit.level for unit in self.org_units}
        kinds: list[tuple[str, str, int | None]] = []
        examples: list[tuple[str, str, str | None]] = []
        for person in self.people:
            kind = (person.role, person.duty, levels.get(person.scope_org_unit or ""))
            if kind not in kinds:
                kinds.append(kind)
                examples.append((person.username, person.role, person.scope_org_unit))
        neighbour = [p for p in self.people if p.role == "reporter"][1]
        examples.append((neighbour.username, neighbour.role, neighbour.scope_org_unit))
        return examples


def build_city(seed: int = 2026) -> DemoCity:
    rng = random.Random(seed)
    org_units = _build_org_units(rng)
    departments = tuple(DemoDepartment(*row) for row in _DEPARTMENTS)
    categories = tuple(DemoCategory(*row) for row in _CATEGORIES)
    return DemoCity(
        org_units=org_units,
        departments=departments,
        categories=categories,
        elements=_build_elements(),
        people=_build_people(rng, org_units, departments),
    )


# ---- org units -----------------------------------------------------------------------------------

CITY_CODE = "320900000000"
_CITY = ("澜川", "市", date(1983, 3, 1))

# (6-digit county code, name, streets or townships). Urban districts have 街道; counties have 镇 and 乡.
_DISTRICTS: tuple[tuple[str, str, date, tuple[str, ...]], ...] = (
    ("320902", "望湖区", date(1983, 3, 1), ("东湖街道", "南门街道", "新华街道", "解放街道", "湖滨街道")),
    ("320903", "鹤鸣区", date(1983, 3, 1), ("鹤鸣街道", "西城街道", "文昌街道", "北关街道", "和平街道")),
    ("320904", "新川区", date(2014, 10, 20), ("新川街道", "金桥街道", "滨江街道", "城南街道", "兴隆街道")),
    ("320921", "云台县", date(1983, 3, 1), ("城关镇", "黄泥镇", "石桥镇", "龙潭镇", "白马乡")),
    ("320922", "枫林县", date(1983, 3, 1), ("枫林镇", "杨柳镇", "清水镇", "三河镇", "高坪乡")),
    ("320923", "桐溪县", date(1983, 3, 1), ("桐溪镇", "双河镇", "大坪镇", "马集镇", "青龙乡")),
)

# Streets created after their district, split off from an older one.
_LATER_OPENINGS = {"湖滨街道": date(2009, 6, 1), "城南街道": date(2017, 3, 1)}

_SUFFIX_EN = {"市": "City", "区": "District", "县": "County", "街道": "Subdistrict", "镇": "Town",
              "乡": "Township", "社区": "Community", "村": "Village"}

# National division code convention for the last three digits: 街道 001-099, 镇 100-199, 乡 200-399;
# under a street or town, 居委会 (社区) 001-199 and 村委会 200-399.
_FIRST_NUMBER = {"街道": 1, "镇": 100, "乡": 200, "社区": 1, "村": 201}

# How many communities a street has, and villages a town or township has (inclusive ranges).
_CHILD_COUNTS = {"街道": (7, 10), "镇": (9, 13), "乡": (8, 12)}
_NEW_COMMUNITY_SHARE = 0.25  # communities opened for new housing estates after their street

_COMMUNITY_WORDS = (
    "东湖", "南苑", "北苑", "西苑", "翠竹", "幸福", "和平", "花园", "滨江", "锦绣", "阳光", "康乐",
    "金桥", "兴隆", "文化", "建设", "人民", "青年", "新村", "北门", "西城", "桃源", "翠苑", "丽景",
    "春晖", "朝阳", "红旗", "工人", "书香", "育才", "振兴", "永安", "长青", "紫荆", "月湖", "明珠",
    "沿河", "荷花", "湖滨", "园丁", "东方", "银河", "华苑", "学府", "前进", "光华", "富民", "站前",
    "府前", "桂花", "玉兰", "芙蓉", "梧桐", "翠湖", "南湖", "东门", "健康", "友谊", "胜利", "团结",
)

# Village names: a surname plus a settlement word (李家, 王庄), a position plus a landform (东河, 大坪),
# or a whole name from the list.
_VILLAGE_SETTLEMENTS = "家庄湾岗坝桥营集寨店坪冲塘"
_VILLAGE_POSITIONS = "东西南北上下大小新前后中高双"
_VILLAGE_LANDFORMS = "河山坡岭沟湖林田坪塘溪湾桥井"
_VILLAGE_WORDS = (
    "杨柳", "石桥", "桃花", "梨园", "龙井", "柏树", "竹林", "松林", "枫树", "凤凰", "青龙", "白马",
    "金鸡", "黄土", "红星", "光明", "胜利", "团结", "永丰", "七星", "九龙", "太平", "长乐", "永安",
    "福田", "丰收", "先锋", "联合", "民主", "五里", "十里", "梅林", "茶园", "杏花", "荷塘", "柳树",
    "槐树", "金星", "向阳", "红光", "新民", "同心", "龙泉", "清泉", "石门", "白云", "青山", "碧水",
    "双龙", "三合", "五星", "安乐", "兴旺", "和谐",
)
_VILLAGE_PATTERN_WEIGHTS = (45, 25, 30)  # surname+settlement, position+landform, whole name

# Common surnames, most frequent first; used for village names and for people.
_SURNAMES = (
    "王李张刘陈杨黄赵吴周徐孙马朱胡郭何高林罗郑梁谢宋唐许韩冯邓曹彭曾肖田董袁潘于蒋蔡余杜叶程苏魏"
    "丁任沈姚卢姜崔钟谭陆汪范金石廖贾夏韦付方白邹孟熊秦邱江尹薛闫段雷侯龙史陶黎贺顾毛郝龚邵万钱严"
    "武戴莫孔向常汤康易乔赖文"
)
_VILLAGE_SURNAMES = _SURNAMES[:60]

# Pinyin of every character used in place names (the reading used in those names: 长乐 Changle).
_PINYIN_TABLE = """
澜lan 川chuan 望wang 湖hu 鹤he 鸣ming 新xin 云yun 台tai 枫feng 林lin 桐tong 溪xi
东dong 南nan 门men 华hua 解jie 放fang 滨bin 西xi 城cheng 文wen 昌chang 北bei 关guan 和he 平ping
金jin 桥qiao 江jiang 兴xing 隆long 黄huang 泥ni 石shi 龙long 潭tan 白bai 马ma 杨yang 柳liu 清qing
水shui 三san 河he 高gao 坪ping 双shuang 大da 集ji 青qing
苑yuan 翠cui 竹zhu 幸xing 福fu 花hua 园yuan 锦jin 绣xiu 阳yang 光guang 康kang 乐le 化hua 建jian
设she 人ren 民min 年nian 村cun 桃tao 源yuan 丽li 景jing 春chun 晖hui 朝chao 红hong 旗qi 工gong 书shu
香xiang 育yu 才cai 振zhen 永yong 安an 长chang 紫zi 荆jing 月yue 明ming 珠zhu 沿yan 荷he 丁ding
方fang 银yin 学xue 府fu 前qian 进jin 富fu 站zhan 桂gui 玉yu 兰lan 芙fu 蓉rong 梧wu 健jian 友you
谊yi 胜sheng 利li 团tuan 结jie
家jia 庄zhuang 湾wan 岗gang 坝ba 营ying 寨zhai 店dian 冲chong 塘tang 上shang 下xia 小xiao 后hou
中zhong 山shan 坡po 岭ling 沟gou 田tian 井jing 梨li 柏bai 树shu 松song 凤feng 凰huang 鸡ji 土tu
星xing 丰feng 七qi 九jiu 太tai 收shou 先xian 锋feng 联lian 合he 主zhu 五wu 里li 十shi 梅mei 茶cha
杏xing 槐huai 向xiang 同tong 心xin 泉quan 碧bi 旺wang 谐xie
王wang 李li 张zhang 刘liu 陈chen 赵zhao 吴wu 周zhou 徐xu 孙sun 朱zhu 胡hu 郭guo 何he 罗luo 郑zheng
梁liang 谢xie 宋song 唐tang 许xu 韩han 冯feng 邓deng 曹cao 彭peng 曾zeng 肖xiao 董dong 袁yuan
潘pan 于yu 蒋jiang 蔡cai 余yu 杜du 叶ye 程cheng 苏su 魏wei 任ren 沈shen 姚yao 卢lu 姜jiang 崔cui
钟zhong 谭tan 陆lu 汪wang 范fan 廖liao 贾jia 夏xia 韦wei 付fu 邹zou 孟meng 熊xiong 秦qin
邱qiu 尹yin 薛xue 闫yan 段duan 雷lei 侯hou 史shi 陶tao 黎li 贺he 顾gu 毛mao 郝hao 龚gong 邵shao
万wan 钱qian 严yan 武wu 戴dai 莫mo 孔kong 常chang 汤tang 易yi 乔qiao 赖lai
"""
_PINYIN = {token[0]: token[1:] for token in _PINYIN_TABLE.split()}


def _pinyin(name_zh: str) -> str:
    """Hanyu pinyin as place names are written: one word, capitalised, ' before a, o, e (Yong'an)."""
    syllables = [_PINYIN[char] for char in name_zh]
    word = syllables[0] + "".join("'" + s if s[0] in "aoe" else s for s in syllables[1:])
    return word.capitalize()


def _split_suffix(name_zh: str) -> tuple[str, str]:
    for suffix in sorted(_SUFFIX_EN, key=len, reverse=True):
        if name_zh.endswith(suffix) and len(name_zh) > len(suffix):
            return name_zh[: -len(suffix)], suffix
    raise ValueError(f"no known suffix in {name_zh}")


def _unit(code: str, base: str, suffix: str, level: int, parent: str | None, opened: date) -> DemoOrgUnit:
    return DemoOrgUnit(code=code, name_zh=base + suffix, name_en=f"{_pinyin(base)} {_SUFFIX_EN[suffix]}",
                       level=level, parent_code=parent, opened=opened)


def _build_org_units(rng: random.Random) -> tuple[DemoOrgUnit, ...]:
    base, suffix, opened = _CITY
    units = [_unit(CITY_CODE, base, suffix, 1, None, opened)]
    for county_code, district_name, district_opened, street_names in _DISTRICTS:
        district = _unit(county_code + "000000", *_split_suffix(district_name), 2, CITY_CODE, district_opened)
        units.append(district)
        used_names: list[str] = []  # village and community names stay unique within a district
        numbers = dict(_FIRST_NUMBER)
        for street_name in street_names:
            street_base, street_suffix = _split_suffix(street_name)
            code = f"{county_code}{numbers[street_suffix]:03d}000"
            numbers[street_suffix] += 1
            street = _unit(code, street_base, street_suffix, 3, district.code,
                           _LATER_OPENINGS.get(street_name, district.opened))
            units.append(street)
            units.extend(_grassroots_units(rng, street, street_base, street_suffix, used_names))
    return tuple(units)


def _grassroots_units(rng: random.Random, street: DemoOrgUnit, street_base: str, street_suffix: str,
                      used_names: list[str]) -> list[DemoOrgUnit]:
    """The communities (社区) and villages (村) of one street, town or township."""
    low, high = _CHILD_COUNTS[street_suffix]
    count = rng.randint(low, high)
    if street_suffix == "街道":
        names = rng.sample([w for w in _COMMUNITY_WORDS if w not in used_names], count)
        children = [(name, "社区", _community_opened(rng, street.opened)) for name in names]
    else:
        children = [(street_base, "社区", street.opened)] if street_suffix == "镇" else []  # the town seat
        for _ in range(count):
            name = _village_name(rng, used_names + [street_base])
            used_names.append(name)
            children.append((name, "村", street.opened))
    used_names.extend(name for name, suffix, _ in children if suffix == "社区")
    numbers = dict(_FIRST_NUMBER)
    units = []
    for name, suffix, opened in children:
        code = street.code[:9] + f"{numbers[suffix]:03d}"
        numbers[suffix] += 1
        units.append(_unit(code, name, suffix, 4, street.code, opened))
    return units


def _community_opened(rng: random.Random, street_opened: date) -> date:
    if rng.random() >= _NEW_COMMUNITY_SHARE:
        return street_opened
    return date(rng.randint(max(street_opened.year + 1, 2005), 2023), rng.randint(1, 12), 1)


def _village_name(rng: random.Random, taken: list[str]) -> str:
    while True:
        pattern = rng.choices(range(3), weights=_VILLAGE_PATTERN_WEIGHTS)[0]
        if pattern == 0:
            name = rng.choice(_VILLAGE_SURNAMES) + rng.choice(_VILLAGE_SETTLEMENTS)
        elif pattern == 1:
            name = rng.choice(_VILLAGE_POSITIONS) + rng.choice(_VILLAGE_LANDFORMS)
        else:
            name = rng.choice(_VILLAGE_WORDS)
        if name not in taken:
            return name


# ---- departments and categories ------------------------------------------------------------------

BURDEN_OFFICE = "JFB"

_DEPARTMENTS: tuple[tuple[str, str, str], ...] = (
    ("MZJ", "民政局", "Civil Affairs Bureau"),
    ("WJW", "卫生健康委员会", "Health Commission"),
    ("TJJ", "统计局", "Statistics Bureau"),
    ("RSJ", "人力资源和社会保障局", "Human Resources and Social Security Bureau"),
    ("YBJ", "医疗保障局", "Healthcare Security Administration"),
    ("TYJ", "退役军人事务局", "Veterans Affairs Bureau"),
    ("CL", "残疾人联合会", "Disabled Persons' Federation"),
    ("NYJ", "农业农村局", "Agriculture and Rural Affairs Bureau"),
    ("YJJ", "应急管理局", "Emergency Management Bureau"),
    ("GAJ", "公安局", "Public Security Bureau"),
    ("JYJ", "教育局", "Education Bureau"),
    ("SFJ", "司法局", "Justice Bureau"),
    ("ZJJ", "住房和城乡建设局", "Housing and Urban-Rural Development Bureau"),
    (BURDEN_OFFICE, "基层减负办公室", "Grassroots Burden Reduction Office"),
)

_CATEGORIES: tuple[tuple[str, str, str, tuple[Option, ...]], ...] = (
    ("SEX", "性别", "Sex", (("MALE", "男", "Male"), ("FEMALE", "女", "Female"))),
    ("AGE_GROUP", "年龄组", "Age group", (
        ("Y0_17", "0-17岁", "Aged 0-17"),
        ("Y18_59", "18-59岁", "Aged 18-59"),
        ("Y60_79", "60-79岁", "Aged 60-79"),
        ("Y80_PLUS", "80岁及以上", "Aged 80 and over"),
    )),
    ("HUKOU", "户籍状况", "Household registration", (
        ("LOCAL", "户籍", "Registered locally"),
        ("NON_LOCAL", "非户籍", "Registered elsewhere"),
    )),
    ("DISABILITY_TYPE", "残疾类别", "Type of disability", (
        ("VISUAL", "视力残疾", "Visual"),
        ("HEARING", "听力残疾", "Hearing"),
        ("SPEECH", "言语残疾", "Speech"),
        ("PHYSICAL", "肢体残疾", "Physical"),
        ("INTELLECTUAL", "智力残疾", "Intellectual"),
        ("MENTAL", "精神残疾", "Mental"),
        ("MULTIPLE", "多重残疾", "Multiple"),
    )),
    ("DISABILITY_GRADE", "残疾等级", "Grade of disability", (
        ("GRADE_1", "一级", "Grade 1"),
        ("GRADE_2", "二级", "Grade 2"),
        ("GRADE_3", "三级", "Grade 3"),
        ("GRADE_4", "四级", "Grade 4"),
    )),
    ("SCHOOL_STAGE", "学段", "School stage", (
        ("PRIMARY", "小学", "Primary"),
        ("JUNIOR", "初中", "Junior secondary"),
        ("SENIOR", "普通高中", "Senior secondary"),
        ("VOCATIONAL", "中等职业教育", "Secondary vocational"),
    )),
)

# ---- the catalogue of data elements --------------------------------------------------------------

_VALUE_TYPE_BY_UNIT = {
    "人": "integer", "户": "integer", "个": "integer", "次": "integer", "人次": "integer", "件": "integer",
    "起": "integer", "所": "integer", "张": "integer", "头": "integer", "栋": "integer",
    "亩": "number", "万元": "number", "元": "number", "吨": "number", "平方米": "number", "平方公里": "number",
    "%": "percent",
}

# Figures, by topic: (code, name_zh, name_en, unit, aggregation, owner, aliases, categories, definition_zh).
# The value type follows from the unit.
_FIGURES: tuple[tuple[str, tuple[tuple[str, str, str, str, str, str, tuple[str, ...], tuple[str, ...], str],
                                 ...]], ...] = (
    ("人口", (
        ("POP_REGISTERED", "户籍人口", "Registered population", "人", "sum", "GAJ",
         ("户籍人口数", "户籍总人口"), ("SEX", "AGE_GROUP"),
         "报告期末在本辖区登记常住户口的人数，以公安机关户籍登记为准。"),
        ("HH_REGISTERED", "户数", "Registered households", "户", "sum", "GAJ",
         ("户籍户数", "总户数"), (),
         "报告期末在本辖区登记户口的家庭户和集体户总数。"),
        ("POP_RESIDENT", "常住人口", "Resident population", "人", "sum", "TJJ",
         ("常住人口数",), ("SEX", "AGE_GROUP", "HUKOU"),
         "报告期末实际居住在本辖区半年以上的人口，包括本地户籍在本地居住者和外来居住半年以上者。"),
        ("HH_RESIDENT", "常住户数", "Resident households", "户", "sum", "TJJ",
         ("常住家庭户数",), (),
         "报告期末实际居住在本辖区半年以上的家庭户数。"),
        ("POP_FLOATING", "流动人口数", "Floating population", "人", "sum", "GAJ",
         ("流动人口", "外来人口数"), ("SEX",),
         "离开户籍所在地、在本辖区居住并办理居住登记的人员数。"),
        ("POP_AWAY_FROM_HUKOU", "人户分离人数", "Registered residents living elsewhere", "人", "sum", "GAJ",
         ("人户分离人口",), (),
         "户口登记在本辖区、但离开本辖区在外居住半年以上的人数。"),
        ("POP_MOVED_IN", "迁入人数", "Persons moving in", "人", "sum", "GAJ",
         ("户籍迁入人数",), (),
         "报告期内将户口迁入本辖区的人数。"),
        ("POP_MOVED_OUT", "迁出人数", "Persons moving out", "人", "sum", "GAJ",
         ("户籍迁出人数",), (),
         "报告期内将户口迁出本辖区的人数。"),
    )),
    ("社会救助", (
        ("DIBAO_HH", "低保户数", "Households on minimum living allowance", "户", "sum", "MZJ",
         ("最低生活保障户数", "低保家庭户数"), (),
         "报告期末享受城乡居民最低生活保障待遇的家庭户数。"),
        ("DIBAO_PERSONS", "低保人数", "Persons on minimum living allowance", "人", "sum", "MZJ",
         ("最低生活保障对象人数", "低保对象人数"), ("SEX", "AGE_GROUP"),
         "报告期末享受城乡居民最低生活保障待遇的家庭成员总人数。"),
        ("DIBAO_FUNDS", "低保金发放金额", "Minimum living allowance paid", "万元", "sum", "MZJ",
         ("低保资金支出",), (),
         "报告期内实际发放给低保对象的最低生活保障金总额。"),
        ("DIBAO_STANDARD", "低保标准", "Minimum living allowance standard", "元", "last", "MZJ",
         ("最低生活保障标准",), (),
         "本辖区执行的城乡居民最低生活保障月人均标准。"),
        ("TEKUN_PERSONS", "特困供养人数", "Persons in extreme-poverty support", "人", "sum", "MZJ",
         ("五保供养人数", "特困人员数", "特困供养人员数"), ("SEX", "AGE_GROUP"),
         "报告期末纳入特困人员救助供养范围的人数。"),
        ("TEKUN_CENTRAL", "集中供养特困人数", "Extreme-poverty persons in institutional care", "人", "sum", "MZJ",
         ("集中供养人数",), (),
         "在敬老院、供养服务机构等集中供养的特困人员数。"),
        ("TEKUN_HOME", "分散供养特困人数", "Extreme-poverty persons supported at home", "人", "sum", "MZJ",
         ("分散供养人数",), (),
         "在家分散供养的特困人员数。"),
        ("MARGINAL_HH", "低保边缘家庭户数", "Households on the margin of the allowance", "户", "sum", "MZJ",
         ("低边户数", "低保边缘户数"), (),
         "家庭人均收入略高于低保标准、经认定为低保边缘家庭的户数。"),
        ("TEMP_AID_CASES", "临时救助人次", "Temporary assistance cases", "人次", "sum", "MZJ",
         ("临时救助次数",), (),
         "报告期内因急难事项获得临时救助的人次数。"),
        ("TEMP_AID_FUNDS", "临时救助金额", "Temporary assistance paid", "万元", "sum", "MZJ",
         ("临时救助资金支出",), (),
         "报告期内实际发放的临时救助资金总额。"),
        ("ORPHANS", "孤儿数", "Orphans", "人", "sum", "MZJ",
         ("孤儿人数",), ("SEX",),
         "父母双亡或被依法宣告死亡、失踪且未满18周岁的儿童数。"),
        ("UNSUPPORTED_CHILDREN", "事实无人抚养儿童数", "De facto unsupported children", "人", "sum", "MZJ",
         ("事实孤儿数",), ("SEX",),
         "父母双方均符合重残、重病、服刑、失联等情形之一且未满18周岁的儿童数。"),
        ("LEFT_BEHIND_CHILDREN", "农村留守儿童数", "Left-behind children in rural areas", "人", "sum", "MZJ",
         ("留守儿童数", "留守儿童人数"), ("SEX",),
         "父母双方外出务工或一方外出务工另一方无监护能力、不满16周岁的农村户籍未成年人数。"),
    )),
    ("养老", (
        ("ELDERLY_60", "60岁以上老年人口", "Population aged 60 and over", "人", "sum", "WJW",
         ("60周岁及以上老年人口", "60岁及以上人口数", "老年人口数"), ("SEX",),
         "户籍人口中年满60周岁及以上的人数。"),
        ("ELDERLY_65", "65岁以上老年人口", "Population aged 65 and over", "人", "sum", "WJW",
         ("65周岁及以上老年人口", "65岁及以上人口数"), ("SEX",),
         "户籍人口中年满65周岁及以上的人数。"),
        ("ELDERLY_80", "80岁以上老年人口", "Population aged 80 and over", "人", "sum", "WJW",
         ("高龄老人数", "80周岁及以上老年人口"), ("SEX",),
         "户籍人口中年满80周岁及以上的人数。"),
        ("ELDERLY_ALONE", "独居老年人数", "Elderly people living alone", "人", "sum", "MZJ",
         ("独居老人数", "空巢独居老人数"), (),
         "年满60周岁、单独居住且无其他共同生活家庭成员的老年人数。"),
        ("ELDERLY_LEFT_BEHIND", "农村留守老年人数", "Left-behind elderly in rural areas", "人", "sum", "MZJ",
         ("留守老人数",), (),
         "子女均离开户籍所在县域外出务工、本人在农村居住的60周岁及以上老年人数。"),
        ("ELDERLY_DISABLED", "失能老年人数", "Elderly people with loss of self-care ability", "人", "sum", "MZJ",
         ("失能老人数", "失能半失能老人数"), (),
         "经能力评估认定为失能或部分失能的60周岁及以上老年人数。"),
        ("OLD_AGE_ALLOWANCE", "高龄津贴发放人数", "Persons receiving old-age allowance", "人", "sum", "MZJ",
         ("高龄补贴人数", "高龄津贴人数"), (),
         "报告期内领取高龄津贴的老年人数。"),
        ("CARE_HOMES", "养老机构数", "Elderly care institutions", "个", "sum", "MZJ",
         ("养老院数",), (),
         "依法登记备案、为老年人提供集中居住和照料服务的机构数。"),
        ("CARE_BEDS", "养老床位数", "Elderly care beds", "张", "sum", "MZJ",
         ("养老机构床位数", "养老服务床位数"), (),
         "养老机构和社区养老服务设施中可供老年人使用的床位数。"),
        ("DAY_CARE_CENTRES", "社区日间照料中心数", "Community day-care centres", "个", "sum", "MZJ",
         ("日间照料中心数", "居家养老服务中心数"), (),
         "为社区老年人提供日间托养、助餐、助浴等服务的设施数。"),
    )),
    ("残疾人", (
        ("DISABLED_CERTIFIED", "持证残疾人数", "Persons holding a disability certificate", "人", "sum", "CL",
         ("持残疾人证人数", "持证残疾人"), ("SEX", "DISABILITY_TYPE", "DISABILITY_GRADE"),
         "户籍在本辖区并持有第二代中华人民共和国残疾人证的人数。"),
        ("DISABLED_SEVERE", "重度残疾人数", "Persons with severe disability", "人", "sum", "CL",
         ("一二级残疾人数",), (),
         "残疾等级为一级或二级的持证残疾人数。"),
        ("DISABLED_LIVING_SUBSIDY", "困难残疾人生活补贴人数", "Poor disabled persons receiving living subsidy",
         "人", "sum", "CL",
         ("生活补贴人数",), (),
         "报告期内领取困难残疾人生活补贴的人数。"),
        ("DISABLED_CARE_SUBSIDY", "重度残疾人护理补贴人数", "Severely disabled persons receiving care subsidy",
         "人", "sum", "CL",
         ("护理补贴人数",), (),
         "报告期内领取重度残疾人护理补贴的人数。"),
        ("DISABLED_EMPLOYED", "残疾人就业人数", "Employed persons with disability", "人", "sum", "CL",
         ("就业残疾人数",), (),
         "处于就业年龄段且已实现就业的持证残疾人数。"),
        ("DISABLED_REHAB", "残疾人康复服务人数", "Disabled persons receiving rehabilitation", "人", "sum", "CL",
         ("接受基本康复服务人数",), (),
         "报告期内接受基本康复服务的持证残疾人数。"),
        ("ACCESSIBLE_HOMES", "无障碍改造户数", "Homes made accessible", "户", "sum", "CL",
         ("家庭无障碍改造户数",), (),
         "报告期内完成家庭无障碍设施改造的残疾人家庭户数。"),
    )),
    ("退役军人", (
        ("VETERANS", "退役军人数", "Veterans", "人", "sum", "TYJ",
         ("退役军人人数", "退伍军人数"), ("SEX", "AGE_GROUP"),
         "户籍在本辖区、依法退出现役的军官、士官和义务兵人数。"),
        ("ENTITLED_GROUPS", "优抚对象人数", "Persons entitled to special care", "人", "sum", "TYJ",
         ("重点优抚对象人数",), (),
         "享受国家抚恤和优待的残疾军人、烈士遗属、在乡复员军人等人数。"),
        ("MARTYR_FAMILIES", "烈士遗属人数", "Family members of martyrs", "人", "sum", "TYJ",
         ("烈属人数",), (),
         "依法享受抚恤优待的烈士父母、配偶、子女等遗属人数。"),
        ("DISABLED_SOLDIERS", "残疾军人数", "Disabled ex-servicemen", "人", "sum", "TYJ",
         ("伤残军人数",), (),
         "经评定残疾等级并持有残疾军人证的退役军人数。"),
        ("VETERANS_EMPLOYED", "退役军人就业人数", "Employed veterans", "人", "sum", "TYJ",
         ("退役军人就业数",), (),
         "处于就业年龄段且已实现就业的退役军人数。"),
        ("VETERANS_HARDSHIP", "困难退役军人数", "Veterans in hardship", "人", "sum", "TYJ",
         ("生活困难退役军人数",), (),
         "家庭生活困难、纳入帮扶援助范围的退役军人数。"),
        ("VETERANS_VISITS", "走访慰问退役军人人次", "Visits to veterans", "人次", "sum", "TYJ",
         ("走访慰问人次",), (),
         "报告期内对退役军人和其他优抚对象开展走访慰问的人次数。"),
    )),
    ("卫生健康", (
        ("BIRTHS", "出生人数", "Births", "人", "sum", "WJW",
         ("出生人口数", "新出生人口数"), ("SEX",),
         "报告期内本辖区活产出生的婴儿数。"),
        ("DEATHS", "死亡人数", "Deaths", "人", "sum", "WJW",
         ("死亡人口数",), ("SEX", "AGE_GROUP"),
         "报告期内本辖区死亡的人数，以死亡医学证明为准。"),
        ("NEWBORNS", "新生儿数", "Newborns", "人", "sum", "WJW",
         ("新生儿人数",), ("SEX",),
         "报告期末出生未满28天的婴儿数。"),
        ("NEWBORN_VISITS", "新生儿访视人数", "Newborn home visits", "人", "sum", "WJW",
         ("新生儿家庭访视人数",), (),
         "报告期内出院后接受家庭访视的新生儿数。"),
        ("CHILDREN_0_6", "0-6岁儿童数", "Children aged 0-6", "人", "sum", "WJW",
         ("0至6岁儿童数", "0～6岁儿童人数"), ("SEX",),
         "报告期末本辖区0至6岁（含6岁）常住儿童数。"),
        ("CHILDREN_0_6_MANAGED", "0-6岁儿童健康管理人数", "Children aged 0-6 under health management",
         "人", "sum", "WJW",
         ("儿童健康管理人数",), (),
         "按国家基本公共卫生服务规范接受健康管理的0至6岁儿童数。"),
        ("MATERNAL", "孕产妇数", "Pregnant and postpartum women", "人", "sum", "WJW",
         ("孕产妇人数",), (),
         "报告期末本辖区处于孕期或产后42天内的妇女数。"),
        ("VACCINATION_RATE", "免疫规划疫苗接种率", "Immunisation coverage", "%", "average", "WJW",
         ("疫苗接种率", "适龄儿童免疫规划疫苗接种率"), (),
         "适龄儿童中按免疫程序完成国家免疫规划疫苗接种的比例。"),
        ("HYPERTENSION_MANAGED", "高血压患者管理人数", "Hypertension patients under management",
         "人", "sum", "WJW",
         ("高血压规范管理人数",), (),
         "纳入基本公共卫生服务健康管理的原发性高血压患者数。"),
        ("DIABETES_MANAGED", "2型糖尿病患者管理人数", "Type 2 diabetes patients under management",
         "人", "sum", "WJW",
         ("糖尿病患者管理人数", "糖尿病管理人数"), (),
         "纳入基本公共卫生服务健康管理的2型糖尿病患者数。"),
        ("SEVERE_MENTAL", "严重精神障碍患者数", "Patients with severe mental disorders", "人", "sum", "WJW",
         ("严重精神障碍患者管理人数", "精神病人数"), (),
         "在册登记管理的严重精神障碍患者数。"),
        ("ELDERLY_HEALTH_MANAGED", "老年人健康管理人数", "Elderly people under health management",
         "人", "sum", "WJW",
         ("65岁以上老年人健康管理人数",), (),
         "报告期内接受健康体检和健康管理服务的65周岁及以上老年人数。"),
        ("FAMILY_DOCTOR_SIGNED", "家庭医生签约人数", "Residents signed with a family doctor", "人", "sum", "WJW",
         ("家庭医生签约服务人数", "家签人数"), (),
         "与家庭医生团队签订服务协议的居民数。"),
        ("FAMILY_DOCTOR_RATE", "家庭医生签约率", "Family doctor sign-up rate", "%", "average", "WJW",
         ("家签率",), (),
         "签约家庭医生的居民数占常住人口数的比例。"),
        ("HEALTH_RECORDS", "居民健康档案建档人数", "Residents with a health record", "人", "sum", "WJW",
         ("电子健康档案建档人数", "建档人数"), (),
         "建立居民电子健康档案的常住居民数。"),
        ("VILLAGE_CLINICS", "村卫生室数", "Village clinics", "个", "sum", "WJW",
         ("卫生室数", "村级卫生室数"), (),
         "经卫生健康部门批准设置的村卫生室和社区卫生服务站数。"),
        ("VILLAGE_DOCTORS", "乡村医生数", "Village doctors", "人", "sum", "WJW",
         ("村医人数", "乡村医生人数"), (),
         "在村卫生室执业并取得乡村医生执业证书或执业（助理）医师资格的人数。"),
        ("FP_SPECIAL_FAMILIES", "计划生育特殊家庭户数", "Families whose only child died or is disabled",
         "户", "sum", "WJW",
         ("失独家庭数", "计生特殊家庭数"), (),
         "独生子女死亡或伤残、夫妻不再生育或收养子女的家庭户数。"),
    )),
    ("农业农村", (
        ("FARMLAND", "耕地面积", "Cultivated land", "亩", "sum", "NYJ",
         ("耕地面积（亩）", "耕地总面积", "实有耕地面积"), (),
         "报告期末本辖区用于种植农作物的土地面积。"),
        ("BASIC_FARMLAND", "永久基本农田面积", "Permanent basic farmland", "亩", "sum", "NYJ",
         ("基本农田面积",), (),
         "依法划定、实行特殊保护的永久基本农田面积。"),
        ("HIGH_STANDARD_FARMLAND", "高标准农田面积", "High-standard farmland", "亩", "sum", "NYJ",
         ("高标准农田建设面积",), (),
         "已建成并通过验收的高标准农田面积。"),
        ("FOREST_LAND", "林地面积", "Forest land", "亩", "sum", "NYJ",
         ("林地总面积",), (),
         "本辖区乔木林地、竹林地、灌木林地等林地面积。"),
        ("GRAIN_SOWN", "粮食播种面积", "Grain sown area", "亩", "sum", "NYJ",
         ("粮食作物播种面积",), (),
         "报告期内实际播种粮食作物的面积。"),
        ("GRAIN_OUTPUT", "粮食产量", "Grain output", "吨", "sum", "NYJ",
         ("粮食总产量",), (),
         "报告期内收获的稻谷、小麦、玉米、豆类和薯类等粮食作物产量。"),
        ("LAND_TRANSFERRED", "土地流转面积", "Land under transferred management rights", "亩", "sum", "NYJ",
         ("耕地流转面积", "土地经营权流转面积"), (),
         "农户以出租、入股等方式流转土地经营权的耕地面积。"),
        ("COOPERATIVES", "农民专业合作社数", "Farmers' cooperatives", "个", "sum", "NYJ",
         ("合作社数", "农民合作社数"), (),
         "依法登记的农民专业合作社数。"),
        ("PIGS_IN_STOCK", "生猪存栏数", "Pigs in stock", "头", "sum", "NYJ",
         ("生猪存栏",), (),
         "报告期末本辖区饲养的生猪头数。"),
        ("RURAL_INCOME_PER_CAPITA", "农村居民人均可支配收入", "Per-capita disposable income of rural residents",
         "元", "average", "TJJ",
         ("农民人均可支配收入", "农民人均纯收入"), (),
         "农村常住居民可用于最终消费支出和储蓄的人均收入。"),
        ("SANITARY_TOILET_RATE", "农村卫生厕所普及率", "Rural sanitary toilet coverage", "%", "average", "NYJ",
         ("卫生厕所普及率", "改厕率"), (),
         "使用卫生厕所的农户数占农户总数的比例。"),
    )),
    ("集体经济", (
        ("COLLECTIVE_INCOME", "村集体经济收入", "Village collective income", "万元", "sum", "NYJ",
         ("村集体经济收入（万元）", "村级集体经济收入", "集体经济收入"), (),
         "报告期内村集体经济组织取得的经营、发包、投资、补助等各项收入总额。"),
        ("COLLECTIVE_OPERATING_INCOME", "村集体经营性收入", "Village collective operating income",
         "万元", "sum", "NYJ",
         ("经营性收入",), (),
         "村集体经济组织通过经营、发包、租赁、投资等取得的收入。"),
        ("COLLECTIVE_ASSETS", "村集体资产总额", "Village collective assets", "万元", "sum", "NYJ",
         ("集体资产总额",), (),
         "村集体经济组织拥有的全部资产的账面价值。"),
        ("VILLAGE_DEBT", "村级债务", "Village debt", "万元", "sum", "NYJ",
         ("村级负债", "村集体负债总额"), (),
         "村集体经济组织承担的各项债务余额。"),
        ("COLLECTIVE_MEMBERS", "集体经济组织成员数", "Members of the village collective", "人", "sum", "NYJ",
         ("集体经济组织成员人数",), (),
         "经确认具有本村集体经济组织成员身份的人数。"),
    )),
    ("乡村振兴", (
        ("POVERTY_EXIT_HH", "脱贫户数", "Households lifted out of poverty", "户", "sum", "NYJ",
         ("脱贫户", "建档立卡脱贫户数"), (),
         "原建档立卡并已标注脱贫的户数。"),
        ("POVERTY_EXIT_PERSONS", "脱贫人口数", "Persons lifted out of poverty", "人", "sum", "NYJ",
         ("脱贫人口", "建档立卡脱贫人口数"), ("SEX",),
         "原建档立卡并已标注脱贫的人口数。"),
        ("MONITORED_HH", "监测对象户数", "Households under relapse monitoring", "户", "sum", "NYJ",
         ("防返贫监测对象户数", "监测户数"), (),
         "纳入防止返贫动态监测和帮扶的脱贫不稳定户、边缘易致贫户和突发严重困难户数。"),
        ("MONITORED_PERSONS", "监测对象人数", "Persons under relapse monitoring", "人", "sum", "NYJ",
         ("防返贫监测对象人数",), (),
         "纳入防止返贫动态监测和帮扶的监测户家庭成员数。"),
        ("POVERTY_EXIT_WORKERS", "脱贫劳动力务工人数", "Workers from formerly poor households", "人", "sum", "RSJ",
         ("脱贫人口务工人数", "脱贫劳动力外出务工人数"), (),
         "脱贫户和监测户中实现务工就业的劳动力人数。"),
        ("POVERTY_EXIT_INCOME", "脱贫户人均纯收入", "Per-capita net income of formerly poor households",
         "元", "average", "NYJ",
         ("脱贫人口人均纯收入",), (),
         "脱贫户家庭年度纯收入除以家庭人口数的平均值。"),
    )),
    ("就业社保", (
        ("EMPLOYED", "就业人数", "Employed persons", "人", "sum", "RSJ",
         ("从业人员数", "就业人员数"), ("SEX", "AGE_GROUP"),
         "报告期末从事一定社会劳动并取得劳动报酬或经营收入的人数。"),
        ("UNEMPLOYED_REGISTERED", "失业登记人数", "Registered unemployed", "人", "sum", "RSJ",
         ("登记失业人数", "城镇登记失业人数"), ("SEX",),
         "在劳动年龄内、有劳动能力和就业要求并办理失业登记的人数。"),
        ("NEW_URBAN_JOBS", "城镇新增就业人数", "New urban jobs", "人", "sum", "RSJ",
         ("新增就业人数",), (),
         "报告期内城镇累计新就业人数减去自然减员人数后的人数。"),
        ("MIGRANT_WORKERS", "外出务工人数", "Migrant workers", "人", "sum", "RSJ",
         ("外出务工劳动力", "农村劳动力转移就业人数"), ("SEX",),
         "离开本乡镇到外地从业一个月以上的农村劳动力人数。"),
        ("RURAL_LABOUR", "农村劳动力人数", "Rural labour force", "人", "sum", "RSJ",
         ("劳动力人数",), (),
         "农村户籍中16周岁以上、有劳动能力的人数。"),
        ("ZERO_EMPLOYMENT_HH", "零就业家庭户数", "Zero-employment households", "户", "sum", "RSJ",
         ("零就业家庭数",), (),
         "法定劳动年龄内有劳动能力和就业意愿的成员均处于失业状态的家庭户数。"),
        ("SKILLS_TRAINING", "职业技能培训人次", "Vocational skills training", "人次", "sum", "RSJ",
         ("技能培训人次",), (),
         "报告期内参加政府补贴性职业技能培训的人次数。"),
        ("PUBLIC_WELFARE_JOBS", "乡村公益性岗位人数", "Rural public-welfare job holders", "人", "sum", "RSJ",
         ("公益岗位人数", "公益性岗位安置人数"), (),
         "通过乡村公益性岗位安置就业的人数。"),
        ("PENSION_INSURED", "城乡居民养老保险参保人数", "Residents' pension insurance participants",
         "人", "sum", "RSJ",
         ("城乡居保参保人数", "居民养老保险参保人数"), (),
         "参加城乡居民基本养老保险的人数。"),
        ("PENSION_RECEIVING", "城乡居民养老保险待遇领取人数", "Residents drawing the basic pension",
         "人", "sum", "RSJ",
         ("领取养老金人数",), (),
         "按月领取城乡居民基本养老保险待遇的人数。"),
        ("MEDICAL_INSURED", "城乡居民医保参保人数", "Residents' medical insurance participants",
         "人", "sum", "YBJ",
         ("城乡居民基本医疗保险参保人数", "居民医保参保人数"), (),
         "参加城乡居民基本医疗保险的人数。"),
        ("MEDICAL_INSURED_RATE", "城乡居民医保参保率", "Residents' medical insurance coverage",
         "%", "average", "YBJ",
         ("参保率", "医保参保率", "基本医疗保险参保率"), (),
         "城乡居民医保参保人数占应参保人数的比例。"),
        ("MEDICAL_AID_CASES", "医疗救助人次", "Medical assistance cases", "人次", "sum", "YBJ",
         ("医疗救助人次数",), (),
         "报告期内获得医疗救助的人次数。"),
    )),
    ("平安建设", (
        ("DISPUTES_FOUND", "矛盾纠纷排查数", "Disputes identified", "件", "sum", "SFJ",
         ("排查矛盾纠纷数", "矛盾纠纷排查件数"), (),
         "报告期内通过排查发现并登记的矛盾纠纷件数。"),
        ("DISPUTES_MEDIATED", "调解成功数", "Disputes settled by mediation", "件", "sum", "SFJ",
         ("调解成功件数", "矛盾纠纷化解数"), (),
         "报告期内经人民调解达成协议或化解的矛盾纠纷件数。"),
        ("MEDIATION_SUCCESS_RATE", "调解成功率", "Mediation success rate", "%", "average", "SFJ",
         ("纠纷调解成功率",), (),
         "调解成功的矛盾纠纷件数占受理调解件数的比例。"),
        ("MEDIATORS", "人民调解员数", "People's mediators", "人", "sum", "SFJ",
         ("调解员人数",), (),
         "在村（居）人民调解委员会履职的人民调解员数。"),
        ("COMMUNITY_CORRECTION", "社区矫正对象数", "Persons under community correction", "人", "sum", "SFJ",
         ("社区矫正人员数",), (),
         "报告期末在本辖区接受社区矫正的人数。"),
        ("RELEASED_PRISONERS", "刑满释放人员数", "Released prisoners under resettlement", "人", "sum", "SFJ",
         ("安置帮教对象数",), (),
         "刑满释放后五年内纳入安置帮教的人数。"),
        ("PUBLIC_ORDER_CASES", "治安案件数", "Public order cases", "件", "sum", "GAJ",
         ("治安案件发生数", "治安案件受理数"), (),
         "报告期内公安机关受理的治安案件数。"),
        ("FRAUD_CASES", "电信网络诈骗案件数", "Telecom and online fraud cases", "件", "sum", "GAJ",
         ("电诈案件数",), (),
         "报告期内立案的电信网络诈骗案件数。"),
    )),
    ("教育", (
        ("STUDENTS", "在校学生数", "Enrolled students", "人", "sum", "JYJ",
         ("在校生数", "在校生人数"), ("SEX", "SCHOOL_STAGE"),
         "报告期末在本辖区各级各类学校注册学籍的学生数。"),
        ("SCHOOLS", "中小学校数", "Primary and secondary schools", "所", "sum", "JYJ",
         ("学校数",), (),
         "本辖区独立设置的小学、初中、九年一贯制学校和普通高中数。"),
        ("KINDERGARTENS", "幼儿园数", "Kindergartens", "所", "sum", "JYJ",
         ("幼儿园所数",), (),
         "经教育部门审批注册的公办和民办幼儿园数。"),
        ("KINDERGARTEN_CHILDREN", "在园幼儿数", "Children enrolled in kindergarten", "人", "sum", "JYJ",
         ("幼儿园在园人数",), ("SEX",),
         "报告期末在幼儿园注册入园的幼儿数。"),
        ("TEACHERS", "专任教师数", "Full-time teachers", "人", "sum", "JYJ",
         ("教师人数", "专任教师人数"), (),
         "在学校中专门从事教学工作的教师数。"),
        ("DROPOUTS", "义务教育辍学学生数", "Dropouts from compulsory education", "人", "sum", "JYJ",
         ("辍学人数", "失学辍学人数"), (),
         "义务教育阶段适龄儿童少年中失学或辍学的人数。"),
        ("STUDENT_AID", "学生资助人次", "Student financial aid", "人次", "sum", "JYJ",
         ("家庭经济困难学生资助人次",), (),
         "报告期内获得各类资助的家庭经济困难学生人次数。"),
        ("ENROLMENT_RATE", "适龄儿童入学率", "Enrolment rate of school-age children", "%", "average", "JYJ",
         ("小学适龄儿童入学率", "入学率"), (),
         "小学学龄人口中已入学人数所占的比例。"),
    )),
    ("应急管理", (
        ("SHELTERS", "应急避难场所数", "Emergency shelters", "个", "sum", "YJJ",
         ("避难场所数", "应急避难场所个数"), (),
         "经认定可供居民紧急疏散和临时生活的避难场所数。"),
        ("SHELTER_AREA", "应急避难场所面积", "Emergency shelter area", "平方米", "sum", "YJJ",
         ("避难场所面积",), (),
         "应急避难场所中可供疏散安置的有效面积。"),
        ("DISASTER_INFORMANTS", "灾害信息员数", "Disaster information officers", "人", "sum", "YJJ",
         ("灾害信息员人数",), (),
         "经登记负责灾情收集和报送的灾害信息员数。"),
        ("DISASTER_AFFECTED", "受灾人口", "Population affected by disasters", "人次", "sum", "YJJ",
         ("受灾人数",), (),
         "报告期内因自然灾害遭受损失的人次数。"),
        ("EVACUATED", "紧急转移安置人数", "Persons evacuated and resettled", "人次", "sum", "YJJ",
         ("转移安置人数",), (),
         "因自然灾害威胁或危害而被紧急转移并安置的人次数。"),
        ("DIRECT_LOSS", "直接经济损失", "Direct economic loss", "万元", "sum", "YJJ",
         ("灾害直接经济损失",), (),
         "报告期内自然灾害和生产安全事故造成的直接经济损失。"),
        ("DRILLS", "应急演练次数", "Emergency drills", "次", "sum", "YJJ",
         ("应急演练场次",), (),
         "报告期内组织开展应急疏散和救援演练的次数。"),
        ("RESCUE_TEAMS", "应急救援队伍数", "Emergency rescue teams", "个", "sum", "YJJ",
         ("救援队伍数",), (),
         "本辖区组建的专业和志愿应急救援队伍数。"),
        ("GEOHAZARD_SITES", "地质灾害隐患点数", "Geological hazard sites", "个", "sum", "YJJ",
         ("地灾隐患点数",), (),
         "经排查登记在册的滑坡、崩塌、泥石流等地质灾害隐患点数。"),
        ("SAFETY_INSPECTIONS", "安全生产检查次数", "Work-safety inspections", "次", "sum", "YJJ",
         ("安全检查次数",), (),
         "报告期内对生产经营单位开展安全生产检查的次数。"),
        ("HAZARDS_FIXED", "安全隐患整改数", "Safety hazards rectified", "个", "sum", "YJJ",
         ("隐患整改数",), (),
         "报告期内排查发现并完成整改的安全隐患数。"),
        ("WORK_ACCIDENTS", "生产安全事故起数", "Work-safety accidents", "起", "sum", "YJJ",
         ("安全生产事故数",), (),
         "报告期内本辖区发生的生产安全事故起数。"),
    )),
    ("住房", (
        ("DILAPIDATED_HH", "危房户数", "Households in dilapidated housing", "户", "sum", "ZJJ",
         ("农村危房户数", "C级D级危房户数"), (),
         "经鉴定住房为C级或D级危房的农户数。"),
        ("DILAPIDATED_RENOVATED", "危房改造户数", "Dilapidated houses renovated", "户", "sum", "ZJJ",
         ("农村危房改造户数",), (),
         "报告期内完成农村危房改造并通过验收的户数。"),
        ("SELF_BUILT_HOUSES", "农村自建房栋数", "Rural self-built houses", "栋", "sum", "ZJJ",
         ("自建房数量",), (),
         "农村村民在宅基地上自行建设的房屋栋数。"),
        ("PUBLIC_RENTAL_HH", "公租房保障户数", "Households in public rental housing", "户", "sum", "ZJJ",
         ("公共租赁住房保障户数",), (),
         "通过实物配租保障的公共租赁住房家庭户数。"),
        ("OLD_ESTATES_RENOVATED", "老旧小区改造个数", "Old residential estates renovated", "个", "sum", "ZJJ",
         ("老旧小区改造数",), (),
         "报告期内完成改造的城镇老旧小区个数。"),
        ("HOUSING_AREA_PER_CAPITA", "人均住房建筑面积", "Per-capita housing floor area", "平方米", "average", "ZJJ",
         ("人均住房面积",), (),
         "居民家庭住房建筑面积除以家庭常住人口数的平均值。"),
    )),
    ("基层治理", (
        ("GRID_WORKERS", "网格员数", "Grid workers", "人", "sum", "MZJ",
         ("专职网格员数", "网格员人数"), (),
         "在城乡社区网格中承担信息采集和服务管理工作的专兼职网格员数。"),
        ("GRIDS", "网格数", "Grids", "个", "sum", "MZJ",
         ("网格个数",), (),
         "本辖区划分的基础网格数。"),
        ("COMMITTEE_MEMBERS", "村（居）委会成员数", "Village or residents' committee members", "人", "sum", "MZJ",
         ("村委会成员人数", "居委会成员数"), (),
         "依法选举产生的村（居）民委员会主任、副主任和委员人数。"),
        ("COMMUNITY_WORKERS", "社区工作者数", "Community workers", "人", "sum", "MZJ",
         ("社区专职工作者数",), (),
         "在城乡社区专职从事服务和管理工作的人员数。"),
        ("VOLUNTEERS", "注册志愿者人数", "Registered volunteers", "人", "sum", "MZJ",
         ("志愿者人数",), (),
         "在全国志愿服务信息系统实名注册的志愿者数。"),
        ("VILLAGER_GROUPS", "村民小组数", "Villager groups", "个", "sum", "MZJ",
         ("村民组数",), (),
         "村民委员会下设的村民小组数。"),
    )),
    ("基本情况", (
        ("LAND_AREA", "辖区面积", "Area of jurisdiction", "平方公里", "sum", "TJJ",
         ("行政区域面积", "区域总面积"), (),
         "本单位行政区域范围内的陆地面积。"),
        ("NATURAL_VILLAGES", "自然村数", "Natural villages", "个", "sum", "TJJ",
         ("自然村个数",), (),
         "本辖区自然形成的村落个数。"),
    )),
)

_INDUSTRIES: tuple[Option, ...] = (
    ("GRAIN", "粮食种植", "Grain"),
    ("VEGETABLES", "蔬菜", "Vegetables"),
    ("FRUIT", "水果", "Fruit"),
    ("TEA", "茶叶", "Tea"),
    ("LIVESTOCK", "畜牧养殖", "Livestock"),
    ("AQUACULTURE", "水产养殖", "Aquaculture"),
    ("RURAL_TOURISM", "乡村旅游", "Rural tourism"),
    ("PROCESSING", "农产品加工", "Farm produce processing"),
    ("OTHER", "其他", "Other"),
)
_VILLAGE_TYPES: tuple[Option, ...] = (
    ("GROWTH", "集聚提升类", "Growth and consolidation"),
    ("SUBURBAN", "城郊融合类", "Suburban integration"),
    ("HERITAGE", "特色保护类", "Heritage protection"),
    ("RELOCATION", "搬迁撤并类", "Relocation and merger"),
    ("STABLE", "固守稳定类", "Stable"),
)
_TERRAINS: tuple[Option, ...] = (
    ("PLAIN", "平原", "Plain"),
    ("HILLS", "丘陵", "Hills"),
    ("MOUNTAINS", "山区", "Mountains"),
)

# Descriptive elements: (topic, code, name_zh, name_en, value_type, aggregation, owner, aliases, definition_zh,
# options). They have no unit and no disaggregation.
_DESCRIPTIVE: tuple[tuple[str, str, str, str, str, str, str, tuple[str, ...], str, tuple[Option, ...]], ...] = (
    ("基层治理", "DIRECTOR_NAME", "村委会主任姓名", "Name of the committee director", "text", "none", "MZJ",
     ("村（居）委会主任姓名", "村主任姓名"), "现任村（居）民委员会主任的姓名。", ()),
    ("基层治理", "CONTACT_PHONE", "联系电话", "Contact phone", "text", "none", "MZJ",
     ("村委会联系电话", "办公电话"), "村（居）民委员会对外公开的办公联系电话。", ()),
    ("基层治理", "OFFICE_ADDRESS", "办公地址", "Office address", "text", "none", "MZJ",
     ("村（居）委会办公地址",), "村（居）民委员会办公场所的详细地址。", ()),
    ("基层治理", "LAST_ELECTION_DATE", "最近一次换届选举日期", "Date of the last committee election", "date",
     "last", "MZJ", ("换届日期", "换届选举日期"), "最近一次村（居）民委员会换届选举的投票日期。", ()),
    ("基层治理", "HAS_SERVICE_CENTRE", "是否建有综合服务站", "Has a community service centre", "boolean", "none",
     "MZJ", ("是否建有便民服务站",), "是否建有面向居民提供一站式服务的城乡社区综合服务设施。", ()),
    ("农业农村", "HAS_TAP_WATER", "是否通自来水", "Has tap water", "boolean", "none", "NYJ",
     ("通自来水情况",), "本村（居）农户是否已通集中供水的自来水。", ()),
    ("农业农村", "HAS_WASTE_COLLECTION", "是否开展生活垃圾收运处置", "Has household waste collection", "boolean",
     "none", "ZJJ", ("生活垃圾收运处置情况",), "本村（居）生活垃圾是否纳入收集、转运和处置体系。", ()),
    ("农业农村", "MAIN_INDUSTRY", "主导产业", "Leading industry", "option_set", "none", "NYJ",
     ("特色产业", "主导产业类型"), "本村（居）经营收入占比最高的产业类别。", _INDUSTRIES),
    ("农业农村", "VILLAGE_TYPE", "村庄类型", "Village classification", "option_set", "none", "NYJ",
     ("村庄分类",), "按村庄规划确定的村庄发展类型。", _VILLAGE_TYPES),
    ("基本情况", "TERRAIN", "地形地貌", "Terrain", "option_set", "none", "TJJ",
     ("地貌类型",), "本辖区主要的地形地貌类型。", _TERRAINS),
    ("集体经济", "IS_WEAK_COLLECTIVE", "是否集体经济薄弱村", "Village with a weak collective economy", "boolean",
     "none", "NYJ", ("是否薄弱村",), "村集体经营性收入是否低于省定薄弱村标准。", ()),
    ("平安建设", "HAS_LEGAL_ADVISER", "是否配备法律顾问", "Has a legal adviser", "boolean", "none", "SFJ",
     ("村（居）法律顾问配备情况",), "是否为村（居）民委员会配备签约法律顾问。", ()),
    ("应急管理", "EMERGENCY_PLAN_DATE", "应急预案修订日期", "Date the emergency plan was revised", "date", "last",
     "YJJ", ("应急预案更新日期",), "本单位突发事件应急预案最近一次修订印发的日期。", ()),
    ("应急管理", "HAS_SUPPLY_DEPOT", "是否设立应急物资储备点", "Has an emergency supply depot", "boolean", "none",
     "YJJ", ("应急物资储备点设立情况",), "是否设立储存救灾物资的应急物资储备点。", ()),
    ("应急管理", "FLOOD_DUTY_PERSON", "防汛责任人", "Person responsible for flood control", "text", "none", "YJJ",
     ("防汛负责人", "防汛责任人姓名"), "本单位防汛抗旱工作行政责任人的姓名。", ()),
)


def _build_elements() -> tuple[DemoElement, ...]:
    figures = [
        DemoElement(code=code, name_zh=zh, name_en=en, definition_zh=definition,
                    value_type=_VALUE_TYPE_BY_UNIT[unit], unit_zh=unit, aggregation=aggregation,
                    owner_department=owner, aliases=aliases, categories=categories, topic=topic)
        for topic, rows in _FIGURES
        for code, zh, en, unit, aggregation, owner, aliases, categories, definition in rows
    ]
    descriptive = [
        DemoElement(code=code, name_zh=zh, name_en=en, definition_zh=definition, value_type=value_type,
                    unit_zh="", aggregation=aggregation, owner_department=owner, aliases=aliases,
                    categories=(), topic=topic, options=options)
        for topic, code, zh, en, value_type, aggregation, owner, aliases, definition, options in _DESCRIPTIVE
    ]
    return tuple(figures + descriptive)


# ---- people --------------------------------------------------------------------------------------

_GIVEN_NAMES = (
    "伟", "芳", "娜", "秀英", "敏", "静", "丽", "强", "磊", "军", "洋", "勇", "艳", "杰", "娟", "涛", "明",
    "超", "秀兰", "霞", "平", "刚", "桂英", "建华", "建国", "志强", "海燕", "红梅", "玉兰", "国平", "文斌",
    "晓燕", "春梅", "丽娟", "海涛", "建军", "德明", "永刚", "淑华", "秀珍", "俊杰", "子涵", "雨欣", "浩然",
    "思远", "佳怡", "欣怡", "宇航", "梓轩", "嘉豪", "晨曦", "婷婷", "明辉", "建平", "卫东", "爱华", "桂兰",
    "小红", "立新", "振华",
)
_DUTIES = ("author", "analyst")


def _display_names(rng: random.Random) -> Iterator[str]:
    """Endless distinct Chinese personal names, common surnames more often."""
    weights = range(len(_SURNAMES), 0, -1)
    taken: set[str] = set()
    while True:
        name = rng.choices(_SURNAMES, weights=weights)[0] + rng.choice(_GIVEN_NAMES)
        if name not in taken:
            taken.add(name)
            yield name


def _build_people(rng: random.Random, org_units: tuple[DemoOrgUnit, ...],
                  departments: tuple[DemoDepartment, ...]) -> tuple[DemoPerson, ...]:
    names = _display_names(rng)
    people = [
        DemoPerson("admin", next(names), "admin", None, None),
        DemoPerson("office", next(names), "office", CITY_CODE, BURDEN_OFFICE),
        DemoPerson("auditor", next(names), "auditor", CITY_CODE, None),
    ]
    for department in departments:
        if department.code != BURDEN_OFFICE:
            people.extend(DemoPerson(f"{department.code.lower()}_{duty}", next(names), "dept_staff", CITY_CODE,
                                     department.code, duty) for duty in _DUTIES)
    for unit in org_units:
        if unit.level in (2, 3):
            people.append(DemoPerson(f"o{unit.code}", next(names), "official", unit.code, None))
        elif unit.level == 4:
            people.append(DemoPerson(f"r{unit.code}", next(names), "reporter", unit.code, None))
    return tuple(people)
