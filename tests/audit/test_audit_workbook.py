"""Reading form templates, and the clear errors a bad input gets."""


from fillonce.audit.workbook import MAX_COLUMNS, read_workbook


def _only_form(path):
    reading = read_workbook(path)
    assert len(reading.forms) == 1, reading.errors
    return reading.forms[0]


def _labels(form):
    return [column.label for column in form.columns]


def test_title_bookkeeping_line_and_header_are_told_apart(xlsx):
    path = xlsx.village("民政_救助.xlsx", "困难群众救助情况表", ["村（社区）", "低保户数（户）", "低保人数", "临时救助金额（元）"])
    form = _only_form(path)
    assert form.title == "困难群众救助情况表"
    assert form.kind == "aggregate"
    assert form.header_rows == (3,)
    assert _labels(form) == ["村（社区）", "低保户数（户）", "低保人数", "临时救助金额（元）"]
    assert [c.key for c in form.columns] == [True, False, False, False]
    assert [c.unit for c in form.columns] == [None, "户", None, "元"]
    assert form.columns[1].cell == "B3"


def test_header_is_found_by_content_wherever_it_starts(xlsx):
    rows = [
        ["表　　号：X统1表"], ["制定机关：某某局", None, "批准文号：某统字〔2024〕1号"],
        ["有效期至：2026年12月"], [], ["乡村医生基本情况表"], ["填报单位：", None, "单位：人"],
        ["序号", "乡镇（街道）", "村医人数", "其中：女", "执业助理医师人数"],
        [1, "东岭镇", 12, 5, 3],
    ]
    form = _only_form(xlsx.form("卫健.xlsx", {"村医": rows}))
    assert form.header_rows == (7,)
    assert form.title == "乡村医生基本情况表"
    assert [c.unit for c in form.columns if not c.key] == ["人", "人", "人"]
    assert form.columns[3].parent == "村医人数"
    assert form.columns[3].match_label == "村医人数/其中：女"


def test_header_on_the_first_row_without_title(xlsx):
    form = _only_form(xlsx.form("台账.xlsx", {"Sheet1": [["姓名", "性别", "身份证号码", "现住址"]]}))
    assert form.header_rows == (1,)
    assert form.kind == "register"
    assert form.title == "台账"  # a generic sheet name gives way to the file name


def test_two_row_header_with_merged_parents(xlsx):
    rows = [
        ["人口基本情况表"],
        ["序号", "村（社区）", "户籍人口", None, None, "低保", None, "备注"],
        [None, None, "合计", "男", "女", "户数", "人数", None],
        [1, "青山村", 100, 52, 48, 3, 7, None],
    ]
    merges = ["A1:H1", "A2:A3", "B2:B3", "C2:E2", "F2:G2", "H2:H3"]
    form = _only_form(xlsx.form("人口.xlsx", {"Sheet1": rows}, merges={"Sheet1": merges}))
    assert form.header_rows == (2, 3)
    assert _labels(form) == ["序号", "村（社区）", "户籍人口/合计", "户籍人口/男", "户籍人口/女",
                             "低保/户数", "低保/人数", "备注"]
    assert [c.key for c in form.columns] == [True, True, False, False, False, False, False, True]


def test_three_row_header_with_a_part_group(xlsx):
    rows = [["村", "党员", None, None], [None, "合计", "其中：", None], [None, None, "女", "60岁以上"]]
    merges = ["A1:A3", "B1:D1", "B2:B3", "C2:D2"]
    form = _only_form(xlsx.form("党员.xlsx", {"Sheet1": rows}, merges={"Sheet1": merges}))
    assert form.header_rows == (1, 2, 3)
    assert _labels(form) == ["村", "党员/合计", "党员/其中：/女", "党员/其中：/60岁以上"]


def test_two_row_header_centred_without_merging(xlsx):
    rows = [["序号", "残疾人", None, "老年人"], [None, "人数", "其中：重度", "人数"], [1, 8, 2, 30]]
    form = _only_form(xlsx.form("残联.xlsx", {"Sheet1": rows}))
    assert form.header_rows == (1, 2)
    assert _labels(form)[1:] == ["残疾人/人数", "残疾人/其中：重度", "老年人/人数"]


def test_centred_parent_reaches_every_child(xlsx):
    rows = [["村", "低保", None, "特困"], [None, "户数", "人数", "人数"]]
    form = _only_form(xlsx.form("低保.xlsx", {"Sheet1": rows}))
    assert _labels(form) == ["村", "低保/户数", "低保/人数", "特困/人数"]


def test_units_row_under_the_header(xlsx):
    rows = [["村名", "户数", "人口", "集体收入"], [None, "（户）", "（人）", "（万元）"], ["青山村", 1, 2, 3]]
    form = _only_form(xlsx.form("统计.xlsx", {"Sheet1": rows}))
    assert [c.unit for c in form.columns] == [None, "户", "人", "万元"]


def test_form_wide_unit_line_applies_to_money_columns(xlsx):
    rows = [["村级财务收支表"], ["单位：万元"], ["村", "经营收入", "补助收入", "管理费支出"]]
    form = _only_form(xlsx.form("财务.xlsx", {"Sheet1": rows}))
    assert [c.unit for c in form.columns if not c.key] == ["万元", "万元", "万元"]


