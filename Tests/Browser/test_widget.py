"""The chat widget in real headless Chromium against a real Parley server (offline answerer).

Run by the README's test command (scripts/test); alone: python3 -m unittest discover -s Tests/Browser -v
Screenshots of the open widget land in .build/test-artifacts/browser/."""

import gzip
import time
import unittest
import urllib.request

from selenium.webdriver.common.action_chains import ActionChains
from selenium.webdriver.common.keys import Keys

from harness import ARTIFACTS, HostSite, ParleyServer
from widget_case import MEASURED, OBSERVE, ROOT, WidgetTestCase

SERVER = None
ALLOWED = None
REFUSED = None

HOSTILE_TEXT = (
    "Zorblax manual: <img src=x onerror=\"window.__pwned=1\"> then <script>window.__pwned=2</script> "
    "then <b>zorblax bold</b> then [zorblax link](javascript:window.__pwned=3) then <a href=\"javascript:window.__pwned=4\">zorblax anchor</a> "
    "end of the zorblax manual")


def setUpModule():
    global SERVER, ALLOWED, REFUSED
    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    SERVER = ParleyServer()
    SERVER.start()
    key = SERVER.widget_key()
    ALLOWED = HostSite(SERVER.origin, key)
    REFUSED = HostSite(SERVER.origin, key)
    SERVER.settings("allowed_origins=" + ALLOWED.origin)
    SERVER.add_source("Zorblax manual", HOSTILE_TEXT)


def tearDownModule():
    for site in (ALLOWED, REFUSED):
        if site:
            site.close()
    if SERVER:
        SERVER.remove()


