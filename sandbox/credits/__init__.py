"""Metering, contribution credits (requirements §4.3), statements, certificates and self-reports.

Pure cores: ``scheme`` (the arithmetic), ``jobs`` (pricing one release), ``metering`` (audit entry →
record), ``periods``. Services: ``service.CreditService`` (meter + views), ``statements``,
``certificates``, ``reports``, ``api.CreditApi`` (role checks + audit). Built by ``bootstrap``.
"""
