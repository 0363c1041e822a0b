#!/usr/bin/env python3
"""Writes the seed scripts of the `endpoint` fuzz target (see
sip_proto::fuzzing::endpoint for the encoding): real call flows between the
two endpoints, and real messages from benches/messages fed raw."""
import os
import struct

HERE = os.path.dirname(os.path.abspath(__file__))
ROOT = os.path.join(HERE, "..", "..", "..")
B = 0x80  # the op acts on the second endpoint
S = {100: 0, 180: 1, 200: 4, 404: 8, 487: 10, 503: 12}
M = {"INVITE": 0, "OPTIONS": 1, "REGISTER": 2, "MESSAGE": 3, "BYE": 4}


def raw(msg, side=0):
    return bytes([0 | side]) + struct.pack(">H", len(msg)) + msg


def req(method, side=0, conn=False, call=0, cseq=0):
    dest = [0, 1, 0] if conn else [1]
    return bytes([68 | side, M[method]] + dest + [call, cseq])


def reflect(side, newest=0, conn=False):
    return bytes([16 | side, newest] + ([1, 0, 37] if conn else []))


def respond(side, server, status, tag=0):
    return bytes([84 | side, server, S[status], tag])


def answer(side, newest, status, tag=1):
    return bytes([32 | side, newest, S[status], tag])


def cancel(side, client=0):
    return bytes([100 | side, client])


def ack(side=0):
    return bytes([108 | side, 0])


def advance(unit, amount):
    return bytes([112, unit, amount])


def header(flags=0, max_tx=4):
    return bytes([flags, max_tx, 0])


def bench(name):
    with open(os.path.join(ROOT, "benches", "messages", name), "rb") as f:
        return f.read()


seeds = {
    "invite_2xx_udp": header()
    + req("INVITE") + reflect(B) + respond(B, 0, 180) + reflect(0)
    + respond(B, 0, 200) + reflect(0) + ack() + reflect(B)
    + respond(B, 0, 200) + reflect(0) + advance(3, 100),
    "invite_cancel_487": header()
    + req("INVITE") + reflect(B) + advance(0, 250) + reflect(0)
    + cancel(0) + reflect(B) + respond(B, 0, 487) + reflect(0) + reflect(0, 1)
    + reflect(B) + advance(3, 40),
    "options_tcp": header()
    + bytes([48, 0, 48 | B, 0]) + req("OPTIONS", conn=True) + reflect(B, conn=True)
    + respond(B, 0, 200) + reflect(0, conn=True) + bytes([60, 1, 0, 0]) + advance(3, 40),
    "nict_lossy_retransmits": bytes([16, 4, 0])
    + req("REGISTER") + advance(1, 30) + reflect(B, 2) + respond(B, 0, 404)
    + reflect(0) + reflect(B, 0) + reflect(0) + advance(2, 200),
    "bench_messages_raw": header(flags=1)
    + raw(bench("01_invite_sdp.sip"), B) + respond(B, 0, 180) + respond(B, 0, 404)
    + raw(bench("04_ack.sip"), B) + raw(bench("05_bye.sip"), B) + respond(B, 1, 200)
    + raw(bench("06_register_push.sip")) + respond(0, 0, 200)
    + raw(bench("08_message.sip")) + raw(bench("08_message.sip")) + respond(0, 1, 200)
    + raw(bench("02_180_ringing.sip")) + raw(bench("03_200_invite_sdp.sip"))
    + advance(3, 100),
    "overload_tight": header(flags=8 | 16 | 2, max_tx=0)
    + bytes([8, 0, 0, 1, 0, 0, 1, 1]) + bytes([8, 0, 1, 2, 0, 0, 1, 1])
    + bytes([8, 0, 0, 1, 0, 0, 1, 1]) + bytes([8, 0, 8, 1, 0, 0, 1, 1])
    + req("MESSAGE") + req("OPTIONS") + advance(2, 100) + respond(0, 0, 503)
    + advance(3, 10),
    "answered_by_peer": header()
    + req("INVITE") + answer(0, 0, 180) + answer(0, 0, 200) + answer(0, 0, 200)
    + req("BYE", call=1) + answer(0, 0, 100) + answer(0, 0, 200) + advance(3, 64),
}

for name, data in seeds.items():
    with open(os.path.join(HERE, name + ".bin"), "wb") as f:
        f.write(data)
