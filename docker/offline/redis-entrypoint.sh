#!/bin/sh
# The stand-in's version of the public redis image's entrypoint: options alone mean redis-server; as root, the
# data folder is handed to the redis user and the server drops to it.
set -eu
case "${1:-}" in -*) set -- redis-server "$@" ;; esac
if [ "${1:-}" = redis-server ]; then
  shift
  # The public image compiles protected mode off; Debian's build has it on. A config file must stay first.
  case "${1:-}" in
    *.conf) config=$1; shift; set -- redis-server "$config" --protected-mode no "$@" ;;
    *) set -- redis-server --protected-mode no "$@" ;;
  esac
  if [ "$(id -u)" = 0 ]; then
    find . \! -user redis -exec chown redis '{}' +
    exec setpriv --reuid=redis --regid=redis --init-groups "$@"
  fi
fi
exec "$@"
