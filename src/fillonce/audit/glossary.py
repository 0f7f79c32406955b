"""The curated glossary of Chinese government data terms used by the inventory audit.

This is product data, not tuning: every entry is a general term of grassroots statistics
(civil affairs, health, human resources, rural revitalisation, public security, agriculture …)
and must hold for forms nobody here has seen. The burden-reduction office extends it by adding
words here; ``labels.py`` turns it into a lexicon.

How a label is read (see ``labels.signature``): the label is cut into the longest words this
glossary knows; each word either names *what is counted or described* (a content term, folded to
its canonical form), says *how it is measured* (人数, 户数, 率, 日期 …), or is noise (fillers, the
reporting unit's own scope such as 本村, the reporting period such as 本年). Two labels are the same
data item only when their measure, unit dimension, age range and canonical content terms agree.
"""

from __future__ import annotations

# --- Measures ---------------------------------------------------------------------------------
# Measure kinds; their zh-CN names appear in explanations.
MEASURE_NAMES: dict[str, str] = {
    "persons": "人数",
    "households": "户数",
    "person_times": "人次",
    "items": "件（个）数",
    "count": "数量",
    "rate": "比率",
    "amount": "金额",
    "area": "面积",
    "quantity": "数量（计量）",
    "date": "日期",
    "age": "年龄",
    "id": "号码",
    "phone": "电话",
    "name": "姓名",
    "address": "地址",
    "attribute": "属性",
    "flag": "是否",
    "unspecified": "未注明计量",
}

# Words that say how a value is measured and carry no content of their own.
MEASURE_WORDS: dict[str, str] = {
    # persons
    "人数": "persons", "人口数": "persons", "人员数": "persons", "人头数": "persons",
    "总人数": "persons", "总人口": "persons", "人口总数": "persons",
    # households
    "户数": "households", "总户数": "households", "家庭数": "households", "家庭户数": "households",
    # person-times are visits, not people
    "人次": "person_times", "人次数": "person_times",
    # items (cases, events, institutions)
    "件数": "items", "起数": "items", "宗数": "items", "个数": "items", "次数": "items",
    "项数": "items", "处数": "items", "家数": "items", "所数": "items", "座数": "items",
    "场次": "items", "批次": "items", "台数": "items", "辆数": "items",
    # generic count: the counted thing decides persons/items
    "数": "count", "数量": "count", "数目": "count", "总数": "count", "总量": "count",
    # rates
    "率": "rate", "比例": "rate", "比率": "rate", "占比": "rate", "百分比": "rate",
    "比重": "rate", "百分率": "rate",
    # money
    "金额": "amount", "数额": "amount", "总额": "amount", "资金": "amount", "经费": "amount",
    "钱数": "amount", "资金数": "amount", "额": "amount",
    # area
    "面积": "area", "亩数": "area", "占地": "area",
    # dates
    "日期": "date", "时间": "date", "年月": "date", "年月日": "date", "年份": "date",
    "时间点": "date",
    # age as an attribute of a person
    "年龄": "age", "岁数": "age",
    # identifiers
    "号码": "id", "编号": "id", "代码": "id", "编码": "id", "号": "id", "证号": "id",
    "卡号": "id", "账号": "id",
    # names
    "姓名": "name", "名字": "name", "名称": "name",
    # address without a kind: 地址 alone
    "地址": "address", "地点": "address", "所在地": "address", "住所地": "address",
    # boolean columns of registers
    "是否": "flag",
}

# Measure words that, with no content term, still name one data item: the reporting unit's own
# total. A bare 户数 or 人数 does not: under a 低保 title it counts 低保 households.
TOTAL_WORDS: frozenset[str] = frozenset({"总人口", "人口总数", "总户数"})

