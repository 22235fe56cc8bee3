"""Peer reader for the benchmark: openpyxl read-only (or pandas for CSV). Prints one JSON line."""
import json
import resource
import sys
import time

mode, path = sys.argv[1], sys.argv[2]
started = time.perf_counter()
rows = 0
if mode == "openpyxl":
    import openpyxl

    workbook = openpyxl.load_workbook(path, read_only=True, data_only=True)
    for _ in workbook.worksheets[0].iter_rows(values_only=True):
        rows += 1
    rows -= 1
else:
    import pandas

    rows = len(pandas.read_csv(path))
seconds = time.perf_counter() - started


def peak_rss_mb():
    # ru_maxrss survives exec on Linux (it would be the parent's); VmHWM is this process's own.
    try:
        with open("/proc/self/status") as status:
            for line in status:
                if line.startswith("VmHWM:"):
                    return round(int(line.split()[1]) / 1024)
    except OSError:
        pass
    return round(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024)


print(json.dumps({"rows": rows, "seconds": seconds, "peakRssMB": peak_rss_mb()}))
