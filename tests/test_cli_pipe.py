"""A reader who pipes ``plan`` into ``head`` closes the pipe early: no traceback, exit status 0."""
from __future__ import annotations

import subprocess
import sys


def test_plan_output_into_a_closed_pipe_is_not_an_error():
    proc = subprocess.Popen([sys.executable, "-m", "t2lib", "plan", "--list-laws"], stdout=subprocess.PIPE,
                            stderr=subprocess.PIPE)
    proc.stdout.close()  # the reader is gone before anything is written
    err = proc.stderr.read().decode()
    assert proc.wait() == 0, err
    assert "Traceback" not in err and "BrokenPipe" not in err, err