def test_hidden_sheets_are_skipped_and_each_visible_sheet_is_a_form(xlsx):
    sheets = {"低保": [["村", "低保户数", "低保人数"]], "特困": [["村", "特困人数", "集中供养人数"]],
              "下拉选项": [["是", "否"], ["男", "女"]]}
    reading = read_workbook(xlsx.form("救助.xlsx", sheets, hidden=["下拉选项"]))
    assert [form.sheet for form in reading.forms] == ["低保", "特困"]
    assert reading.errors == []


def test_register_is_told_from_aggregate(xlsx):
    rows = [["序号", "户主姓名", "家庭人口数", "致贫原因", "联系电话"]]
    assert _only_form(xlsx.form("名册.xlsx", {"Sheet1": rows})).kind == "register"


# --- bad input -----------------------------------------------------------------------------------


def _error(reading, *words):
    assert reading.forms == []
    assert len(reading.errors) == 1, reading.errors
    error = reading.errors[0]
    assert all(word in error.message for word in words), error.message
    return error


def test_password_protected_file(xlsx):
    content = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\0" * 500 + "EncryptionInfo".encode("utf-16-le")
    error = _error(read_workbook(xlsx.raw("加密.xlsx", content)), "加密")
    assert error.file == "加密.xlsx"


def test_old_xls_file(xlsx):
    _error(read_workbook(xlsx.raw("旧表.xls", b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\0" * 500)), ".xls")


def test_csv_or_other_text_file(xlsx):
    _error(read_workbook(xlsx.raw("名单.xlsx", "姓名,性别\n张三,男\n".encode())), "不是 xlsx")


def test_empty_file(xlsx):
    _error(read_workbook(xlsx.raw("空.xlsx", b"")), "为空")


def test_zip_that_is_not_a_workbook(xlsx):
    import zipfile

    path = xlsx.folder / "文档.xlsx"
    with zipfile.ZipFile(path, "w") as package:
        package.writestr("word/document.xml", "<w/>")
    _error(read_workbook(path), "workbook.xml")


def test_damaged_file(xlsx):
    _error(read_workbook(xlsx.raw("坏.xlsx", b"PK\x03\x04" + b"\x00" * 40)), "损坏")


def test_missing_file(xlsx):
    _error(read_workbook(xlsx.folder / "不存在.xlsx"), "无法读取")


def test_empty_sheet_is_reported_and_the_others_are_read(xlsx):
    reading = read_workbook(xlsx.form("两表.xlsx", {"空表": [], "正表": [["村", "户数", "人口数"]]}))
    assert [form.sheet for form in reading.forms] == ["正表"]
    assert [(e.sheet, e.cell) for e in reading.errors] == [("空表", "A1")]
    assert "为空" in reading.errors[0].message


def test_sheet_without_header(xlsx):
    error = _error(read_workbook(xlsx.form("说明.xlsx", {"说明": [["本表由村委会填写"], [], ["每月5日前报送"]]})),
                   "未找到表头")
    assert error.sheet == "说明"


def test_formula_in_the_header_names_the_cell(xlsx):
    rows = [["村", "户数", '=CONCATENATE("人","数")', "备注"]]
    reading = read_workbook(xlsx.form("公式.xlsx", {"Sheet1": rows}))
    assert _labels(reading.forms[0]) == ["村", "户数", "备注"]
    assert [(e.cell, "公式" in e.message) for e in reading.errors] == [("C1", True)]


def test_formulas_in_data_rows_are_normal(xlsx):
    rows = [["村", "男", "女", "合计"], ["青山村", 1, 2, "=B2+C2"]]
    assert read_workbook(xlsx.form("合计.xlsx", {"Sheet1": rows})).errors == []


def test_image_in_a_cell_from_wps(xlsx):
    rows = [["村", "户数", '=_xlfn.DISPIMG("ID_0A1B2C",1)']]
    reading = read_workbook(xlsx.form("图片.xlsx", {"Sheet1": rows}))
    assert [(e.cell, "图片" in e.message) for e in reading.errors] == [("C1", True)]


def test_picture_over_the_sheet_names_its_cell(xlsx):
    path = xlsx.form("扫描件.xlsx", {"Sheet1": [["村", "户数", "人数"]]})
    reading = read_workbook(xlsx.add_picture(path, col=3, row=0))
    assert len(reading.forms) == 1
    assert [(e.sheet, e.cell, "图片" in e.message) for e in reading.errors] == [("Sheet1", "D1", True)]


def test_ten_thousand_columns_are_cut_with_a_message(xlsx):
    header = ["村"] + [f"第{i}项指标人数" for i in range(1, 10_000)]
    path = xlsx.form("超宽.xlsx", {"Sheet1": [["超宽表"], header]})
    reading = read_workbook(path)
    assert len(reading.forms[0].columns) == MAX_COLUMNS
    [error] = reading.errors
    assert error.cell == "ALM2" and str(MAX_COLUMNS) in error.message


def test_indicator_list_forms_are_flagged(xlsx):
    rows = [["指标名称", "计量单位", "代码", "本年", "上年同期"], ["户籍人口", "人", "01", 1, 2]]
    reading = read_workbook(xlsx.form("年报.xlsx", {"Sheet1": rows}))
    assert [c.key for c in reading.forms[0].columns] == [True, True, True, False, False]
    assert ["按行列出指标" in e.message for e in reading.errors] == [True]
