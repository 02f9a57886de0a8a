#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-2.0
"""UDP for the fakenic test (a fresh socket each run, so XPS picks its
TX queue from the sending CPU).

  udp.py send ADDR DPORT COUNT [SPORT]
  udp.py spray ADDR DPORT FLOWS   (5 datagrams from each of FLOWS sockets)
  udp.py recv PORT COUNT SECONDS READY_FILE -> datagrams received
"""
import socket
import sys
import time


def main(argv):
    if argv[1] == "send":
        s = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
        if len(argv) > 5:
            s.bind(("0.0.0.0", int(argv[5])))
        for i in range(int(argv[4])):
            s.sendto(b"fakenic %d" % i, (argv[2], int(argv[3])))
            if i % 50 == 49:
                time.sleep(0.01)   # stay below the ring size
    elif argv[1] == "spray":
        socks = [socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
                 for _ in range(int(argv[4]))]
        for i in range(5):
            for s in socks:
                s.sendto(b"fakenic", (argv[2], int(argv[3])))
            time.sleep(0.01)
    else:
        s = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
        s.bind(("0.0.0.0", int(argv[2])))
        open(argv[5], "w").close()
        want, end, got = int(argv[3]), time.time() + float(argv[4]), 0
        while got < want and time.time() < end:
            s.settimeout(max(0.1, end - time.time()))
            try:
                s.recv(2048)
                got += 1
            except socket.timeout:
                break
        print(got)


if __name__ == "__main__":
    main(sys.argv)
