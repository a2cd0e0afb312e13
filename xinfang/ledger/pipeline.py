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


READ_AHEAD = 3  # batches received and waiting for the writer, at most, as bytes (about 1 MB each)


def forked(messages: Callable[[], Iterator[tuple]], ahead: int = READ_AHEAD) -> Iterator[tuple]:
    """``messages()`` run in a forked reading process, received here as they come.

    A thread of this process takes them off the pipe as they are sent and keeps up to ``ahead`` of
    them waiting, still pickled, so that the reader goes on while the writer pauses (to count the
    tallies, say) and what waits stays a few megabytes; the writer unpickles each as it takes it."""
    import multiprocessing
    import pickle
    import queue
    import threading

    mp = multiprocessing.get_context("fork")
    receive, send = mp.Pipe(duplex=False)
    proc = mp.Process(target=reader_process, args=(messages, send, receive), daemon=True)
    proc.start()  # forked before the receiving thread exists
    send.close()
    waiting: queue.Queue = queue.Queue(maxsize=max(ahead, 1))
    stop = threading.Event()

    def receiving() -> None:
        while not stop.is_set():
            try:
                data = receive.recv_bytes()
            except (EOFError, OSError):
                data = None  # the reader is gone (after its last message, or without it)
            while not stop.is_set():
                try:
                    waiting.put(data, timeout=0.1)
                    break
                except queue.Full:
                    pass
            if data is None:
                return

    thread = threading.Thread(target=receiving, name="xinfang-import-receiver", daemon=True)
    thread.start()
    try:
        while True:
            data = waiting.get()
            if data is None:
                raise Refusal("import.reader_died")
            message = pickle.loads(data)
            yield message
            if message[0] in DONE_KINDS:
                return
    finally:
        stop.set()
        if proc.is_alive():
            proc.kill()  # the pipe's other end closes: a receive under way ends
        proc.join()
        thread.join()
        receive.close()
