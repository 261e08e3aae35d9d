"""Differential privacy: noise mechanisms, partition selection and the budget ledger."""

from sandbox.privacy.ledger import (
    Balance,
    BudgetExhausted,
    BudgetLedger,
    CachedAnswer,
    ChargeReceipt,
    Cost,
)

__all__ = ["Balance", "BudgetExhausted", "BudgetLedger", "CachedAnswer", "ChargeReceipt", "Cost"]
