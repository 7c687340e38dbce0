"""Counts that stop at a horizon and say so, and the paginator built on them: exact below the
horizon, "more than" beyond it, one query for several counts, the next page always reachable."""

import pytest
from django.template.loader import render_to_string

from applications.domain.pagination import (
    CappedCount,
    HorizonPaginator,
    capped_counts,
)
from applications.enums import DossierState
from applications.models import Dossier
from tests.explain import many_dossiers
from tests.factories import OrganisationFactory, staff_user

S = DossierState
pytestmark = pytest.mark.django_db


@pytest.fixture
def dossiers():
    """20 dossiers: 10 submitted, 10 under evaluation."""
    many_dossiers(
        organisation=OrganisationFactory(),
        created_by=staff_user("instructor"),
        count=20,
        states=[S.SUBMITTED, S.UNDER_EVALUATION],
    )
    return Dossier.objects.order_by("pk")


def test_capped_count_is_an_int_that_knows_whether_it_is_exact():
    more = CappedCount(1000, exact=False)
    assert more == 1000 and more + 1 == 1001 and str(more) == "1000" and not more.exact
    assert CappedCount(3).exact and not CappedCount(0)


def test_capped_counts_are_exact_below_the_horizon_in_one_query(
    dossiers, django_assert_num_queries
):
    with django_assert_num_queries(1):
        counts = capped_counts(
            {
                "submitted": dossiers.filter(state=S.SUBMITTED),
                "all": dossiers,
                "none": dossiers.filter(state=S.PUBLISHED),
            },
            horizon=15,
        )
    assert counts == {"submitted": 10, "all": 15, "none": 0}
    assert counts["submitted"].exact and counts["none"].exact
    assert not counts["all"].exact  # 20 rows, counted up to 15: "plus de 15"


def test_a_filter_that_can_match_nothing_counts_zero_without_sql(
    dossiers, django_assert_num_queries
):
    """`organisation_id__in=()` (an editor without an organisation) has no SQL: Django raises
    EmptyResultSet when asked for it; the count is 0 and the others are still counted."""
    with django_assert_num_queries(1):
        counts = capped_counts(
            {"nothing": dossiers.filter(service__organisation_id__in=()), "all": dossiers}
        )
    assert counts == {"nothing": 0, "all": 20} and counts["nothing"].exact


@pytest.mark.parametrize(
    ("number", "count", "exact", "pages", "shown"),
    [
        (1, 2 + 5, False, 4, 1),  # counts 2 × 1 + 5 rows past page 1: more than 7
        (4, 8 + 5, False, 7, 4),  # further on, the horizon moves with the page
        (8, 20, True, 10, 8),  # 16 + 5 > 20: the count reached the end, exact
        (99, 20, True, 10, 10),  # beyond the end: the last page, as Django's paginator
        ("abc", 2 + 5, False, 4, 1),
        (10**30, 20, True, 10, 10),  # no SQL LIMIT overflow
    ],
)
def test_horizon_paginator_counts_up_to_the_horizon_past_the_page(
    dossiers, number, count, exact, pages, shown
):
    page = HorizonPaginator(dossiers, 2, horizon=5).get_page(number)
    assert (page.paginator.count, page.paginator.count_is_exact) == (count, exact)
    assert (page.paginator.num_pages, page.number) == (pages, shown)
    assert page.has_next() == (shown < pages)
    assert [d.pk for d in page] == [d.pk for d in dossiers[(shown - 1) * 2 : shown * 2]]


def test_horizon_paginator_uses_a_count_given_when_it_says_enough(
    dossiers, django_assert_num_queries
):
    at_least_15 = CappedCount(15, exact=False)
    with django_assert_num_queries(0):
        assert HorizonPaginator(dossiers, 2, count=CappedCount(20)).get_page(1).number == 1
        # "More than 15": enough for page 7 (rows 13 and 14) and a link to page 8.
        page = HorizonPaginator(dossiers, 2, count=at_least_15).get_page(7)
        assert (page.paginator.count, page.paginator.count_is_exact, page.has_next()) == (
            15,
            False,
            True,
        )
    with django_assert_num_queries(1):  # page 8 ends past the 15 rows known: counted again
        page = HorizonPaginator(dossiers, 2, horizon=100, count=at_least_15).get_page(8)
        assert (page.paginator.count, page.paginator.count_is_exact) == (20, True)


@pytest.mark.parametrize(
    "template", ["reviews/_pagination.html", "applications/dossier/_table.html"]
)
def test_pagination_says_more_than_when_the_count_stopped(dossiers, template):
    capped = HorizonPaginator(dossiers, 2, horizon=5).get_page(1)
    whole = HorizonPaginator(dossiers, 2).get_page(1)
    context = {"caption": "Dossiers", "query": "", "page_param": "page"}

    assert "Page 1 sur plus de 4" in render_to_string(template, {**context, "page": capped})
    html = render_to_string(template, {**context, "page": whole})
    assert "Page 1 sur 10" in html and "plus de" not in html
