"""The benchmark behind ``make bench`` (issue 10): ``run.py`` measures, ``endpoint.py`` is the
local IAM endpoint it measures against (the sandbox's server, which the tests use too),
``floor.py`` the bare botocore script. See docs/performance.md for what each figure means."""
