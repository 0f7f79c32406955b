"""The report specifications that the demo city's departments bring to the form catalogue gate.

Pure data, no database: ``demo_specs()`` returns fresh :class:`SpecDraft` objects built from the fixed
tables below, so two calls are equal. Each spec looks like a real Chinese department's form: 表号,
制表机关, 批准文号 or 备案文号, 有效期限, period, deadline, fields bound to the catalogue of
``fillonce.demo.city`` (the form's own wording in ``label_zh``), computed fields and 审核公式.

The overlaps are the ones real forms have: 户籍人口, 常住人口 and 户数 are asked by many departments,
the elderly counts by civil affairs, health, social security and the disabled persons' federation,
低保 figures by civil affairs, healthcare security, the federation and housing, 耕地面积 by
agriculture and statistics. That is the burden the one form removes.
"""

from __future__ import annotations

from datetime import date

from fillonce.periods.ids import MONTHLY, QUARTERLY, SIX_MONTHLY, YEARLY
from fillonce.specs.draft import FieldDraft, RuleDraft, SpecDraft

STREET_LEVEL = 3  # every other spec keeps SpecDraft's default, level 4: villages and communities


# ---- small builders ------------------------------------------------------------------------------

def _el(key: str, label_zh: str, element_code: str, unit: str = "", category: str | None = None,
        required: bool = True) -> FieldDraft:
    """A field bound to a catalogue element; ``unit`` is the form's 计量单位, "" for descriptive items."""
    return FieldDraft(key=key, label_zh=label_zh, kind="element", element_code=element_code, category=category,
                      unit=unit, required=required)


def _calc(key: str, label_zh: str, formula: str, unit: str) -> FieldDraft:
    """A computed field: never filled in, computed from the spec's other fields."""
    return FieldDraft(key=key, label_zh=label_zh, kind="computed", formula=formula, unit=unit, required=False)


def _error(expression: str, message_zh: str, message_en: str) -> RuleDraft:
    return RuleDraft(expression=expression, severity="error", message_zh=message_zh, message_en=message_en)


def _warning(expression: str, message_zh: str, message_en: str) -> RuleDraft:
    return RuleDraft(expression=expression, severity="warning", message_zh=message_zh, message_en=message_en)


# ---- 民政局 --------------------------------------------------------------------------------------

def _mzj_dibao() -> SpecDraft:
    return SpecDraft(
        form_number="民统月01表",
        title_zh="城乡低保和特困人员救助供养情况月报",
        title_en="Monthly report on minimum living allowance and extreme-poverty support",
        department_code="MZJ",
        period_type=MONTHLY,
        approval_number="澜统制〔2026〕12号",
        approval_kind="批准",
        valid_until=date(2027, 12, 31),
        purpose="掌握城乡最低生活保障和特困人员救助供养对象的规模和变动，为保障资金测算和动态管理提供依据。",
        deadline_days=5,
        grace_days=3,
        fields=[
            _el("POP", "户籍人口数", "POP_REGISTERED", "人"),
            _el("HH", "户籍户数", "HH_REGISTERED", "户"),
            _el("DIBAO_H", "最低生活保障户数", "DIBAO_HH", "户"),
            _el("DIBAO_P", "最低生活保障人数", "DIBAO_PERSONS", "人"),
            _el("MARGINAL", "低保边缘家庭户数", "MARGINAL_HH", "户"),
            _el("TEKUN", "特困供养人员数", "TEKUN_PERSONS", "人"),
            _el("TEKUN_C", "其中：集中供养人数", "TEKUN_CENTRAL", "人"),
            _el("TEKUN_H", "分散供养人数", "TEKUN_HOME", "人"),
            _el("TEMP_AID", "临时救助人次", "TEMP_AID_CASES", "人次"),
            _calc("DIBAO_RATE", "低保人口占户籍人口比例", "DIBAO_P / POP * 100", "%"),
        ],
        rules=[
            _error("DIBAO_P >= DIBAO_H", "低保人数不能少于低保户数：每个低保户至少有一名保障对象。",
                   "Persons on the allowance cannot be fewer than households on it."),
            _error("DIBAO_H <= HH", "低保户数不能超过户籍户数。",
                   "Households on the allowance cannot exceed registered households."),
            _error("TEKUN == TEKUN_C + TEKUN_H", "特困供养人员数应等于集中供养与分散供养人数之和。",
                   "Extreme-poverty persons must equal those in institutional care plus those supported at home."),
            _warning("DIBAO_RATE <= 10", "低保人口超过户籍人口的10%，明显高于全市一般水平，请核实并说明。",
                     "More than 10% of the registered population is on the allowance; check and explain."),
        ],
    )


