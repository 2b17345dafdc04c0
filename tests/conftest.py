from tests.servers.fixtures import *  # noqa: F401,F403
