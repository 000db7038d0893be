#!/usr/bin/env python3
# Heapscope demo: a small "shop" whose memory misbehaves in the ways
# Heapscope is built to show.
#
# Copyright 2026 The Heapscope developers
# SPDX-License-Identifier: GPL-3.0-or-later
#
# Run it from Heapscope (or with plain python3: it also runs without the app).
# Over about a minute it:
#
#   * creates customers, orders and line items (some classes use __slots__),
#     keeping a bounded window of recent orders, so instances come and go;
#   * fills a memoized function's cache that is never trimmed (a leak that
#     only grows: dict and tuple counts climb in the census);
#   * opens sessions that subscribe to an event bus and are never
#     unsubscribed, so every closed session stays alive through the bus
#     (open a Session in the referrers view to see who holds it);
#   * builds trees whose nodes point at each other and drops them: reference
#     cycles that only the cyclic garbage collector frees.
#
# It calls heapscope.snapshot() at each phase boundary when it runs inside
# Heapscope.  It must stay compatible with Python 3.8.

import argparse
import collections
import gc
import random
import sys
import time

try:
    import heapscope
except ImportError:  # not running inside Heapscope
    heapscope = None


def snapshot(label):
    """Ask Heapscope for a labelled snapshot; a no-op outside Heapscope."""
    if heapscope is not None:
        heapscope.snapshot(label)


def track_classes(*classes):
    """Let Heapscope's class tracker follow these classes, if it can."""
    track_class = getattr(heapscope, "track_class", None)
    if track_class is None:
        return
    for cls in classes:
        track_class(cls)


def say(start, message):
    print("[{:6.1f}s] {}".format(time.monotonic() - start, message), flush=True)


def warn(message):
    print("demo: warning: " + message, file=sys.stderr, flush=True)


# --- the shop's objects -------------------------------------------------------

class Customer:
    __slots__ = ("customer_id", "name", "email", "tier")

    def __init__(self, customer_id, name, tier):
        self.customer_id = customer_id
        self.name = name
        self.email = "{}@example.com".format(name.lower().replace(" ", "."))
        self.tier = tier


class LineItem:
    __slots__ = ("sku", "quantity", "unit_price")

    def __init__(self, sku, quantity, unit_price):
        self.sku = sku
        self.quantity = quantity
        self.unit_price = unit_price


class Order:
    def __init__(self, order_id, customer, items):
        self.order_id = order_id
        self.customer = customer
        self.items = items
        self.notes = []
        self.total = sum(item.quantity * item.unit_price for item in items)


class PriceChanged:
    __slots__ = ("sku", "old_price", "new_price")

    def __init__(self, sku, old_price, new_price):
        self.sku = sku
        self.old_price = old_price
        self.new_price = new_price


class Session:
    """A customer's visit.  It listens for price changes while it is open."""

    def __init__(self, session_id, customer):
        self.session_id = session_id
        self.customer = customer
        self.seen_prices = []
        self.opened = time.monotonic()

    def on_price_changed(self, event):
        self.seen_prices.append(event)


class EventBus:
    def __init__(self):
        self._subscribers = []

    def subscribe(self, callback):
        self._subscribers.append(callback)

    def unsubscribe(self, callback):
        # The shop never calls this: that is the bug.
        self._subscribers.remove(callback)

    def publish(self, event):
        for callback in self._subscribers:
            callback(event)

    def __len__(self):
        return len(self._subscribers)


class CategoryNode:
    """A node of a category tree: children point back at their parent."""

    def __init__(self, name, parent=None):
        self.name = name
        self.parent = parent
        self.children = []
        if parent is not None:
            parent.children.append(self)


def memoize(func):
    cache = {}

    def wrapper(*args):
        try:
            return cache[args]
        except KeyError:
            result = cache[args] = func(*args)
            return result

    wrapper.cache = cache
    wrapper.__name__ = func.__name__
    return wrapper


@memoize
def quote(sku, quantity, tier):
    """Price of a line, with volume and loyalty discounts.  Never forgets."""
    base = 1.0 + (sku % 97) * 0.75
    volume = 1.0 - min(quantity, 50) * 0.004
    loyalty = (1.0, 0.97, 0.93, 0.9)[tier]
    return (round(base * quantity * volume * loyalty, 2), "EUR", tier)


# --- the run ------------------------------------------------------------------

FIRST_NAMES = ("Ada", "Alan", "Barbara", "Claude", "Donald", "Edsger", "Frances",
               "Grace", "John", "Katherine", "Ken", "Linus", "Margaret", "Niklaus")
LAST_NAMES = ("Lovelace", "Turing", "Liskov", "Shannon", "Knuth", "Dijkstra",
              "Allen", "Hopper", "Backus", "Johnson", "Thompson", "Torvalds",
              "Hamilton", "Wirth")

PHASES = (
    # name, share of the run, snapshot label at its end
    ("load", 0.10, "customers loaded"),
    ("cache", 0.30, "cache grown"),
    ("listeners", 0.25, "sessions leaked"),
    ("cycles", 0.25, "cycles collected"),
    ("settle", 0.10, "done"),
)


