"""Demo content of the members app. The 13 counties come from a data migration."""

from .models import CountyBranch


def load(command=None) -> dict[str, CountyBranch]:
    return {branch.slug: branch for branch in CountyBranch.objects.all()}
