"""The notebook client for the sandbox gateway.

    from sandbox.client import connect
    db = connect()                      # SANDBOX_GATEWAY_URL and SANDBOX_TOKEN from the environment
    df = db.sql("SELECT county_code, count(*) FROM tourism.lodging_checkin GROUP BY 1")
    df.attrs["rewritten_sql"], df.attrs["notices"], df.attrs["privacy"]

In a notebook: ``%load_ext sandbox.client``, then ``%%sql`` cells.
"""

from sandbox.client.client import Client, connect
from sandbox.client.errors import ClientError, PolicyError
from sandbox.client.magic import load_ipython_extension

__all__ = ["Client", "ClientError", "PolicyError", "connect", "load_ipython_extension"]
