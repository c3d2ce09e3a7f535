"""What every widget browser test needs: a fresh headless Chromium and helpers that reach into
the widget's (open) shadow root."""

import time
import unittest

from selenium.webdriver.common.action_chains import ActionChains

from harness import chromium

ROOT = "document.querySelector('parley-chat').shadowRoot"

# Samples the last assistant message on every DOM change, until read back.
OBSERVE = ROOT + """;
window.__pwSamples = [];
const root = """ + ROOT + """;
window.__pwObserver = new MutationObserver(() => {
  const bots = root.querySelectorAll('.msg.bot');
  const last = bots[bots.length - 1];
  if (!last) return;
  window.__pwSamples.push({
    length: last.querySelector('.body').textContent.length,
    cursor: !!last.querySelector('.cursor'),
    typing: !!last.querySelector('.typing')
  });
});
window.__pwObserver.observe(root, {subtree: true, childList: true, characterData: true});
"""

STYLE_PROPERTIES = ["font-family", "font-size", "font-weight", "color", "background-color", "width", "height",
                    "padding-top", "padding-left", "margin-top", "border-top-width", "border-top-style", "display",
                    "position", "letter-spacing", "line-height", "box-sizing", "text-transform", "visibility", "opacity"]
MEASURED = [".launcher", ".pane", ".header", ".title", ".log", ".msg.bot", ".msg.bot .body p", ".input", ".send", ".hint"]


class WidgetTestCase(unittest.TestCase):
    width, height, mobile = 1280, 800, False

    def setUp(self):
        self.driver = chromium(self.width, self.height, self.mobile)

    def tearDown(self):
        self.driver.quit()

    # --- helpers --------------------------------------------------------------------------

    def js(self, script, *arguments):
        return self.driver.execute_script(script, *arguments)

    def wait_for(self, condition, timeout=20, message="condition"):
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            value = self.js("try { return (" + condition + "); } catch (e) { return null; }")
            if value:
                return value
            time.sleep(0.05)
        self.fail(f"timed out waiting for {message}: {condition}")

    def shadow(self, selector):
        return self.driver.find_element("css selector", "parley-chat").shadow_root.find_element("css selector", selector)

    def load(self, url):
        self.driver.get(url)
        self.wait_for(ROOT + ".querySelector('.launcher, .pane')", message="the widget to mount")

    def open_widget(self, url=None):
        if url:
            self.driver.get(url)
        self.wait_for(ROOT + ".querySelector('.launcher')", message="the widget to mount")
        self.shadow(".launcher").click()
        self.wait_for("!" + ROOT + ".querySelector('.pane').hidden", message="the pane to open")
        self.wait_for(ROOT + ".querySelectorAll('.msg').length > 0 || !" + ROOT + ".querySelector('.consent').hidden"
                      + " || !" + ROOT + ".querySelector('.notice').hidden", message="the pane's first content")
        self.wait_for(ROOT + ".querySelector('.pane').getAnimations().every(a => a.playState === 'finished')",
                      message="the slide-in to finish")

    def message_count(self):
        return self.js("return " + ROOT + ".querySelectorAll('.msg').length")

    def wait_for_answer(self, before):
        self.wait_for(ROOT + ".querySelectorAll('.msg').length >= " + str(before + 2)
                      + " && " + ROOT + ".querySelector('.log').getAttribute('aria-busy') === 'false'"
                      + " && !" + ROOT + ".querySelector('.msg.bot:last-child .cursor, .msg.bot:last-child .typing')",
                      timeout=30, message="the answer to complete")
        return self.js("const bots = " + ROOT + ".querySelectorAll('.msg.bot'); return bots[bots.length - 1].querySelector('.body').textContent")

    def ask(self, question):
        before = self.message_count()
        self.shadow("textarea").send_keys(question)
        self.shadow(".send").click()
        return self.wait_for_answer(before)

    def styles(self):
        # Away from the button (its hover state grows it), then read.
        ActionChains(self.driver).move_to_element_with_offset(self.driver.find_element("tag name", "h1"), 0, 0).perform()
        self.wait_for(ROOT + ".querySelector('.launcher').getAnimations().length === 0", message="the hover to end")
        return self.js("""
            const root = """ + ROOT + """;
            const out = {};
            for (const selector of arguments[0]) {
              const node = root.querySelector(selector);
              if (!node) { out[selector] = null; continue; }
              const style = getComputedStyle(node), rect = node.getBoundingClientRect();
              out[selector] = {rect: [rect.x, rect.y, rect.width, rect.height].map(Math.round)};
              for (const property of arguments[1]) out[selector][property] = style.getPropertyValue(property);
            }
            return out;""", MEASURED, STYLE_PROPERTIES)

    def widget_logs(self):
        return [entry for entry in self.driver.get_log("browser") if "[Parley widget]" in entry["message"]]
