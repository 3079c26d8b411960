import avocado


class Deep(avocado.Test):
    """
    :avocado: tags=deep,arch:riscv64
    """

    def test_deep(self):
        pass
