"""Analyses of an IO table: one module per method, pure functions of a table and a solver.

Linkages and key sectors, multipliers, hypothetical extraction, fields of influence,
multi-regional spillovers and regionalization by location quotients.
"""