# Words that carry content *and* fix the measure (an attribute of a person or case).
# word -> (canonical content term, measure)
ATTRIBUTE_WORDS: dict[str, tuple[str, str]] = {
    # identity document numbers
    "身份证号": ("身份证号", "id"), "身份证号码": ("身份证号", "id"),
    "公民身份号码": ("身份证号", "id"), "公民身份证号码": ("身份证号", "id"),
    "身份证件号码": ("身份证号", "id"), "证件号码": ("身份证号", "id"),
    "证件号": ("身份证号", "id"), "身份号码": ("身份证号", "id"),
    "身份证": ("身份证号", "id"), "居民身份证": ("身份证号", "id"),
    "居民身份证号": ("身份证号", "id"), "居民身份证号码": ("身份证号", "id"),
    "社会保障号码": ("身份证号", "id"),  # by law the citizen ID number (社会保险法 第58条)
    # phones: mobile, landline, and the generic contact phone
    "手机号": ("手机号", "phone"), "手机号码": ("手机号", "phone"), "手机": ("手机号", "phone"),
    "移动电话": ("手机号", "phone"), "移动电话号码": ("手机号", "phone"),
    "联系电话": ("电话", "phone"), "电话": ("电话", "phone"), "电话号码": ("电话", "phone"),
    "联系方式": ("电话", "phone"), "联系号码": ("电话", "phone"),
    "固定电话": ("固定电话", "phone"), "座机": ("固定电话", "phone"),
    "座机号码": ("固定电话", "phone"), "办公电话": ("固定电话", "phone"),
    # addresses by kind: where one lives now, the household registration, work, post
    "住址": ("现住", "address"), "现住址": ("现住", "address"), "现住地址": ("现住", "address"),
    "居住地址": ("现住", "address"), "居住地": ("现住", "address"),
    "现居住地": ("现住", "address"), "现居住地址": ("现住", "address"),
    "现居地": ("现住", "address"), "实际居住地": ("现住", "address"),
    "实际居住地址": ("现住", "address"), "住所": ("现住", "address"),
    "户籍地址": ("户籍", "address"), "户籍地": ("户籍", "address"),
    "户籍所在地": ("户籍", "address"), "户口所在地": ("户籍", "address"),
    "户口地址": ("户籍", "address"), "户籍住址": ("户籍", "address"),
    "户籍所在地址": ("户籍", "address"), "户籍登记地": ("户籍", "address"),
    "工作地址": ("工作", "address"), "工作地点": ("工作", "address"),
    "工作单位地址": ("工作", "address"), "单位地址": ("工作", "address"),
    "工作地": ("工作", "address"), "就业地址": ("工作", "address"),
    "就业地点": ("工作", "address"), "就业地": ("工作", "address"),
    "务工地点": ("工作", "address"), "务工地址": ("工作", "address"), "务工地": ("工作", "address"),
    "通讯地址": ("通讯", "address"), "通信地址": ("通讯", "address"),
    "联系地址": ("通讯", "address"), "邮寄地址": ("通讯", "address"),
    "出生地": ("出生", "address"), "籍贯": ("籍贯", "address"),
    # birth date has its own common spellings
    "生日": ("出生", "date"), "出生年月": ("出生", "date"), "出生日期": ("出生", "date"),
    # categorical attributes of a person
    "性别": ("性别", "attribute"), "民族": ("民族", "attribute"),
    "学历": ("学历", "attribute"), "文化程度": ("学历", "attribute"),
    "受教育程度": ("学历", "attribute"), "文化水平": ("学历", "attribute"),
    "政治面貌": ("政治面貌", "attribute"),
    "婚姻状况": ("婚姻状况", "attribute"), "婚姻状态": ("婚姻状况", "attribute"),
    "婚姻情况": ("婚姻状况", "attribute"),
    "健康状况": ("健康状况", "attribute"), "身体状况": ("健康状况", "attribute"),
    "职业": ("职业", "attribute"), "宗教信仰": ("宗教信仰", "attribute"),
    "血型": ("血型", "attribute"), "户籍性质": ("户籍性质", "attribute"),
    "户口性质": ("户籍性质", "attribute"),
    "与户主关系": ("与户主关系", "attribute"), "与户主的关系": ("与户主关系", "attribute"),
    # generic attribute heads: the word itself is part of the content (残疾类别 ≠ 残疾等级)
    "类型": ("类型", "attribute"), "类别": ("类别", "attribute"), "种类": ("类型", "attribute"),
    "状态": ("状态", "attribute"), "状况": ("状态", "attribute"), "原因": ("原因", "attribute"),
    "方式": ("方式", "attribute"), "性质": ("性质", "attribute"), "等级": ("等级", "attribute"),
    "级别": ("等级", "attribute"), "程度": ("程度", "attribute"), "结果": ("结果", "attribute"),
    "内容": ("内容", "attribute"), "单位": ("单位", "attribute"), "工作单位": ("工作单位", "attribute"),
    "就业单位": ("工作单位", "attribute"), "务工单位": ("工作单位", "attribute"),
    "意见": ("意见", "attribute"), "措施": ("措施", "attribute"),
}