class Shop:
    def __init__(self, rng):
        self.rng = rng
        self.customers = []
        self.recent_orders = collections.deque(maxlen=3000)
        self.bus = EventBus()
        self.open_sessions = []
        self.next_order_id = 1
        self.next_session_id = 1
        self.prices = {}
        self.sessions_closed = 0
        self.cycles_dropped = 0
        self.cycle_nodes_freed = 0

    # every phase
    def take_orders(self, count):
        rng = self.rng
        for _ in range(count):
            customer = rng.choice(self.customers)
            items = []
            for _ in range(rng.randint(1, 4)):
                sku = rng.randrange(5000)
                quantity = rng.randint(1, 60)
                price, _currency, _tier = quote(sku, quantity, customer.tier)
                items.append(LineItem(sku, quantity, price))
            order = Order(self.next_order_id, customer, items)
            self.next_order_id += 1
            self.recent_orders.append(order)

    # phase "load"
    def load_customers(self, count):
        rng = self.rng
        for _ in range(count):
            name = "{} {}".format(rng.choice(FIRST_NAMES), rng.choice(LAST_NAMES))
            self.customers.append(Customer(len(self.customers) + 1, name,
                                           rng.randrange(4)))

    # phase "listeners"
    def open_and_close_sessions(self, count):
        rng = self.rng
        for _ in range(count):
            session = Session(self.next_session_id, rng.choice(self.customers))
            self.next_session_id += 1
            self.bus.subscribe(session.on_price_changed)
            self.open_sessions.append(session)
        # Sessions end; nobody unsubscribes them, so the bus keeps them alive.
        while len(self.open_sessions) > 20:
            self.open_sessions.pop(0)
            self.sessions_closed += 1

    def change_prices(self, count):
        rng = self.rng
        for _ in range(count):
            sku = rng.randrange(5000)
            old = self.prices.get(sku, 10.0)
            new = round(old * rng.uniform(0.9, 1.1), 2)
            self.prices[sku] = new
            self.bus.publish(PriceChanged(sku, old, new))

    # phase "cycles"
    def build_and_drop_trees(self, count):
        rng = self.rng
        for _ in range(count):
            root = CategoryNode("catalogue")
            for i in range(rng.randint(3, 6)):
                shelf = CategoryNode("shelf-{}".format(i), root)
                for j in range(rng.randint(2, 5)):
                    CategoryNode("bin-{}-{}".format(i, j), shelf)
            # Dropping the root leaves a cycle: only gc.collect() frees it.
            del root
            self.cycles_dropped += 1


def parse_args(argv):
    parser = argparse.ArgumentParser(
        description="A small shop that leaks memory, to watch in Heapscope.")
    parser.add_argument("--duration", type=float, default=60.0, metavar="SECONDS",
                        help="how long to run (default: 60)")
    parser.add_argument("--fast", action="store_true",
                        help="run for 3 seconds (same as --duration 3)")
    parser.add_argument("--seed", type=int, default=1,
                        help="random seed (default: 1)")
    args = parser.parse_args(argv)
    if args.fast:
        args.duration = 3.0
    if not args.duration > 0:
        parser.error("--duration must be greater than 0")
    return args


def main(argv=None):
    args = parse_args(sys.argv[1:] if argv is None else argv)
    start = time.monotonic()
    shop = Shop(random.Random(args.seed))
    tick = max(0.02, min(0.25, args.duration / 120.0))
    report_every = max(1.0, args.duration / 8.0)
    next_report = start + report_every
    cache_warned_at = 10000

    track_classes(Order, Session, CategoryNode)
    say(start, "demo shop opens for {:g} s (Python {})".format(
        args.duration, sys.version.split()[0]))
    snapshot("start")

    phase_end = start
    for name, share, label in PHASES:
        phase_end += share * args.duration
        say(start, "phase: " + name)
        gc_was_enabled = gc.isenabled()
        if name == "cycles":
            # Let the dropped trees pile up where the census can see them.
            gc.disable()
        try:
            while True:
                now = time.monotonic()
                if now >= phase_end:
                    break
                if name == "load":
                    shop.load_customers(40)
                else:
                    shop.take_orders(60)
                if name == "cache":
                    for _ in range(300):
                        quote(shop.rng.randrange(5000), shop.rng.randint(1, 500),
                              shop.rng.randrange(4))
                elif name == "listeners":
                    shop.open_and_close_sessions(15)
                    shop.change_prices(3)
                elif name == "cycles":
                    shop.build_and_drop_trees(12)

                if len(quote.cache) >= cache_warned_at:
                    warn("the price cache holds {} entries and is never "
                         "trimmed".format(len(quote.cache)))
                    cache_warned_at *= 2
                if now >= next_report:
                    say(start, "{}: {} customers, {} recent orders, {} cached "
                        "quotes, {} bus subscribers".format(
                            name, len(shop.customers), len(shop.recent_orders),
                            len(quote.cache), len(shop.bus)))
                    next_report = now + report_every
                time.sleep(min(tick, max(0.0, phase_end - time.monotonic())))
        finally:
            if name == "cycles":
                freed = gc.collect()
                shop.cycle_nodes_freed += freed
                if gc_was_enabled:
                    gc.enable()
        if name == "cycles":
            say(start, "garbage collector freed {} objects from {} dropped "
                "trees".format(shop.cycle_nodes_freed, shop.cycles_dropped))
        if name == "listeners":
            warn("{} sessions were closed but are still subscribed to the "
                 "event bus".format(shop.sessions_closed))
        snapshot(label)

    # The shop stays open, as a server's would: the final census still holds
    # what leaked (closed sessions the bus keeps, the never-trimmed cache).
    global OPEN_SHOP
    OPEN_SHOP = shop
    say(start, "closing: {} orders taken, {} customers, {} cached quotes, "
        "{} sessions still alive through the bus".format(
            shop.next_order_id - 1, len(shop.customers), len(quote.cache),
            len(shop.bus)))
    return 0


if __name__ == "__main__":
    sys.exit(main())
