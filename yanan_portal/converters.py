class IdConverter:
    """A database id: digits only and short enough for a 64-bit integer column.

    Django's ``int`` converter accepts any length, and a 30-digit id would overflow
    PostgreSQL's bigint and end in a 500 instead of a 404. No leading zero (ids start at 1):
    /news/org/01/ would be a second address of /news/org/1/.
    """

    regex = "[1-9][0-9]{0,17}"

    def to_python(self, value):
        return int(value)

    def to_url(self, value):
        return str(value)
