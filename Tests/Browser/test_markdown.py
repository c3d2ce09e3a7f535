"""A remote model's richer answers rendered by the widget, from a fake OpenAI-compatible server."""

import unittest

from harness import FakeLLM, ParleyServer
from widget_case import ROOT, WidgetTestCase

RICH_ANSWER = """Here is a **comparison** of our bikes [1]:

| Model | Range |
|---|---|
| City | 40 to 70 km |
| Trek | 60 to 110 km |

- Belt drive on the City
- Hydraulic brakes on the Trek

1. Choose a size
2. Book a test ride

```python
print("<b>hi</b>")
```

See [the warranty page](https://example.com/warranty) while snake_case_name and 2*3*4 stay as written.
Hostile: <img src=x onerror=window.__pwned=5> [bad](javascript:window.__pwned=6) <i>kept</i>"""


class MarkdownTests(WidgetTestCase):
    """A remote model's richer answers, from a fake OpenAI-compatible server over HTTP."""

    @classmethod
    def setUpClass(cls):
        cls.llm = FakeLLM(RICH_ANSWER)
        cls.server = ParleyServer(llm=cls.llm)
        cls.server.start()

    @classmethod
    def tearDownClass(cls):
        cls.server.remove()
        cls.llm.close()

    def test_answers_render_as_safe_markdown(self):
        self.open_widget(self.server.origin + "/demo")
        self.driver.execute_cdp_cmd("Browser.grantPermissions", {
            "origin": self.server.origin, "permissions": ["clipboardReadWrite", "clipboardSanitizedWrite"]})
        self.ask("Compare your bikes")
        body = ROOT + ".querySelector('.msg.bot:last-child .body')"
        self.assertEqual(self.js("return " + body + ".querySelector('strong').textContent"), "comparison")
        self.assertEqual(self.js("return Array.from(" + body + ".querySelectorAll('th')).map(c => c.textContent)"), ["Model", "Range"])
        self.assertEqual(self.js("return Array.from(" + body + ".querySelectorAll('tbody tr')).map(r => r.textContent)"),
                         ["City40 to 70 km", "Trek60 to 110 km"])
        self.assertEqual(self.js("return Array.from(" + body + ".querySelectorAll('ul li')).map(li => li.textContent)"),
                         ["Belt drive on the City", "Hydraulic brakes on the Trek"])
        self.assertEqual(self.js("return Array.from(" + body + ".querySelectorAll('ol li')).map(li => li.textContent)"),
                         ["Choose a size", "Book a test ride"])
        self.assertEqual(self.js("return " + body + ".querySelector('pre code').textContent"), 'print("<b>hi</b>")')
        link = self.js("const a = " + body + ".querySelector('p a'); return [a.textContent, a.href, a.target, a.rel]")
        self.assertEqual(link, ["the warranty page", "https://example.com/warranty", "_blank", "noopener noreferrer nofollow"])
        text = self.js("return " + body + ".textContent")
        self.assertIn("snake_case_name and 2*3*4 stay as written", text)
        self.assertIn("<img src=x onerror=window.__pwned=5>", text)
        self.assertEqual(self.js("return Array.from(" + body + ".querySelectorAll('a')).map(a => a.textContent)"), ["the warranty page"])
        self.assertEqual(self.js("return " + body + ".querySelector('em').textContent"), "kept")
        self.assertEqual(self.js("return " + body + ".querySelectorAll('img, script').length"), 0)
        self.assertIsNone(self.js("return window.__pwned"))

        self.js(body + ".querySelector('.copy').click()")
        self.wait_for(body + ".querySelector('.copy').textContent === 'Copied'", message="the copy button's confirmation")
        copied = self.driver.execute_async_script("navigator.clipboard.readText().then(arguments[0], e => arguments[0]('error ' + e))")
        self.assertEqual(copied, 'print("<b>hi</b>")')


if __name__ == "__main__":
    unittest.main(verbosity=2)