class ChatTests(WidgetTestCase):
    def test_question_streams_tokens_and_completes_with_citations(self):
        self.open_widget(SERVER.origin + "/demo")
        self.js(OBSERVE)
        answer = self.ask("How long is the warranty?")
        samples = self.js("window.__pwObserver.disconnect(); return window.__pwSamples")

        streaming = [sample["length"] for sample in samples if sample["cursor"]]
        self.assertGreaterEqual(len(set(streaming)), 3, f"tokens should arrive one after another with a cursor: {samples}")
        self.assertEqual(streaming, sorted(streaming), "the streamed text only grows")
        self.assertIn("warranty", answer.lower())
        self.assertLess(streaming[0], len(answer))
        self.assertEqual(self.js("return " + ROOT + ".querySelector('[role=status]').textContent"), "Answer complete.")

        sources = self.js("return Array.from(" + ROOT + ".querySelectorAll('.msg.bot:last-child .source')).map(s => s.textContent)")
        self.assertTrue(sources and all(source.startswith("[") for source in sources), sources)
        markers = self.js("return " + ROOT + ".querySelectorAll('.msg.bot:last-child .body .ref').length")
        self.assertGreater(markers, 0, "citation numbers in the text are clickable")
        # A citation's snippet shows on focus.
        self.js(ROOT + ".querySelector('.msg.bot:last-child .body .ref').click()")
        self.assertEqual(self.js("const a = " + ROOT + ".activeElement; return a && a.classList.contains('source') ? getComputedStyle(a.nextElementSibling).display : null"), "block")
        self.assertEqual(self.widget_logs(), [])

    def test_reload_restores_history_and_clear_empties_the_pane_only(self):
        self.open_widget(SERVER.origin + "/demo")
        answer = self.ask("What does delivery cost?")
        self.driver.refresh()
        self.open_widget()
        self.wait_for(ROOT + ".querySelectorAll('.msg').length === 2", message="the restored history")
        texts = self.js("return Array.from(" + ROOT + ".querySelectorAll('.msg .body')).map(b => b.textContent)")
        self.assertEqual(texts, ["What does delivery cost?", answer])
        self.assertGreater(self.js("return " + ROOT + ".querySelectorAll('.msg.bot .source').length"), 0, "citations come back too")

        self.shadow(".header .text-button").click()
        self.assertEqual(self.message_count(), 0)
        self.driver.refresh()
        self.open_widget()
        self.wait_for(ROOT + ".querySelectorAll('.msg').length === 2", message="the history after Clear")

    def test_keyboard_only(self):
        self.load(SERVER.origin + "/demo")
        actions = ActionChains(self.driver)
        for _ in range(40):
            if self.js("return document.activeElement.tagName === 'PARLEY-CHAT' && " + ROOT + ".activeElement.classList.contains('launcher')"):
                break
            actions.send_keys(Keys.TAB).perform()
        else:
            self.fail("Tab never reached the chat button")
        actions.send_keys(Keys.ENTER).perform()
        self.wait_for(ROOT + ".activeElement && " + ROOT + ".activeElement.tagName === 'TEXTAREA'", message="focus in the input")
        self.wait_for(ROOT + ".querySelectorAll('.msg').length === 1", message="the greeting")

        actions.send_keys("How heavy is the Aurora City?").perform()
        actions.send_keys(Keys.ENTER).perform()
        self.assertIn("\n", self.js("return " + ROOT + ".querySelector('textarea').value"), "Enter inserts a new line")
        self.assertEqual(self.message_count(), 1, "Enter alone does not send")
        ActionChains(self.driver).key_down(Keys.CONTROL).send_keys(Keys.ENTER).key_up(Keys.CONTROL).perform()
        answer = self.wait_for_answer(1)
        self.assertIn("16.5", answer)
        self.assertEqual(self.js("return " + ROOT + ".querySelector('.msg.user .body').textContent"), "How heavy is the Aurora City?")

        # Focus stays in the open pane.
        for _ in range(25):
            ActionChains(self.driver).send_keys(Keys.TAB).perform()
            self.assertTrue(self.js("return document.activeElement.tagName === 'PARLEY-CHAT' && "
                                    + ROOT + ".querySelector('.pane').contains(" + ROOT + ".activeElement)"))
        ActionChains(self.driver).key_down(Keys.SHIFT).send_keys(Keys.TAB).key_up(Keys.SHIFT).perform()
        self.assertTrue(self.js("return " + ROOT + ".querySelector('.pane').contains(" + ROOT + ".activeElement)"))
        # Escape closes and gives focus back to the button.
        ActionChains(self.driver).send_keys(Keys.ESCAPE).perform()
        self.assertTrue(self.js("return " + ROOT + ".querySelector('.pane').hidden"))
        self.assertTrue(self.js("return " + ROOT + ".activeElement.classList.contains('launcher')"))
        self.assertEqual(self.js("return " + ROOT + ".querySelector('.launcher').getAttribute('aria-expanded')"), "false")

    def test_hostile_answer_renders_inert(self):
        self.open_widget(SERVER.origin + "/demo")
        answer = self.ask("What does the zorblax manual say?")
        self.assertIn("<img src=x onerror=", answer, "the tag is shown as text")
        self.assertIn("<script>window.__pwned=2</script>", answer)
        self.assertIn('<a href="javascript:window.__pwned=4">', answer)
        time.sleep(0.3)
        self.assertIsNone(self.js("return window.__pwned"))
        self.assertEqual(self.js("return " + ROOT + ".querySelectorAll('.log img, .log script, .log iframe').length"), 0)
        self.assertEqual(self.js("return document.querySelectorAll('img[src=x], script:not([src])').length"), 0)
        hrefs = self.js("return Array.from(" + ROOT + ".querySelectorAll('.log a')).map(a => a.getAttribute('href'))")
        self.assertTrue(all(href.startswith(("http://", "https://", "mailto:", "tel:")) for href in hrefs), hrefs)
        link_texts = self.js("return Array.from(" + ROOT + ".querySelectorAll('.log a')).map(a => a.textContent)")
        self.assertNotIn("zorblax link", link_texts, "a javascript: link keeps its text but loses its link")
        self.assertIn("zorblax link", answer)
        # ui.allow_basic_html (on by default) keeps <b> as bold, attribute-free tags only.
        self.assertEqual(self.js("return Array.from(" + ROOT + ".querySelectorAll('.log strong')).map(s => s.textContent)"), ["zorblax bold"])

    def test_full_page_chat_uses_the_same_component(self):
        self.driver.get(SERVER.origin + "/a/sales/")
        self.wait_for(ROOT + ".querySelector('.pane')", message="the page chat")
        self.assertIsNone(self.js("return " + ROOT + ".querySelector('.launcher')"))
        self.assertEqual(self.js("return " + ROOT + ".querySelector('.pane').getAttribute('role')"), "region")
        self.wait_for(ROOT + ".querySelectorAll('.msg').length === 1", message="the greeting")
        self.assertIn("16.5", self.ask("How heavy is the Aurora City?"))
        violations = [entry for entry in self.driver.get_log("browser") if "Content Security Policy" in entry["message"]]
        self.assertEqual(violations, [], "the widget runs under the page's strict CSP")


