"""Every way CPython lets one object hold another has a name (PROTOCOL.md, edges)."""

import os
import shutil
import subprocess
import tempfile
import unittest

import agenttest

HEAP = r'''
import collections
import functools
import sys
import weakref


class GenLocal: pass
class CoLocal: pass
class Default: pass
class KwDefault: pass
class Key: pass
class SetMember: pass
class FrozenMember: pass
class Cause(Exception): pass
class Context(Exception): pass
class Cached: pass
class BoundedCached: pass
class PartialArg: pass
class PartialKeyword: pass
class InDeque: pass
class InOrdered: pass
class InDefault: pass
class InClass: pass
class InCell: pass
class Boom(Exception): pass


class Callee:
    def __call__(self, *args, **kwargs):
        pass


class Callback(Callee): pass
class Factory(Callee): pass
class Mapper(Callee): pass


class Bound:
    def method(self):
        pass


class Anchor:
    pass


class Pause:
    def __await__(self):
        yield


def generator():
    held = GenLocal()
    yield held is not None


async def coroutine():
    kept = CoLocal()
    await Pause()


paused = generator()
next(paused)
waiting = coroutine()
waiting.send(None)


def with_default(a, b=Default(), *, k=None):
    pass


def with_keyword(*, k=KwDefault()):
    pass


keyed = {Key(): 1}
members = {SetMember()}
frozen = frozenset([FrozenMember()])


def fail():
    raise Boom()


try:
    fail()
except Boom as error:
    caught = error
caused = Exception("caused")
caused.__cause__ = Cause()
chained = Exception("chained")
chained.__context__ = Context()


@functools.lru_cache(maxsize=None)
def unbounded(n):
    return Cached()


@functools.lru_cache(maxsize=8)
def bounded(n):
    return BoundedCached()


unbounded(1)
bounded(2)
partial = functools.partial(Callee(), PartialArg(), kw=PartialKeyword())
method = Bound().method
anchor = Anchor()
reference = weakref.ref(anchor, Callback())
queue = collections.deque([0, InDeque()])
ordered = collections.OrderedDict(a=InOrdered())
defaults = collections.defaultdict(list, b=InDefault())
factory = collections.defaultdict(Factory())


class Holder:
    kept = InClass()


proxy = Holder.__dict__


def make_cell():
    value = InCell()

    def inner():
        return value
    return inner.__closure__[0]


cell = make_cell()
mapped = map(Mapper(), [])
print("ready", flush=True)
sys.stdin.readline()
'''


