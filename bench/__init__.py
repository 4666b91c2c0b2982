"""Speed measurements (run each file as a script); ``bench.common`` holds what the
benches, ``scripts/`` and the browser tests share."""
