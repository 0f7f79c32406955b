"""The main journeys, as people make them in a browser."""

import json

from stories import PASSWORD


def sign_in(page, base: str, name: str) -> None:
    page.goto(f"{base}/signin")
    page.fill("input[name=username]", name)
    page.fill("input[name=password]", PASSWORD)
    page.click("button[type=submit]")
    page.wait_for_url(f"{base}/")


def test_a_reporter_fills_checks_submits_and_keeps_the_receipt(page, live_server, shot):
    sign_in(page, live_server, "alice")
    page.click("header nav a:has-text('一表通')")
    page.wait_for_url("**/forms/V1/**")
    page.goto(f"{live_server}/forms/V1/202611")
    shot(page, "1-form")
    page.fill("input[name='v|POP_REGISTERED|']", "2000")
    page.fill("input[name='v|DIBAO_HOUSEHOLDS|']", "30")
    page.fill("input[name='v|DIBAO_PERSONS|']", "20")
    page.click("button[value=submit]")
    assert page.locator("text=低保人数不应少于低保户数").count() > 0  # the check blocks, nothing is lost
    assert page.input_value("input[name='v|DIBAO_HOUSEHOLDS|']") == "30"
    shot(page, "2-check-failed")
    page.fill("input[name='v|DIBAO_HOUSEHOLDS|']", "10")
    page.click("button[value=submit]")
    page.wait_for_selector("text=已提交")
    shot(page, "3-submitted")
    with page.expect_download() as download:
        page.click("text=下载回执")
    receipt = json.loads(open(download.value.path(), encoding="utf-8").read())
    assert receipt["receipt"] == "fillonce submission receipt v1" and receipt["values"]


def test_an_official_sees_what_is_missing(page, live_server, shot):
    sign_in(page, live_server, "carol")
    page.click("header nav a:has-text('未报送')")
    page.goto(f"{live_server}/missing?period=202611")
    assert page.locator("text=东湖社区").count() == 1 and page.locator("text=石桥村").count() == 0
    shot(page, "missing")


def test_a_department_downloads_its_report_in_every_format(page, live_server, shot):
    sign_in(page, live_server, "erin")
    page.click("header nav a:has-text('报表中心')")
    page.click("button:has-text('查看')")
    page.wait_for_selector("table.report")
    shot(page, "report")
    for label, suffix in (("下载 Excel", ".xlsx"), ("下载 CSV", ".csv"), ("数据包（zip）", ".zip")):
        with page.expect_download() as download:
            page.click(f"button:has-text('{label}')")
        assert download.value.suggested_filename.endswith(suffix)


def test_pages_fit_a_phone(browser, live_server, shot):
    phone = browser.new_page(viewport={"width": 390, "height": 844})
    sign_in(phone, live_server, "alice")
    phone.goto(f"{live_server}/forms/V1/202611")
    width = phone.evaluate("document.documentElement.scrollWidth")
    assert width <= 400, f"the one form is {width}px wide on a 390px phone"
    shot(phone, "phone")
    phone.close()


def _sign_out(page, base: str) -> None:
    page.context.clear_cookies()
    page.goto(f"{base}/signin")


def test_hidden_feedback_is_answered_without_the_department_learning_who_sent_it(page, live_server, shot):
    sign_in(page, live_server, "alice")
    page.click("header nav a:has-text('投诉建议')")
    page.select_option("select[name=kind]", "frequent")
    page.select_option("select[name=spec_id]", index=1)
    page.fill("textarea[name=body]", "民政月报与卫健月报重复询问低保人数，请合并。")
    page.check("input[name=hide]")
    page.click("button:text-is('提交')")
    page.wait_for_selector("text=民政月报与卫健月报重复询问低保人数")
    shot(page, "feedback-1-raised")
    detail = page.url if "/feedback/" in page.url else None
    _sign_out(page, live_server)

    sign_in(page, live_server, "erin")
    page.goto(f"{live_server}/feedback")
    assert page.locator("text=（已隐藏身份）").count() >= 1
    assert page.locator("text=alice").count() == 0
    page.click("table a >> nth=0")
    page.fill("textarea[name=text]", "已与卫健委协商，下月起低保人数只报一次。")
    page.click("button:text-is('提交答复')")
    page.wait_for_selector("text=已与卫健委协商")
    shot(page, "feedback-2-answered")
    answered = page.url
    _sign_out(page, live_server)

    sign_in(page, live_server, "alice")
    page.goto(detail or answered)
    assert page.locator("text=已与卫健委协商").count() >= 1
    shot(page, "feedback-3-seen-by-sender")