def _mzj_elderly_children() -> SpecDraft:
    return SpecDraft(
        form_number="民统季02表",
        title_zh="老年人和困境儿童基本情况季报",
        title_en="Quarterly report on elderly people and children in difficulty",
        department_code="MZJ",
        period_type=QUARTERLY,
        approval_number="澜统函〔2026〕21号",
        approval_kind="备案",
        valid_until=date(2028, 6, 30),
        purpose="掌握老年人口、特殊困难老人和困境儿童底数，支撑养老服务设施布局、高龄津贴发放和儿童关爱保护。",
        deadline_days=10,
        fields=[
            _el("POP", "户籍人口", "POP_REGISTERED", "人"),
            _el("OLD60", "60周岁及以上老年人口", "ELDERLY_60", "人", category="SEX"),
            _el("OLD80", "其中：80周岁及以上高龄老人", "ELDERLY_80", "人"),
            _el("ALONE", "独居老人数", "ELDERLY_ALONE", "人"),
            _el("LEFT_OLD", "农村留守老年人数", "ELDERLY_LEFT_BEHIND", "人"),
            _el("DISABLED_OLD", "失能半失能老人数", "ELDERLY_DISABLED", "人"),
            _el("ALLOWANCE", "高龄津贴发放人数", "OLD_AGE_ALLOWANCE", "人"),
            _el("DAYCARE", "社区日间照料中心数", "DAY_CARE_CENTRES", "个"),
            _el("ORPHANS", "孤儿人数", "ORPHANS", "人"),
            _el("UNSUPPORTED", "事实无人抚养儿童数", "UNSUPPORTED_CHILDREN", "人"),
            _el("LEFT_KIDS", "农村留守儿童数", "LEFT_BEHIND_CHILDREN", "人"),
            _calc("AGING", "老龄化率（60周岁及以上）", "OLD60 / POP * 100", "%"),
        ],
        rules=[
            _error("OLD60 >= OLD80", "60周岁及以上老年人口不能少于其中80周岁及以上人数。",
                   "The population aged 60+ cannot be smaller than the part aged 80+."),
            _error("OLD60 >= ALONE", "独居老人数不能超过60周岁及以上老年人口。",
                   "Elderly people living alone cannot exceed the population aged 60+."),
            _error("OLD60 >= DISABLED_OLD", "失能半失能老人数不能超过60周岁及以上老年人口。",
                   "Elderly people with loss of self-care ability cannot exceed the population aged 60+."),
            _warning("ALLOWANCE <= OLD80", "高龄津贴发放人数超过80周岁及以上老人数，请说明本地是否放宽了发放年龄。",
                     "More old-age allowance recipients than people aged 80+; explain whether the age limit is lower."),
            _warning("AGING <= 40", "老龄化率超过40%，请核实60周岁及以上人口数。",
                     "More than 40% of the population is aged 60+; check the elderly count."),
        ],
    )


# ---- 卫生健康委员会 ------------------------------------------------------------------------------

def _wjw_maternal_child() -> SpecDraft:
    return SpecDraft(
        form_number="卫健月01表",
        title_zh="妇幼健康服务月报",
        title_en="Monthly report on maternal and child health services",
        department_code="WJW",
        period_type=MONTHLY,
        approval_number="澜统函〔2026〕33号",
        approval_kind="备案",
        valid_until=date(2027, 12, 31),
        purpose="监测出生、孕产妇和0～6岁儿童健康管理情况，落实国家基本公共卫生服务妇幼健康项目。",
        deadline_days=5,
        fields=[
            _el("POP_R", "常住人口数", "POP_RESIDENT", "人"),
            _el("BIRTHS", "活产数", "BIRTHS", "人", category="SEX"),
            _el("NEWBORNS", "新生儿数", "NEWBORNS", "人"),
            _el("NB_VISITS", "新生儿家庭访视人数", "NEWBORN_VISITS", "人"),
            _el("CHILD06", "0～6岁儿童数", "CHILDREN_0_6", "人"),
            _el("CHILD06_M", "0～6岁儿童健康管理人数", "CHILDREN_0_6_MANAGED", "人"),
            _el("MATERNAL", "孕产妇人数", "MATERNAL", "人"),
            _calc("CHILD_MGMT_RATE", "0～6岁儿童健康管理率", "CHILD06_M / CHILD06 * 100", "%"),
        ],
        rules=[
            _error("CHILD06_M <= CHILD06", "0～6岁儿童健康管理人数不能超过0～6岁儿童数。",
                   "Children under health management cannot exceed children aged 0-6."),
            _warning("CHILD06 <= POP_R * 0.2", "0～6岁儿童超过常住人口的20%，远高于一般水平，请核实。",
                     "Children aged 0-6 are more than 20% of the resident population; check the figure."),
            _warning("MATERNAL <= POP_R * 0.05", "孕产妇人数超过常住人口的5%，请核实是否重复统计。",
                     "Pregnant and postpartum women are more than 5% of residents; check for double counting."),
        ],
    )


