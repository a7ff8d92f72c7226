"""Fault tests: real processes really killed, services stopped, disks filled.

Every test here is marked ``faults`` and runs in CI's second pass
(``EMENTORING_FAULTS=1``), against PostgreSQL and Redis.
"""
