"""File storage that does not leave orphans when the database transaction around a save fails.

A file is written to disk as soon as the model form saves it, but the row that points to it
may still be rolled back (an exception later in the same admin save, a failed inline). Each
file written inside a transaction during a request is remembered with an ``on_commit`` hook;
at the end of the request, a file whose transaction was rolled back is deleted.
"""

import contextvars
import logging

from django.core.files.storage import FileSystemStorage
from django.db import connection, transaction

logger = logging.getLogger(__name__)

_pending: contextvars.ContextVar[dict | None] = contextvars.ContextVar("portal_pending_files", default=None)


class TransactionalFileSystemStorage(FileSystemStorage):
    def _save(self, name, content):
        name = super()._save(name, content)
        pending = _pending.get()
        if pending is not None and connection.in_atomic_block:

            def committed(name=name):
                pending.pop(name, None)

            pending[name] = (self, committed)
            transaction.on_commit(committed)
        return name


def _still_waiting(callback) -> bool:
    # Django keeps the hooks of an open transaction in run_on_commit and drops those of a
    # rolled-back savepoint or transaction; an open outer transaction (a test) keeps them.
    return any(entry[1] is callback for entry in connection.run_on_commit)


class OrphanFileCleanupMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        pending = {}
        token = _pending.set(pending)
        try:
            return self.get_response(request)
        finally:
            _pending.reset(token)
            for name, (storage, callback) in list(pending.items()):
                if not _still_waiting(callback):
                    logger.warning("删除回滚事务留下的上传文件 (orphan upload removed): %s", name)
                    storage.delete(name)
