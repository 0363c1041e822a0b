#!/usr/bin/env bash
# Throughput of an example adapter as UAS under SIPp's built-in uac
# scenario over UDP on loopback (issue #5, item 2): one fresh adapter per
# rate, CALLS calls at each rate, the adapter's CPU time (utime+stime from
# /proc/PID/stat) over the run and after SETTLE seconds (when the
# transactions' Timer J/K have fired), SIPp's counters from its statistics
# file and screen, and the drops at the adapter's socket (/proc/net/udp).
#
#   cargo build --release --examples
#   ci/sipp-throughput.sh tokio_ua 10000 2000 4000 8000 10000
#
# Env: SETTLE (seconds, default 0), SIPP_EXTRA (default: 4 MiB SIPp socket
# buffers, so that drops at SIPp's side do not mask the adapter's).
# Linux only (procfs); loopback only.
set -euo pipefail
cd "$(dirname "$0")/.."
A=${1:?adapter: tokio_ua or mio_ua}; N=${2:?calls}; shift 2
BIN=$PWD/target/release/examples/$A
[ -x "$BIN" ] || { echo "build first: cargo build --release --examples" >&2; exit 2; }
TCK=$(getconf CLK_TCK)
for R in "$@"; do
  D=$(mktemp -d); cd "$D"
  "$BIN" --uas --listen 127.0.0.1:0 > ua.out 2> ua.err &
  PID=$!
  for _ in $(seq 50); do grep -q listening ua.out 2>/dev/null && break; sleep 0.1; done
  PORT=$(sed -n 's/.*udp=127.0.0.1:\([0-9]*\).*/\1/p' ua.out)
  SP=$(python3 -c 'import socket;s=socket.socket(socket.AF_INET,socket.SOCK_DGRAM);s.bind(("127.0.0.1",0));print(s.getsockname()[1])')
  cpu() { awk '{print $14+$15}' /proc/$PID/stat; }
  C0=$(cpu); T0=$(date +%s.%N)
  # shellcheck disable=SC2086
  sipp -sn uac "127.0.0.1:$PORT" -i 127.0.0.1 -p "$SP" -t u1 -m "$N" -r "$R" -timeout 120 -nostdin \
    ${SIPP_EXTRA:--buff_size 4194304} -trace_stat -stf stats.csv -trace_screen -screen_file screen.log \
    > /dev/null 2>&1 && RC=0 || RC=$?
  T1=$(date +%s.%N); C1=$(cpu)
  DROPS=$(awk -v p="$(printf '%04X' "$PORT")" '$2 ~ ":"p"$" {print $NF}' /proc/net/udp)
  sleep "${SETTLE:-0}"; C2=$(cpu)
  kill "$PID"; wait "$PID" 2>/dev/null || true
  python3 - "$A" "$R" "$N" "$RC" "$C0" "$C1" "$C2" "$T0" "$T1" "$TCK" "${DROPS:-?}" "$(cut -d' ' -f1 /proc/loadavg)" <<'PY'
import csv, sys
a, r, n, rc, c0, c1, c2, t0, t1, tck, drops, load = sys.argv[1:]
rows = list(csv.reader(open('stats.csv'), delimiter=';'))
d = dict(zip(rows[0], rows[-1]))
rt = un = 0
for line in open('screen.log'):
    t = line.split()
    arrows = [i for i, x in enumerate(t) if x in ('---------->', '<----------')]
    if not arrows:
        continue
    i = arrows[0]
    nums = [int(x) for x in t[(2 if i == 0 else i + 1):] if x.isdigit()]
    rt += nums[1] if len(nums) > 1 else 0
    un += nums[3] if len(nums) > 3 else 0
ms = lambda a, b: (int(b) - int(a)) * 1000 / int(tck)
n = int(n)
print(f"{a} -r {r}: sipp_rc={rc} ok={d['SuccessfulCall(C)']} failed={d['FailedCall(C)']} "
      f"retrans={d['Retransmissions(C)']} screen_retrans={rt} unexpected={un} "
      f"achieved={float(d['CallRate(C)']):.0f}cps wall={float(t1) - float(t0):.2f}s drops={drops} "
      f"cpu_run={ms(c0, c1):.0f}ms ({ms(c0, c1) * 1000 / n:.0f}us/call) "
      f"cpu_settled={ms(c0, c2):.0f}ms ({ms(c0, c2) * 1000 / n:.0f}us/call) load={load}")
PY
  cd - > /dev/null; rm -rf "$D"
done