def _wjw_public_health() -> SpecDraft:
    return SpecDraft(
        form_number="卫健季02表",
        title_zh="基本公共卫生服务项目进展季报",
        title_en="Quarterly report on basic public health services",
        department_code="WJW",
        period_type=QUARTERLY,
        approval_number="澜统制〔2026〕15号",
        approval_kind="批准",
        valid_until=date(2028, 12, 31),
        purpose="掌握老年人健康管理、慢性病管理、家庭医生签约和健康档案等基本公共卫生服务进度。",
        deadline_days=10,
        grace_days=3,
        fields=[
            _el("POP", "户籍人口", "POP_REGISTERED", "人"),
            _el("POP_R", "常住人口", "POP_RESIDENT", "人"),
            _el("OLD65", "65岁及以上老年人口", "ELDERLY_65", "人", category="SEX"),
            _el("OLD80", "80岁以上高龄老人数", "ELDERLY_80", "人"),
            _el("OLD_MGMT", "65岁以上老年人健康管理人数", "ELDERLY_HEALTH_MANAGED", "人"),
            _el("HTN", "高血压规范管理人数", "HYPERTENSION_MANAGED", "人"),
            _el("DM", "糖尿病患者管理人数", "DIABETES_MANAGED", "人"),
            _el("MENTAL", "严重精神障碍患者管理人数", "SEVERE_MENTAL", "人"),
            _el("FD", "家庭医生签约人数", "FAMILY_DOCTOR_SIGNED", "人"),
            _el("RECORDS", "电子健康档案建档人数", "HEALTH_RECORDS", "人"),
            _el("FP", "计生特殊家庭数", "FP_SPECIAL_FAMILIES", "户"),
            _calc("OLD_MGMT_RATE", "老年人健康管理率", "OLD_MGMT / OLD65 * 100", "%"),
            _calc("FD_RATE", "家庭医生签约率", "FD / POP_R * 100", "%"),
        ],
        rules=[
            _error("OLD65 >= OLD80", "65岁及以上老年人口不能少于80岁以上高龄老人数。",
                   "The population aged 65+ cannot be smaller than the population aged 80+."),
            _error("OLD_MGMT <= OLD65", "老年人健康管理人数不能超过65岁及以上老年人口。",
                   "Elderly people under health management cannot exceed the population aged 65+."),
            _warning("RECORDS <= POP_R * 1.05", "建档人数比常住人口多5%以上，请核实是否含已迁出人员。",
                     "Health records exceed the resident population by more than 5%; check for people who left."),
            _warning("OLD65 <= POP * 0.3", "65岁及以上老年人口超过户籍人口的30%，请核实。",
                     "The population aged 65+ is more than 30% of the registered population; check the figure."),
        ],
    )


# ---- 统计局 --------------------------------------------------------------------------------------

def _tjj_basics() -> SpecDraft:
    return SpecDraft(
        form_number="统基年01表",
        title_zh="基层单位基本情况年报",
        title_en="Annual report on the basic situation of grassroots units",
        department_code="TJJ",
        period_type=YEARLY,
        approval_number="澜统制〔2026〕1号",
        approval_kind="批准",
        valid_until=date(2028, 12, 31),
        purpose="全面反映村（社区）人口、土地、集体经济和居民收入的基本情况，为统计年鉴和区域发展规划提供基础资料。",
        deadline_days=20,
        requires_review=True,
        fields=[
            _el("POP", "户籍人口", "POP_REGISTERED", "人"),
            _el("HH", "户籍户数", "HH_REGISTERED", "户"),
            _el("POP_R", "常住人口", "POP_RESIDENT", "人", category="HUKOU"),
            _el("HH_R", "常住户数", "HH_RESIDENT", "户"),
            _el("OLD60", "60岁及以上人口", "ELDERLY_60", "人"),
            _el("AREA", "行政区域面积", "LAND_AREA", "平方公里"),
            _el("NAT_VIL", "自然村个数", "NATURAL_VILLAGES", "个"),
            _el("TERRAIN", "地貌类型", "TERRAIN"),
            _el("FARMLAND", "年末耕地面积", "FARMLAND", "亩"),
            _el("COLL_INC", "村集体经济收入", "COLLECTIVE_INCOME", "万元"),
            _el("INCOME", "农村居民人均可支配收入", "RURAL_INCOME_PER_CAPITA", "元"),
            _calc("DENSITY", "常住人口密度", "POP_R / AREA", "人/平方公里"),
            _calc("HH_SIZE", "户均户籍人口", "POP / HH", "人/户"),
        ],
        rules=[
            _error("HH <= POP", "户籍户数不能超过户籍人口数。", "Registered households cannot exceed registered persons."),
            _error("HH_R <= POP_R", "常住户数不能超过常住人口数。", "Resident households cannot exceed residents."),
            _error("OLD60 <= POP", "60岁及以上人口不能超过户籍人口。",
                   "The population aged 60+ cannot exceed the registered population."),
            _warning("HH_SIZE <= 6", "户均人口超过6人，请核实户数是否漏报。",
                     "More than 6 persons per household; check whether households are missing."),
            _warning("HH_SIZE >= 1.2", "户均人口不足1.2人，请核实户数是否重复统计。",
                     "Fewer than 1.2 persons per household; check whether households are counted twice."),
        ],
    )


