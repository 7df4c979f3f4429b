"""make bench: speed and memory figures of the course, each beside its budget.

Each module ``benchmarks/bench_*.py`` exposes ``run() -> list[dict]``; a dict has
``name``, ``value``, ``unit`` and optionally ``budget`` (the value must not exceed it),
``baseline`` with ``baseline_name`` (a reference measured in the same run) and ``note``.
"""
