class ElidedPageRangeMixin:
    """Adds ``page_range`` (1 2 … 7 8 9 … 40 50) for ``includes/pagination.html``."""

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        page = context.get("page_obj")
        if page is not None:
            context["page_range"] = page.paginator.get_elided_page_range(page.number, on_each_side=2, on_ends=1)
        return context