class HostPageTests(WidgetTestCase):
    maxDiff = None

    def test_hostile_host_css_changes_nothing_and_widget_css_stays_inside(self):
        self.open_widget(ALLOWED.origin + "/plain")
        plain = self.styles()
        self.open_widget(ALLOWED.origin + "/hostile")
        hostile = self.styles()
        for selector in MEASURED:
            self.assertIsNotNone(plain[selector], selector)
            self.assertEqual(hostile[selector], plain[selector], f"{selector} looks the same on a hostile page")
        # The hostile rules are live on the host page, and the widget's rules do not reach it.
        decoy = self.js("""const s = getComputedStyle(document.getElementById('decoy-launcher'));
                           return [s.position, s.backgroundColor, getComputedStyle(document.getElementById('decoy-hint')).fontSize]""")
        self.assertEqual(decoy, ["static", "rgb(255, 255, 0)", "31px"])

    def test_second_origin_allowed_works_and_other_origin_is_refused(self):
        self.open_widget(ALLOWED.origin + "/plain")
        answer = self.ask("How long is the warranty?")
        self.assertIn("warranty", answer.lower())

        messages, sessions = SERVER.count("messages"), SERVER.count("sessions")
        self.open_widget(REFUSED.origin + "/plain")
        self.wait_for("!" + ROOT + ".querySelector('.notice').hidden", message="the unavailable notice")
        self.assertEqual(self.js("return " + ROOT + ".querySelector('.notice').textContent"),
                         "This chat is not available on this page right now.")
        self.assertTrue(self.js("return " + ROOT + ".querySelector('textarea').disabled"))
        # The page's own attempt to call the chat API directly is refused by the server too.
        outcome = self.driver.execute_async_script("""
            const done = arguments[arguments.length - 1];
            fetch(arguments[0] + '/a/sales/chat', {method: 'POST', headers: {'Content-Type': 'application/json',
                  'X-Parley-Tenant': arguments[1]}, body: JSON.stringify({message: 'hello'})})
              .then(r => done('status ' + r.status), e => done('refused'));""", SERVER.origin, ALLOWED.widget_key)
        self.assertEqual(outcome, "refused")
        self.assertEqual((SERVER.count("messages"), SERVER.count("sessions")), (messages, sessions), "nothing was written")
        self.assertEqual(len(self.widget_logs()), 1, "the refusal is reported to the console once")

    def test_languages_from_data_lang_or_the_page(self):
        expected = {"en": ("Open chat", "Type your message…"), "de": ("Chat öffnen", "Ihre Nachricht…"),
                    "fr": ("Ouvrir le chat", "Votre message…"), "nl": ("Chat openen", "Uw bericht…"),
                    "es": ("Abrir el chat", "Escriba su mensaje…")}
        for code, (label, placeholder) in expected.items():
            self.load(ALLOWED.origin + "/lang/" + code)
            self.assertEqual(self.js("return " + ROOT + ".querySelector('.launcher').getAttribute('aria-label')"), label, code)
            self.assertEqual(self.js("return " + ROOT + ".querySelector('textarea').placeholder"), placeholder, code)
        self.load(ALLOWED.origin + "/german")  # <html lang="de-AT">, no data-lang
        self.assertEqual(self.js("return " + ROOT + ".querySelector('.launcher').getAttribute('aria-label')"), "Chat öffnen")

    def test_widget_errors_stay_inside_and_are_reported_once(self):
        self.driver.get(ALLOWED.origin + "/broken")
        self.wait_for("window.__hostOk === true", message="the host page to finish loading")
        self.assertEqual(self.js("return document.getElementById('content').textContent"), "Shop")
        self.assertIsNone(self.js("return document.querySelector('parley-chat')"))
        logs = self.widget_logs()
        self.assertEqual(len(logs), 1, logs)
        self.assertIn("data-agent", logs[0]["message"])


