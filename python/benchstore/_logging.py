"""The runner's log format for Python code: "[INFO - 2026-11-26 12:00:00,123] message", the seed's
logging.Formatter, so lines from Python modules read like the runner's own."""
import logging
import sys
from typing import Optional, TextIO

LOG_FORMAT = "[%(levelname)s - %(asctime)s] %(message)s"


def runner_logger(name: str = "benchstore", stream: Optional[TextIO] = None,
                  level: int = logging.INFO) -> logging.Logger:
    """A logging.Logger writing the runner's format to stream (default: standard output, as the seed).

    Calling it again for the same name replaces the handler rather than adding a second one."""
    logger = logging.getLogger(name)
    for handler in list(logger.handlers):
        logger.removeHandler(handler)
    handler = logging.StreamHandler(stream if stream is not None else sys.stdout)
    handler.setFormatter(logging.Formatter(LOG_FORMAT))
    logger.addHandler(handler)
    logger.setLevel(level)
    logger.propagate = False
    return logger
