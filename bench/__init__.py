"""`make bench`: DynamoDB requests per API call, items read by the job, import time of app.py.

Each area has a module with `run() -> list[Row]`; `python -m bench` runs them all in moto
(in-process) and prints one Markdown table. Requests are counted with a botocore event hook on
the portal's own DynamoDB client, so what is counted is exactly what the code sends.
"""
