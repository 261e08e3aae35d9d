"""Operator use cases: each composes pure cores with stores; adapters (CLI, gateway) call these."""
