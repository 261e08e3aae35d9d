"""The query service: what the gateway (and any other adapter) calls to answer an analyst.

open_query_service(settings, config=None) -> context manager yielding QueryService
QueryService.query(token, sql, correlation_id=..., options=DpOptions(...)) -> QueryResult (dp: noisy, charged)
QueryService.train(token, TrainRequest(...), correlation_id=...) -> dict (a DP model's parameters)
QueryService.catalog_for / whoami / budget(token, correlation_id=...) -> dict
open_gateway_services(settings, config=None) -> GatewayServices(query, audit): both over ONE audit log
AuditReader.events / export_csv / verify (sandbox.queries.audit_reader): auditor and admin staff logins only
"""

from sandbox.queries.errors import AuditUnavailable, RateLimited, RequestRejected
from sandbox.queries.results import Privacy, QueryResult
from sandbox.queries.service import QueryConfig, QueryService

__all__ = [
    "AuditUnavailable",
    "Privacy",
    "QueryConfig",
    "QueryResult",
    "QueryService",
    "RateLimited",
    "RequestRejected",
]
