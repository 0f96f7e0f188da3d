"""Simulators of the sales channels' APIs, for the demo and the tests.

Each channel has a package here with the same name as in ``channels/``. A simulator speaks the
channel's real paths, parameters, payload shapes, order states and rate limits, and adds a small
JSON control API (``/<channel>/_sandbox/...``) to seed data, inject faults and read back what a
connector did. Nothing here imports the rest of the product: the sandbox must stay a faithful
stand-in for a remote service, not a mirror of our own code.

What every simulator does the same way lives here once: ``store.py`` (state, lock, call logs),
``control.py`` (the common control routes and request checks), ``faults.py`` (fault queue and
injection), ``ratelimit.py``, ``httputil.py``, ``partials.py`` and ``timeutil.py``; a channel's
package holds only its own shapes and rules.
"""
