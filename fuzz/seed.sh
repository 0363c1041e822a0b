#!/usr/bin/env bash
# Seeds fuzz/corpus/<target>/ from the repository's message corpora.
set -eu
cd "$(dirname "$0")"
for t in message uri multipart stream roundtrip; do
  mkdir -p corpus/$t
  cp ../tests/corpus/rfc4475/*.dat ../tests/corpus/rfc5118/*.dat ../benches/messages/*.sip corpus/$t/
done
# The endpoint target reads scripts, not messages: its seeds are call flows
# (and real messages fed raw), written by tests/corpus/endpoint/make_seeds.py.
mkdir -p corpus/endpoint
cp ../tests/corpus/endpoint/*.bin corpus/endpoint/
