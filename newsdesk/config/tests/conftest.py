from newsdesk.live.tests.conftest import sse_open  # noqa: F401 - fixture
