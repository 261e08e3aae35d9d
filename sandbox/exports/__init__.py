"""The export airlock: files frozen and checked, reviewed by the bureau, released as signed bundles.

sandbox.exports.service.ExportService: submit / resubmit / get / list / review / bundle / revoke / revocations
sandbox.exports.bootstrap.open_export_service(settings, grants, catalog, log): the service over the state DB
sandbox.exports.bundle.verify_bundle(data, public_key, revocations): offline verification
sandbox.exports.states: the one transition table (and the Mermaid diagram generated from it)
"""
