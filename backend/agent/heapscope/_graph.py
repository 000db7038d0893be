"""Reference graphs: the objects around some objects, and who refers to whom.

The "graph" request (PROTOCOL.md "Graph") and ``heapscope.refgraph`` build the
graph objgraph's ``show_backrefs`` / ``show_refs`` draw, from the heap as it
is: breadth first from the asked objects, ``depth`` levels, upward through
referrers, downward through referents, or both (the union of the two walks:
an object found upward is walked upward only, one found downward downward
only, one found both ways both ways).

Upward, a level is one scan of the heap for the whole frontier
(``_refs.referrers_of``: one scan, plus one for the namespaces and cells met,
which are collapsed into their owners, so the edges are named as the
referrer tree names them). A root (module, class, running frame,
sys.modules) is shown but not walked through upward: sys.modules alone would
pull in every module. Downward, each node's referents are listed
(``_refs.referents``). Each node shows at most ``too_many`` neighbours per
direction, the rest counted; objects of a hidden type are neither shown nor
walked; the graph stops growing at ``max_nodes`` (or EDGES_MAX edges) and
says it was cut. With ``path``, the chain from the first asked object up to
a root (``_refs.path``) is added whatever the depth, hidden types included.

Every container built here is the agent's (``_refs._scratch``): no scan of
a later level meets it. The reply names the nodes by handle (``_refs.summary``);
``dot`` writes the same graph as Graphviz text, naming nothing, for
``heapscope.refgraph`` outside Heapscope.
"""

import time

from . import _codec
from . import _refs

REFERRERS = 1
REFERENTS = 2
DIRECTIONS = {"referrers": REFERRERS, "referents": REFERENTS, "both": REFERRERS | REFERENTS}
ASKED_MAX = 100
DEPTH_MAX = 20
TOO_MANY_MAX = 1000
HIDE_MAX = 100
NODES_MAX = 20000
EDGES_MAX = 200000
DEEP_NODES = 2000           # deep sizes are measured in graphs this small
DEEP_SECONDS = 0.25         # and for this long in all
FRAME_ROOM = _codec.MAX_FRAME - 65536    # a reply's bytes at most, the envelope aside
DOT_TEXT = 60               # characters of an object's text in a DOT label


# -- building ----------------------------------------------------------------------

def build(objects, ctx, direction, depth, too_many, hide, max_nodes, want_path):
    """The graph around `objects` (distinct; never hidden, always in it).

    A dict: "objects" (the nodes' objects, the asked ones first), "info" (per
    node [explored, more referrers, more referents]), "edges" ([from, to, edge]),
    "path" (node indexes, or None), "truncated" (something was left out) and
    "full" (the walk stopped at a limit). `hide` is a set of type names
    (``_refs.is_hidden``) or None.
    """
    # The heap is listed first: what is made from here on is never in the
    # list, nor left for the main thread to free when the list goes.
    _refs._prepare_heap(ctx)
    graph = _refs._scratch(ctx, {"path": None, "truncated": False, "full": False,
                                 "asked": len(objects),
                                 "max_nodes": max(max_nodes, len(objects))})
    for key in ("objects", "info", "edges"):
        graph[key] = _refs._scratch(ctx, [])
    graph["index"] = _refs._scratch(ctx, {})        # id -> node index
    graph["pairs"] = _refs._scratch(ctx, set())     # from << 32 | to
    for obj in objects:
        _node(graph, obj)
    if want_path:
        _add_path(graph, ctx)
    poll = ctx["poll"]
    up = _refs._scratch(ctx, [])            # node indexes to walk from, this level
    down = _refs._scratch(ctx, [])
    up_seen = set()
    down_seen = set()
    for index in range(len(objects)):
        if direction & REFERRERS:
            up.append(index)
            up_seen.add(index)
        if direction & REFERENTS:
            down.append(index)
            down_seen.add(index)
    level = 0
    while level < depth and (up or down) and not graph["full"]:
        if poll():
            raise _refs.Failure("cancelled", "the request was cancelled")
        next_up = _refs._scratch(ctx, [])
        next_down = _refs._scratch(ctx, [])
        if up:
            _walk_up(graph, up, next_up, up_seen, ctx, too_many, hide)
        if down and not graph["full"]:
            _walk_down(graph, down, next_down, down_seen, ctx, too_many, hide)
        up = next_up
        down = next_down
        level += 1
    return graph


def _node(graph, obj):
    """The index of `obj`'s node, made if needed; -1 when the graph is full."""
    index = graph["index"].get(id(obj))
    if index is not None:
        return index
    objects = graph["objects"]
    if len(objects) >= graph["max_nodes"]:
        graph["full"] = graph["truncated"] = True
        return -1
    index = len(objects)
    objects.append(obj)
    graph["index"][id(obj)] = index
    graph["info"].append([0, 0, 0])
    return index


