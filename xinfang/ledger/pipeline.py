"""A reading process beside the writing one: a generator of messages run in a forked process, its
messages received here as they come (the import reads and checks a large file while this process
writes the batches)."""

from __future__ import annotations

import os
from typing import Callable, Iterator

from xinfang.errors import Refusal, XinfangError

DONE_KINDS = frozenset({"done", "refused", "error", "crash"})  # the last message of a reading


def reader_process(messages: Callable[[], Iterator[tuple]], send, unused) -> None:
    """The reading process: sends each message to the writer; stops when the writer is gone."""
    import traceback

    unused.close()
    try:
        try:
            for message in messages():
                send.send(message)
        except XinfangError as exc:
            refusal = (exc.code, exc.field, exc.params) if isinstance(exc, Refusal) else None
            send.send(("error", exc.message, exc.fix, refusal))
        except (BrokenPipeError, ConnectionResetError):
            pass
        except BaseException:
            send.send(("crash", traceback.format_exc()))
    except BaseException:
        pass
    finally:
        os._exit(0)  # no atexit handlers, no flushing of streams inherited from the writer


def forked(messages: Callable[[], Iterator[tuple]]) -> Iterator[tuple]:
    """``messages()`` run in a forked reading process, received here as they come. The pipe holds
    about one batch, so the reader is never more than a batch or two ahead of the writer."""
    import multiprocessing

    mp = multiprocessing.get_context("fork")
    receive, send = mp.Pipe(duplex=False)
    proc = mp.Process(target=reader_process, args=(messages, send, receive), daemon=True)
    proc.start()
    send.close()
    try:
        while True:
            try:
                message = receive.recv()
            except EOFError:
                raise Refusal("import.reader_died") from None
            yield message
            if message[0] in DONE_KINDS:
                return
    finally:
        receive.close()
        if proc.is_alive():
            proc.kill()
        proc.join()
