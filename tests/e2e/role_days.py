"""Steps shared by the role-day browser tests. Every page visited goes through
``assert_clean_page``; what it finds is collected and the test fails at its end with the whole
list (so one English title does not hide the rest of the day). Screenshots go to
/tmp/h9-<name>.png (or ZO_E2E_SCREENSHOTS)."""

import os
import tempfile
from pathlib import Path

from tests.e2e.page_checks import assert_clean_page

SHOTS = Path(os.environ.get("ZO_E2E_SCREENSHOTS") or tempfile.gettempdir())


class Day:
    """One role's walk: the page, the server's address, what the pages got wrong."""

    def __init__(self, page, base):
        self.page = page
        self.base = base
        self.unclean = []

    def check(self, shot=None):
        self.page.wait_for_load_state("networkidle")
        if shot:
            self.page.screenshot(path=SHOTS / f"h9-{shot}.png", full_page=True)
        try:
            assert_clean_page(self.page)
        except AssertionError as error:
            self.unclean.append(str(error))
        return self.page

    def click(self, locator, shot=None):
        """Click what loads another page, and wait for that page (not the one still showing)."""
        with self.page.expect_navigation():
            locator.click()
        return self.check(shot)

    def visit(self, path, shot=None):
        response = self.page.goto(self.base + path)
        self.check(shot)
        return response

    def assert_all_pages_clean(self):
        assert not self.unclean, "Pages that are not clean:\n" + "\n".join(self.unclean)