class ConsentTests(WidgetTestCase):
    def test_consent_notice_decline_keeps_chat_closed_accept_opens_it(self):
        SERVER.settings("consent_required=true", "terms_version=2026-11")
        try:
            self.open_widget(SERVER.origin + "/demo")
            self.wait_for("!" + ROOT + ".querySelector('.consent').hidden", message="the consent notice")
            self.assertIn("2026-11", self.js("return " + ROOT + ".querySelector('.consent p').textContent"))
            self.assertTrue(self.js("return " + ROOT + ".querySelector('.log').hidden && " + ROOT + ".querySelector('.composer').hidden"))
            self.shadow(".consent .secondary").click()
            self.wait_for(ROOT + ".querySelector('.pane').hidden", message="the pane to close after Decline")
            self.assertTrue(self.js("return " + ROOT + ".activeElement.classList.contains('launcher')"))

            self.open_widget()
            self.wait_for("!" + ROOT + ".querySelector('.consent').hidden", message="the notice again")
            self.shadow(".consent .primary").click()
            self.wait_for(ROOT + ".querySelector('.consent').hidden && " + ROOT + ".querySelectorAll('.msg').length === 1",
                          message="the chat after Accept")
            self.assertIn("16.5", self.ask("How heavy is the Aurora City?"))
            rows = SERVER.rows("SELECT accepted, terms_version, ip_address, user_agent FROM consents ORDER BY created_at")
            self.assertEqual([(bool(r[0]), r[1]) for r in rows[-2:]], [(False, "2026-11"), (True, "2026-11")])
            self.assertEqual(rows[-1][2], "127.0.0.1")
            self.assertIn("Chrome", rows[-1][3])

            self.driver.refresh()
            self.open_widget()
            self.wait_for(ROOT + ".querySelectorAll('.msg').length === 2", message="history without asking again")
            self.assertTrue(self.js("return " + ROOT + ".querySelector('.consent').hidden"))
        finally:
            SERVER.settings(unset=["consent_required", "terms_version"])


class LeadFormTests(WidgetTestCase):
    def test_a_visitor_asking_for_a_call_back_leaves_their_details_in_the_form(self):
        self.open_widget(SERVER.origin + "/demo")
        self.ask("Can someone call me back about the Aurora City?")
        self.wait_for(ROOT + ".querySelector('form.lead')", message="the lead form")
        self.assertEqual(self.js("return " + ROOT + ".activeElement.getAttribute('name')"), "name", "focus moves into the form")
        self.driver.save_screenshot(str(ARTIFACTS / "widget-lead-form.png"))
        fields = self.js("return Array.from(" + ROOT + ".querySelectorAll('form.lead [name]')).map(f => f.getAttribute('name'))")
        self.assertEqual(fields, ["name", "email", "phone", "note", "consent"])
        # Without a way to reach them, or without consent, the form says so and sends nothing.
        self.shadow("form.lead input[name=name]").send_keys("Ada <b>Lovelace</b>")
        self.shadow("form.lead .primary").click()
        self.wait_for("!" + ROOT + ".querySelector('form.lead .problem').hidden", message="the missing-contact message")
        self.assertIn("e-mail", self.js("return " + ROOT + ".querySelector('form.lead .problem').textContent"))
        self.shadow("form.lead input[name=email]").send_keys("ada@example.com")
        self.shadow("form.lead .primary").click()
        self.wait_for(ROOT + ".querySelector('form.lead .problem').textContent.includes('tick')", message="the consent message")
        self.assertEqual(SERVER.count("profiles WHERE email = 'ada@example.com'"), 0)
        self.shadow("form.lead input[name=consent]").click()
        self.shadow("form.lead .primary").click()
        self.wait_for(ROOT + ".querySelector('form.lead .thanks')", message="the thanks")
        self.assertIn("Thank you", self.js("return " + ROOT + ".querySelector('form.lead .thanks').textContent"))
        rows = SERVER.rows("SELECT customer_name, email, stage FROM profiles WHERE email = 'ada@example.com'")
        self.assertEqual(rows, [("Ada <b>Lovelace</b>", "ada@example.com", "qualified")])
        self.driver.save_screenshot(str(ARTIFACTS / "widget-lead-form-sent.png"))
        # Asking again in the same conversation does not offer the form a second time.
        self.ask("Could you call me back tomorrow instead?")
        time.sleep(0.3)
        self.assertEqual(self.js("return " + ROOT + ".querySelectorAll('form.lead').length"), 1)
        self.assertEqual(self.widget_logs(), [])

    def test_no_thanks_dismisses_the_form_for_the_conversation(self):
        self.open_widget(SERVER.origin + "/demo")
        self.ask("I would like a quote for ten bikes")
        self.wait_for(ROOT + ".querySelector('form.lead')", message="the lead form")
        self.shadow("form.lead .secondary").click()
        self.wait_for("!" + ROOT + ".querySelector('form.lead')", message="the form to go")
        self.assertEqual(self.js("return " + ROOT + ".activeElement.tagName"), "TEXTAREA")
        self.ask("And a quote for twenty?")
        time.sleep(0.3)
        self.assertIsNone(self.js("return " + ROOT + ".querySelector('form.lead')"))


