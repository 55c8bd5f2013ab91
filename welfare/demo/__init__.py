"""Demo data: a believable Linyuan for trying the app and for benchmarks."""

from welfare.demo.cli import demo_cli  # noqa: F401