# Nouns that name people: content, and imply the value counts persons.
PERSON_NOUNS: dict[str, tuple[str, ...]] = {
    "老年": ("老人", "老龄"),
    "儿童": ("少年儿童",),
    "学生": (), "在校生": (), "幼儿": (), "婴儿": (), "新生儿": (), "孤儿": (),
    "孕产妇": (), "孕妇": (), "产妇": (), "妇女": (), "育龄妇女": (),
    "劳动力": (), "农民工": (), "职工": (), "居民": (), "村民": (), "农民": (),
    "党员": ("中共党员", "共产党员"), "干部": (), "村干部": (), "军人": (), "退役军人": (),
    "志愿者": (), "调解员": (), "网格员": (), "医生": (), "村医": ("乡村医生",), "教师": (),
    "户主": (), "监护人": (), "联系人": (), "负责人": (), "当事人": (), "申请人": (),
    "患者": ("病人", "病患"), "青少年": (), "未成年人": (), "成年人": (), "青年": (),
    "婴幼儿": (), "家庭人口": (),
}

# Generic heads that only say "people" or "households": no content of their own.
PERSON_HEADS: tuple[str, ...] = ("人", "人口", "人员", "对象", "群众", "人士")
HOUSEHOLD_HEADS: tuple[str, ...] = ("户", "家庭", "住户", "家庭户")
# Nouns naming households: content, and imply the value counts households.
HOUSEHOLD_NOUNS: tuple[str, ...] = ("农户",)

# Nouns naming money: content, and imply an amount.
AMOUNT_NOUNS: tuple[str, ...] = (
    "收入", "支出", "工资", "补贴", "补助", "补助金", "救助金", "抚恤金", "养老金", "贷款",
    "存款", "产值", "投资", "费用", "税收", "营业额", "营业收入", "利润", "资产", "负债",
    "捐款", "罚款", "奖金", "保费", "赔款",
)

