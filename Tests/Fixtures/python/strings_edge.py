"""Module docstring, not reported."""
import a; import b as bee; from c import (d as e,
    f,
)

S1 = 'single' "double" '''triple single''' """triple double"""
S2 = r'raw \d' R"RAW \n"
B2 = rb'raw bytes \x00' Br"x" bR'y' b'bytes' B"BYTES"
S3 = u'unicode' U"UNICODE"
F1 = f"{x['a']}" F'{y["b"]}' rf"{z}\d" fR'{w!r:>10}' Rf"{{literal}}"
F2 = f"{'}'}" f'{"{"}' f"{a:{b}.{c}}" f"{d!s}" f"{ {'k': 1}['k'] }"
F3 = f'''multi
line {value
      + 1} end'''
F4 = f"{x if y else'z'}" f"{b'bytes'}" f"{'nested' + f'{inner}'}"
E1 = 'it\'s' "say \"hi\"" 'back\\slash'
C1 = 'line one \
continued'

class Escapes:
    "Tab\there\nnew line \x41 \u00e9 \U0001F600 \101 \0 \\ \' \" \q unknown"

class Raw:
    r"""Raw \n stays \t verbatim \\ and \" too"""

class Concat:
    """First part, """ 'second part, ' r"raw \n part"

class Parenthesised:
    ("parenthesised "
     "docstring")

class FStringDoc:
    f"""Not a docstring {1}"""

class BytesDoc:
    b"""Not a docstring either"""

class NotFirst:
    x = 1
    """Not first statement"""

class CallOnString:
    """Looks like one""".strip()

class Continued:
    """Backslash \
newline joins"""

class Methods:
    def plain(self): "one-line docstring"
    def raw(self):
        r'''raw \t method doc'''
    def concat(self):
        "a" "b" \
        "c"
    def fdoc(self):
        f"no {self}"
    async def coro(self):
        """async doc"""
    def lambdas(self, a=lambda: 1, b={1: 2}, *args, c: "int" = (lambda x: x), **kw) -> "dict[str, int]":
        """after lambdas"""
