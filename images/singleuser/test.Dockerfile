# make test-docker only: the notebook image rebuilt on a Debian base made by debootstrap (no registry
# here). Same server settings and client as images/singleuser/Dockerfile; context made by test-docker.sh.
ARG BASE=sandbox-test/debian-base:bookworm
FROM ${BASE}
COPY wheels/ /tmp/wheels/
RUN python3 -m venv /opt/venv \
    && /opt/venv/bin/pip install --no-cache-dir --no-index --find-links /tmp/wheels \
        jupyterhub jupyterlab jupyter_server ipykernel httpx pandas pyarrow \
    && rm -rf /tmp/wheels \
    && useradd --uid 1000 --gid 100 --create-home jovyan \
    && mkdir -p /home/jovyan/work && chown 1000:100 /home/jovyan/work
COPY lib/ /opt/sandbox/lib/
COPY etc-jupyter/ /etc/jupyter/
COPY notebooks/ /opt/sandbox/notebooks/
RUN chmod -R a+rX,go-w /opt/sandbox /etc/jupyter
ENV PATH=/opt/venv/bin:$PATH PYTHONPATH=/opt/sandbox/lib JUPYTER_CONFIG_DIR=/etc/jupyter
USER 1000:100
WORKDIR /home/jovyan/work
CMD ["jupyterhub-singleuser"]
