"""``__in`` on an integer column, without the values no row of it can hold.

Django drops an out-of-range integer from ``exact``, ``gt``, ``lt``… (IntegerFieldOverflow)
but not from ``in``, so on SQLite ``?id__in=99999999999999999999`` on any admin list ended in
OverflowError, a 500. PostgreSQL compares such a number without complaint; both now get the
same empty answer. Registered when the app is ready (apps.py).
"""

from django.db.models import ForeignObject, IntegerField
from django.db.models.fields.related_lookups import RelatedIn
from django.db.models.lookups import In


class InRangeOnly:
    def process_rhs(self, compiler, connection):
        if self.rhs_is_direct_value():
            field = self.lhs.output_field
            # A foreign key holds the values of the column it points at.
            column = getattr(field, "target_field", field)
            try:
                low, high = connection.ops.integer_field_range(column.get_internal_type())
            except KeyError:  # not an integer column
                low = high = None
            self.rhs = [
                value for value in self.rhs
                if not isinstance(value, int)
                or ((low is None or value >= low) and (high is None or value <= high))
            ]
        # An empty list is Django's own EmptyResultSet: no row, no query.
        return super().process_rhs(compiler, connection)


class IntegerIn(InRangeOnly, In):
    pass


class RelatedIntegerIn(InRangeOnly, RelatedIn):
    pass


def register():
    IntegerField.register_lookup(IntegerIn)
    ForeignObject.register_lookup(RelatedIntegerIn)
