import avocado

class Tabs(avocado.Test):
	"""Tab indented"""

	def test_a(self):
		if True:
			pass
		return 1

	def test_b(self):
	        pass

	def test_c(self):
		'''c'''

class After(avocado.Test):
        def test_spaces_eq_tab(self):
                pass