# ---- 人力资源和社会保障局 ------------------------------------------------------------------------

def _rsj_employment_pension() -> SpecDraft:
    return SpecDraft(
        form_number="人社季01表",
        title_zh="农村劳动力就业和城乡居民养老保险情况季报",
        title_en="Quarterly report on rural employment and residents' pension insurance",
        department_code="RSJ",
        period_type=QUARTERLY,
        approval_number="澜统函〔2026〕40号",
        approval_kind="备案",
        valid_until=date(2027, 12, 31),
        purpose="跟踪农村劳动力转移就业、脱贫劳动力务工和城乡居民养老保险参保领取情况，落实就业优先和全民参保。",
        deadline_days=10,
        fields=[
            _el("LABOUR", "农村劳动力人数", "RURAL_LABOUR", "人"),
            _el("MIGRANT", "外出务工劳动力", "MIGRANT_WORKERS", "人", category="SEX"),
            _el("POV_WORK", "脱贫劳动力务工人数", "POVERTY_EXIT_WORKERS", "人"),
            _el("WELFARE_JOBS", "公益性岗位安置人数", "PUBLIC_WELFARE_JOBS", "人"),
            _el("UNEMP", "登记失业人数", "UNEMPLOYED_REGISTERED", "人"),
            _el("ZERO", "零就业家庭数", "ZERO_EMPLOYMENT_HH", "户"),
            _el("TRAINING", "技能培训人次", "SKILLS_TRAINING", "人次"),
            _el("OLD60", "60周岁以上人口", "ELDERLY_60", "人"),
            _el("P_INSURED", "城乡居保参保人数", "PENSION_INSURED", "人"),
            _el("P_RECEIVING", "领取养老金人数", "PENSION_RECEIVING", "人"),
            _calc("MIG_SHARE", "外出务工劳动力占比", "MIGRANT / LABOUR * 100", "%"),
        ],
        rules=[
            _error("MIGRANT <= LABOUR", "外出务工人数不能超过农村劳动力人数。",
                   "Migrant workers cannot exceed the rural labour force."),
            _error("POV_WORK <= LABOUR", "脱贫劳动力务工人数不能超过农村劳动力人数。",
                   "Workers from formerly poor households cannot exceed the rural labour force."),
            _warning("P_RECEIVING <= OLD60", "养老金领取人数超过60周岁以上人口，请核实是否含户籍已迁出人员。",
                     "More pension recipients than people aged 60+; check for people who moved away."),
            _warning("ZERO == 0", "零就业家庭应动态清零；不为0时请说明帮扶措施。",
                     "Zero-employment households should be cleared; if any remain, describe the assistance."),
        ],
    )


# ---- 医疗保障局 ----------------------------------------------------------------------------------

def _ybj_insurance() -> SpecDraft:
    return SpecDraft(
        form_number="医保季01表",
        title_zh="城乡居民医保参保和医疗救助情况季报",
        title_en="Quarterly report on residents' medical insurance and medical assistance",
        department_code="YBJ",
        period_type=QUARTERLY,
        approval_number="澜统制〔2026〕18号",
        approval_kind="批准",
        valid_until=date(2027, 6, 30),
        purpose="掌握城乡居民医保参保进度和低保、特困、防返贫监测对象等困难群众参保资助及医疗救助情况。",
        deadline_days=10,
        fields=[
            _el("POP", "户籍人口", "POP_REGISTERED", "人"),
            _el("POP_R", "常住人口", "POP_RESIDENT", "人"),
            _el("INSURED", "居民医保参保人数", "MEDICAL_INSURED", "人"),
            _el("DIBAO_P", "低保对象人数", "DIBAO_PERSONS", "人"),
            _el("TEKUN", "特困人员数", "TEKUN_PERSONS", "人"),
            _el("MONITORED", "防返贫监测对象人数", "MONITORED_PERSONS", "人"),
            _el("AID", "医疗救助人次数", "MEDICAL_AID_CASES", "人次"),
            _calc("RATE", "户籍人口参保率", "INSURED / POP * 100", "%"),
        ],
        rules=[
            _error("DIBAO_P + TEKUN <= POP", "低保对象与特困人员合计不能超过户籍人口。",
                   "Allowance recipients plus extreme-poverty persons cannot exceed the registered population."),
            _warning("RATE >= 95", "参保率低于95%的目标，请说明未参保人员情况。",
                     "Coverage is below the 95% target; explain who is not insured."),
            _warning("INSURED <= POP_R * 1.1", "参保人数比常住人口多10%以上，请核实是否重复参保。",
                     "Participants exceed residents by more than 10%; check for duplicate enrolment."),
        ],
    )


