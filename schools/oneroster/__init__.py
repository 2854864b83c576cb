"""OneRoster 1.1 and 1.2 CSV bulk files: read a zip, plan a sync, apply it in one transaction.

reader.py turns the zip into tables (refusing what cannot be read, kindly); sync.py compares
them with the school and says what would change, then applies exactly that.
"""
