"""The admin panel in real headless Chromium against a real `parley serve` whose model is a fake
OpenAI-compatible server over HTTP: sign in with the keyboard, edit a persona and see the next
chat turn's prompt carry it, add a FAQ and find it in the retrieval playground, read a
transcript with its model, tokens and cost, see the usage charts; on a phone-sized screen too.
Screenshots go to .build/test-artifacts/browser/panel-*.png."""

import gzip
import json
import re
import time
import unittest
import urllib.request

from selenium.webdriver.common.by import By
from selenium.webdriver.common.keys import Keys

from harness import ARTIFACTS, FakeLLM, ParleyServer, chromium, wait_until

PASSWORD = "panel test password 42"
PRICES = "  prices:\n    fake-model: {prompt: 3000, completion: 15000}\n"

# WCAG 2 contrast of an element's text against the first opaque background behind it.
CONTRAST = """
function rgb(text) { const m = text.match(/[\\d.]+/g).map(Number); return {r: m[0], g: m[1], b: m[2], a: m.length > 3 ? m[3] : 1}; }
function lum(c) { return [c.r, c.g, c.b].map(v => { v /= 255; return v <= 0.03928 ? v / 12.92 : Math.pow((v + 0.055) / 1.055, 2.4); })
  .reduce((s, v, i) => s + v * [0.2126, 0.7152, 0.0722][i], 0); }
function background(el) { for (; el; el = el.parentElement) { const c = rgb(getComputedStyle(el).backgroundColor); if (c.a > 0.99) return c; }
  return {r: 255, g: 255, b: 255, a: 1}; }
const results = [];
for (const el of document.querySelectorAll(arguments[0])) {
  if (!el.offsetParent && getComputedStyle(el).position !== 'fixed') continue;
  const fg = lum(rgb(getComputedStyle(el).color)), bg = lum(background(el));
  results.push({tag: el.tagName, cls: el.className, ratio: (Math.max(fg, bg) + 0.05) / (Math.min(fg, bg) + 0.05)});
}
return results;
"""


