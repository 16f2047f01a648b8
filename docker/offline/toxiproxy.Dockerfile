# STAND-IN for the public image ghcr.io/shopify/toxiproxy (the tag the compose files name), for machines that cannot
# reach a container registry (see docker/README.md); built by scripts/docker-bootstrap.sh only when the pull fails.
# Faithful to the release: the bootstrap builds toxiproxy-server and toxiproxy-cli from their Go module at the
# version the tag names (static, as upstream's release builds), and this file lays them out as upstream's does.
# The contract it keeps: FROM scratch (no shell: a healthcheck can run only `/toxiproxy-cli`), /toxiproxy as the
# entrypoint with `-host=0.0.0.0` as the default command (a compose `command:` replaces it), the API on 8474,
# LOG_LEVEL=info, the process as root as upstream.
FROM scratch
COPY toxiproxy /toxiproxy
COPY toxiproxy-cli /toxiproxy-cli
ENV LOG_LEVEL=info
EXPOSE 8474
ENTRYPOINT ["/toxiproxy"]
CMD ["-host=0.0.0.0"]