def contrast(foreground, background):
    def luminance(rgb):
        channels = []
        for value in rgb:
            c = value / 255
            channels.append(c / 12.92 if c <= 0.03928 else ((c + 0.055) / 1.055) ** 2.4)
        return 0.2126 * channels[0] + 0.7152 * channels[1] + 0.0722 * channels[2]
    def parse(css):
        return [float(part) for part in css[css.index("(") + 1:css.index(")")].split(",")[:3]]
    a, b = luminance(parse(foreground)), luminance(parse(background))
    return (max(a, b) + 0.05) / (min(a, b) + 0.05)


class ContrastTests(WidgetTestCase):
    PAIRS = [(".title", ".header"), (".msg.user .body", ".msg.user"), (".msg.bot .body", ".msg.bot"),
             (".hint", ".composer"), (".sources .label", ".msg.bot:last-child"), (".source", ".msg.bot:last-child"),
             (".input", ".input"), (".launcher", ".launcher"), (".send", ".send")]

    def colours(self):
        return self.js("""
            const root = """ + ROOT + """;
            return arguments[0].map(([text, box]) => [getComputedStyle(root.querySelector(text)).color,
                                                     getComputedStyle(root.querySelector(box)).backgroundColor]);""",
                       [list(pair) for pair in self.PAIRS])

    def test_text_meets_wcag_aa_in_light_and_dark_and_on_a_pale_accent(self):
        self.open_widget(SERVER.origin + "/demo")
        self.ask("How long is the warranty?")
        for scheme in ["light", "dark"]:
            self.driver.execute_cdp_cmd("Emulation.setEmulatedMedia", {"features": [{"name": "prefers-color-scheme", "value": scheme}]})
            for (text, box), (foreground, background) in zip(self.PAIRS, self.colours()):
                self.assertGreaterEqual(contrast(foreground, background), 4.5, f"{scheme}: {text} {foreground} on {box} {background}")
        # A pale accent from the page gets dark text on it.
        self.driver.execute_cdp_cmd("Emulation.setEmulatedMedia", {"features": [{"name": "prefers-color-scheme", "value": "light"}]})
        self.load(ALLOWED.origin + "/lang/en")
        self.js("const s = document.createElement('script'); s.src = arguments[0] + '/widget.js';"
                "s.dataset.tenant = arguments[1]; s.dataset.color = '#ffe066'; document.body.appendChild(s);"
                "document.querySelector('parley-chat').remove();", SERVER.origin, ALLOWED.widget_key)
        self.open_widget()
        title, header = self.js("const r = " + ROOT + "; return [getComputedStyle(r.querySelector('.title')).color,"
                                " getComputedStyle(r.querySelector('.header')).backgroundColor]")
        self.assertEqual(header, "rgb(255, 224, 102)")
        self.assertGreaterEqual(contrast(title, header), 4.5)


