"""SMTP PIPELINING against smtplib: 2,000 messages of about 6 kB over one connection to an aiosmtpd server
in a process of its own (offering PIPELINING), sent by `smtplib.SMTP.sendmail` (four round trips each) and
by notifications.pipelining (one), alternately, FANOUT_ROUNDS rounds (default 5). No database.

Run:  .venv/bin/python bench/pipelining.py
The last line is one JSON object: the median of pipelined over plain messages per second.
"""

import json
import os
import smtplib
import statistics
import subprocess
import sys
import time
from pathlib import Path

BASE_DIR = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(BASE_DIR))

from notifications.pipelining import Envelope, Pipeline  # noqa: E402
from tests.support.smtp import free_port  # noqa: E402

MESSAGES = 2000
ROUNDS = int(os.environ.get("FANOUT_ROUNDS", "5"))
BODY = ("x" * 70 + "\r\n") * 80  # about the size of an invitation
# The server in a process of its own, as a real one is: in this process it would share the interpreter's lock.
SERVER = """
import logging, sys, time
from aiosmtpd.controller import Controller
logging.disable(logging.INFO)

class Accept:
    async def handle_EHLO(self, server, session, envelope, hostname, responses):
        session.host_name = hostname
        return [*responses[:-1], "250-PIPELINING", responses[-1]]

    async def handle_DATA(self, server, session, envelope):
        return "250 2.0.0 Accepted"

Controller(Accept(), hostname="127.0.0.1", port=int(sys.argv[1])).start()
print("ready", flush=True)
time.sleep(3600)
"""


def messages() -> list[tuple[str, bytes]]:
    return [
        (
            f"b{i}@example.org",
            f"From: a@example.org\r\nTo: b{i}@example.org\r\nSubject: {i}\r\n\r\n{BODY}".encode(),
        )
        for i in range(MESSAGES)
    ]


def plain(port: int, prebuilt: list[tuple[str, bytes]]) -> float:
    began = time.perf_counter()
    with smtplib.SMTP("127.0.0.1", port) as smtp:
        for to, data in prebuilt:
            smtp.sendmail("a@example.org", [to], data)
    return time.perf_counter() - began


def pipelined(port: int, prebuilt: list[tuple[str, bytes]]) -> float:
    began = time.perf_counter()
    with smtplib.SMTP("127.0.0.1", port) as smtp:
        pipeline = Pipeline(smtp)
        assert pipeline.offered
        outcomes = []
        for key, (to, data) in enumerate(prebuilt):
            outcomes += pipeline.send(Envelope(key, "a@example.org", [to], data))
        outcomes += pipeline.flush()
    assert len(outcomes) == MESSAGES and all(error is None for _, error in outcomes)
    return time.perf_counter() - began


def main() -> None:
    port = free_port()
    server = subprocess.Popen([sys.executable, "-c", SERVER, str(port)], stdout=subprocess.PIPE)  # noqa: S603
    try:
        assert server.stdout is not None
        server.stdout.readline()
        prebuilt = messages()
        ratios = []
        for number in range(ROUNDS):
            ours, theirs = pipelined(port, prebuilt), plain(port, prebuilt)
            ratios.append(theirs / ours)
            print(
                f"round {number + 1}: smtplib.sendmail {MESSAGES / theirs:.0f}/s, pipelined "
                f"{MESSAGES / ours:.0f}/s, pipelined/plain {theirs / ours:.2f}",
                flush=True,
            )
    finally:
        server.kill()
        server.wait()
    print(
        json.dumps(
            {
                "messages": MESSAGES,
                "rounds": ROUNDS,
                "ratio_pipelined_over_plain": round(statistics.median(ratios), 3),
                "ratio_min": round(min(ratios), 3),
                "ratio_max": round(max(ratios), 3),
            }
        )
    )


if __name__ == "__main__":
    main()
