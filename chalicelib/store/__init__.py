"""The DynamoDB adapter. The key design is in `keys.py`; each area has its own module."""