# Content terms: canonical -> variants that mean the same in government statistics.
TERMS: dict[str, tuple[str, ...]] = {
    # social assistance
    "低保": ("最低生活保障", "城乡低保", "最低生活保障金"),
    "特困": ("五保", "特困供养", "五保供养", "特困人员救助供养", "农村五保"),
    "临时救助": (), "救助": (), "医疗救助": (), "供养": (), "集中供养": (), "分散供养": (),
    "优抚": (), "优抚对象": (), "孤寡": (), "事实无人抚养": (), "困境": (),
    # poverty alleviation and rural revitalisation
    "脱贫": ("已脱贫",), "贫困": (), "建档立卡": (), "监测": ("防返贫监测", "防止返贫监测"),
    "返贫": (), "致贫": (), "低收入": (), "帮扶": (), "易地搬迁": ("易地扶贫搬迁",), "扶贫": (),
    # population
    "户籍": ("户口",), "常住": (), "流动": (), "外来": (), "暂住": (), "出生": (),
    "死亡": ("去世", "亡故"), "迁入": (), "迁出": (), "结婚": (), "离婚": (), "育龄": (),
    "独生子女": (), "子女": (), "女儿": (), "儿子": (), "家属": (),
    # employment
    "务工": ("就业", "打工"), "外出": (), "本地": (), "转移": (), "失业": (), "再就业": (),
    "登记": (), "创业": (), "公益性岗位": (), "技能培训": (), "培训": (), "灵活": (),
    # disability, age, care
    "残疾": ("残障",), "持证": (), "残疾证": ("残疾人证",), "重度": (), "中度": (), "轻度": (),
    "严重": (), "一级": (), "二级": (), "三级": (), "四级": (),
    "留守": (), "空巢": (), "独居": (), "高龄": (), "失能": (), "半失能": (), "失智": (),
    "养老": (), "居家养老": (), "机构养老": (), "养老服务": (), "服务": (), "照料": (),
    "护理": (), "床位": (), "日间照料": (), "老年协会": (),
    # health
    "健康": (), "体检": ("健康检查",), "接种": ("预防接种",), "疫苗": (), "签约": (),
    "家庭医生": (), "高血压": (), "糖尿病": (), "精神障碍": (), "肺结核": (), "慢性病": (),
    "慢病": (), "住院": (), "分娩": (), "高危": (), "产前检查": (), "产后访视": (),
    "随访": (), "管理": (), "规范管理": (), "筛查": (), "传染病": (), "卫生室": (),
    "母乳喂养": (), "早孕建卡": (),
    # insurance
    "参保": ("参加保险",), "医疗保险": ("医保", "基本医疗保险"),
    "养老保险": ("基本养老保险",), "社会保险": ("社保",), "城乡居民": (), "城镇职工": (),
    "大病保险": (), "缴费": (), "待遇": (), "领取": (), "社保卡": ("社会保障卡",),
    # justice and public safety
    "矛盾纠纷": ("矛盾", "纠纷"), "排查": (), "调解": (), "化解": (), "成功": (),
    "人民": (), "信访": (), "案件": (), "刑事": (), "治安": (), "诈骗": (), "安全": (),
    "隐患": (), "火灾": (), "事故": (), "整改": (), "应急": (), "演练": (), "巡查": (),
    "社区矫正": (), "安置帮教": (), "法律援助": (),
    # agriculture and land
    "耕地": (), "林地": (), "草地": (), "园地": (), "宅基地": (), "承包": (), "流转": (),
    "种植": (), "养殖": (), "粮食": (), "播种": (), "产量": (), "农作物": (), "撂荒": (),
    "高标准农田": (), "土地": (), "农业": (), "合作社": ("农民专业合作社",),
    "家庭农场": (), "集体经济": ("村集体经济",), "集体": (),
    # housing and facilities
    "危房": (), "改造": (), "住房": (), "厕所": ("户厕",), "自来水": (), "饮水": (),
    "道路": (), "硬化": (), "路灯": (),
    # organisations
    "企业": (), "个体工商户": (), "学校": (), "幼儿园": (), "医院": (), "机构": (),
    "组织": (), "社会组织": (), "党组织": (), "村民小组": (),
    # plan vs actual and other discriminating qualifiers
    "计划": (), "实际": (), "完成": (), "目标": (), "累计": ("累积", "历年累计"),
    "上年": ("去年", "上年度"), "上月": (), "同期": ("上年同期",), "年初": (), "期初": (),
    "新增": (), "减少": (), "净增": (), "增加": (), "以上": (), "以下": (),
    "城镇": (), "农村": ("乡村",), "城市": (), "城乡": (), "外省": (), "省内": (),
    "本省": (), "跨省": (), "县外": (), "县内": (),
    "人均": (), "户均": (), "额度": (), "其他": (), "平均": (), "最高": (), "最低": (), "合格": (), "达标": (),
    "覆盖": (), "建成": (), "在册": (), "在岗": (), "在职": (), "退休": (),
    "男女": (), "女": ("女性",), "男": ("男性",),
}

# Words written as one that stand for several canonical terms.
EXPANSIONS: dict[str, tuple[str, ...]] = {
    "女童": ("女", "儿童"), "男童": ("男", "儿童"), "女生": ("女", "学生"), "男生": ("男", "学生"),
    "女职工": ("女", "职工"), "女干部": ("女", "干部"), "女党员": ("女", "党员"),
    "老党员": ("老年", "党员"),
}

# Age-class nouns: an explicit age range (65岁及以上) says the same, more precisely.
AGE_CLASS_TERMS: frozenset[str] = frozenset(
    {"老年", "儿童", "青少年", "婴幼儿", "幼儿", "未成年人", "成年人", "青年"}
)

