from avocado import Test


class Merge(Test):
    """
    :avocado: tags=arch:x86_64,arch:i386,boot
    :avocado: tags=speed:slow
    :avocado: tags=foo, bar
    :avocado:tags=nospace
      :avocado:   tags=indented   
    """

    def test_class_replaces(self):
        """
        :avocado: tags=arch:ppc64,speed:fast,own
        """

    def test_plain(self):
        pass

    def test_flat_reset(self):
        """
        :avocado: tags=k:v1,k:v2,k,other:x
        """


class ExtraChars(Test):
    """
    :avocado: tags=a.b,c-d,e_f,g=h,x:y:z
    :avocado: tags=
    :avocado: tags=,,lone,
    """

    def test_chars(self):
        pass
