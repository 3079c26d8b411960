"""INSTRUMENTED tests that end in every status but PASS (run them one by one)."""

import time

from avocado import Test, skip


class Statuses(Test):
    """
    :avocado: tags=statuses
    """

    # Generous enough that the FAIL/ERROR/SKIP tests end before it on a loaded 2-core host.
    timeout = 6

    def test_fail(self):
        self.fail("expected failure: 1 != 2")

    def test_error(self):
        raise RuntimeError("an unexpected exception")

    @skip("skipped by decorator")
    def test_skip(self):
        pass

    def test_cancel(self):
        self.cancel("cancelled: prerequisite missing")

    def test_warn(self):
        self.log.warning("something looked wrong, but the test passed")

    def test_timeout(self):
        time.sleep(60)
