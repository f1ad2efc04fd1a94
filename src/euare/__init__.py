"""euare: the euca2ools ``euare-*`` IAM commands on Python 3, click and boto3."""

__version__ = "0.1.0"