# Words that add nothing to what a column asks.
FILLERS: tuple[str, ...] = (
    "的", "之", "总", "合计", "总计", "共计", "小计", "情况", "基本情况", "现有", "实有", "目前",
    "详细", "具体", "数据", "信息", "统计", "所有", "全部", "各类", "各项", "等", "含", "及",
    "和", "与", "或", "具体情况", "本人",
)

# The reporting unit speaking of itself (本村 = the village filling the form): dropped.
SCOPE_WORDS: tuple[str, ...] = (
    "本村", "全村", "本社区", "全社区", "本镇", "全镇", "本乡", "全乡", "本乡镇", "全乡镇",
    "本街道", "全街道", "辖区", "辖区内", "本辖区", "本地区", "全县", "全区", "全市", "本单位",
    "村内", "社区内", "本村社区", "本居委会",
)

# The reporting period (本年 in an annual form, 本月 in a monthly one): the same element
# collected at another period, so a difference lowers confidence but does not block.
PERIOD_WORDS: dict[str, str] = {
    "本年": "年", "本年度": "年", "当年": "年", "全年": "年", "今年": "年", "年度": "年",
    "本月": "月", "当月": "月", "本季": "季", "本季度": "季", "当季": "季",
    "本期": "期", "报告期": "期", "本周": "周", "当周": "周",
}

# Point-in-time words: a stock count is read at period end by default, so they are dropped.
STOCK_WORDS: tuple[str, ...] = ("年末", "年底", "期末", "月末", "季末", "年终", "截至目前")

# "其中" marks a part of the preceding column.
PART_MARKERS: tuple[str, ...] = ("其中", "内中")

# Modifiers whose presence on one side only narrows the population without clearly
# naming another one: never merged automatically, shown for review. (measure or None) -> penalty
OPTIONAL_TERMS: dict[tuple[str | None, str], float] = {
    (None, "持证"): 0.3,  # 持证残疾人 are the certified subset of 残疾人
    ("address", "现住"): 0.25,  # 地址 alone usually means where the person lives
    ("address", "通讯"): 0.3,
    ("address", "户籍"): 0.35,
    ("address", "工作"): 0.35,
}

# A generic term and a more specific one that satisfies it: (generic, specific) -> penalty.
BROADER: dict[tuple[str, str], float] = {
    ("电话", "手机号"): 0.06,  # a mobile number answers a contact-phone column
    ("电话", "固定电话"): 0.25,
}

# Names of discriminating groups, for explanations.
TERM_GROUPS: dict[str, tuple[str, ...]] = {
    "性别": ("女", "男"),
    "时间口径": ("累计", "上年", "上月", "同期", "年初", "期初", "新增", "减少", "净增", "增加"),
    "城乡": ("城镇", "农村", "城市", "城乡"),
    "户籍口径": ("户籍", "常住", "流动", "外来", "暂住"),
    "程度": ("重度", "中度", "轻度", "严重", "一级", "二级", "三级", "四级", "高危"),
    "计划与实际": ("计划", "实际", "完成", "目标"),
    "地址类型": ("现住", "工作", "通讯"),
    "持证": ("持证",),
}