class EdgesTest(unittest.TestCase):

    @classmethod
    def setUpClass(cls):
        cls.dir = tempfile.mkdtemp(prefix="hs-edges-")
        path = os.path.join(cls.dir, "script.py")
        with open(path, "w") as stream:
            stream.write(HEAP)
        cls.app = agenttest.FakeApp(path, cwd=cls.dir, stdin=subprocess.PIPE)
        hello = cls.app.receive()
        assert hello["type"] == "hello", hello
        assert cls.app.process.stdout.readline() == b"ready\n"
        cls.next_id = 100

    @classmethod
    def tearDownClass(cls):
        cls.app.close()
        shutil.rmtree(cls.dir)

    def ask(self, message):
        EdgesTest.next_id += 1
        message = dict(message, id=self.next_id)
        self.app.send(message)
        reply = self.app.receive()
        self.assertEqual(reply["id"], self.next_id, reply)
        return reply

    def only(self, type_name):
        """The one object of row `type_name`."""
        reply = self.ask({"type": "instances", "type_name": type_name, "offset": 0, "limit": 10})
        self.assertEqual(reply["type"], "instances", reply)
        self.assertEqual(len(reply["objects"]), 1, reply)
        return reply["objects"][0]

    def edges(self, type_name):
        """[(referrer's row, edge), ...] of the one object of row `type_name`."""
        target = self.only(type_name)
        reply = self.ask({"type": "referrers", "handle": target["handle"], "limit": 100})
        self.assertEqual(reply["type"], "referrers", reply)
        return [(entry["type"], entry["edge"]) for entry in reply["referrers"]]

    def assertHeld(self, type_name, referrer, edge):
        self.assertEqual(self.edges("__main__." + type_name), [(referrer, edge)])

    def test_paused_generator_and_coroutine_locals(self):
        self.assertHeld("GenLocal", "generator", {"kind": "local", "name": "held"})
        self.assertHeld("CoLocal", "coroutine", {"kind": "local", "name": "kept"})

    def test_default_arguments(self):
        self.assertHeld("Default", "function (with_default)",
                        {"kind": "attribute", "name": "__defaults__[0] (b)"})
        self.assertHeld("KwDefault", "function (with_keyword)",
                        {"kind": "attribute", "name": "__kwdefaults__['k']"})

    def test_default_argument_path(self):
        target = self.only("__main__.Default")
        reply = self.ask({"type": "path", "handle": target["handle"]})
        self.assertTrue(reply["found"], reply)
        self.assertEqual([(step["type"], step["edge"], step["root"]) for step in reply["steps"]],
                         [("function (with_default)",
                           {"kind": "attribute", "name": "__defaults__[0] (b)"}, None),
                          ("module(__main__)", {"kind": "global", "name": "with_default"},
                           "module")])

    def test_dict_key_and_set_members(self):
        self.assertHeld("Key", "dict", {"kind": "dict-key"})
        self.assertHeld("SetMember", "set", {"kind": "member"})
        self.assertHeld("FrozenMember", "frozenset", {"kind": "member"})

    def test_exception_and_traceback(self):
        self.assertHeld("Cause", "Exception", {"kind": "attribute", "name": "__cause__"})
        self.assertHeld("Context", "Exception", {"kind": "attribute", "name": "__context__"})
        reply = self.ask({"type": "instances", "type_name": "traceback", "offset": 0,
                          "limit": 10})
        found = []
        for entry in reply["objects"]:
            reply = self.ask({"type": "referrers", "handle": entry["handle"], "limit": 100})
            found.extend((e["type"], e["edge"]["name"]) for e in reply["referrers"])
        self.assertEqual(sorted(found), [("__main__.Boom", "__traceback__"),
                                         ("traceback", "tb_next")])
        self.assertEqual(self.edges("frame (codename: fail)"),
                         [("traceback", {"kind": "attribute", "name": "tb_frame"})])

    def test_lru_cache_and_partial(self):
        wrapper = "functools._lru_cache_wrapper"
        self.assertHeld("Cached", wrapper, {"kind": "attribute", "name": "cache[1]"})
        self.assertHeld("BoundedCached", wrapper, {"kind": "attribute", "name": "cache[2]"})
        self.assertHeld("Callee", "functools.partial", {"kind": "attribute", "name": "func"})
        self.assertHeld("PartialArg", "functools.partial",
                        {"kind": "attribute", "name": "args[0]"})
        self.assertHeld("PartialKeyword", "functools.partial",
                        {"kind": "attribute", "name": "keywords['kw']"})

    def test_bound_method_and_weakref_callback(self):
        self.assertHeld("Bound", "method", {"kind": "attribute", "name": "__self__"})
        self.assertIn(("method", {"kind": "attribute", "name": "__func__"}),
                      self.edges("function (method)"))
        self.assertHeld("Callback", "weakref.ReferenceType",
                        {"kind": "attribute", "name": "__callback__"})

    def test_collections(self):
        self.assertHeld("InDeque", "collections.deque", {"kind": "index", "index": 1})
        self.assertHeld("InOrdered", "collections.OrderedDict", {"kind": "key", "name": "'a'"})
        self.assertHeld("InDefault", "collections.defaultdict", {"kind": "key", "name": "'b'"})
        self.assertHeld("Factory", "collections.defaultdict",
                        {"kind": "attribute", "name": "default_factory"})

    def test_class_attribute_and_mappingproxy(self):
        self.assertHeld("InClass", "type", {"kind": "class-attribute", "name": "kept"})
        # The program holds the class's namespace through its mappingproxy.
        proxies = self.ask({"type": "instances", "type_name": "mappingproxy", "offset": 0,
                            "limit": 100})["objects"]
        found = []
        for proxy in proxies:
            reply = self.ask({"type": "object", "handle": proxy["handle"], "detail": 0})
            self.assertEqual([e["edge"] for e in reply["referents"]],
                             [{"kind": "attribute", "name": "mapping"}])
            reply = self.ask({"type": "referrers", "handle": reply["referents"][0]["handle"],
                              "limit": 100})
            found.append(sorted((e["type"], e["edge"]["name"]) for e in reply["referrers"]))
        self.assertIn([("mappingproxy", "mapping"), ("type", "__dict__")], found)

    def test_cell_and_opaque_referent(self):
        self.assertHeld("InCell", "cell", {"kind": "attribute", "name": "cell_contents"})
        self.assertHeld("Mapper", "map", {"kind": "referent", "type": "map"})


if __name__ == "__main__":
    unittest.main()
