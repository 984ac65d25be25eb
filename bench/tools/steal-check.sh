#!/bin/sh
# Before a latency run: loads both cores for 4 s and prints the steal vmstat saw (the CPU the
# hypervisor gave to other guests). Above ~5 %, a run mostly measures the neighbours
# (docs/benchmarks.md, "Reading a run").
(timeout 4 yes > /dev/null &)
(timeout 4 yes > /dev/null &)
vmstat 1 4 | tail -n 3 | awk '{ s += $17 } END { printf "steal under load: %.1f %%\n", s / 3 }'
