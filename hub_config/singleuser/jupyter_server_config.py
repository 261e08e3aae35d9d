# ruff: noqa: INP001
# Notebook-server settings for every sandbox server (local demo and the Docker image alike).
# Loaded through JUPYTER_CONFIG_DIR; user config is disabled by the hub (disable_user_config).
import os

c = get_config()  # noqa: F821

c.ServerApp.terminals_enabled = False
c.ServerApp.authorizer_class = "sandbox.hub.server_auth.SandboxAuthorizer"
c.FileContentsManager.files_handler_class = None  # no raw /files/ download route (404)
c.ContentsManager.allow_hidden = False
c.ServerApp.max_body_size = 20 * 1024 * 1024  # upload cap
c.ServerApp.max_buffer_size = 20 * 1024 * 1024
c.ServerApp.iopub_data_rate_limit = 1_000_000
c.ServerApp.iopub_msg_rate_limit = 1000
c.MappingKernelManager.cull_idle_timeout = 3600
c.MappingKernelManager.cull_interval = 300
c.MappingKernelManager.cull_connected = True
if os.geteuid() == 0:  # local demo only (containers run as uid 1000): jupyter-server refuses root otherwise
    c.ServerApp.allow_root = True
