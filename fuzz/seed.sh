#!/usr/bin/env bash
# Seeds fuzz/corpus/<target>/ from the repository's message corpora.
set -eu
cd "$(dirname "$0")"
messages=(../tests/corpus/rfc4475/*.dat ../tests/corpus/rfc5118/*.dat ../benches/messages/*.sip)
for t in message multipart stream roundtrip; do
  mkdir -p corpus/$t
  cp "${messages[@]}" corpus/$t/
done
# The uri target parses one URI, not a message: seeded with whole messages
# it starts nearly cold (they fail at the first byte after the scheme). Its
# seeds are every URI of the corpora instead, one per file: each
# Request-URI and the contents of each <...> (name-addr, RFC 3261 §25.1).
mkdir -p corpus/uri
for f in "${messages[@]}"; do
  {
    head -n1 "$f" | tr -d '\r' | cut -d' ' -f2
    grep -ao '<[^<>]*>' "$f" | sed 's/^<//; s/>$//' || true
  } | while IFS= read -r u; do
    [ -n "$u" ] || continue
    h=$(printf '%s' "$u" | sha1sum | cut -c1-16)
    printf '%s' "$u" > "corpus/uri/$h"
  done
done
# The endpoint target reads scripts, not messages: its seeds are call flows
# (and real messages fed raw), written by tests/corpus/endpoint/make_seeds.py.
mkdir -p corpus/endpoint
cp ../tests/corpus/endpoint/*.bin corpus/endpoint/