def _edge(graph, source, target, label, ctx):
    """Add the edge source -> target once; False when the graph is full."""
    key = source << 32 | target
    if key in graph["pairs"]:
        return True
    if len(graph["edges"]) >= EDGES_MAX:
        graph["full"] = graph["truncated"] = True
        return False
    graph["pairs"].add(key)
    # An edge's name may be the program's str (an attribute name): its dict is
    # the agent's, never a referrer of it.
    graph["edges"].append([source, target, _refs._scratch(ctx, label)])
    return True


def _add_path(graph, ctx):
    """The first asked object's path to a root, as nodes, edges and "path"."""
    steps = _refs.path(graph["objects"][0], ctx)
    if steps is None:
        return
    new = set()
    for step in steps:
        if id(step[0]) not in graph["index"]:
            new.add(id(step[0]))
    if len(graph["objects"]) + len(new) > graph["max_nodes"]:
        graph["truncated"] = True         # left out; the walk goes on
        return
    chain = [0]
    for step in steps:
        index = _node(graph, step[0])
        _edge(graph, index, chain[-1], step[1], ctx)
        chain.append(index)
    graph["path"] = chain


def _walk_up(graph, frontier, following, seen, ctx, too_many, hide):
    """One level upward: one scan for the whole frontier."""
    objects = graph["objects"]
    targets = _refs._scratch(ctx, [])
    for index in frontier:
        targets.append(objects[index])
    found = _refs.referrers_of(targets, ctx, too_many, hide)
    for position in range(len(frontier)):
        node = frontier[position]
        total = found[position][0]
        shown = found[position][1]
        for pair in shown:
            index = _node(graph, pair[0])
            if index < 0 or not _edge(graph, index, node, pair[1], ctx):
                return
            if index not in seen:
                seen.add(index)
                if _refs.root_kind(pair[0], ctx) is None:
                    following.append(index)
        info = graph["info"][node]
        info[0] |= REFERRERS
        info[1] = total - len(shown)


def _walk_down(graph, frontier, following, seen, ctx, too_many, hide):
    """One level downward: each node's referents."""
    objects = graph["objects"]
    poll = ctx["poll"]
    done = 0
    for node in frontier:
        done += 1
        if done % _refs.POLL_EVERY == 0 and poll():
            raise _refs.Failure("cancelled", "the request was cancelled")
        total, shown = _refs.referents(objects[node], ctx, too_many, hide)
        for pair in shown:
            index = _node(graph, pair[0])
            if index < 0 or not _edge(graph, node, index, pair[1], ctx):
                return
            if index not in seen:
                seen.add(index)
                following.append(index)
        info = graph["info"][node]
        info[0] |= REFERENTS
        info[2] = total - len(shown)


# -- the reply ------------------------------------------------------------------------

def reply(graph, ctx):
    """{"truncated", "asked", "nodes", "edges", "path"} for the wire: summaries (with
    handles) of the nodes, their deep sizes while the graph is small."""
    objects = graph["objects"]
    deeps = _deep_sizes(objects, ctx)
    poll = ctx["poll"]
    nodes = []
    for index in range(len(objects)):
        if index and index % _refs.POLL_EVERY == 0 and poll():
            raise _refs.Failure("cancelled", "the request was cancelled")
        obj = objects[index]
        info = graph["info"][index]
        entry = _refs.summary(obj, ctx)
        entry["deep"] = deeps[index]
        entry["root"] = _refs.root_kind(obj, ctx)
        entry["explored"] = info[0]
        entry["more_referrers"] = info[1]
        entry["more_referents"] = info[2]
        nodes.append(entry)
    obj = None
    body = {"truncated": graph["truncated"], "asked": graph["asked"], "nodes": nodes,
            "edges": graph["edges"], "path": graph["path"]}
    _fit(body, graph["asked"])
    return body


def _deep_sizes(objects, ctx):
    """Deep sizes in node order while the budget lasts, else None. A module's
    (or sys.modules's) is left out: it is most of the program."""
    deeps = [None] * len(objects)
    if _refs._sizes is None or len(objects) > DEEP_NODES:
        return deeps
    spent = 0.0
    for index in range(len(objects)):
        if spent >= DEEP_SECONDS:
            break
        kind = _refs.root_kind(objects[index], ctx)
        if kind == "module" or kind == "sys.modules":
            continue
        started = time.monotonic()
        deeps[index] = _refs.deep_size(objects[index])
        spent += time.monotonic() - started
    return deeps


