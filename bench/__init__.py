"""The benchmark behind ``make bench`` (issue 10): ``run.py`` measures, ``iam_model.py`` is the
local IAM endpoint it measures against, ``floor.py`` the bare botocore script. See
docs/performance.md for what each figure means."""
