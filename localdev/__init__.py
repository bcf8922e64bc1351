"""Local-only support: the table from infra/, demo data, the `make run` launcher's pieces.

Nothing here is packaged into the Lambda function.
"""
