"""Lists as @jitclass fields: set from Python or compiled code, grown by
methods, replaced by `[]`, read back as Python lists, freed with the instance."""

import gc

import ember
from ember import types
from ember.runtime import stats


@ember.jitclass([("items", types.List(types.float64)), ("count", types.int64)])
class Bag:
    def __init__(self, items):
        self.items = items
        self.count = 0

    def add(self, x):
        self.items.append(x)
        self.count += 1
        return len(self.items)

    def reset(self):
        self.items = []


@ember.njit
def build():
    bag = Bag([0.5])
    bag.add(1.5)
    return bag.items, bag.count


def test_list_fields():
    gc.collect()
    before = stats().alive
    bag = Bag([1.0, 2.0])
    assert bag.add(3.0) == 3 and bag.items == [1.0, 2.0, 3.0]
    bag.reset()
    assert bag.add(5.0) == 1 and bag.items == [5.0]
    assert build() == ([0.5, 1.5], 1)
    del bag
    gc.collect()
    assert stats().alive == before
