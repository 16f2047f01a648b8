#!/bin/bash
# nginx-prometheus-exporter 1.x's command line on Debian's 0.11 exporter: 1.x parses GNU-style flags
# (--flag=value, --flag value, --no-flag), 0.11 Go's flag package (-flag=value, -flag=false). Flags 0.11 lacks
# (logging, systemd sockets, web config files) are dropped with a notice rather than stopping the exporter.
set -euo pipefail
# 0.11 exits when nginx does not answer at start; 1.x keeps running and reports nginx_up 0. Waiting bridges it.
export NGINX_RETRIES="${NGINX_RETRIES:-60}" NGINX_RETRY_INTERVAL="${NGINX_RETRY_INTERVAL:-2s}"
args=()
while [ $# -gt 0 ]; do
  case "$1" in
  --log.* | --web.systemd-socket | --no-web.systemd-socket | --web.config.file*)
    echo "nginx-prometheus-exporter stand-in: $1 has no equivalent in exporter 0.11, ignored." >&2
    case "$1" in --log.level | --log.format | --web.config.file) shift ;; esac
    ;;
  --no-*) args+=("-${1#--no-}=false") ;;
  --*) args+=("${1#-}") ;;
  *) args+=("$1") ;;
  esac
  shift
done
exec /usr/bin/prometheus-nginx-exporter "${args[@]}"
