"""Sales-channel connectors: pure API adapters (settings in, records out).

Nothing here imports `models` or `workers`; a connector knows HTTP and its
channel's payloads, never the OMS database.
"""