# Unit table: unit -> (dimension, factor to the dimension's base unit).
UNITS: dict[str, tuple[str, float]] = {
    "人": ("persons", 1), "名": ("persons", 1), "位": ("persons", 1), "万人": ("persons", 1e4),
    "户": ("households", 1), "万户": ("households", 1e4),
    "人次": ("person_times", 1), "万人次": ("person_times", 1e4),
    "个": ("items", 1), "件": ("items", 1), "起": ("items", 1), "宗": ("items", 1),
    "次": ("items", 1), "项": ("items", 1), "处": ("items", 1), "家": ("items", 1),
    "所": ("items", 1), "座": ("items", 1), "台": ("items", 1), "辆": ("items", 1),
    "张": ("items", 1), "条": ("items", 1), "间": ("items", 1), "套": ("items", 1),
    "栋": ("items", 1), "只": ("items", 1), "头": ("items", 1), "场": ("items", 1),
    "份": ("items", 1), "批": ("items", 1), "支": ("items", 1),
    "元": ("money", 1), "千元": ("money", 1e3), "万元": ("money", 1e4),
    "百万元": ("money", 1e6), "亿元": ("money", 1e8),
    "平方米": ("area", 1), "m2": ("area", 1), "m²": ("area", 1), "亩": ("area", 10000 / 15),
    "万亩": ("area", 1e4 * 10000 / 15), "公顷": ("area", 1e4), "hm2": ("area", 1e4),
    "平方公里": ("area", 1e6), "平方千米": ("area", 1e6), "km2": ("area", 1e6),
    "米": ("length", 1), "m": ("length", 1), "公里": ("length", 1e3), "千米": ("length", 1e3),
    "km": ("length", 1e3), "厘米": ("length", 0.01), "cm": ("length", 0.01),
    "克": ("weight", 0.001), "g": ("weight", 0.001), "千克": ("weight", 1), "公斤": ("weight", 1),
    "kg": ("weight", 1), "斤": ("weight", 0.5), "吨": ("weight", 1e3), "t": ("weight", 1e3),
    "万吨": ("weight", 1e7),
    "立方米": ("volume", 1), "m3": ("volume", 1), "升": ("volume", 1e-3), "l": ("volume", 1e-3),
    "%": ("ratio", 0.01), "‰": ("ratio", 0.001), "百分比": ("ratio", 0.01),
    "天": ("days", 1), "日": ("days", 1), "小时": ("days", 1 / 24), "周": ("days", 7),
    "月": ("months", 1), "个月": ("months", 1), "年": ("months", 12),
    "岁": ("age", 1), "周岁": ("age", 1),
}

# Which measure a unit dimension implies when the label itself does not say.
DIMENSION_MEASURES: dict[str, str] = {
    "persons": "persons", "households": "households", "person_times": "person_times",
    "items": "items", "money": "amount", "area": "area", "ratio": "rate", "age": "age",
}

# Bookkeeping columns: which unit or row a line is about, not data asked of it.
KEY_LABELS: frozenset[str] = frozenset({
    "序号", "行号", "编号", "填报日期", "填表日期", "报送日期", "统计日期", "统计时间", "备注",
    "填报时间", "报送时间", "统计时点",
    # columns of indicator-list forms (指标名称 | 计量单位 | 代码 | 数量), whose rows are the items
    "指标名称", "指标", "项目", "项目名称", "计量单位", "代码", "栏次", "行次",
    "说明", "填报人", "填表人", "审核人", "填报单位", "行政区划", "行政区划代码", "区划代码",
    "地区", "所属地区", "所属乡镇", "所属村", "所属社区", "所属街道", "所属村社区",
    "所属乡镇街道", "单位", "单位名称", "机构名称", "村名", "社区名", "镇名",
})
# Header labels that mark an indicator-list form: the data items are its rows, not its columns.
INDICATOR_LIST_LABELS: frozenset[str] = frozenset({"指标名称", "指标", "项目", "项目名称"})

# Administrative levels; any run of them, optionally followed by 名称/名, is a key column
# (村, 村（社区）, 乡镇（街道）名称, 县（市、区）).
ADMIN_LEVELS: tuple[str, ...] = (
    "省", "市", "州", "县", "区", "旗", "乡", "镇", "乡镇", "街道", "村", "社区", "居委会",
    "村委会", "组", "村组", "村民小组", "网格", "单位", "居", "片区",
)

# Text that marks a form's bookkeeping lines above the header (填报单位：, 表号：, 单位：万元 …).
META_LINE_KEYS: tuple[str, ...] = (
    "填报单位", "填表单位", "报送单位", "填报人", "填表人", "制表人", "填报日期", "填表日期",
    "报送日期", "报出日期", "表号", "制表机关", "制定机关", "批准机关", "批准文号", "有效期至",
    "有效期限", "单位负责人", "统计负责人", "负责人", "审核人", "联系电话", "计量单位",
    "金额单位", "单位", "统计时间", "截止时间", "截至时间", "报告期", "年度", "月份",
)
