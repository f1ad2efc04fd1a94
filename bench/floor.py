"""The bare botocore floor: the least a botocore program can do for one ``list users`` call.

It imports botocore, builds an IAM client for the endpoint in EUARE_URL (credentials and region
from the environment, as botocore finds them), makes one ListUsers call and prints each user's
ARN, as euare-userlistbypath does. Run by bench/run.py with the project's own Python.
"""

import os

import botocore.session

client = botocore.session.get_session().create_client("iam", endpoint_url=os.environ["EUARE_URL"])
for user in client.list_users()["Users"]:
    print(user["Arn"])
