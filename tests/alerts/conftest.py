from tests.pipeline.conftest import linked_town, town_copy, town_dir  # noqa: F401
