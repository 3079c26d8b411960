"""Assets the coordinator provided, found by real Avocado tests without a download (issue 17).

A local HTTP server serves the asset files and counts requests: a test given its assets must
find them through the task's own Avocado cache (the places the host's Avocado version looks)
and never ask the server; a test given all its declared assets is refused any download.
"""

import hashlib
import http.server
import os
import shutil
import tempfile
import threading
import unittest
import urllib.request

from tests.driver import AgentProcess

KERNEL = b"kernel bytes\n" * 1000
INITRD = b"initrd bytes\n" * 500
EXTRA = b"an asset the test does not declare\n"

TEST_FILE = '''
from avocado import Test


class Assets(Test):
    def check(self, path, size):
        with open(path, "rb") as f:
            data = f.read()
        if len(data) != size:
            self.fail("asset %s has %d bytes, not %d" % (path, len(data), size))
        self.log.info("asset at %s", path)

    def test_by_url(self):
        self.check(self.fetch_asset("{base}/a/vmlinuz", asset_hash="{kernel_sha1}"), {kernel_size})

    def test_by_name(self):
        self.check(self.fetch_asset("initrd.img", asset_hash="{initrd_sha256}", algorithm="sha256",
                                    locations=["{base}/b/initrd.img"]), {initrd_size})

    def test_undeclared(self):
        self.fetch_asset("{base}/c/extra.bin", cancel_on_missing=True)
'''


class Server(http.server.ThreadingHTTPServer):
    daemon_threads = True


def serve(root):
    requests = []

    class Handler(http.server.SimpleHTTPRequestHandler):
        def __init__(self, *a, **kw):
            super().__init__(*a, directory=root, **kw)

        def do_GET(self):
            requests.append(self.path)
            super().do_GET()

        def log_message(self, *a):
            pass

    server = Server(("127.0.0.1", 0), Handler)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    return server, requests


class ProvidedAssets:
    python = "113"

    @classmethod
    def setUpClass(cls):
        cls.tmp = tempfile.mkdtemp(prefix="qcoord-assets-")
        www = os.path.join(cls.tmp, "www")
        for rel, data in (("a/vmlinuz", KERNEL), ("b/initrd.img", INITRD), ("c/extra.bin", EXTRA)):
            os.makedirs(os.path.dirname(os.path.join(www, rel)), exist_ok=True)
            with open(os.path.join(www, rel), "wb") as f:
                f.write(data)
        cls.server, cls.requests = serve(www)
        base = "http://127.0.0.1:%d" % cls.server.server_address[1]
        # The coordinator's store on the host: <alg>/<hex>.
        store = os.path.join(cls.tmp, "store")
        cls.kernel_sha1 = hashlib.sha1(KERNEL).hexdigest()
        cls.initrd_sha256 = hashlib.sha256(INITRD).hexdigest()
        for alg, hexd, data in (("sha1", cls.kernel_sha1, KERNEL), ("sha256", cls.initrd_sha256, INITRD)):
            os.makedirs(os.path.join(store, alg), exist_ok=True)
            with open(os.path.join(store, alg, hexd), "wb") as f:
                f.write(data)
        cls.test_file = os.path.join(cls.tmp, "test_assets.py")
        with open(cls.test_file, "w") as f:
            f.write(TEST_FILE.format(base=base, kernel_sha1=cls.kernel_sha1, kernel_size=len(KERNEL),
                                     initrd_sha256=cls.initrd_sha256, initrd_size=len(INITRD)))
        cls.kernel = {"name": base + "/a/vmlinuz", "locations": [], "hash": cls.kernel_sha1, "algorithm": "sha1",
                      "file": os.path.join(store, "sha1", cls.kernel_sha1)}
        cls.initrd = {"name": "initrd.img", "locations": [base + "/b/initrd.img"], "hash": cls.initrd_sha256,
                      "algorithm": "sha256", "file": os.path.join(store, "sha256", cls.initrd_sha256)}
        # The server answers (so a test that found nothing would have downloaded from it).
        with urllib.request.urlopen(base + "/c/extra.bin", timeout=10) as r:
            assert r.read() == EXTRA
        del cls.requests[:]
        # HOME: a download that slipped through would land in ~/avocado/data/cache.
        cls.home = os.path.join(cls.tmp, "home")
        os.mkdir(cls.home)
        cls.agent = AgentProcess(env={"HOME": cls.home})
        cls.agent.hello(python=cls.python, dirs=["/usr/bin"], path_search=False,
                        env={"AVOCADO_ALLOW_UNTRUSTED_CODE": "1"})
        tasks = {
            "by-url": ("Assets.test_by_url", {"files": [cls.kernel], "complete": True}),
            "by-name": ("Assets.test_by_name", {"files": [cls.initrd], "complete": True}),
            "undeclared": ("Assets.test_undeclared", {"files": [cls.kernel], "complete": True}),
            "gone": ("Assets.test_by_url", {"files": [dict(cls.kernel, file=cls.kernel["file"] + "-gone")],
                                            "complete": True}),
        }
        for task_id, (test, assets) in tasks.items():
            cls.agent.run(task_id, "INSTRUMENTED", cls.test_file, name="%s:%s" % (cls.test_file, test), assets=assets)
        cls.results = {task_id: cls.agent.wait_finished(task_id, timeout=120) for task_id in tasks}

    @classmethod
    def tearDownClass(cls):
        cls.agent.close()
        cls.server.shutdown()
        shutil.rmtree(cls.tmp, ignore_errors=True)

    def test_a_test_finds_an_asset_by_url_in_the_task_cache(self):
        self.assertEqual(self.results["by-url"]["status"], "PASS", self.results["by-url"])

    def test_a_test_finds_an_asset_by_name_with_locations(self):
        self.assertEqual(self.results["by-name"]["status"], "PASS", self.results["by-name"])

    def test_an_undeclared_download_is_refused_when_all_assets_were_provided(self):
        r = self.results["undeclared"]
        self.assertEqual(r["status"], "CANCEL", r)
        self.assertIn("Missing asset", r.get("fail_reason") or "")

    def test_a_provided_file_gone_from_the_host_cancels_with_the_reason(self):
        r = self.results["gone"]
        self.assertEqual(r["status"], "CANCEL", r)
        self.assertIn("is not on host", r.get("fail_reason") or "")

    def test_no_test_downloaded_anything(self):
        self.assertEqual(self.requests, [])
        self.assertFalse(os.path.exists(os.path.join(self.home, "avocado", "data", "cache")))


class ProvidedAssets113(ProvidedAssets, unittest.TestCase):
    python = "113"


class ProvidedAssets88(ProvidedAssets, unittest.TestCase):
    """Avocado 88.1's legacy runner: the cache dirs reach it through `--config`."""
    python = "88"


if __name__ == "__main__":
    unittest.main()