# ---- 退役军人事务局 ------------------------------------------------------------------------------

def _tyj_veterans() -> SpecDraft:
    return SpecDraft(
        form_number="退役半01表",
        title_zh="退役军人和其他优抚对象基本情况",
        title_en="Veterans and other persons entitled to special care",
        department_code="TYJ",
        period_type=SIX_MONTHLY,
        approval_number="澜统函〔2026〕52号",
        approval_kind="备案",
        valid_until=date(2028, 6, 30),
        purpose="掌握退役军人和优抚对象底数、就业和生活困难情况，落实抚恤优待和走访慰问。",
        deadline_days=15,
        fields=[
            _el("POP", "户籍人口", "POP_REGISTERED", "人"),
            _el("VETERANS", "退役军人人数", "VETERANS", "人", category="AGE_GROUP"),
            _el("ENTITLED", "重点优抚对象人数", "ENTITLED_GROUPS", "人"),
            _el("MARTYR", "烈属人数", "MARTYR_FAMILIES", "人"),
            _el("DIS_SOLD", "伤残军人数", "DISABLED_SOLDIERS", "人"),
            _el("EMPLOYED", "退役军人就业数", "VETERANS_EMPLOYED", "人"),
            _el("HARDSHIP", "生活困难退役军人数", "VETERANS_HARDSHIP", "人"),
            _el("VISITS", "走访慰问人次", "VETERANS_VISITS", "人次"),
        ],
        rules=[
            _error("EMPLOYED <= VETERANS", "退役军人就业数不能超过退役军人人数。",
                   "Employed veterans cannot exceed veterans."),
            _error("HARDSHIP <= VETERANS", "生活困难退役军人数不能超过退役军人人数。",
                   "Veterans in hardship cannot exceed veterans."),
            _error("ENTITLED >= MARTYR + DIS_SOLD", "重点优抚对象人数不能少于烈属与伤残军人之和。",
                   "Persons entitled to special care cannot be fewer than martyrs' families plus disabled soldiers."),
            _warning("VETERANS <= POP * 0.05", "退役军人超过户籍人口的5%，请核实。",
                     "Veterans are more than 5% of the registered population; check the figure."),
        ],
    )


# ---- 残疾人联合会 --------------------------------------------------------------------------------

def _cl_disabled() -> SpecDraft:
    return SpecDraft(
        form_number="残联季01表",
        title_zh="残疾人基本服务状况季报",
        title_en="Quarterly report on basic services for persons with disabilities",
        department_code="CL",
        period_type=QUARTERLY,
        approval_number="澜统制〔2026〕23号",
        approval_kind="批准",
        valid_until=date(2027, 12, 31),
        purpose="掌握持证残疾人底数及两项补贴、康复服务落实情况，核对困难残疾人与低保对象的衔接。",
        deadline_days=10,
        fields=[
            _el("POP", "户籍人口", "POP_REGISTERED", "人"),
            _el("HH", "户数", "HH_REGISTERED", "户"),
            _el("OLD60", "60岁以上老年人口", "ELDERLY_60", "人"),
            _el("DISABLED", "持证残疾人数", "DISABLED_CERTIFIED", "人", category="DISABILITY_TYPE"),
            _el("SEVERE", "一二级重度残疾人数", "DISABLED_SEVERE", "人"),
            _el("LIVING", "困难残疾人生活补贴人数", "DISABLED_LIVING_SUBSIDY", "人"),
            _el("CARE", "重度残疾人护理补贴人数", "DISABLED_CARE_SUBSIDY", "人"),
            _el("REHAB", "基本康复服务人数", "DISABLED_REHAB", "人"),
            _el("DIBAO_H", "低保户数", "DIBAO_HH", "户"),
            _el("DIBAO_P", "低保人数", "DIBAO_PERSONS", "人"),
            _calc("DIS_RATE", "持证残疾人占户籍人口比例", "DISABLED / POP * 100", "%"),
        ],
        rules=[
            _error("SEVERE <= DISABLED", "重度残疾人数不能超过持证残疾人数。",
                   "Persons with severe disability cannot exceed certificate holders."),
            _error("REHAB <= DISABLED", "康复服务人数不能超过持证残疾人数。",
                   "Persons receiving rehabilitation cannot exceed certificate holders."),
            _error("DIBAO_P >= DIBAO_H", "低保人数不能少于低保户数。",
                   "Persons on the allowance cannot be fewer than households on it."),
            _warning("LIVING <= DIBAO_P", "生活补贴对象原则上是低保家庭中的残疾人，人数超过低保人数时请说明是否扩面。",
                     "The living subsidy is for disabled people in allowance families; explain if it reaches more."),
            _warning("CARE <= SEVERE", "护理补贴对象以一、二级残疾人为主，超出时请说明是否含三级智力、精神残疾人。",
                     "The care subsidy is mainly for grades 1-2; explain whether grade-3 intellectual or mental "
                     "disability is included."),
            _warning("DIS_RATE <= 10", "持证残疾人超过户籍人口的10%，请核实。",
                     "Certificate holders are more than 10% of the registered population; check the figure."),
        ],
    )


