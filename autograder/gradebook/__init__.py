"""The gradebook: who submitted what (``model``), stored in SQLite (``store``, ``schema``), read back
for exports (``queries.latest``), with late penalties (``lateness``) and regrade deltas (``deltas``)."""
