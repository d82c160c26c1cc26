"""Long lists a page at a time, at a cost that does not grow with the list, and the largest
id a URL may name."""

from __future__ import annotations

from django.core.paginator import Paginator
from django.utils.functional import cached_property

# The largest primary key (ids are BigAutoField): a larger id in a URL is a 404 before any
# query, never an overflow in the database.
MAX_ID = 2**63 - 1
# The largest LIMIT a page may ask for, whatever page number it is given.
_MAX_ROWS = 2**31 - 1


class BoundedPaginator(Paginator):
    """Counts at most `ahead` rows past the start of the page asked for, in one COUNT over a
    LIMIT: an exact count of a long list costs more than the page.

    With `every_row`, every row stays reachable page by page, and `pages_at_least` is set
    when the exact number of pages is unknown, so the page can say "of more than N" instead
    of a wrong number. Without it, the list ends after `ahead` rows.
    """

    def __init__(self, object_list, per_page, *, ahead: int, every_row: bool = False,
                 **kwargs) -> None:
        super().__init__(object_list, per_page, **kwargs)
        self.ahead = self.limit = ahead
        self.every_row = every_row

    def get_page(self, number):
        if self.every_row:
            try:
                wanted = min(int(number), _MAX_ROWS // self.per_page)  # huge: no overflow
            except (TypeError, ValueError):
                wanted = 1
            self.limit = max(wanted - 1, 0) * self.per_page + self.ahead
        return super().get_page(number)

    @cached_property
    def count(self) -> int:
        # With every_row, one more than the limit tells whether there are more.
        return self.object_list.order_by().values("pk")[:self.limit + self.every_row].count()

    @property
    def pages_at_least(self) -> int | None:
        if self.every_row and self.count > self.limit:
            return self.limit // self.per_page
        return None