class DeliveryTests(unittest.TestCase):
    def test_widget_weight_etag_and_cache_headers(self):
        request = urllib.request.Request(SERVER.origin + "/widget.js", headers={"Accept-Encoding": "gzip"})
        with urllib.request.urlopen(request) as response:
            compressed = response.read()
            headers = response.headers
        self.assertEqual(headers["Content-Encoding"], "gzip")
        script = gzip.decompress(compressed)
        self.assertIn(b".launcher", script, "the stylesheet is inside the script")
        self.assertLessEqual(len(compressed), 25 * 1024, f"widget.js with its CSS is {len(compressed)} bytes gzipped")
        self.assertIn("max-age=", headers["Cache-Control"])
        etag = headers["ETag"]
        self.assertTrue(etag)
        conditional = urllib.request.Request(SERVER.origin + "/widget.js", headers={"If-None-Match": etag})
        with self.assertRaises(urllib.error.HTTPError) as refused:
            urllib.request.urlopen(conditional)
        self.assertEqual(refused.exception.code, 304)
        print(f"\nwidget.js + CSS: {len(script)} bytes, {len(compressed)} bytes gzipped (limit 25600)")


class ScreenshotTests(WidgetTestCase):
    def test_desktop_light_and_dark(self):
        self.open_widget(SERVER.origin + "/demo")
        self.ask("How long is the warranty?")
        self.driver.save_screenshot(str(ARTIFACTS / "widget-desktop.png"))
        light = self.js("return getComputedStyle(" + ROOT + ".querySelector('.pane')).backgroundColor")
        self.driver.execute_cdp_cmd("Emulation.setEmulatedMedia", {"features": [{"name": "prefers-color-scheme", "value": "dark"}]})
        dark = self.js("return getComputedStyle(" + ROOT + ".querySelector('.pane')).backgroundColor")
        self.assertEqual(light, "rgb(255, 255, 255)")
        self.assertEqual(dark, "rgb(22, 27, 34)")
        self.driver.save_screenshot(str(ARTIFACTS / "widget-desktop-dark.png"))


class MobileScreenshotTests(WidgetTestCase):
    width, height, mobile = 390, 844, True

    def test_mobile_full_screen(self):
        self.open_widget(SERVER.origin + "/demo")
        self.assertEqual(self.js("const r = " + ROOT + ".querySelector('.pane').getBoundingClientRect(); return [r.x, r.y, r.width, r.height]"),
                         [0, 0, 390, 844])
        self.ask("What does delivery cost?")
        self.driver.save_screenshot(str(ARTIFACTS / "widget-mobile.png"))


class ZNetworkDropTests(WidgetTestCase):
    """Runs last: it kills and restarts the server."""

    def test_connection_lost_mid_answer_offers_retry_and_never_freezes(self):
        self.open_widget(SERVER.origin + "/demo")
        before = self.message_count()
        self.shadow("textarea").send_keys("Tell me about the warranty, the frame and the battery")
        self.shadow(".send").click()
        self.wait_for(ROOT + ".querySelector('.msg.bot:last-child .cursor')", message="the first tokens")
        SERVER.kill()
        self.wait_for(ROOT + ".querySelector('.msg.bot:last-child .failure button')", message="the retry offer")
        self.assertIn("connection was lost", self.js("return " + ROOT + ".querySelector('.msg.bot:last-child .failure').textContent"))
        self.assertFalse(self.js("return " + ROOT + ".querySelector('textarea').disabled || " + ROOT + ".querySelector('.send').disabled"))
        self.assertIsNone(self.js("return " + ROOT + ".querySelector('.cursor, .typing')"), "nothing keeps pretending to stream")

        SERVER.start()
        self.shadow(".msg.bot:last-child .failure button").click()
        answer = self.wait_for_answer(before)
        self.assertIn("warranty", answer.lower())
        self.assertIsNone(self.js("return " + ROOT + ".querySelector('.failure')"))


if __name__ == "__main__":
    unittest.main(verbosity=2)