class PanelTests(unittest.TestCase):
    @classmethod
    def setUpClass(cls):
        cls.llm = FakeLLM("Our e-bikes ship within five working days [1].")
        cls.server = ParleyServer(llm=cls.llm, word_delay_ms=0, extra_config=PRICES)
        cls.server.create_account("owner@demo.example", "owner", PASSWORD)
        cls.server.start()
        ARTIFACTS.mkdir(parents=True, exist_ok=True)

    @classmethod
    def tearDownClass(cls):
        cls.server.remove()
        cls.llm.close()

    def setUp(self):
        self.driver = chromium(1280, 900)

    def tearDown(self):
        self.driver.quit()

    def find(self, selector):
        return self.driver.find_element(By.CSS_SELECTOR, selector)

    def wait_for(self, predicate, timeout=30, message="condition"):
        value = wait_until(predicate, timeout)
        if not value:
            self.fail(f"timed out waiting for {message}")
        return value

    def sign_in(self):
        self.driver.get(self.server.origin + "/admin/t/demo/agents")
        self.wait_for(lambda: "/admin/login" in self.driver.current_url, message="the sign-in page")
        # With the keyboard only: the e-mail field has focus, Tab to the password, Enter submits.
        active = self.driver.switch_to.active_element
        self.assertEqual(active.get_attribute("id"), "email")
        active.send_keys("owner@demo.example", Keys.TAB)
        self.driver.switch_to.active_element.send_keys(PASSWORD, Keys.ENTER)
        self.wait_for(lambda: self.driver.current_url.endswith("/admin/t/demo/agents"), message="the page asked for, after sign-in")

    def chat(self, message):
        request = urllib.request.Request(self.server.origin + "/a/sales/chat?stream=false", method="POST",
                                         data=json.dumps({"message": message}).encode(), headers={"Content-Type": "application/json"})
        with urllib.request.urlopen(request, timeout=60) as response:
            return json.loads(response.read())

    def test_1_persona_edit_reaches_the_next_chat_turn(self):
        self.sign_in()
        self.driver.get(self.server.origin + "/admin/t/demo/personas/sales")
        prompt = self.find("#prompt")
        prompt.clear()
        prompt.send_keys("You are Sunny, the cheerful assistant of Aurora e-bikes. PANEL-PERSONA-MARKER.")
        self.find("form.card button[type=submit]").click()
        self.wait_for(lambda: "done=persona_saved" in self.driver.current_url, message="the persona to save")
        self.assertIn("The persona is saved", self.find("p.notice").text)
        self.driver.save_screenshot(str(ARTIFACTS / "panel-agents.png"))
        before = len(self.llm.requests)
        self.chat("How fast do you deliver?")
        # The answer's request (the lead extractor's, asked for JSON, may come first).
        answers = [r for r in self.llm.requests[before:] if "response_format" not in r]
        self.assertTrue(answers, self.llm.requests[before:])
        system = [m["content"] for m in answers[0]["messages"] if m["role"] == "system"]
        self.assertTrue(any("PANEL-PERSONA-MARKER" in text for text in system), system)

    def test_2_faq_is_found_in_the_playground(self):
        self.sign_in()
        self.driver.get(self.server.origin + "/admin/t/demo/knowledge")
        self.find("#faq-title").send_keys("Bike club FAQ")
        self.find("#faq").send_keys("Do you run a bike club for owners?\nYes: the Aurora riders club meets every first Sunday.")
        self.find("#faq").submit()
        self.wait_for(lambda: "done=source_added" in self.driver.current_url, message="the source to be added")

        def indexed():
            self.driver.refresh()
            row = [r for r in self.driver.find_elements(By.CSS_SELECTOR, "tbody tr") if "Bike club FAQ" in r.text]
            return row and "indexed" in row[0].text
        self.wait_for(indexed, timeout=60, message="the FAQ to be indexed")
        self.driver.get(self.server.origin + "/admin/t/demo/playground")
        question = self.find("#question")
        question.send_keys("is there a club for riders", Keys.ENTER)
        self.wait_for(lambda: self.driver.find_elements(By.CSS_SELECTOR, "li.passage"), message="ranked passages")
        first = self.driver.find_elements(By.CSS_SELECTOR, "li.passage")[0].text
        self.assertIn("Bike club FAQ", first)
        self.assertIn("first Sunday", first)
        self.assertRegex(first, r"words: #\d+")
        self.driver.save_screenshot(str(ARTIFACTS / "panel-playground.png"))

    def test_7_retrieval_quality_is_measured_on_request(self):
        self.sign_in()
        self.driver.get(self.server.origin + "/admin/t/demo/quality")
        self.assertEqual(self.find("h1").text, "Retrieval quality")
        self.find("form.card button[type=submit]").click()
        self.wait_for(lambda: "done=measure_queued" in self.driver.current_url, message="the measurement to be queued")
        self.assertIn("being measured", self.find("p.notice").text)

        def measured():
            self.driver.refresh()
            return self.driver.find_elements(By.CSS_SELECTOR, "table.quality tbody tr")
        rows = self.wait_for(measured, timeout=120, message="the report")
        modes = [row.find_element(By.CSS_SELECTOR, "th").text for row in rows]
        self.assertEqual(modes, ["lexical", "dense", "hybrid"])
        for row in rows:
            value = float(row.find_element(By.CSS_SELECTOR, "meter").get_attribute("value"))
            self.assertTrue(0 <= value <= 100, value)
            low, high = re.match(r"([\d.]+) to ([\d.]+)", row.find_elements(By.CSS_SELECTOR, "td")[1].text).groups()
            self.assertTrue(float(low) <= value <= float(high), (low, value, high))
        self.assertRegex(self.find("section.card p").text, r"\d+ passages, \d+ self-queries: \d+ questions")
        curve = self.driver.find_elements(By.CSS_SELECTOR, "table.curve tbody tr")
        self.assertEqual([row.find_element(By.CSS_SELECTOR, "th").text for row in curve], [f"{i / 10:.1f}" for i in range(11)])
        self.assertRegex(self.find("#weight").text, r"Dense weight in use: \d\.\d")
        self.driver.save_screenshot(str(ARTIFACTS / "panel-quality.png"))

    def test_3_transcript_and_usage_charts(self):
        answer = self.chat("Do you ship to Austria?")
        self.assertIn("five working days", answer["answer"])
        self.sign_in()
        self.driver.get(self.server.origin + "/admin/t/demo/conversations")
        link = self.wait_for(lambda: [a for a in self.driver.find_elements(By.CSS_SELECTOR, "tbody a")], message="a conversation")[0]
        link.click()
        self.wait_for(lambda: "/conversations/" in self.driver.current_url, message="the transcript")
        messages = [m.text for m in self.driver.find_elements(By.CSS_SELECTOR, "li.message")]
        transcript = "\n".join(messages)
        self.assertIn("Do you ship to Austria?", transcript)
        self.assertIn("five working days", transcript)
        self.assertIn("fake-model", transcript)
        self.assertRegex(transcript, r"\d+ in, \d+ out tokens")
        self.assertRegex(transcript, r"\$0\.\d+")
        # Every complete answer carries its confidence (0 to 1).
        confidence = float(re.search(r"confidence (\d\.\d\d)", transcript).group(1))
        self.assertTrue(0 <= confidence <= 1, confidence)
        self.driver.save_screenshot(str(ARTIFACTS / "panel-transcript.png"))

        self.driver.get(self.server.origin + "/admin/t/demo/usage")
        charts = self.driver.find_elements(By.CSS_SELECTOR, ".chart svg")
        self.assertEqual(len(charts), 2)
        heights = self.driver.execute_script(
            "return [...document.querySelectorAll('.chart svg')].map(s => [...s.querySelectorAll('rect')].map(r => r.getBBox().height))")
        self.assertTrue(all(any(h > 1 for h in chart) for chart in heights), "both charts draw today's bar")
        self.assertIn("fake-model", self.find("body").text)
        self.driver.save_screenshot(str(ARTIFACTS / "panel-usage.png"))

    def test_4_keyboard_contrast_and_phone(self):
        self.sign_in()
        for path in ["/admin/t/demo", "/admin/t/demo/knowledge", "/admin/t/demo/usage", "/admin/t/demo/agents", "/admin/t/demo/widget"]:
            self.driver.get(self.server.origin + path)
            # The first Tab reaches the skip link, which jumps to the content.
            self.find("body").send_keys(Keys.TAB)
            self.assertEqual(self.driver.switch_to.active_element.get_attribute("class"), "skip", path)
            ratios = self.driver.execute_script(CONTRAST, "body, h1, h2, p, td, th, label, a, button, .muted, .hint, .badge, nav.sections a")
            low = [r for r in ratios if r["ratio"] < 4.5]
            self.assertEqual(low, [], f"{path}: text below WCAG AA contrast")
            errors = [e for e in self.driver.get_log("browser") if e["level"] == "SEVERE"]
            self.assertEqual(errors, [], f"{path}: console errors (CSP violations show here)")
        self.driver.execute_cdp_cmd("Emulation.setDeviceMetricsOverride", {"width": 390, "height": 844, "deviceScaleFactor": 1, "mobile": True})
        for path in ["/admin/t/demo", "/admin/t/demo/conversations", "/admin/t/demo/usage", "/admin/t/demo/knowledge"]:
            self.driver.get(self.server.origin + path)
            overflow = self.driver.execute_script("return document.documentElement.scrollWidth - window.innerWidth")
            self.assertLessEqual(overflow, 1, f"{path} scrolls sideways on a phone")
        self.driver.save_screenshot(str(ARTIFACTS / "panel-phone-usage.png"))

    def test_6_widget_preview_follows_the_form(self):
        self.sign_in()
        self.driver.get(self.server.origin + "/admin/t/demo/widget")
        title = self.find("#w-title")
        title.clear()
        title.send_keys("Ask Aurora")
        self.assertEqual(self.find(".preview-title").text, "Ask Aurora")
        self.driver.execute_script("const c = document.getElementById('w-color'); c.value = '#aa3300'; c.dispatchEvent(new Event('input', {bubbles: true}));")
        self.assertEqual(self.driver.execute_script("return getComputedStyle(document.querySelector('.preview-header')).backgroundColor"), "rgb(170, 51, 0)")
        self.driver.save_screenshot(str(ARTIFACTS / "panel-widget.png"))
        self.find("#widget-form button[type=submit]").click()
        self.wait_for(lambda: "done=settings_saved" in self.driver.current_url, message="the settings to save")
        with urllib.request.urlopen(self.server.origin + "/a/sales/config", timeout=10) as response:
            self.assertEqual(json.loads(response.read())["appearance"]["title"], "Ask Aurora")

    def test_5_page_weight(self):
        """Prints each page's HTML + CSS + JS, gzipped (the figure the README reports)."""
        cookie = self.server_cookie()
        def fetch(path):
            request = urllib.request.Request(self.server.origin + path, headers={"Cookie": cookie})
            with urllib.request.urlopen(request, timeout=30) as response:
                return response.read()
        assets = len(gzip.compress(fetch("/admin/assets/panel.css"))) + len(gzip.compress(fetch("/admin/assets/panel.js")))
        for path in ["/admin/t/demo", "/admin/t/demo/conversations", "/admin/t/demo/knowledge", "/admin/t/demo/usage"]:
            html = len(gzip.compress(fetch(path)))
            print(f"[panel] {path}: HTML {html} B + CSS/JS {assets} B gzipped = {html + assets} B")
            self.assertLess(html + assets, 30_000)

    def server_cookie(self):
        self.sign_in()
        return "parley_admin=" + self.driver.get_cookie("parley_admin")["value"]


if __name__ == "__main__":
    unittest.main()
