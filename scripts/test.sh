#!/usr/bin/env bash
# Runs lkdash's whole test suite on a fresh machine: installs what the tests
# need (tmux for the end-to-end dashboard test, redis-server for the local
# cluster tests, the pinned livekit-server for the integration tests), then
# checks formatting, vet and staticcheck, then `go test -race`.
set -euo pipefail
cd "$(dirname "$0")/.."

LIVEKIT_VERSION=v1.13.5
cache="${XDG_CACHE_HOME:-$HOME/.cache}/lkdash/livekit-server-$LIVEKIT_VERSION"

need_apt=()
command -v tmux >/dev/null 2>&1 || need_apt+=(tmux)
command -v redis-server >/dev/null 2>&1 || need_apt+=(redis-server)
if [ ${#need_apt[@]} -gt 0 ]; then
  echo "test.sh: installing ${need_apt[*]}"
  if [ "$(id -u)" -eq 0 ]; then sudo=""; else sudo="sudo"; fi
  $sudo apt-get update -qq
  $sudo apt-get install -y -qq "${need_apt[@]}" >/dev/null
fi

# Same path and build the managed-server code uses, so the cache is shared
# with `lkdash devserver` and later runs skip the ~5 minute build.
if [ ! -x "$cache/server" ] && ! command -v livekit-server >/dev/null 2>&1; then
  echo "test.sh: building livekit-server $LIVEKIT_VERSION into $cache (once)"
  mkdir -p "$cache"
  (cd /tmp && GOBIN="$cache" go install "github.com/livekit/livekit-server/cmd/server@$LIVEKIT_VERSION")
fi

unformatted=$(gofmt -l $(git ls-files '*.go' 2>/dev/null || find . -name '*.go'))
if [ -n "$unformatted" ]; then
  echo "test.sh: gofmt would change:"; echo "$unformatted"; exit 1
fi
go vet ./...
# Pinned, so a new release's checks land in their own commit, not in CI.
go run honnef.co/go/tools/cmd/staticcheck@v0.8.2 ./...
go test -race -count=1 -timeout 30m "$@" ./...
