from avocado import Test


class Params(Test):
    """`qcoord run -p qcoord_probe=42` must reach self.params (Avocado 113 and 88.1)."""

    def test_param(self):
        self.assertEqual(self.params.get("qcoord_probe"), "42")
