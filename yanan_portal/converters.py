class IdConverter:
    """A database id: digits only and short enough for a 64-bit integer column.

    Django's ``int`` converter accepts any length, and a 30-digit id would overflow
    PostgreSQL's bigint and end in a 500 instead of a 404.
    """

    regex = "[0-9]{1,18}"

    def to_python(self, value):
        return int(value)

    def to_url(self, value):
        return str(value)
