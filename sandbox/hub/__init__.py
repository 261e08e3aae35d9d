"""JupyterHub glue: the bureau-token authenticator, the local demo spawner, the server-side authorizer.

The hub is an adapter: it asks the gateway (``/v1/hub``) to verify logins and to mint and revoke
notebook session tokens, so verification, revocation and the audit trail stay in one place.
"""