def _fit(body, asked):
    """Keep the reply within a frame: the last nodes go, never an asked one
    (their handles are released, the graph says it is cut), until it fits."""
    nodes = body["nodes"]
    edges = body["edges"]
    # Six bytes a character at most (a control character's JSON escape).
    bound = 8 * len(body["path"] or ())
    for node in nodes:
        bound += 6 * (len(node["text"]) + len(node["type"])) + 256
    for item in edges:
        bound += 6 * len(item[2].get("name") or "") + 64
    if bound <= FRAME_ROOM:
        return
    # The bytes each node costs: its own, and those of the edges that go
    # with it (an edge goes with the later of its two nodes).
    costs = []
    total = 8 * len(body["path"] or ())
    for node in nodes:
        costs.append(len(_codec.encode(node).encode("utf-8")) + 1)
    for item in edges:
        costs[max(item[0], item[1])] += len(_codec.encode(item).encode("utf-8")) + 1
    for cost in costs:
        total += cost
    keep = len(nodes)
    while keep > asked and total > FRAME_ROOM:
        keep -= 1
        total -= costs[keep]
    if keep == len(nodes):
        return
    dropped = []
    for node in nodes[keep:]:
        dropped.append(node["handle"])
    del nodes[keep:]
    _refs.release(dropped)
    kept = []
    for item in edges:
        if item[0] < keep and item[1] < keep:
            kept.append(item)
    body["edges"] = kept
    path = body["path"]
    if path is not None:
        for index in path:
            if index >= keep:
                body["path"] = None
                break
    body["truncated"] = True


# -- Graphviz text, for refgraph() outside Heapscope ------------------------------------

_DOT_EDGES = {"attribute": "attribute %s", "key": "key %s", "closure": "closure variable %s",
              "local": "local variable %s", "global": "global %s",
              "class-attribute": "class attribute %s"}


def dot(graph, ctx, title):
    """The graph as DOT text: each node its type and safe text, each edge named
    as the referrer tree names it, "+N more" for neighbours left out."""
    objects = graph["objects"]
    lines = ["digraph %s {" % _quote(title),
             '  graph [fontname="sans-serif"];',
             '  node [shape=box, style="rounded,filled", fillcolor="#ffffff",'
             ' fontname="sans-serif", fontsize=10];',
             '  edge [fontname="sans-serif", fontsize=9];']
    on_path = set(graph["path"] or ())
    for index in range(len(objects)):
        obj = objects[index]
        text = _refs.safe_text(obj, ctx)
        if len(text) > DOT_TEXT:
            text = text[:DOT_TEXT] + "\u2026"
        label = _refs.row_name(obj, ctx) + "\n" + text
        root = _refs.root_kind(obj, ctx)
        if root is not None:
            label += "\n(root: %s)" % root
        colour = "#ffd28f" if index < graph["asked"] else (
            "#c9e7ff" if index in on_path else "#ffffff")
        shape = ', shape=doubleoctagon' if root is not None else ""
        lines.append("  n%d [label=%s, fillcolor=%s%s];" % (index, _quote(label),
                                                         _quote(colour), shape))
        info = graph["info"][index]
        if info[1]:
            lines.append('  r%d [label=%s, shape=plaintext, style=""];'
                         % (index, _quote("+%d more" % info[1])))
            lines.append("  r%d -> n%d [style=dashed];" % (index, index))
        if info[2]:
            lines.append('  f%d [label=%s, shape=plaintext, style=""];'
                         % (index, _quote("+%d more" % info[2])))
            lines.append("  n%d -> f%d [style=dashed];" % (index, index))
    obj = None
    for item in graph["edges"]:
        lines.append("  n%d -> n%d [label=%s];" % (item[0], item[1], _quote(_describe(item[2]))))
    lines.append("}")
    return "\n".join(lines) + "\n"


def _describe(label):
    kind = label.get("kind")
    if kind == "index":
        return "index %d" % label.get("index", 0)
    form = _DOT_EDGES.get(kind)
    if form is None:
        return ""
    return form % label.get("name", "")


def _quote(text):
    """`text` as a DOT double-quoted string, shown as it is: quotes and
    backslashes escaped, newlines as line breaks, other control characters
    and lone surrogates as their escapes (the file is UTF-8)."""
    text = text.encode("utf-8", "backslashreplace").decode("utf-8")
    out = ['"']
    for char in text:
        code = ord(char)
        if char == '"' or char == "\\":
            out.append("\\" + char)
        elif char == "\n":
            out.append("\\n")
        elif code < 0x20 or code == 0x7F:
            out.append("\\\\x%02x" % code)
        else:
            out.append(char)
    out.append('"')
    return "".join(out)
