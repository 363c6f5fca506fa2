"""Benchmarks of the kiosk (`make bench`): figures, not timed tests.

Each figure module has a `figures()` function returning
`{"name": {"value": .., "unit": "..", "target": ..}}`; `python -m bench` runs
them all, prints one line per figure and merges them into build/bench.json.
The helpers here (a stdlib HTTP visitor, a real server in a subprocess) are
shared with the durability test.
"""
