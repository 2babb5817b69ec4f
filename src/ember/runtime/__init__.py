"""Runtime support of compiled code: memory, CPython object layouts."""


def stats():
    """Allocation and free counts of arrays allocated by compiled code."""
    from ember.runtime.nrt import stats as nrt_stats

    return nrt_stats()
