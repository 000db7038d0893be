"""Makes 5 000 instances of a type that did not exist at the snapshot "before"."""
try:
    import heapscope
except ImportError:
    heapscope = None


def snapshot(label):
    if heapscope is not None:
        heapscope.snapshot(label)


snapshot("before")


class BrandNew:
    pass


kept = [BrandNew() for _ in range(5000)]
snapshot("after")