# ---- 农业农村局 ----------------------------------------------------------------------------------

def _nyj_collective() -> SpecDraft:
    return SpecDraft(
        form_number="农经年01表",
        title_zh="农村集体经济和耕地情况年报",
        title_en="Annual report on village collective economy and farmland",
        department_code="NYJ",
        period_type=YEARLY,
        approval_number="澜统制〔2026〕9号",
        approval_kind="批准",
        valid_until=date(2028, 12, 31),
        purpose="反映村集体经济收支、资产负债和耕地保护利用情况，服务集体经济薄弱村帮扶和耕地保护目标考核。",
        deadline_days=20,
        fields=[
            _el("HH", "总户数", "HH_REGISTERED", "户"),
            _el("MEMBERS", "集体经济组织成员数", "COLLECTIVE_MEMBERS", "人"),
            _el("FARMLAND", "耕地面积", "FARMLAND", "亩"),
            _el("BASIC", "永久基本农田面积", "BASIC_FARMLAND", "亩"),
            _el("HSF", "高标准农田面积", "HIGH_STANDARD_FARMLAND", "亩"),
            _el("TRANSFER", "土地流转面积", "LAND_TRANSFERRED", "亩"),
            _el("COOPS", "农民合作社数", "COOPERATIVES", "个"),
            _el("COLL_INC", "村级集体经济收入", "COLLECTIVE_INCOME", "万元"),
            _el("COLL_OP", "其中：经营性收入", "COLLECTIVE_OPERATING_INCOME", "万元"),
            _el("ASSETS", "集体资产总额", "COLLECTIVE_ASSETS", "万元"),
            _el("DEBT", "村级负债", "VILLAGE_DEBT", "万元"),
            _el("POV_HH", "脱贫户数", "POVERTY_EXIT_HH", "户"),
            _el("MON_HH", "监测对象户数", "MONITORED_HH", "户"),
            _el("WEAK", "是否集体经济薄弱村", "IS_WEAK_COLLECTIVE"),
            _calc("OP_SHARE", "经营性收入占比", "COLL_OP / COLL_INC * 100", "%"),
            _calc("DEBT_RATIO", "资产负债率", "DEBT / ASSETS * 100", "%"),
        ],
        rules=[
            _error("BASIC <= FARMLAND", "永久基本农田面积不能超过耕地面积。",
                   "Permanent basic farmland cannot exceed cultivated land."),
            _error("HSF <= FARMLAND", "高标准农田面积不能超过耕地面积。",
                   "High-standard farmland cannot exceed cultivated land."),
            _error("TRANSFER <= FARMLAND", "土地流转面积不能超过耕地面积。",
                   "Transferred land cannot exceed cultivated land."),
            _error("COLL_OP <= COLL_INC", "经营性收入不能超过村级集体经济收入。",
                   "Operating income cannot exceed total collective income."),
            _error("MON_HH <= HH", "监测对象户数不能超过总户数。", "Monitored households cannot exceed households."),
            _warning("DEBT_RATIO <= 60", "资产负债率超过60%，请说明债务来源和化解计划。",
                     "Debt exceeds 60% of assets; explain its sources and the repayment plan."),
        ],
    )


# ---- 应急管理局 (the one spec for streets and townships) -----------------------------------------

def _yjj_disasters() -> SpecDraft:
    return SpecDraft(
        form_number="应急月01表",
        title_zh="自然灾害和安全生产情况月报",
        title_en="Monthly report on natural disasters and work safety",
        department_code="YJJ",
        period_type=MONTHLY,
        approval_number="澜减负备〔2026〕3号",
        approval_kind="备案",
        valid_until=date(2027, 12, 31),
        purpose="掌握街道（乡镇）自然灾害损失、转移安置和安全生产检查、隐患整改、事故情况。",
        deadline_days=5,
        grace_days=2,
        target_level=STREET_LEVEL,
        fields=[
            _el("POP_R", "常住人口", "POP_RESIDENT", "人"),
            _el("AFFECTED", "受灾人口", "DISASTER_AFFECTED", "人次"),
            _el("EVAC", "紧急转移安置人数", "EVACUATED", "人次"),
            _el("LOSS", "直接经济损失", "DIRECT_LOSS", "万元"),
            _el("INSPECT", "安全生产检查次数", "SAFETY_INSPECTIONS", "次"),
            _el("HAZARDS", "隐患整改数", "HAZARDS_FIXED", "个"),
            _el("ACCIDENTS", "生产安全事故起数", "WORK_ACCIDENTS", "起"),
            _el("DRILLS", "应急演练次数", "DRILLS", "次"),
            _el("INFORMANTS", "灾害信息员人数", "DISASTER_INFORMANTS", "人"),
        ],
        rules=[
            _error("EVAC <= AFFECTED", "紧急转移安置人次不能超过受灾人次。",
                   "Evacuations cannot exceed the population affected."),
            _warning("AFFECTED <= POP_R", "受灾人次超过常住人口，请说明是否同一人多次受灾。",
                     "More people affected than residents; explain whether people were affected more than once."),
            _warning("INFORMANTS >= 1", "每个街道（乡镇）应至少登记一名灾害信息员。",
                     "Every street or township should register at least one disaster information officer."),
        ],
    )


