"""Authorizations: the bureau's signing key, EdDSA JWT issue/verify, and the register of issued tokens."""

from sandbox.grants.claims import Claims, GrantClaims, StaffClaims
from sandbox.grants.records import GrantRecord, RevokeResult
from sandbox.grants.service import GrantConfig, GrantService, IssuedGrant, IssuedStaffToken

__all__ = [
    "Claims",
    "GrantClaims",
    "GrantConfig",
    "GrantRecord",
    "GrantService",
    "IssuedGrant",
    "IssuedStaffToken",
    "RevokeResult",
    "StaffClaims",
]
