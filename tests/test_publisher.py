"""The publisher as the page names it: the holder of its copyright line, no list of sites."""

from __future__ import annotations

import pytest

from flows.core.page.publisher import find_publisher


@pytest.mark.parametrize(
    ("line", "publisher"),
    [
        ("© 2022 Bayside Gazette. All rights reserved.", "Bayside Gazette"),
        ("Copyright © 2023, Lakeside Tribune", "Lakeside Tribune"),
        ("© 2023 Copyright Harbour News", "Harbour News"),
        ("© Copyright 2017 Glen.news", "Glen.news"),
        ("(c) 2019-2023 Valley Courier Ltd | Privacy policy", "Valley Courier Ltd"),
        ("© Hill Radio", "Hill Radio"),
        ("© 2023 a subsidiary of a larger group", None),  # not a name
        ("Copyright 2020 by the author", None),
        ("He paid £5 © in the shop", None),  # not a copyright line
    ],
)
def test_publisher_from_the_copyright_line(line: str, publisher: str | None) -> None:
    assert find_publisher(["Some headline here", "A paragraph of the story.", line]) == publisher


def test_publisher_is_the_last_copyright_line_of_the_page() -> None:
    blocks = ["© 2021 Photo Agency", "Story text.", "© 2022 Bayside Gazette. All rights reserved."]
    assert find_publisher(blocks) == "Bayside Gazette"
    assert find_publisher(["No footer at all."]) is None