# ---- 公安局 --------------------------------------------------------------------------------------

def _gaj_population() -> SpecDraft:
    return SpecDraft(
        form_number="公安季01表",
        title_zh="实有人口和治安情况季报",
        title_en="Quarterly report on actual population and public order",
        department_code="GAJ",
        period_type=QUARTERLY,
        approval_number="澜统函〔2026〕17号",
        approval_kind="备案",
        valid_until=date(2027, 12, 31),
        purpose="核对户籍、流动和人户分离人口，掌握实有人口底数和治安、电信网络诈骗案件情况。",
        deadline_days=7,
        fields=[
            _el("POP", "户籍人口", "POP_REGISTERED", "人", category="SEX"),
            _el("HH", "户数", "HH_REGISTERED", "户"),
            _el("POP_R", "常住人口", "POP_RESIDENT", "人"),
            _el("FLOATING", "流动人口", "POP_FLOATING", "人"),
            _el("AWAY", "人户分离人数", "POP_AWAY_FROM_HUKOU", "人"),
            _el("MOVED_IN", "户籍迁入人数", "POP_MOVED_IN", "人"),
            _el("MOVED_OUT", "户籍迁出人数", "POP_MOVED_OUT", "人"),
            _el("ORDER", "治安案件受理数", "PUBLIC_ORDER_CASES", "件"),
            _el("FRAUD", "电诈案件数", "FRAUD_CASES", "件"),
            _calc("ACTUAL", "实有人口", "POP - AWAY + FLOATING", "人"),
        ],
        rules=[
            _error("AWAY <= POP", "人户分离人数不能超过户籍人口。",
                   "Registered residents living elsewhere cannot exceed the registered population."),
            _error("HH <= POP", "户数不能超过户籍人口。", "Households cannot exceed the registered population."),
            _warning("ACTUAL <= POP_R * 1.3", "实有人口比常住人口多30%以上，请核实流动人口登记。",
                     "The actual population exceeds residents by more than 30%; check floating-population records."),
        ],
    )


# ---- 教育局 --------------------------------------------------------------------------------------

def _jyj_schooling() -> SpecDraft:
    return SpecDraft(
        form_number="教育半01表",
        title_zh="适龄儿童入学和控辍保学情况",
        title_en="School enrolment and dropout prevention",
        department_code="JYJ",
        period_type=SIX_MONTHLY,
        approval_number="澜统制〔2026〕27号",
        approval_kind="批准",
        valid_until=date(2028, 8, 31),
        purpose="摸清学龄前和在校学生底数、留守儿童和辍学情况，落实控辍保学和学生资助。",
        deadline_days=15,
        fields=[
            _el("CHILD06", "0-6岁儿童数", "CHILDREN_0_6", "人"),
            _el("KG", "在园幼儿数", "KINDERGARTEN_CHILDREN", "人"),
            _el("STUDENTS", "在校生人数", "STUDENTS", "人", category="SCHOOL_STAGE"),
            _el("DROPOUTS", "失学辍学人数", "DROPOUTS", "人"),
            _el("LEFT_KIDS", "留守儿童人数", "LEFT_BEHIND_CHILDREN", "人"),
            _el("AID", "家庭经济困难学生资助人次", "STUDENT_AID", "人次"),
        ],
        rules=[
            _warning("DROPOUTS == 0", "控辍保学要求动态清零；有辍学学生时请说明劝返进展。",
                     "Dropouts should be brought back to school; if any remain, describe the progress."),
            _warning("KG <= CHILD06", "在园幼儿数超过0-6岁儿童数，请说明是否有外地幼儿入园。",
                     "More kindergarten children than children aged 0-6; explain whether some come from elsewhere."),
        ],
    )


# ---- 司法局 --------------------------------------------------------------------------------------

def _sfj_mediation() -> SpecDraft:
    return SpecDraft(
        form_number="司法季01表",
        title_zh="人民调解和社区矫正工作情况季报",
        title_en="Quarterly report on people's mediation and community correction",
        department_code="SFJ",
        period_type=QUARTERLY,
        approval_number="澜统函〔2026〕46号",
        approval_kind="备案",
        valid_until=date(2027, 12, 31),
        purpose="掌握矛盾纠纷排查化解、人民调解组织和社区矫正、安置帮教对象情况。",
        deadline_days=10,
        fields=[
            _el("POP_R", "常住人口", "POP_RESIDENT", "人"),
            _el("FOUND", "排查矛盾纠纷数", "DISPUTES_FOUND", "件"),
            _el("MEDIATED", "调解成功件数", "DISPUTES_MEDIATED", "件"),
            _el("MEDIATORS", "人民调解员人数", "MEDIATORS", "人"),
            _el("CORRECTION", "社区矫正对象数", "COMMUNITY_CORRECTION", "人"),
            _el("RELEASED", "安置帮教对象数", "RELEASED_PRISONERS", "人"),
            _el("LEGAL", "法律顾问配备情况", "HAS_LEGAL_ADVISER"),
            _calc("SUCCESS", "调解成功率", "MEDIATED / FOUND * 100", "%"),
        ],
        rules=[
            _error("MEDIATED <= FOUND", "调解成功件数不能超过排查矛盾纠纷数。",
                   "Disputes settled cannot exceed disputes identified."),
            _warning("MEDIATORS >= 3", "村（居）人民调解委员会一般由3名以上委员组成，请核实调解员人数。",
                     "A village or residents' mediation committee usually has 3 or more members; check the figure."),
        ],
    )


# ---- 住房和城乡建设局 ----------------------------------------------------------------------------

def _zjj_housing() -> SpecDraft:
    return SpecDraft(
        form_number="住建半01表",
        title_zh="农村低收入群体住房安全和人居环境情况",
        title_en="Housing safety of rural low-income groups and the living environment",
        department_code="ZJJ",
        period_type=SIX_MONTHLY,
        approval_number="澜减负备〔2026〕11号",
        approval_kind="备案",
        valid_until=date(2028, 6, 30),
        purpose="动态监测低保户、低保边缘户和防返贫监测户等低收入群体住房安全，推进危房改造和生活垃圾治理。",
        deadline_days=15,
        fields=[
            _el("HH", "农户总户数", "HH_REGISTERED", "户"),
            _el("DIBAO_H", "低保户数", "DIBAO_HH", "户"),
            _el("MARGINAL", "低保边缘户数", "MARGINAL_HH", "户"),
            _el("MON_HH", "防返贫监测户数", "MONITORED_HH", "户"),
            _el("DILAP", "C级D级危房户数", "DILAPIDATED_HH", "户"),
            _el("RENOVATED", "农村危房改造户数", "DILAPIDATED_RENOVATED", "户"),
            _el("SELF_BUILT", "农村自建房栋数", "SELF_BUILT_HOUSES", "栋"),
            _el("WASTE", "生活垃圾收运处置情况", "HAS_WASTE_COLLECTION"),
        ],
        rules=[
            _error("DILAP <= HH", "危房户数不能超过农户总户数。", "Households in dilapidated housing cannot exceed households."),
            _error("DIBAO_H + MARGINAL <= HH", "低保户与低保边缘户合计不能超过农户总户数。",
                   "Allowance and marginal households together cannot exceed households."),
            _warning("DILAP == 0", "低收入群体住房安全应动态保障；存在危房户时请说明改造计划。",
                     "Low-income households should all live in safe housing; if not, describe the renovation plan."),
        ],
    )


_BUILDERS = (
    _mzj_dibao, _mzj_elderly_children, _wjw_maternal_child, _wjw_public_health, _tjj_basics,
    _rsj_employment_pension, _ybj_insurance, _tyj_veterans, _cl_disabled, _nyj_collective, _yjj_disasters,
    _gaj_population, _jyj_schooling, _sfj_mediation, _zjj_housing,
)


def demo_specs() -> list[SpecDraft]:
    """The demo city's report specifications, fresh objects each call, always the same."""
    return [build() for build in _BUILDERS]


def waiting_spec() -> SpecDraft:
    """A new form just submitted to the gate: one field the catalogue already has under another wording
    (the office sees it as a probable duplicate), one truly new, one already collected by civil affairs."""
    return SpecDraft(
        form_number="卫健季05表", title_zh="高龄老人健康关爱情况季报", title_en="Care for the oldest old",
        department_code="WJW", period_type=QUARTERLY, approval_kind="备案", approval_number="",
        valid_until=date(2028, 6, 30), purpose="掌握高龄老人健康关爱服务开展情况。", deadline_days=10,
        target_level=4,
        fields=[
            FieldDraft("AGED80", "八十周岁以上老年人数", unit="人"),
            FieldDraft("CENTENARIANS", "百岁老人数", unit="人"),
            FieldDraft("VISITS", "高龄老人上门巡访人次", unit="人次"),
            FieldDraft("POP", "户籍人口数", element_code="POP_REGISTERED"),
        ],
        rules=[RuleDraft("CENTENARIANS <= AGED80", "error", "百岁老人数不应多于80岁以上老年人数")],
    )
